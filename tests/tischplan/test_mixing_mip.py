"""The tabu search for pure mixing instances, the design-theory start, and the MIP of maximal coverage."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter

import numpy as np
import pytest

from automation.domain.tischplan import solve, violations
from automation.domain.tischplan.beispiele import golfer, markt
from automation.domain.tischplan.bounds import coverage_bound
from automation.domain.tischplan.club_placement import place_clubs
from automation.domain.tischplan.mip import solve_coverage
from automation.domain.tischplan.mixing import _State, construction, freedom_start, is_pure_mixing
from automation.domain.tischplan.model import Instanz, Teilnehmende, Tisch
from automation.domain.tischplan.problem import compile_problem
from tests.tischplan.test_bounds import _brute_force, _tiny


def _wiederholungen(runden: np.ndarray) -> int:
    paare: Counter[tuple[int, int]] = Counter()
    for runde in runden:
        for t in set(runde.tolist()):
            paare.update(itertools.combinations(np.flatnonzero(runde == t).tolist(), 2))
    return sum(c - 1 for c in paare.values() if c > 1)


def test_partial_spread_gives_rounds_without_repeats() -> None:
    runden = construction(9, 8, 4, np.random.default_rng(0))
    assert runden is not None and runden.shape == (9, 32)
    for runde in runden:
        assert sorted(Counter(runde.tolist()).values()) == [4] * 8
    assert _wiederholungen(runden) == 0
    # sizes that are no powers of two have no such construction
    assert construction(7, 5, 3, np.random.default_rng(0)) is None
    # the greedy continues after the constructed rounds; its count agrees with the pair counts
    voll = freedom_start(10, 8, 4, 32, np.random.default_rng(0), runden)
    assert (voll[:9] == runden).all()
    assert _State(voll, 32, 8).cost == _wiederholungen(voll) > 0


@pytest.mark.parametrize(("g", "s", "w"), [(5, 3, 7), (8, 4, 9), (8, 4, 10)])
def test_social_golfer_without_repeats(g: int, s: int, w: int) -> None:
    instanz = golfer(g, s, w)
    assert is_pure_mixing(compile_problem(instanz))
    result = solve(instanz, seed=1, iterations=10_000)
    assert violations(instanz, result.plan) == []
    assert result.plan.kennzahlen.wiederholungen == 0


def test_pure_mixing_with_empty_seats_and_determinism() -> None:
    instanz = Instanz(
        runden=4,
        tische=[Tisch(id=f"T{t}", plaetze=4) for t in range(4)],
        teilnehmende=[Teilnehmende(id=f"P{p}") for p in range(14)],
    )
    assert is_pure_mixing(compile_problem(instanz))
    a = solve(instanz, seed=3, iterations=500)
    b = solve(instanz, seed=3, iterations=500)
    assert a.plan == b.plan
    assert violations(instanz, a.plan) == []
    assert a.bounds.repeats <= a.plan.kennzahlen.wiederholungen <= 2
    # a Gruppe to mix is more than repeats: the annealing plans it
    instanz.teilnehmende[0].gruppe = "Incoming"
    assert not is_pure_mixing(compile_problem(instanz))


@pytest.mark.parametrize("seed", range(4))
def test_mip_coverage_is_exact_against_brute_force(seed: int) -> None:
    instanz = _tiny(seed)
    pr = compile_problem(instanz)
    clubs_at = [[0], [1], []]
    cover, _rep, _abs, _exc = _brute_force(instanz, clubs_at)
    result = solve_coverage(pr, clubs_at)
    assert result.optimal
    assert result.bound == result.covered == cover


def test_mip_closes_the_gap_of_the_b_matching_bound() -> None:
    instanz = markt(1)
    pr = compile_problem(instanz)
    clubs_at = place_clubs(pr, random.Random(0))
    lp = coverage_bound(pr, clubs_at)
    result = solve_coverage(pr, clubs_at)
    assert result.optimal and result.bound is not None
    assert result.bound == result.covered <= lp
    plan = solve(instanz, seed=0, iterations=30_000)
    assert plan.bounds.coverage <= plan.bounds.coverage_lp or plan.bounds.coverage_lp is None
    assert plan.coverage_ratio == 1.0
    assert plan.plan.kennzahlen.verletzungen == 0


def test_theme_fit_counts_pairs_of_clubs_at_a_table() -> None:
    from automation.domain.tischplan.metrics import theme_fit
    from automation.domain.tischplan.model import Plan, PlanTisch, PlanVerein

    instanz = Instanz(
        runden=1,
        tische=[Tisch(id="T1", plaetze=2), Tisch(id="T2", plaetze=2)],
        vereine=[PlanVerein(id="A", thema="Sport"), PlanVerein(id="B", thema="Sport"), PlanVerein(id="C", thema="Musik"),
                 PlanVerein(id="D")],
        teilnehmende=[],
    )  # fmt: skip
    plan = Plan(tische=[PlanTisch(id="T1", vereine=["A", "B"]), PlanTisch(id="T2", vereine=["C", "D"])], runden=[])
    assert theme_fit(instanz, plan) == (1, 2)


@pytest.mark.parametrize("seed", [1, 3])
def test_social_golfer_8_4_10_reaches_zero_repeats_within_a_short_budget(seed: int) -> None:
    # the cost model plans the tabu steps the seconds allow; 5 s suffice for a plan without repeats
    instanz = golfer(8, 4, 10)
    result = solve(instanz, seed=seed, seconds=5.0, deadline=math.inf)
    assert violations(instanz, result.plan) == []
    assert result.plan.kennzahlen.wiederholungen == 0
    assert result.iterations_used <= result.iterations
