"""Stage 2 improvement: simulated annealing over exchanges of blocks between tables in one round.

Each step picks a round, a person (and with them their ``zusammen`` block) and a random seat at another
table: an empty seat means a move, an occupied one an exchange with that person's block. Steps that
would break a hard constraint are never taken; the others are scored in O(table size) and accepted by
the Metropolis rule.

The budget is a number of iterations; the temperature falls geometrically with the share of them used,
so a seed and an iteration budget always give the same result. A wall-clock deadline is only a safety
cap: when it strikes first, the search stops early and says so (``SearchStats.capped``).

Two modes:

- *coverage first* (``lock_coverage=False``): every goal in the weighted energy, a share of steps sends
  somebody to the table of an interest not yet covered, and the search may stop early once the coverage
  reaches ``stop_at_cover`` (the bound);
- *coverage locked* (``lock_coverage=True``): steps that would lower the number of covered interests are
  never taken, so the rest of the budget goes to repeats, mixing and municipality spread without giving
  back what the first goal reached. Besides plain exchanges (which include swaps of people with the same
  clubs at a table, of guides with guides, and of ``zusammen`` blocks of equal size) it uses *round
  swaps*: a person visits the same tables in another order, which keeps their covered interests.
  Exchange partners are drawn among those who may leave their table without losing an interest (not
  *pinned* there) and have not visited the other table yet, instead of being rejected after the draw.

When repeats are the main problem a share of steps starts from a person who meets somebody at their table
for the second time ("conflict-directed" steps).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from automation.domain.tischplan.seating import W_COVERAGE, W_GROUP, W_MUNICIPALITY, W_REPEAT, Delta, Seating

Progress = Callable[[float, Seating], None]

Weights = tuple[float, float, float]
"""Weights of repeats, absent groups and municipality excess in the search's energy."""
WEIGHTS: Weights = (W_REPEAT, W_GROUP, W_MUNICIPALITY)

GUIDE_PARTNER = 0.7
"""In the locked phase, the share of a guide's exchanges made with another guide when every occupied
table needs one (other partners would mostly leave a table without a guide)."""

TABLE_TRIES = 3
"""In the locked phase, draws of a target table before a step gives up (tables already visited are
skipped: nobody visits a table with clubs twice)."""

PARTNER_TRIES = 3
"""Random draws of an exchange partner at a table before a step gives up."""

CHECK_EVERY = 512
"""Iterations between two looks at the clock and the best state."""


@dataclass
class Budget:
    """Iterations (they decide the result) and an optional wall-clock cap (``time.perf_counter`` value)."""

    iterations: int
    deadline: float | None = None


@dataclass
class SearchStats:
    """Iterations actually used and whether the wall-clock cap stopped the search."""

    iterations: int = 0
    capped: bool = False


