"""Bounds against brute force on tiny instances: every plan respects them, and coverage is exact."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from automation.domain.tischplan.bounds import absent_groups_bound, coverage_bound, municipality_bound, repeats_bound
from automation.domain.tischplan.model import Instanz, PlanVerein, Teilnehmende, Tisch
from automation.domain.tischplan.problem import compile_problem


def _tiny(seed: int) -> Instanz:
    rng = random.Random(seed)
    return Instanz(
        runden=2,
        vereine_pro_tisch_max=1,
        gemeinde_max_pro_tisch=1,
        tische=[Tisch(id=f"T{t}", plaetze=2) for t in range(3)],
        vereine=[PlanVerein(id="V0"), PlanVerein(id="V1")],
        teilnehmende=[
            Teilnehmende(
                id=f"K{p}",
                gruppe=rng.choice(["Incoming", "Outgoing", "Einheimisch"]),
                kommune=rng.choice(["A", "B"]),
                interessen=rng.sample(["V0", "V1"], rng.randint(0, 2)),
            )
            for p in range(5)
        ],
    )


def _brute_force(instanz: Instanz, clubs_at: list[list[int]]) -> tuple[int, int, int, int]:
    """Best coverage and least repeats, absent groups and excess over all valid seatings."""
    n, tables, rounds = len(instanz.teilnehmende), len(instanz.tische), instanz.runden
    interests = [set(p.interessen) for p in instanz.teilnehmende]
    club_names = [[f"V{v}" for v in clubs] for clubs in clubs_at]
    best = [-1, 10**9, 10**9, 10**9]
    per_round = [s for s in itertools.product(range(tables), repeat=n) if max(Counter(s).values()) <= 2]
    for plan in itertools.product(per_round, repeat=rounds):
        ok = all(plan[0][p] != plan[1][p] or not clubs_at[plan[0][p]] for p in range(n))
        if not ok:
            continue
        covered = sum(len(interests[p] & {c for r in range(rounds) for c in club_names[plan[r][p]]}) for p in range(n))
        pairs: Counter[tuple[int, int]] = Counter()
        absent = excess = 0
        groups_all = {p.gruppe for p in instanz.teilnehmende}
        for seating in plan:
            for t in range(tables):
                at = [p for p in range(n) if seating[p] == t]
                pairs.update(itertools.combinations(at, 2))
                if at:
                    absent += len(groups_all) - len({instanz.teilnehmende[p].gruppe for p in at})
                    excess += sum(max(0, c - 1) for c in Counter(instanz.teilnehmende[p].kommune for p in at).values())
        repeats = sum(c - 1 for c in pairs.values() if c > 1)
        best = [max(best[0], covered), min(best[1], repeats), min(best[2], absent), min(best[3], excess)]
    return best[0], best[1], best[2], best[3]


@pytest.mark.parametrize("seed", range(4))
def test_bounds_hold_against_brute_force(seed: int) -> None:
    instanz = _tiny(seed)
    pr = compile_problem(instanz)
    clubs_at = [[0], [1], []]
    cover, repeats, absent, excess = _brute_force(instanz, clubs_at)
    # with one club per table and a free table the b-matching bound is exact (König)
    assert coverage_bound(pr, clubs_at) == cover
    assert repeats_bound(pr) <= repeats
    # the flow bounds are exact here: each round on its own can reach them, and so can both rounds together
    assert absent_groups_bound(pr) == absent
    assert municipality_bound(pr) == excess


def test_repeat_bound_is_positive_when_tables_force_meetings() -> None:
    # 4 people, 1 table of 4, 2 rounds: 6 pairs meet twice
    instanz = Instanz(
        runden=2,
        tische=[Tisch(id="T", plaetze=4)],
        teilnehmende=[Teilnehmende(id=f"K{p}") for p in range(4)],
    )
    assert repeats_bound(compile_problem(instanz)) == 6


def test_absent_group_bound_counts_small_tables() -> None:
    # three groups, tables of 2: every table misses at least one group
    instanz = Instanz(
        runden=1,
        tische=[Tisch(id=f"T{t}", plaetze=2) for t in range(3)],
        teilnehmende=[Teilnehmende(id=f"K{p}", gruppe=["a", "b", "c"][p % 3]) for p in range(6)],
    )
    assert absent_groups_bound(compile_problem(instanz)) == 3
