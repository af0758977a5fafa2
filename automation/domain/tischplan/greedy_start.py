"""Greedy start of stage 2, round by round.

Per round: ``zusammen`` blocks, guides and people with ``getrennt`` partners are placed one by one on the
best allowed table; everybody else is seated at once by an assignment over seat slots
(``scipy.optimize.linear_sum_assignment``) that maximises the interests newly covered, keeps step-free
and revisit rules, and fills ``plaetze_min`` first.
"""

from __future__ import annotations

import random

import numpy as np
from scipy.optimize import linear_sum_assignment

from automation.domain.tischplan.seating import W_COVERAGE, W_REPEAT, Seating

FORBIDDEN = 1e9


def _allowed(sp: Seating, r: int, block: list[int], t: int) -> bool:
    pr = sp.pr
    occ = sp.members[r][t]
    if len(occ) + len(block) > pr.seats[t]:
        return False
    for a in block:
        if (sp.clubbed[t] and sp.visits[a][t]) or (pr.needs_access[a] and not pr.table_access[t]):
            return False
        for x in pr.getrennt_of[a]:
            if sp.seat[r][x] == t:
                return False
    guides = sum(pr.guide[a] for a in block)
    return not (guides and sp.guides[r][t] + guides > sp.guide_cap[r])


def _gain(sp: Seating, r: int, block: list[int], t: int) -> float:
    pr = sp.pr
    value = 0.0
    for a in block:
        hits = sp.iat[a].get(t)
        if hits:
            cv = sp.covc[a]
            value += W_COVERAGE * sum(w for i, w in hits if cv[i] == 0)
        ma = sp.meet[a]
        value -= W_REPEAT * sum(1 for x in sp.members[r][t] if ma[x] and pr.unit[x] != pr.unit[a])
    return value


def _place_one(sp: Seating, r: int, block: list[int], rng: random.Random, guide_first: bool) -> bool:
    best_t, best_key = -1, (0.0, 0.0, 0.0)
    for t in range(sp.pr.T):
        if not _allowed(sp, r, block, t):
            continue
        load = sp.guides[r][t] if guide_first else 0
        key = (float(load), -_gain(sp, r, block, t) + len(sp.members[r][t]) * 0.01, rng.random())
        if best_t < 0 or key < best_key:
            best_t, best_key = t, key
    if best_t < 0:
        return False
    sp.place(r, block, best_t)
    return True


def build_start(sp: Seating, rng: random.Random) -> list[str]:
    """Seat everybody; return German notes for people that could not be seated validly (then empty)."""
    pr = sp.pr
    problems: list[str] = []
    for r in range(pr.R):
        blocks = pr.blocks(r)
        big = [b for b in blocks if len(b) > 1]
        guides = [b for b in blocks if len(b) == 1 and pr.guide[b[0]]]
        apart = [b for b in blocks if len(b) == 1 and not pr.guide[b[0]] and pr.getrennt_of[b[0]]]
        rng.shuffle(guides)
        rng.shuffle(apart)
        big.sort(key=len, reverse=True)
        for group, guide_first in ((big, False), (guides, True), (apart, False)):
            # most restricted first: step-free needs
            group.sort(key=lambda b: not any(pr.needs_access[a] for a in b))
            for b in group:
                if not _place_one(sp, r, b, rng, guide_first):
                    names = ", ".join(pr.person_ids[a] for a in b)
                    problems.append(f"Runde {r + 1}: kein gültiger Tisch für {names}")
        placed_alone = {b[0] for b in guides + apart}
        rest = [b[0] for b in blocks if len(b) == 1 and b[0] not in placed_alone]
        if rest:
            problems.extend(_assign(sp, r, rest, rng))
    return problems


def _assign(sp: Seating, r: int, people: list[int], rng: random.Random) -> list[str]:
    pr = sp.pr
    T = pr.T
    free = [pr.seats[t] - len(sp.members[r][t]) for t in range(T)]
    need_min = [max(0, pr.seats_min[t] - len(sp.members[r][t])) for t in range(T)]
    cost = np.zeros((len(people), T))
    cost += np.array([rng.random() * 1e-3 for _ in range(len(people) * T)]).reshape(len(people), T)
    for row, p in enumerate(people):
        for t, hits in sp.iat[p].items():
            cv = sp.covc[p]
            cost[row, t] -= W_COVERAGE * sum(w for i, w in hits if cv[i] == 0)
        for t in range(T):
            if (sp.clubbed[t] and sp.visits[p][t]) or (pr.needs_access[p] and not pr.table_access[t]):
                cost[row, t] = FORBIDDEN
    # guides need every occupied table to have one: without a guide, a table may stay empty
    cols: list[int] = []
    bonus: list[float] = []
    for t in range(T):
        blocked = sp.guide_need[r] and sp.guides[r][t] == 0
        if blocked:
            continue
        for k in range(free[t]):
            cols.append(t)
            bonus.append(-1000.0 if k < need_min[t] else 0.0)
    if len(cols) < len(people):
        return [f"Runde {r + 1}: nicht genug freie Plätze"]
    matrix = cost[:, cols] + np.array(bonus)[None, :]
    rows, chosen = linear_sum_assignment(matrix)
    problems = []
    for row, c in zip(rows, chosen, strict=True):
        p, t = people[row], cols[c]
        if cost[row, t] >= FORBIDDEN / 2:
            problems.append(f"Runde {r + 1}: kein gültiger Tisch für {pr.person_ids[p]}")
            continue
        sp.place(r, [p], t)
    return problems
