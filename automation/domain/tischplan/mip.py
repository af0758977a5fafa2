"""Exact interest coverage of a seating, as a mixed-integer program (HiGHS through ``scipy.optimize.milp``).

Variables ``x[p, t, r]`` (participant p at table t in round r; only allowed tables, only attended rounds)
and ``y[p, i]`` (interest i of p covered). Every hard constraint of the seating is a linear row: one table
per attended round, seats (and ``plaetze_min``) per table and round, no club table twice, ``zusammen``
members at the same table, ``getrennt`` pairs apart, at most ⌈G/T⌉ guides per table and round (and a guide
at every occupied table where G ≥ T). The objective counts covered interests, each with a tiny bonus for
its preference rank (all bonuses together < 1, so the count comes first).

Solved to optimality, it gives a plan of maximal coverage (the start of the annealing, which then mixes
the tables) and the exact coverage bound for this club placement. The b-matching bound of ``bounds``
ignores rounds, couples and guides and is sometimes one or two interests too high; the MIP's dual bound
closes that gap. Only for instances up to ``MAX_VARIABLES`` variables: the model grows as N·T·R.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from automation.domain.tischplan.problem import Problem

MAX_VARIABLES = 40_000


@dataclass
class MipResult:
    """Seats of the best plan found (``None``: none found), its coverage count and the proven bound."""

    seat: list[list[int]] | None
    covered: int
    bound: int | None
    optimal: bool


class _Rows:
    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.lo: list[float] = []
        self.hi: list[float] = []

    def add(self, entries: list[tuple[int, float]], lo: float, hi: float) -> None:
        k = len(self.lo)
        for c, v in entries:
            self.rows.append(k)
            self.cols.append(c)
            self.vals.append(v)
        self.lo.append(lo)
        self.hi.append(hi)


def mip_size(pr: Problem) -> int:
    """The number of seat variables of the model."""
    return sum(len(rs) for rs in pr.rounds_of) * pr.T


def solve_coverage(
    pr: Problem, clubs_at: list[list[int]], seconds: float | None = None, nodes: int | None = None
) -> MipResult:
    """Maximise interest coverage under all hard constraints; within ``seconds`` and/or ``nodes``
    branch-and-bound nodes (a node limit alone keeps the result deterministic)."""
    R, T = pr.R, pr.T
    allowed = [[t for t in range(T) if pr.table_access[t] or not pr.needs_access[p]] for p in range(pr.N)]
    x: dict[tuple[int, int, int], int] = {}
    for p in range(pr.N):
        for r in pr.rounds_of[p]:
            for t in allowed[p]:
                x[(p, t, r)] = len(x)
    tables_of: list[list[int]] = [[] for _ in range(pr.C)]
    for t, clubs in enumerate(clubs_at):
        for v in clubs:
            tables_of[v].append(t)
    total = sum(len(ints) for ints in pr.interests)
    y: dict[tuple[int, int], int] = {}
    weight: list[float] = []
    for p in range(pr.N):
        for i, (v, w) in enumerate(pr.interests[p]):
            if any((p, t, r) in x for t in tables_of[v] for r in pr.rounds_of[p]):
                y[(p, i)] = len(x) + len(y)
                weight.append(1.0 + (w - 1.0) / (total + 1))
    n = len(x) + len(y)
    z = _Rows()
    for p in range(pr.N):
        for r in pr.rounds_of[p]:
            z.add([(x[(p, t, r)], 1.0) for t in allowed[p]], 1.0, 1.0)
        for t in allowed[p]:
            if clubs_at[t] and len(pr.rounds_of[p]) > 1:
                z.add([(x[(p, t, r)], 1.0) for r in pr.rounds_of[p]], 0.0, 1.0)
        for i, (v, _w) in enumerate(pr.interests[p]):
            if (p, i) in y:
                entries = [(y[(p, i)], 1.0)]
                entries += [(x[(p, t, r)], -1.0) for t in tables_of[v] for r in pr.rounds_of[p] if (p, t, r) in x]
                z.add(entries, -math.inf, 0.0)
    guides_in = [[p for p in pr.attendees[r] if pr.guide[p]] for r in range(R)]
    for r in range(R):
        cap = -(-len(guides_in[r]) // T)
        need = len(guides_in[r]) >= T and bool(guides_in[r])
        for t in range(T):
            seats_row = [(x[(p, t, r)], 1.0) for p in pr.attendees[r] if (p, t, r) in x]
            z.add(seats_row, float(pr.seats_min[t]), float(pr.seats[t]))
            guide_vars = [(x[(g, t, r)], 1.0) for g in guides_in[r] if (g, t, r) in x]
            if guide_vars:
                z.add(guide_vars, 0.0, float(cap))
            if need:
                others = [(x[(p, t, r)], 1.0) for p in pr.attendees[r] if not pr.guide[p] and (p, t, r) in x]
                z.add(others + [(c, -float(pr.seats[t])) for c, _ in guide_vars], -math.inf, 0.0)
    for members in pr.units:
        for a, b in itertools.pairwise(members):
            for r in pr.rounds_of[a]:
                if not pr.attends[b][r]:
                    continue
                for t in range(T):
                    xa, xb = x.get((a, t, r)), x.get((b, t, r))
                    if xa is None and xb is None:
                        continue
                    z.add([(c, s) for c, s in ((xa, 1.0), (xb, -1.0)) if c is not None], 0.0, 0.0)
    for a in range(pr.N):
        for b in pr.getrennt_of[a]:
            if b <= a:
                continue
            for r in pr.rounds_of[a]:
                for t in range(T):
                    if (a, t, r) in x and (b, t, r) in x:
                        z.add([(x[(a, t, r)], 1.0), (x[(b, t, r)], 1.0)], 0.0, 1.0)
    c = np.zeros(n)
    c[len(x) :] = -np.array(weight)
    matrix = coo_matrix((z.vals, (z.rows, z.cols)), shape=(len(z.lo), n)).tocsr()
    options: dict[str, float | int | bool] = {"disp": False}
    if seconds is not None:
        options["time_limit"] = max(0.05, seconds)
    if nodes is not None:
        options["node_limit"] = nodes
    res = milp(
        c,
        constraints=LinearConstraint(matrix, np.array(z.lo), np.array(z.hi)),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options=options,
    )
    bound: int | None = None
    dual = getattr(res, "mip_dual_bound", None)
    if dual is not None and np.isfinite(dual):
        bound = math.floor(-float(dual) + 1e-6)
    if res.x is None:
        return MipResult(None, 0, bound, False)
    sol = res.x
    seat = [[-1] * pr.N for _ in range(R)]
    for (p, t, r), k in x.items():
        if sol[k] > 0.5:
            seat[r][p] = t
    covered = int(sum(1 for k in y.values() if sol[k] > 0.5))
    optimal = res.status == 0
    if optimal:
        bound = covered
    return MipResult(seat, covered, bound, optimal)
