"""``solve``: the whole table planner (pure: no I/O; deterministic for a seed and an iteration budget).

Stage 1 places the clubs, stage 2 seats the participants:

- pure mixing instances (only repeats matter, e.g. Social Golfer): the tabu search of ``mixing``;
- instances with interests whose MIP has at most ``mip.MAX_VARIABLES`` variables: a MIP finds the seating
  of maximal coverage under all hard constraints (and so the exact coverage bound);
- everything else (big markets): greedy start, then annealing with coverage first until the coverage
  bound is reached or its share of the budget is spent.

In both market cases the rest of the budget goes to the later goals (repeats, mixing, municipality
spread) with the coverage *locked*: no step may lower the number of covered interests (``search``).

Budget and determinism: the search is driven by a number of iterations only. Given ``seconds``, the
number is derived from the instance's size and the seconds by a fixed cost model (``planned_iterations``),
never from a clock, so the same instance, seed and seconds give the same plan. A wall-clock ``deadline``
is a safety cap on top; when it strikes (a busy machine), the result says so and reports the iterations
used, which repeat the run exactly when passed back as ``iterations``.

The quality figure used everywhere is the *coverage ratio* ``interessen_abgedeckt ÷ interessen_schranke``
(1 when the instance has no interests); the other soft goals are reported as achieved value next to
their lower bound (``Bounds``).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from automation.domain.errors import InfeasibleError
from automation.domain.tischplan.bounds import Bounds, compute_bounds
from automation.domain.tischplan.club_placement import place_clubs
from automation.domain.tischplan.feasibility import check_feasibility
from automation.domain.tischplan.greedy_start import build_start
from automation.domain.tischplan.metrics import compute_metrics
from automation.domain.tischplan.mip import MAX_VARIABLES, mip_size, solve_coverage
from automation.domain.tischplan.mixing import is_pure_mixing, tabu_mixing
from automation.domain.tischplan.model import Instanz, Plan, PlanRunde, PlanTisch, RundenTisch
from automation.domain.tischplan.problem import Problem, compile_problem
from automation.domain.tischplan.search import Budget, SearchStats, anneal
from automation.domain.tischplan.seating import W_REPEAT, Seating

MIP_NODES = 2_000
"""Branch-and-bound nodes of the MIP (a node limit keeps it deterministic)."""
MIP_MAX_SHARE = 0.6
"""The MIP runs only when its modelled time is at most this share of the seconds."""
COVER_SHARE = 0.5
"""Share of the iterations the coverage-first annealing may use when no MIP gave the optimum."""

T_START_LOCKED = 1.0
"""Starting temperature of the locked phase (the scale of one repeat meeting)."""
T_END_LOCKED = 0.02
ROUND_SWAP_SHARE = 0.0
"""Share of extra round swaps in the locked phase (pinned people do round swaps anyway)."""
FOCUS_LOCKED = 0.0
"""Share of conflict-directed steps in the locked phase."""
LOCKED_WEIGHTS = (W_REPEAT, 0.5, 0.4)
"""Weights of repeats, absent groups and municipality excess in the locked phase: a little more on the
last two goals than the objective's (1, 0.4, 0.2), so that none of the three falls behind (measured on the
realistic markets of ``benchmarks/tischplan_vergleich.py``; the objective itself improved too)."""

# The cost model of ``planned_iterations``: CPU microseconds measured on the reference machine (2 cores;
# ``benchmarks/tischplan_vergleich.py --kalibrieren`` prints them), planned with a safety factor so that
# a moderately busy machine still finishes within the deadline.
US_PER_STEP = 3.5
"""Microseconds per annealing step, constant part (a locked step draws its partners: 6–8 µs at 60 people)."""
US_PER_SEAT = 0.3
"""… for each seat of an average table (the evaluation is O(table size))."""
US_PER_PERSON = 0.01
"""… for each participant (memory traffic of the pair counts)."""
TABU_US_PER_CELL = 0.02
"""Microseconds per tabu iteration for each cell of the rounds × players × players tables."""
TABU_US_PER_STEP = 80.0
"""… and its constant part (numpy calls; measured 90–100 µs per step at 15–32 players)."""
PREP_SECONDS = 0.03
PREP_US_PER_SLOT = 30.0
"""Preparation (club placement, bounds, start): fixed seconds and microseconds per (person, round)."""
MIP_US_PER_VARIABLE = 200.0
"""Modelled time of the MIP per seat variable."""
SAFETY = 0.95
"""Share of the modelled seconds actually planned for iterations."""

Progress = Callable[[float, int, int, int], None]
"""Progress: (fraction done, covered interests, coverage bound, repeats)."""


@dataclass
class Result:
    """A plan with its bounds, notes for the coordinator, the iterations and where the time went."""

    plan: Plan
    bounds: Bounds
    notes: list[str] = field(default_factory=list)
    iterations: int = 0
    """The iteration budget of the search: passed back as ``iterations`` it repeats the plan exactly."""
    iterations_used: int = 0
    capped: bool = False
    """True when the wall-clock deadline stopped the search before its iterations were done."""
    timing: dict[str, float] = field(default_factory=dict)
    """Seconds per phase (German keys: they are shown to the coordinator)."""

    @property
    def coverage_ratio(self) -> float:
        """Covered interests ÷ coverage bound (1.0 when there is nothing to cover)."""
        k = self.plan.kennzahlen
        return k.interessen_abgedeckt / k.interessen_schranke if k.interessen_schranke else 1.0


def _slots(pr: Problem) -> int:
    return sum(len(a) for a in pr.attendees)


def step_seconds(pr: Problem) -> float:
    """Modelled seconds of one annealing step."""
    seats = sum(pr.seats) / max(1, pr.T)
    return (US_PER_STEP + US_PER_SEAT * seats + US_PER_PERSON * pr.N) * 1e-6


def _usable(pr: Problem, seconds: float) -> float:
    return max(0.0, seconds - PREP_SECONDS - PREP_US_PER_SLOT * _slots(pr) * 1e-6)


def _mip_fits(pr: Problem, seconds: float | None) -> bool:
    """The MIP runs when it is small enough and (with seconds) its modelled time fits."""
    if not any(pr.interests) or mip_size(pr) > MAX_VARIABLES:
        return False
    return seconds is None or MIP_US_PER_VARIABLE * mip_size(pr) * 1e-6 <= MIP_MAX_SHARE * _usable(pr, seconds)


def planned_iterations(pr: Problem, seconds: float | None) -> int:
    """The iteration budget for an instance and seconds: a pure function of both (no clock)."""
    slots = _slots(pr)
    if seconds is None:
        iterations = 200 * slots + 20_000
        return max(500, iterations // 40) if is_pure_mixing(pr) else iterations
    usable = _usable(pr, seconds)
    if is_pure_mixing(pr):
        players = pr.T * pr.seats[0]
        per_iteration = (TABU_US_PER_CELL * pr.R * players * players + TABU_US_PER_STEP) * 1e-6
        return int(SAFETY * usable / per_iteration)
    if _mip_fits(pr, seconds):
        usable -= MIP_US_PER_VARIABLE * mip_size(pr) * 1e-6
    return int(SAFETY * max(0.0, usable) / step_seconds(pr))


def _plan_from(pr: Problem, clubs_at: list[list[int]], seat: list[list[int]]) -> Plan:
    tische = [PlanTisch(id=pr.table_ids[t], vereine=[pr.club_ids[v] for v in clubs_at[t]]) for t in range(pr.T)]
    runden = []
    for r in range(pr.R):
        at: list[list[str]] = [[] for _ in range(pr.T)]
        for p in pr.attendees[r]:
            at[seat[r][p]].append(pr.person_ids[p])
        runden.append(
            PlanRunde(
                runde=r + 1,
                tische=[RundenTisch(id=pr.table_ids[t], teilnehmende=at[t]) for t in range(pr.T)],
            )
        )
    return Plan(tische=tische, runden=runden)


def _start(pr: Problem, clubs_at: list[list[int]], rng: random.Random) -> Seating:
    problems: list[str] = []
    for _attempt in range(20):
        sp = Seating(pr, clubs_at)
        problems = build_start(sp, rng)
        if not problems:
            return sp
    raise InfeasibleError(
        "Es wurde keine gültige Sitzordnung gefunden (" + "; ".join(problems[:3]) + "). "
        "Meist fehlen Tische ohne Verein oder Plätze: ein Tisch mit Vereinen darf niemand zweimal besuchen."
    )


def _seating_from(pr: Problem, clubs_at: list[list[int]], seat: list[list[int]]) -> Seating:
    sp = Seating(pr, clubs_at)
    sp.load(seat)
    return sp


class _Clock:
    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.phases: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = round(self.phases.get(name, 0.0) + now - self.last, 4)
        self.last = now


def solve(
    instanz: Instanz,
    seed: int = 0,
    iterations: int | None = None,
    seconds: float | None = None,
    deadline: float | None = None,
    progress: Progress | None = None,
) -> Result:
    """Plan an instance. Raises InfeasibleError with a German cause for impossible instances.

    ``iterations`` fixes the search budget (deterministic); otherwise it follows from ``seconds`` by the
    cost model. ``deadline`` (a ``time.perf_counter`` value; default: now + ``seconds``) only caps the
    wall time; ``math.inf`` switches the cap off.
    """
    clock = _Clock()
    if deadline is not None and math.isinf(deadline):
        deadline = None
    elif deadline is None and seconds is not None:
        deadline = clock.last + seconds
    pr = compile_problem(instanz)
    check_feasibility(pr)
    rng = random.Random(seed)
    clubs_at = place_clubs(pr, rng)
    _check_visits(pr, clubs_at)
    bounds = compute_bounds(pr, clubs_at)
    clock.lap("vorbereitung")
    if iterations is None:
        iterations = planned_iterations(pr, seconds)

    def report(frac: float, s: Seating) -> None:
        if progress is not None:
            progress(frac, s.cover_count, bounds.coverage, s.repeats)

    stats = SearchStats()
    if is_pure_mixing(pr):
        sp = _start(pr, clubs_at, rng)

        def tabu_report(frac: float, repeats: int) -> None:
            if progress is not None:
                progress(frac, 0, 0, repeats)

        seat, stats = tabu_mixing(
            pr, sp.copy_seats(), rng.randrange(2**31), Budget(iterations, deadline), bounds.repeats, tabu_report
        )
        clock.lap("mischung")
    else:
        seat, stats = _seat_market(pr, clubs_at, bounds, rng, iterations, seconds, deadline, report, clock)
    plan = _plan_from(pr, clubs_at, seat)
    plan.kennzahlen = compute_metrics(instanz, plan, bounds.coverage)
    clock.lap("kennzahlen")
    names = {v.id: v.name for v in instanz.vereine if v.name}
    return Result(
        plan=plan,
        bounds=bounds,
        notes=club_notes(bounds, names),
        iterations=iterations,
        iterations_used=stats.iterations,
        capped=stats.capped,
        timing=clock.phases,
    )


def _seat_market(
    pr: Problem,
    clubs_at: list[list[int]],
    bounds: Bounds,
    rng: random.Random,
    iterations: int,
    seconds: float | None,
    deadline: float | None,
    report: Callable[[float, Seating], None],
    clock: _Clock,
) -> tuple[list[list[int]], SearchStats]:
    """Coverage first (MIP or annealing), then the later goals with the coverage locked."""
    sp: Seating | None = None
    optimal = False
    capped = False
    if _mip_fits(pr, seconds):
        mip_cap: float | None = None
        if deadline is not None:
            # the MIP gets what is left once the search's iterations are reserved
            mip_cap = deadline - time.perf_counter() - iterations * step_seconds(pr)
        if mip_cap is None or mip_cap > 0.05:
            began = time.perf_counter()
            result = solve_coverage(pr, clubs_at, seconds=mip_cap, nodes=MIP_NODES)
            took = time.perf_counter() - began
            capped = mip_cap is not None and not result.optimal and took >= 0.95 * mip_cap
            if result.bound is not None and result.bound < bounds.coverage:
                bounds.coverage_lp = bounds.coverage
                bounds.coverage = result.bound
            if result.seat is not None:
                sp = _seating_from(pr, clubs_at, result.seat)
                optimal = result.optimal
        clock.lap("ganzzahlig")
    used = 0
    if sp is None:
        sp = _start(pr, clubs_at, rng)
        clock.lap("start")
    first = SearchStats()
    if not optimal and sp.cover_count < bounds.coverage:
        # coverage first: every goal weighted, directed steps to uncovered interests
        _seats, first = anneal(
            sp,
            rng,
            Budget(int(iterations * COVER_SHARE), deadline),
            report,
            stop_at_cover=bounds.coverage,
        )
        used = first.iterations
        clock.lap("suche_interessen")
    locked = SearchStats()
    if not first.capped:
        seat, locked = anneal(
            sp,
            rng,
            Budget(iterations - used, deadline),
            report,
            t_start=T_START_LOCKED,
            t_end=T_END_LOCKED,
            focus=FOCUS_LOCKED,
            aim=0.0,
            round_swaps=ROUND_SWAP_SHARE,
            lock_coverage=True,
            weights=LOCKED_WEIGHTS,
        )
        clock.lap("suche_mischung")
    else:
        seat = sp.copy_seats()
    return seat, SearchStats(used + locked.iterations, capped or first.capped or locked.capped)


def _check_visits(pr: Problem, clubs_at: list[list[int]]) -> None:
    """Somebody attending k rounds needs k different tables when every table has clubs."""
    free = [t for t in range(pr.T) if not clubs_at[t]]
    for p in range(pr.N):
        allowed = [t for t in range(pr.T) if pr.table_access[t] or not pr.needs_access[p]]
        if any(t in free for t in allowed):
            continue
        if len(allowed) < len(pr.rounds_of[p]):
            raise InfeasibleError(
                f"{pr.person_ids[p]} nimmt an {len(pr.rounds_of[p])} Runden teil, es gibt aber nur "
                f"{len(allowed)} passende Tische, und niemand darf einen Tisch mit Vereinen "
                "zweimal besuchen. "
                "Bitte Tische ergänzen oder Runden verringern."
            )


def club_notes(bounds: Bounds, names: dict[str, str] | None = None) -> list[str]:
    """Notes for the coordinator: oversubscribed clubs (by name) with a suggestion naming the column."""
    out = []
    for club, demand, capacity in bounds.oversubscribed:
        name = f"»{names[club]}« ({club})" if names and club in names else club
        out.append(
            f"Verein {name} ist überbucht: {demand} Interessierte, aber nur {capacity} Besuche möglich. "
            "Vorschlag: einen zweiten Stand aufstellen (Spalte »Anzahl Tische« in der Tabelle »Vereine« "
            "auf 2 setzen, in einer Instanzdatei »anzahl_tische«) oder eine Runde ergänzen."
        )
    return out
