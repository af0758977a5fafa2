"""Stage 1: clubs to tables.

Club units (a ``vereine_zusammen`` group or a single club) are placed booth by booth: step-free needs
first, then groups of several clubs, then by demand, each on the allowed table with the least demand per
seat-round. A hill climb over moves and swaps then maximises a per-table coverage estimate (the best
``rounds × seats`` interested participants a table can receive) plus a small bonus for clubs of the same
theme sharing a table.
"""

from __future__ import annotations

import random

from automation.domain.errors import InfeasibleError
from automation.domain.tischplan.problem import Problem

THEME_BONUS = 0.25


class _Units:
    def __init__(self, pr: Problem) -> None:
        together = {v: g for g in pr.clubs_together for v in g}
        self.members: list[list[int]] = []
        seen: set[int] = set()
        for v in range(pr.C):
            if v in seen:
                continue
            group = together.get(v, [v])
            seen.update(group)
            self.members.append(group)
        unit_of = {v: u for u, g in enumerate(self.members) for v in g}
        self.booths = [pr.club_booths[g[0]] for g in self.members]
        self.access = [any(pr.club_access[v] for v in g) for g in self.members]
        self.apart: list[set[int]] = [set() for _ in self.members]
        for a, b in pr.clubs_apart:
            self.apart[unit_of[a]].add(unit_of[b])
            self.apart[unit_of[b]].add(unit_of[a])
        # interested participants per unit, with weight split over booths
        self.fans: list[dict[int, float]] = [{} for _ in self.members]
        for p, ints in enumerate(pr.interests):
            for v, w in ints:
                u = unit_of[v]
                self.fans[u][p] = self.fans[u].get(p, 0.0) + w / self.booths[u]
        self.demand = [sum(f.values()) for f in self.fans]


def _table_capacity(pr: Problem, t: int) -> int:
    return pr.seats[t] * pr.R


def _table_score(pr: Problem, units: _Units, t: int, placed: list[int]) -> float:
    values: dict[int, float] = {}
    blocked = not pr.table_access[t]
    for u in placed:
        for p, w in units.fans[u].items():
            if blocked and pr.needs_access[p]:
                continue
            values[p] = values.get(p, 0.0) + w
    best = sorted(values.values(), reverse=True)[: _table_capacity(pr, t)]
    themes = [pr.club_theme[v] for u in placed for v in units.members[u]]
    same = sum(1 for i, a in enumerate(themes) for b in themes[i + 1 :] if a == b)
    return sum(best) + THEME_BONUS * same


def _fits(pr: Problem, units: _Units, u: int, t: int, placed: list[int]) -> bool:
    if units.access[u] and not pr.table_access[t]:
        return False
    if u in placed or any(x in units.apart[u] for x in placed):
        return False
    size = sum(len(units.members[x]) for x in placed)
    return size + len(units.members[u]) <= pr.vpt_max


def _greedy(pr: Problem, units: _Units, rng: random.Random, noise: float) -> list[list[int]] | None:
    items = [(u, k) for u in range(len(units.members)) for k in range(units.booths[u])]
    # step-free needs first, then the units of several clubs (they need a table with room for all),
    # then by demand
    items.sort(
        key=lambda it: (
            not units.access[it[0]],
            -len(units.members[it[0]]),
            -units.demand[it[0]] * (1 + noise * rng.random()),
        )
    )
    at: list[list[int]] = [[] for _ in range(pr.T)]
    load = [0.0] * pr.T
    for u, _k in items:
        best, best_key = -1, (0.0, 0.0)
        for t in range(pr.T):
            if not _fits(pr, units, u, t, at[t]):
                continue
            theme_match = sum(
                1
                for x in at[t]
                for v in units.members[x]
                for w in units.members[u]
                if pr.club_theme[v] == pr.club_theme[w]
            )
            key = (
                (load[t] + units.demand[u]) / _table_capacity(pr, t) - 0.01 * theme_match,
                rng.random(),
            )
            if best < 0 or key < best_key:
                best, best_key = t, key
        if best < 0:
            return None
        at[best].append(u)
        load[best] += units.demand[u]
    return at


def place_clubs(pr: Problem, rng: random.Random, steps: int = 4000) -> list[list[int]]:
    """Return the clubs (indices) at each table; InfeasibleError when no placement is found."""
    units = _Units(pr)
    at: list[list[int]] | None = None
    for attempt in range(60):
        at = _greedy(pr, units, rng, noise=0.0 if attempt == 0 else 0.5)
        if at is not None:
            break
    if at is None:
        raise InfeasibleError(
            "Die Vereine lassen sich nicht auf die Tische verteilen (vereine_zusammen, vereine_getrennt, "
            "Barrierefreiheit und vereine_pro_tisch_max widersprechen sich). Bitte Tische ergänzen oder "
            "die Vorgaben lockern."
        )
    score = [_table_score(pr, units, t, at[t]) for t in range(pr.T)]
    occupied = [(t, i) for t in range(pr.T) for i in range(len(at[t]))]
    if occupied and pr.T > 1:
        for _ in range(steps):
            t, i = occupied[rng.randrange(len(occupied))]
            if i >= len(at[t]):
                continue
            u = at[t][i]
            t2 = rng.randrange(pr.T - 1)
            t2 += t2 >= t
            rest = at[t][:i] + at[t][i + 1 :]
            candidates = [None, *range(len(at[t2]))]
            j = candidates[rng.randrange(len(candidates))]
            if j is None:
                new_t, new_t2 = rest, [*at[t2], u]
                if not _fits(pr, units, u, t2, at[t2]):
                    continue
            else:
                u2 = at[t2][j]
                rest2 = at[t2][:j] + at[t2][j + 1 :]
                if not (_fits(pr, units, u, t2, rest2) and _fits(pr, units, u2, t, rest)):
                    continue
                new_t, new_t2 = [*rest, u2], [*rest2, u]
            s1, s2 = _table_score(pr, units, t, new_t), _table_score(pr, units, t2, new_t2)
            if s1 + s2 >= score[t] + score[t2] - 1e-9:
                at[t], at[t2], score[t], score[t2] = new_t, new_t2, s1, s2
                occupied = [(x, k) for x in range(pr.T) for k in range(len(at[x]))]
    return [sorted(v for u in at[t] for v in units.members[u]) for t in range(pr.T)]