def anneal(
    sp: Seating,
    rng: random.Random,
    budget: Budget,
    progress: Progress | None = None,
    t_start: float = 3.0,
    t_end: float = 0.03,
    focus: float = 0.6,
    aim: float = 0.3,
    round_swaps: float = 0.0,
    lock_coverage: bool = False,
    stop_at_cover: int | None = None,
    weights: Weights = WEIGHTS,
) -> tuple[list[list[int]], SearchStats]:
    """Improve ``sp``; return the seats of the best state seen (at checkpoints) and the statistics.

    The best state is the one with most covered interests, then the lowest energy (with ``weights`` for
    repeats, absent groups and municipality excess). ``round_swaps`` is the share of round swaps (see
    ``_round_swap``). ``sp`` is left in the best state.
    """
    pr = sp.pr
    stats = SearchStats()
    slots = [(r, p) for r in range(pr.R) for p in pr.attendees[r]]
    if not slots or pr.T < 2 or budget.iterations <= 0:
        return sp.copy_seats(), stats
    block_of: list[dict[int, list[int]]] = []
    for r in range(pr.R):
        d: dict[int, list[int]] = {}
        for b in pr.blocks(r):
            for a in b:
                d[a] = b
        block_of.append(d)
    access_tables = [t for t in range(pr.T) if pr.table_access[t]]
    needs_access = {p for p in range(pr.N) if pr.needs_access[p]}
    max_iter = budget.iterations
    start = time.perf_counter()
    last_report = start
    best_key = (-sp.cover_count, _energy(sp, weights))
    best = sp.copy_seats()
    temp = t_start
    ratio = t_end / t_start
    seat, members, meet, unit = sp.seat, sp.members, sp.meet, pr.unit
    n_slots = len(slots)
    covc, iat = sp.covc, sp.iat
    wants = [p for p in range(pr.N) if iat[p]] if not lock_coverage else []
    T = pr.T
    it = 0
    next_check = 0
    while True:
        if it >= next_check:
            next_check = min(it + CHECK_EVERY, max_iter)
            frac = it / max_iter
            key = (-sp.cover_count, _energy(sp, weights) - 1e-9)
            if key < best_key:
                best_key = (-sp.cover_count, _energy(sp, weights))
                best = sp.copy_seats()
            if frac >= 1.0:
                break
            if stop_at_cover is not None and sp.cover_count >= stop_at_cover:
                break
            now = time.perf_counter()
            if budget.deadline is not None and now >= budget.deadline:
                stats.capped = True
                break
            temp = t_start * ratio**frac
            if progress is not None and now - last_report > 0.25:
                last_report = now
                progress(frac, sp)
        it += 1
        if round_swaps and rng.random() < round_swaps:
            _round_swap(sp, rng, slots[int(rng.random() * n_slots)], block_of, temp, weights)
            continue
        if lock_coverage:
            _locked_step(sp, rng, slots[int(rng.random() * n_slots)], block_of, access_tables, temp, weights)
            continue
        if wants and rng.random() < aim:
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
        if u < 0 and focus and sp.repeats and rng.random() < focus:
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
        if not sp.can_swap(r, A, t, B, u):
            continue
        delta = sp.evaluate_swap(r, A, t, B, u)
        if lock_coverage and delta.cover_count < 0:
            continue
        de = _energy(delta, weights)
        if de <= 0 or rng.random() < math.exp(-de / temp):
            sp.swap(r, A, t, B, u)
    stats.iterations = it
    if (-sp.cover_count, _energy(sp, weights) - 1e-9) < best_key:
        best = sp.copy_seats()
    else:
        sp.load(best)
    return best, stats


def _energy(d: Delta | Seating, weights: Weights) -> float:
    """The energy of a state or the change of a step (smaller is better) with the given weights."""
    return -W_COVERAGE * d.cover + weights[0] * d.repeats + weights[1] * d.absent + weights[2] * d.excess


def _pinned(sp: Seating, p: int, t: int) -> bool:
    """True when p's visit of table t is the only one covering one of p's interests."""
    hits = sp.iat[p].get(t)
    if not hits:
        return False
    cv = sp.covc[p]
    return any(cv[i] == 1 for i, _w in hits)


def _locked_step(
    sp: Seating,
    rng: random.Random,
    slot: tuple[int, int],
    block_of: list[dict[int, list[int]]],
    access_tables: list[int],
    temp: float,
    weights: Weights = WEIGHTS,
) -> None:
    """One step of the locked phase: a move or exchange that cannot lose a covered interest.

    Only blocks none of whose members is *pinned* (see ``_pinned``) leave their table, so the step is
    proposed among the moves that keep the coverage instead of being rejected after the evaluation;
    the target table is one the block may still visit.
    """
    pr = sp.pr
    r, p = slot
    t = sp.seat[r][p]
    A = block_of[r][p]
    for a in A:
        if _pinned(sp, a, t):
            _round_swap(sp, rng, slot, block_of, temp, weights)
            return
    visits = sp.visits
    for _try in range(TABLE_TRIES):
        if any(pr.needs_access[a] for a in A):
            if len(access_tables) < 2:
                return
            u = access_tables[int(rng.random() * len(access_tables))]
            if u == t:
                continue
        else:
            u = int(rng.random() * (pr.T - 1))
            if u >= t:
                u += 1
        if not sp.clubbed[u] or not any(visits[a][u] for a in A):
            break
    else:
        return
    occ_u = sp.members[r][u]
    # partners: who may leave u (not pinned there) and may come to t (has not visited it yet)
    clubbed_t = sp.clubbed[t]
    if len(A) == 1 and pr.guide[p] and sp.guide_need[r] and rng.random() < GUIDE_PARTNER:
        # guide-aware: where every table needs a guide, a guide mostly trades places with a guide
        guides_u = [
            x
            for x in occ_u
            if pr.guide[x] and len(block_of[r][x]) == 1 and not _pinned(sp, x, u) and not (clubbed_t and visits[x][t])
        ]
        if not guides_u:
            return
        B = [guides_u[int(rng.random() * len(guides_u))]]
    else:
        seats_u = pr.seats[u]
        for _try in range(PARTNER_TRIES):
            k = int(rng.random() * seats_u)
            if k >= len(occ_u):
                B = []
                break
            B = block_of[r][occ_u[k]]
            if not any(_pinned(sp, b, u) or (clubbed_t and visits[b][t]) for b in B):
                break
        else:
            return
    if not sp.can_swap(r, A, t, B, u):
        return
    delta = sp.evaluate_swap(r, A, t, B, u)
    de = _energy(delta, weights)
    if delta.cover_count >= 0 and (de <= 0 or rng.random() < math.exp(-de / temp)):
        sp.swap(r, A, t, B, u)


