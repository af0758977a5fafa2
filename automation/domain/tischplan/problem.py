"""The instance compiled to integer indices, so the solver works on lists of ints.

Tables, clubs, participants, rounds, Gruppen and municipalities become 0-based indices. ``zusammen``
groups become blocks (per round: the members attending that round), which always move together.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from automation.domain.tischplan.model import Instanz


def interest_weight(rank: int) -> float:
    """Weight of a participant's interest at 0-based preference rank ``rank``.

    Every covered interest counts about 1; earlier ones a little more, so that when not all can be met,
    the solver prefers the first choices without giving up a second interest for them.
    """
    return 1.0 + 0.1 / (rank + 1)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parents = list(range(n))

    def find(self, x: int) -> int:
        while self.parents[x] != x:
            self.parents[x] = self.parents[self.parents[x]]
            x = self.parents[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parents[max(ra, rb)] = min(ra, rb)


def merge_groups(n: int, groups: list[list[int]]) -> list[list[int]]:
    """Merge overlapping groups (transitively); return the groups of size ≥ 2, sorted."""
    uf = _UnionFind(n)
    for group_ in groups:
        for a, b in itertools.pairwise(group_):
            uf.union(a, b)
    classes: dict[int, list[int]] = {}
    for x in range(n):
        classes.setdefault(uf.find(x), []).append(x)
    return sorted(k for k in classes.values() if len(k) > 1)


@dataclass
class Problem:
    """An instance as index lists. Rounds are 0-based here (1-based in the formats)."""

    instanz: Instanz
    R: int
    T: int
    N: int
    C: int
    seats: list[int]
    seats_min: list[int]
    table_access: list[bool]
    club_access: list[bool]
    club_booths: list[int]
    club_theme: list[int]
    vpt_max: int
    gemeinde_cap: int | None
    group: list[int]
    K: int
    kommune: list[int]
    M: int
    guide: list[bool]
    needs_access: list[bool]
    rounds_of: list[list[int]]
    attends: list[list[bool]]
    attendees: list[list[int]]
    interests: list[list[tuple[int, float]]]
    unit: list[int]
    units: list[list[int]]
    getrennt_of: list[list[int]]
    clubs_together: list[list[int]]
    clubs_apart: list[tuple[int, int]]
    table_ids: list[str] = field(default_factory=list)
    club_ids: list[str] = field(default_factory=list)
    person_ids: list[str] = field(default_factory=list)

    def blocks(self, r: int) -> list[list[int]]:
        """The blocks of round r: each ``zusammen`` group's attending members, or one person."""
        result = []
        for members in self.units:
            present = [p for p in members if self.attends[p][r]]
            if present:
                result.append(present)
        return result


def _index(values: list[str]) -> tuple[list[int], int]:
    seen: dict[str, int] = {}
    return [seen.setdefault(v, len(seen)) for v in values], len(seen)


def compile_problem(instanz: Instanz) -> Problem:
    """Compile an instance (references already checked) to a Problem."""
    tables = instanz.tische
    clubs = instanz.vereine
    persons = instanz.teilnehmende
    club_pos = {v.id: i for i, v in enumerate(clubs)}
    person_pos = {p.id: i for i, p in enumerate(persons)}
    R, N = instanz.runden, len(persons)
    group, K = _index([p.gruppe for p in persons])
    kommune, M = _index([p.kommune for p in persons])
    theme, _ = _index([v.thema for v in clubs])
    rounds_of = [[r - 1 for r in instanz.rounds_of(p)] for p in persons]
    attends = [[False] * R for _ in range(N)]
    for p, rs in enumerate(rounds_of):
        for r in rs:
            attends[p][r] = True
    attendees = [[p for p in range(N) if attends[p][r]] for r in range(R)]
    interests = []
    for person in persons:
        seen: dict[int, float] = {}
        for rank, v in enumerate(person.interessen):
            seen.setdefault(club_pos[v], interest_weight(rank))
        interests.append(list(seen.items()))
    units = merge_groups(N, [[person_pos[x] for x in g] for g in instanz.zusammen])
    unit = list(range(N))
    in_group = set()
    for k, members in enumerate(units):
        for p in members:
            unit[p] = N + k
            in_group.add(p)
    all_units = units + [[p] for p in range(N) if p not in in_group]
    getrennt_of: list[list[int]] = [[] for _ in range(N)]
    for pair in instanz.getrennt:
        ids = [person_pos[x] for x in pair]
        for a in ids:
            for b in ids:
                if a != b and b not in getrennt_of[a]:
                    getrennt_of[a].append(b)
    together = merge_groups(len(clubs), [[club_pos[x] for x in g] for g in instanz.vereine_zusammen])
    apart: list[tuple[int, int]] = []
    for group_ in instanz.vereine_getrennt:
        ids = [club_pos[x] for x in group_]
        apart.extend((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :] if a != b)
    return Problem(
        instanz=instanz,
        R=R,
        T=len(tables),
        N=N,
        C=len(clubs),
        seats=[t.plaetze for t in tables],
        seats_min=[t.plaetze_min for t in tables],
        table_access=[t.barrierefrei for t in tables],
        club_access=[v.barrierefrei_noetig for v in clubs],
        club_booths=[v.anzahl_tische for v in clubs],
        club_theme=theme,
        vpt_max=instanz.vereine_pro_tisch_max,
        gemeinde_cap=instanz.gemeinde_max_pro_tisch,
        group=group,
        K=K,
        kommune=kommune,
        M=M,
        guide=[p.lotse for p in persons],
        needs_access=[p.barrierefrei_noetig for p in persons],
        rounds_of=rounds_of,
        attends=attends,
        attendees=attendees,
        interests=interests,
        unit=unit,
        units=all_units,
        getrennt_of=getrennt_of,
        clubs_together=together,
        clubs_apart=apart,
        table_ids=[t.id for t in tables],
        club_ids=[v.id for v in clubs],
        person_ids=[p.id for p in persons],
    )
