"""Budget and determinism: the clock never decides the plan, the locked phase never gives coverage back."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import automation.domain.tischplan.search as search_module
from automation.domain.tischplan import solve, violations
from automation.domain.tischplan.beispiele import markt, realistic_market
from automation.domain.tischplan.bounds import compute_bounds
from automation.domain.tischplan.club_placement import place_clubs
from automation.domain.tischplan.problem import compile_problem
from automation.domain.tischplan.search import Budget, anneal
from automation.domain.tischplan.solver import _plan_from, _start, planned_iterations


def _jumpy_clock() -> Iterator[float]:
    """A clock that runs at a random, uneven pace (a busy or a quiet machine)."""
    rng = random.Random(7)
    now = 1000.0
    while True:
        now += rng.random() * 0.01
        yield now


def test_same_instance_seed_and_seconds_give_the_same_plan_whatever_the_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    instanz = realistic_market(3, 40, 8, 3, 8)
    first = solve(instanz, seed=4, seconds=0.3, deadline=math.inf)
    ticks = _jumpy_clock()
    monkeypatch.setattr(search_module.time, "perf_counter", lambda: next(ticks))
    second = solve(instanz, seed=4, seconds=0.3, deadline=math.inf)
    assert first.plan == second.plan
    assert first.iterations == second.iterations == planned_iterations(compile_problem(instanz), 0.3)
    assert first.iterations_used == first.iterations and not first.capped
    # the same budget passed as iterations repeats the plan
    again = solve(instanz, seed=4, iterations=first.iterations, seconds=0.3, deadline=math.inf)
    assert again.plan == first.plan


def test_iteration_budget_is_a_pure_growing_function_of_the_seconds() -> None:
    pr = compile_problem(markt(2, personen=80, tische=14, vereine=15))
    budgets = [planned_iterations(pr, s) for s in (0.5, 1.0, 2.0, 4.0, 8.0)]
    assert budgets == [planned_iterations(pr, s) for s in (0.5, 1.0, 2.0, 4.0, 8.0)]
    assert budgets == sorted(budgets) and budgets[0] < budgets[-1]


def test_a_passed_deadline_stops_the_search_and_says_so() -> None:
    instanz = markt(1)
    result = solve(instanz, seed=0, seconds=5.0, deadline=time.perf_counter() - 1.0)
    assert result.capped
    assert result.iterations_used < result.iterations
    assert violations(instanz, result.plan) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.integers(20, 70), st.integers(3, 4))
def test_realistic_markets_get_valid_plans(seed: int, people: int, rounds: int) -> None:
    tables = people // 6 + 3
    instanz = realistic_market(seed, people, tables, rounds, max(6, tables))
    result = solve(instanz, seed=seed, iterations=3000)
    assert violations(instanz, result.plan) == []
    for person in instanz.teilnehmende:
        seats = [
            sum(person.id in rt.teilnehmende for rt in runde.tische) for runde in result.plan.runden
        ]  # fmt: skip
        assert seats == [int(r in instanz.rounds_of(person)) for r in range(1, rounds + 1)]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.integers(20, 60))
@example(8828, 20)  # the greedy start left a table under its minimum, and no swap was allowed to fill it
def test_the_locked_phase_never_loses_a_covered_interest(seed: int, people: int) -> None:
    instanz = realistic_market(seed, people, people // 6 + 3, 4, 10)
    pr = compile_problem(instanz)
    rng = random.Random(seed)
    clubs_at = place_clubs(pr, rng)
    sp = _start(pr, clubs_at, rng)
    anneal(sp, rng, Budget(2000), stop_at_cover=compute_bounds(pr, clubs_at).coverage)
    floor = sp.cover_count
    checked = [0]
    with pytest.MonkeyPatch.context() as mp:
        for name in ("_locked_step", "_round_swap"):
            step = getattr(search_module, name)

            def watched(*args: object, step: object = step) -> None:
                step(*args)  # type: ignore[operator]
                checked[0] += 1
                assert sp.cover_count >= floor  # after every single step, not just at the end

            mp.setattr(search_module, name, watched)
        seat, stats = anneal(sp, rng, Budget(6000), t_start=5.0, focus=0.0, aim=0.0, lock_coverage=True)
    assert stats.iterations == 6000 and checked[0] >= 6000
    assert violations(instanz, _plan_from(pr, clubs_at, seat)) == []


def test_locked_phase_improves_the_later_goals_of_a_coverage_optimal_plan() -> None:
    instanz = realistic_market(11, 60, 10, 4, 15)
    short = solve(instanz, seed=1, iterations=2_000)
    long = solve(instanz, seed=1, iterations=60_000)
    k_short, k_long = short.plan.kennzahlen, long.plan.kennzahlen
    assert k_long.interessen_abgedeckt == k_short.interessen_abgedeckt == k_long.interessen_schranke
    later = [(k.wiederholungen + 0.4 * k.fehlende_gruppen + 0.2 * k.gemeinde_ueberschuss) for k in (k_short, k_long)]
    assert later[1] < later[0]


def test_locked_phase_reaches_the_reference_on_every_later_goal_with_more_guides_than_tables() -> None:
    # Real 53 of benchmarks/tischplan_vergleich.py: 12 guides at 8 tables leave few exchanges that keep every
    # covered interest. The plain annealing of the benchmark reached (median of three seeds, 2 s) 16–17
    # repeats, 19–22 absent groups and 33–36 municipality excess at a lower or equal coverage; the planner
    # keeps the coverage bound and must be at least as good on each of the three later goals.
    instanz = realistic_market(13, 53, 8, 4, 12, seats=(5, 6, 7, 8), guides=12)
    result = solve(instanz, seed=1, iterations=150_000)
    k = result.plan.kennzahlen
    assert violations(instanz, result.plan) == []
    assert k.interessen_abgedeckt == k.interessen_schranke
    assert k.wiederholungen <= 16
    assert k.fehlende_gruppen <= 19
    assert k.gemeinde_ueberschuss <= 33
