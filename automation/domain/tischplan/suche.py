"""Stage 2 improvement: simulated annealing over exchanges of blocks between tables in one round.

Each step picks a round, a person (and with them their ``zusammen`` block) and a random seat at another
table: an empty seat means a move, an occupied one an exchange with that person's block. Steps that
would break a hard constraint are never taken; the others are scored in O(table size) and accepted by
the Metropolis rule. The temperature falls geometrically over the budget (iterations when given, else
seconds), so for a given seed and iteration budget the result is always the same.

When repeats are the main problem (Social Golfer instances) a share of steps starts from a person who
meets somebody for the second time at their table ("conflict-directed" steps).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from automation.domain.tischplan.sitzplan import Sitzplan

Fortschritt = Callable[[float, Sitzplan], None]


@dataclass
class Budget:
    """Iterations (deterministic) and/or seconds (a wall-clock cap)."""

    iterationen: int | None = None
    sekunden: float | None = None


def verbraucht(it: int, start: float, now: float, max_iter: int | None, max_sec: float | None) -> float:
    """How much of the budget is used (0 … ≥1): the larger of the iteration and the time share."""
    frac = 0.0
    if max_iter is not None:
        frac = it / max_iter
    if max_sec is not None:
        frac = max(frac, (now - start) / max_sec)
    return frac


def anneal(
    sp: Sitzplan,
    rng: random.Random,
    budget: Budget,
    fortschritt: Fortschritt | None = None,
    t_start: float = 3.0,
    t_ende: float = 0.03,
    fokus: float = 0.6,
    ziel: float = 0.3,
    rundentausch: float = 0.0,
) -> list[list[int]]:
    """Improve ``sp`` in place; return the seats of the best state seen (at checkpoints): most covered
    interests first, then the lowest energy. ``rundentausch`` is the share of round swaps (see
    ``_rundentausch``)."""
    pr = sp.pr
    slots = [(r, p) for r in range(pr.R) for p in pr.attendees[r]]
    if not slots or pr.T < 2:
        return sp.kopie_sitze()
    block_of: list[dict[int, list[int]]] = []
    for r in range(pr.R):
        d: dict[int, list[int]] = {}
        for b in pr.blocks(r):
            for a in b:
                d[a] = b
        block_of.append(d)
    access_tables = [t for t in range(pr.T) if pr.table_access[t]]
    needs_access = {p for p in range(pr.N) if pr.needs_access[p]}
    max_iter = budget.iterationen
    max_sec = budget.sekunden
    if max_iter is None and max_sec is None:
        max_iter = 100_000
    start = time.perf_counter()
    last_report = start
    # the best state is chosen coverage first (the first soft goal), then by energy
    best_key = (-sp.cover_count, sp.energie())
    best = sp.kopie_sitze()
    temp = t_start
    ratio = t_ende / t_start
    seat, members, meet, unit = sp.seat, sp.members, sp.meet, pr.unit
    n_slots = len(slots)
    covc, iat = sp.covc, sp.iat
    wants = [p for p in range(pr.N) if iat[p]]
    T = pr.T
    it = 0
    while True:
        if it % 512 == 0:
            now = time.perf_counter()
            frac = verbraucht(it, start, now, max_iter, max_sec)
            if frac >= 1.0:
                break
            temp = t_start * ratio**frac
            key = (-sp.cover_count, sp.energie() - 1e-9)
            if key < best_key:
                best_key = (-sp.cover_count, sp.energie())
                best = sp.kopie_sitze()
            if fortschritt is not None and now - last_report > 0.25:
                last_report = now
                fortschritt(frac, sp)
        it += 1
        if rundentausch and rng.random() < rundentausch:
            _rundentausch(sp, rng, slots[rng.randrange(n_slots)], block_of, temp)
            continue
        if wants and rng.random() < ziel:
            # interest-directed: send someone to the table of an interest not yet covered
            p = wants[rng.randrange(len(wants))]
            cv = covc[p]
            missing = [u for u, hits in iat[p].items() if any(cv[i] == 0 for i, _w in hits)]
            if not missing:
                continue
            u = missing[rng.randrange(len(missing))]
            rs = pr.rounds_of[p]
            r = rs[rng.randrange(len(rs))]
            t = seat[r][p]
            if t == u:
                continue
        else:
            r, p = slots[rng.randrange(n_slots)]
            t = seat[r][p]
            u = -1
        if u < 0 and fokus and sp.repeats and rng.random() < fokus:
            # conflict-directed: look for someone at a table with a repeat in this round
            occ = members[r][t]
            mp = meet[p]
            if not any(mp[x] >= 2 and unit[x] != unit[p] for x in occ):
                continue
        A = block_of[r][p]
        if u >= 0:
            pass
        elif p in needs_access or (len(A) > 1 and any(a in needs_access for a in A)):
            if len(access_tables) < 2:
                continue
            u = access_tables[rng.randrange(len(access_tables))]
            if u == t:
                continue
        else:
            u = rng.randrange(T - 1)
            if u >= t:
                u += 1
        k = rng.randrange(pr.seats[u])
        occ_u = members[r][u]
        B = block_of[r][occ_u[k]] if k < len(occ_u) else []
        if not sp.pruefe_tausch(r, A, t, B, u):
            continue
        de = sp.bewerte_tausch(r, A, t, B, u).energy()
        if de <= 0 or rng.random() < math.exp(-de / temp):
            sp.tausche(r, A, t, B, u)
    if (-sp.cover_count, sp.energie() - 1e-9) < best_key:
        best = sp.kopie_sitze()
    return best


def _rundentausch(
    sp: Sitzplan, rng: random.Random, slot: tuple[int, int], block_of: list[dict[int, list[int]]], temp: float
) -> None:
    """Round swap: p visits its tables t1 (round r1) and t2 (round r2) the other way round.

    p exchanges seats with q (at t2 in r1) and with q2 (at t1 in r2); p keeps the set of tables it visits,
    so its covered interests stay, while the people it meets change. Only for single people of the same
    guide status (seat and guide counts stay as they are); q and q2 must be allowed at their new tables.
    """
    pr = sp.pr
    r1, p = slot
    rs = pr.rounds_of[p]
    if len(rs) < 2 or len(block_of[r1][p]) > 1:
        return
    r2 = rs[rng.randrange(len(rs))]
    if r2 == r1 or len(block_of[r2][p]) > 1:
        return
    t1, t2 = sp.seat[r1][p], sp.seat[r2][p]
    if t1 == t2:
        return
    occ1, occ2 = sp.members[r1][t2], sp.members[r2][t1]
    if not occ1 or not occ2:
        return
    q = occ1[rng.randrange(len(occ1))]
    q2 = occ2[rng.randrange(len(occ2))]
    if q == p or q2 == p or len(block_of[r1][q]) > 1 or len(block_of[r2][q2]) > 1:
        return
    if pr.guide[q] != pr.guide[p] or pr.guide[q2] != pr.guide[p]:
        return
    for x, neu in ((q, t1), (q2, t2)):
        if (sp.clubbed[neu] and sp.visits[x][neu]) or (pr.needs_access[x] and not pr.table_access[neu]):
            return
    for r, x, neu, weg in ((r1, p, t2, q), (r1, q, t1, p), (r2, p, t1, q2), (r2, q2, t2, p)):
        for y in pr.getrennt_of[x]:
            if sp.seat[r][y] == neu and y != weg:
                return
    vorher = sp.energie()
    sp.tausche(r1, [p], t1, [q], t2)
    sp.tausche(r2, [p], t2, [q2], t1)
    de = sp.energie() - vorher
    if de <= 0 or rng.random() < math.exp(-de / temp):
        return
    sp.tausche(r2, [p], t1, [q2], t2)
    sp.tausche(r1, [p], t2, [q], t1)
