"""Bounds ("the physical limit") that turn plan figures into ratios.

- ``coverage_bound``: maximum interest coverage for a club placement, a max-weight b-matching
  (participant degree ≤ rounds attended, table degree ≤ rounds × seats, every participant–table edge
  at most once) solved as an LP (the bipartite incidence matrix is totally unimodular, so the LP optimum
  is integral). A club with two booths may be counted at both tables, which only loosens the bound.
  The b-matching ignores rounds, couples, guides and step-free needs; by König's edge-colouring theorem it
  is exact without them, but together they can make it loose: on the benchmark market of 60 people
  (``markt(1)``) it says 179 while at most 178 are possible (the couple that must sit together and the
  people who need one of the five step-free tables compete for the same seats; each alone leaves the
  bound exact). ``solve`` therefore replaces it by the MIP's proven bound (``ganzzahlig``) where the MIP
  is small enough, and keeps the b-matching value in ``abdeckung_lp``.
- ``repeats_bound``: meetings forced by the table sizes beyond the pairs available.
- ``absent_groups_bound``, ``municipality_bound``: per-round max-flow bounds, exact for a round on
  its own (see each function).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import maximum_flow

from automation.domain.tischplan.problem import Problem


@dataclass
class Bounds:
    """All bounds of one instance with its club placement."""

    coverage: int
    repeats: int
    absent_groups: int
    municipality: int
    people_met_max: int
    oversubscribed: list[tuple[str, int, int]] = field(default_factory=list)
    coverage_lp: int | None = None
    """The b-matching bound when the MIP proved a tighter one (then ``coverage`` is the MIP's)."""


def coverage_bound(pr: Problem, clubs_at: list[list[int]]) -> int:
    """Upper bound on the number of covered (participant, interest) pairs.

    An LP over x[p, t] (p visits table t, at most once, at most as often as p attends rounds; a table
    takes at most rounds × seats visits) and y[p, i] ≤ Σ x[p, t] over the tables of interest i (each
    interest counts once, also when its club has two booths). Without second booths the LP is the
    b-matching of the module docstring and integral; with them its floor is still a valid bound.
    """
    tables_of: list[list[int]] = [[] for _ in range(pr.C)]
    for t, clubs in enumerate(clubs_at):
        for v in clubs:
            tables_of[v].append(t)
    x: dict[tuple[int, int], int] = {}
    y_rows: list[list[int]] = []
    for p in range(pr.N):
        for v, _w in pr.interests[p]:
            cols = []
            for t in tables_of[v]:
                if pr.needs_access[p] and not pr.table_access[t]:
                    continue
                cols.append(x.setdefault((p, t), len(x)))
            if cols:
                y_rows.append(cols)
    if not y_rows:
        return 0
    nx, ny = len(x), len(y_rows)
    rows: list[int] = []
    cols_: list[int] = []
    vals: list[float] = []
    b_ub: list[float] = []
    # y_i − Σ x ≤ 0
    for i, xs in enumerate(y_rows):
        rows.append(len(b_ub))
        cols_.append(nx + i)
        vals.append(1.0)
        for c in xs:
            rows.append(len(b_ub))
            cols_.append(c)
            vals.append(-1.0)
        b_ub.append(0.0)
    per_person: dict[int, list[int]] = {}
    per_table: dict[int, list[int]] = {}
    for (p, t), c in x.items():
        per_person.setdefault(p, []).append(c)
        per_table.setdefault(t, []).append(c)
    for p, cs in per_person.items():
        for c in cs:
            rows.append(len(b_ub))
            cols_.append(c)
            vals.append(1.0)
        b_ub.append(float(len(pr.rounds_of[p])))
    for t, cs in per_table.items():
        for c in cs:
            rows.append(len(b_ub))
            cols_.append(c)
            vals.append(1.0)
        b_ub.append(float(pr.seats[t] * pr.R))
    a_ub = coo_matrix((vals, (rows, cols_)), shape=(len(b_ub), nx + ny)).tocsr()
    objective = np.concatenate([np.zeros(nx), -np.ones(ny)])
    res = linprog(objective, A_ub=a_ub, b_ub=np.array(b_ub), bounds=(0, 1), method="highs")
    if res.status != 0:  # pragma: no cover - the LP is always feasible (x = 0)
        return ny
    return math.floor(float(-res.fun) + 1e-6)


def _even_sizes(pr: Problem, n: int) -> list[int]:
    """Table sizes for n people as even as the seat counts allow (minimises Σ C(n_t, 2))."""
    sizes = [0] * pr.T
    heap = [(0, t) for t in range(pr.T) if pr.seats[t] > 0]
    heapq.heapify(heap)
    for _ in range(n):
        if not heap:
            break
        size, t = heapq.heappop(heap)
        sizes[t] = size + 1
        if size + 1 < pr.seats[t]:
            heapq.heappush(heap, (size + 1, t))
    return sizes


def repeats_bound(pr: Problem) -> int:
    """max(0, meetings forced by the table sizes − distinct pairs that may meet).

    Pairs of one ``zusammen`` group meet in every round but never count as repeats; ``getrennt`` pairs
    may never meet, so they are not available.
    """
    meetings = 0
    for r in range(pr.R):
        meetings += sum(n * (n - 1) // 2 for n in _even_sizes(pr, len(pr.attendees[r])))
        for members in pr.units:
            k = sum(1 for p in members if pr.attends[p][r])
            meetings -= k * (k - 1) // 2
    together = sum(len(m) * (len(m) - 1) // 2 for m in pr.units)
    apart = sum(len(x) for x in pr.getrennt_of) // 2
    available = pr.N * (pr.N - 1) // 2 - together - apart
    return max(0, meetings - available)


def _max_flow(sources: list[int], caps_between: int | None, sinks: list[int]) -> int:
    """Max flow source → left node i (capacity ``sources[i]``) → every right node j (``caps_between``
    each, unbounded when None) → sink (capacity ``sinks[j]``), on a complete bipartite graph."""
    a, b = len(sources), len(sinks)
    if not a or not b:
        return 0
    between = caps_between if caps_between is not None else max(sum(sources), 1)
    n = a + b + 2
    rows = [0] * a + [1 + i for i in range(a) for _ in range(b)] + [1 + a + j for j in range(b)]
    cols = [1 + i for i in range(a)] + [1 + a + j for _ in range(a) for j in range(b)] + [n - 1] * b
    vals = list(sources) + [between] * (a * b) + list(sinks)
    graph = csr_matrix((np.array(vals, dtype=np.int32), (rows, cols)), shape=(n, n))
    return int(maximum_flow(graph, 0, n - 1).flow_value)


def absent_groups_bound(pr: Problem) -> int:
    """Exact per round (ignoring couples, guides and the like), minimised over the number T_o of occupied
    tables (the T_o largest): T_o·K minus the most (Gruppe, table) incidences a flow can place — source
    → Gruppe k (its n_k people) → table (one incidence per Gruppe) → sink (the table's seats)."""
    total = 0
    caps = sorted(pr.seats, reverse=True)
    for r in range(pr.R):
        people = pr.attendees[r]
        n = len(people)
        if n == 0:
            continue
        counts: dict[int, int] = {}
        for p in people:
            counts[pr.group[p]] = counts.get(pr.group[p], 0) + 1
        K = len(counts)
        t_min = 1
        while t_min < len(caps) and sum(caps[:t_min]) < n:
            t_min += 1
        best = None
        for t_occ in range(t_min, min(pr.T, n) + 1):
            value = t_occ * K - _max_flow(list(counts.values()), 1, caps[:t_occ])
            best = value if best is None else min(best, value)
        total += best or 0
    return total


def municipality_bound(pr: Problem) -> int:
    """Exact per round (ignoring the other rules): the people a flow cannot seat within the cap — source
    → municipality m (its n_m people) → table (at most ``gemeinde_max_pro_tisch``) → sink (seats) — each
    exceed the cap somewhere."""
    if pr.gemeinde_cap is None:
        return 0
    total = 0
    for r in range(pr.R):
        counts: dict[int, int] = {}
        for p in pr.attendees[r]:
            counts[pr.kommune[p]] = counts.get(pr.kommune[p], 0) + 1
        n = len(pr.attendees[r])
        total += max(0, n - _max_flow(list(counts.values()), pr.gemeinde_cap, list(pr.seats)))
    return total


def oversubscribed_clubs(pr: Problem, clubs_at: list[list[int]]) -> list[tuple[str, int, int]]:
    """Clubs whose demand exceeds the visits their tables allow: (club id, demand, capacity)."""
    capacity = [0] * pr.C
    for t, clubs in enumerate(clubs_at):
        for v in clubs:
            capacity[v] += pr.seats[t] * pr.R
    demand = [0] * pr.C
    for ints in pr.interests:
        for v, _w in ints:
            demand[v] += 1
    return [(pr.club_ids[v], demand[v], capacity[v]) for v in range(pr.C) if demand[v] > capacity[v]]


def compute_bounds(pr: Problem, clubs_at: list[list[int]]) -> Bounds:
    """Every bound for the instance with this club placement."""
    s = max(pr.seats) if pr.seats else 1
    return Bounds(
        coverage=coverage_bound(pr, clubs_at),
        repeats=repeats_bound(pr),
        absent_groups=absent_groups_bound(pr),
        municipality=municipality_bound(pr),
        people_met_max=min(max(pr.N - 1, 0), pr.R * (s - 1)),
        oversubscribed=oversubscribed_clubs(pr, clubs_at),
    )