def _round_swap(
    sp: Seating,
    rng: random.Random,
    slot: tuple[int, int],
    block_of: list[dict[int, list[int]]],
    temp: float,
    weights: Weights = WEIGHTS,
) -> None:
    """Round swap: p visits its tables t1 (round r1) and t2 (round r2) the other way round.

    p exchanges seats with q (at t2 in r1) and with q2 (at t1 in r2); p keeps the set of tables it visits,
    so its covered interests stay, while the people it meets change. Mostly q = q2 is a *mirror*: someone
    who does the same two visits the other way round, so that both keep their tables and the coverage
    cannot drop at all. Only for single people of the same guide status (seat and guide counts stay as
    they are); a step that would lower the coverage is undone.
    """
    pr = sp.pr
    r1, p = slot
    rs = pr.rounds_of[p]
    if len(rs) < 2 or len(block_of[r1][p]) > 1:
        return
    r2 = rs[int(rng.random() * len(rs))]
    if r2 == r1 or len(block_of[r2][p]) > 1:
        return
    seat1, seat2 = sp.seat[r1], sp.seat[r2]
    t1, t2 = seat1[p], seat2[p]
    if t1 == t2:
        return
    occ1, occ2 = sp.members[r1][t2], sp.members[r2][t1]
    if not occ1 or not occ2:
        return
    guide = pr.guide[p]
    mirrors = [x for x in occ1 if seat2[x] == t1]
    if mirrors and rng.random() < 0.8:
        q = q2 = mirrors[int(rng.random() * len(mirrors))]
        if len(block_of[r1][q]) > 1 or len(block_of[r2][q2]) > 1 or pr.guide[q] != guide:
            return
    else:
        # partners who can take p's place without losing an interest: q leaves t2 for t1 in r1, q2 leaves
        # t1 for t2 in r2 (single, same guide status, not pinned where they sit, not visiting the new table)
        q = _draw_partner(sp, rng, block_of[r1], occ1, t2, t1, guide)
        if q < 0:
            return
        q2 = _draw_partner(sp, rng, block_of[r2], occ2, t1, t2, guide)
        if q2 < 0:
            return
    for r, x, new, gone in ((r1, p, t2, q), (r1, q, t1, p), (r2, p, t1, q2), (r2, q2, t2, p)):
        for y in pr.getrennt_of[x]:
            if sp.seat[r][y] == new and y != gone:
                return
    before = _energy(sp, weights)
    cover_before = sp.cover_count
    sp.swap(r1, [p], t1, [q], t2)
    sp.swap(r2, [p], t2, [q2], t1)
    de = _energy(sp, weights) - before
    if sp.cover_count >= cover_before and (de <= 0 or rng.random() < math.exp(-de / temp)):
        return
    sp.swap(r2, [p], t1, [q2], t2)
    sp.swap(r1, [p], t2, [q], t1)


def _draw_partner(
    sp: Seating, rng: random.Random, block_of: dict[int, list[int]], occ: list[int], old: int, new: int, guide: bool
) -> int:
    """Somebody at ``old`` who may move to ``new`` in a round swap without losing a covered interest
    (single, same guide status, not pinned at ``old``, not visiting ``new`` otherwise), or -1.

    A few random draws instead of a scan of the table: as likely to find one, at a fraction of the cost."""
    pr = sp.pr
    clubbed = sp.clubbed[new]
    access = pr.table_access[new]
    n = len(occ)
    for _try in range(PARTNER_TRIES):
        x = occ[int(rng.random() * n)]
        if (
            pr.guide[x] == guide
            and len(block_of[x]) == 1
            and not (clubbed and sp.visits[x][new])
            and not (pr.needs_access[x] and not access)
            and not _pinned(sp, x, old)
        ):
            return x
    return -1
