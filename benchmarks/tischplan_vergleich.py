"""The table planner against a plain simulated annealing on realistic markets (issue 11), side by side.

    python3 benchmarks/tischplan_vergleich.py [--schnell] [--nur NAME ...] [--kalibrieren]

For every instance of the set (the realistic seeded markets of ``beispiele.realistic_market``, the older
``markt`` instances and Social Golfer instances) it runs

- the planner as the whole command, ``gespraechsrunde tischplan --instanz … --json … --sekunden S``, in a
  subprocess, measuring its wall time from process start to exit and its peak memory;
- the reference: a straightforward simulated annealing over the same weighted objective (same energy as
  the planner: ``seating.W_*``), from the planner's greedy start on the same club placement, with random
  block moves and exchanges, Metropolis acceptance and a geometric cooling over the same S seconds of
  wall time, run with three seeds; the table shows the median of each figure.

"Abd./exakt" is the coverage divided by the exact bound (the MIP solved without limits, where the
model is small enough; otherwise the LP bound). ``--kalibrieren`` prints instead the CPU microseconds per
step of each phase, the figures behind the cost model of ``solver.planned_iterations``.

Columns: weighted objective (higher is better: W_COVERAGE × weighted coverage − W_REPEAT × repeats −
W_GROUP × absent groups − W_MUNICIPALITY × municipality excess) and its difference to the reference,
coverage ÷ bound, repeats, absent groups, municipality excess, wall time for ``--sekunden S`` (the goal is
≤ S + 0.5 s) and, for the planner, peak memory. The line below says whether the planner wins on the
objective, whether it is at least as good as the reference median on every goal, and whether it kept
its time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from automation.domain.tischplan import Instanz, Plan, compute_metrics
from automation.domain.tischplan.beispiele import golfer, markt, realistic_market
from automation.domain.tischplan.bounds import compute_bounds
from automation.domain.tischplan.club_placement import place_clubs
from automation.domain.tischplan.greedy_start import build_start
from automation.domain.tischplan.mip import MAX_VARIABLES, mip_size, solve_coverage
from automation.domain.tischplan.mixing import is_pure_mixing, tabu_mixing
from automation.domain.tischplan.model import PlanRunde, PlanTisch, RundenTisch
from automation.domain.tischplan.problem import compile_problem, interest_weight
from automation.domain.tischplan.search import Budget, anneal
from automation.domain.tischplan.seating import W_COVERAGE, W_GROUP, W_MUNICIPALITY, W_REPEAT, Seating
from automation.domain.tischplan.solver import _start

ROOT = Path(__file__).resolve().parent.parent


def instances() -> list[tuple[str, Instanz, float]]:
    """(name, instance, seconds) of the benchmark set."""
    return [
        ("Real 60 (10 T 5-7, 4 R, Lotsen)", realistic_market(11, 60, 10, 4, 15), 2.0),
        (
            "Real 150 (25 T 5-8, 5 barrierefrei)",
            realistic_market(12, 150, 25, 4, 35, seats=(5, 6, 7, 8), step_free_tables=5),
            5.0,
        ),
        ("Real 53 (8 T 5-8, 12 Lotsen > T)", realistic_market(13, 53, 8, 4, 12, seats=(5, 6, 7, 8), guides=12), 2.0),
        (
            "Real 1000 (100 T 8-12, 5 R)",
            realistic_market(14, 1000, 100, 5, 120, seats=(8, 9, 10, 11, 12)),
            30.0,
        ),
        ("Markt 60 (10×6, 4 R, 15 V)", markt(1), 2.0),
        ("Markt 150 (25×6, 4 R, 35 V)", markt(2, personen=150, tische=25, vereine=35), 5.0),
        ("Markt 1000 (100×10, 5 R)", markt(3, personen=1000, tische=100, plaetze=10, runden=5, vereine=120), 30.0),
        ("Golfer 5-3-7", golfer(5, 3, 7), 5.0),
        ("Golfer 8-4-8", golfer(8, 4, 8), 10.0),
        ("Golfer 8-4-9", golfer(8, 4, 9), 20.0),
        ("Golfer 8-4-10", golfer(8, 4, 10), 30.0),
    ]


@dataclass
class Figures:
    objective: float
    coverage_ratio: float
    repeats: int
    absent: int
    excess: int
    wall: float
    peak_mb: float = 0.0


def weighted_coverage(instanz: Instanz, plan: Plan) -> float:
    clubs_at = {t.id: set(t.vereine) for t in plan.tische}
    met: dict[str, set[str]] = {p.id: set() for p in instanz.teilnehmende}
    for runde in plan.runden:
        for rt in runde.tische:
            for pid in rt.teilnehmende:
                met[pid] |= clubs_at.get(rt.id, set())
    total = 0.0
    for person in instanz.teilnehmende:
        seen: set[str] = set()
        for rank, v in enumerate(person.interessen):
            if v in seen:
                continue
            seen.add(v)
            if v in met[person.id]:
                total += interest_weight(rank)
    return total


def figures(instanz: Instanz, plan: Plan, bound: int, wall: float, peak_mb: float = 0.0) -> Figures:
    k = compute_metrics(instanz, plan, bound)
    if compute_metrics(instanz, plan, bound).verletzungen:
        raise SystemExit(f"Plan mit {k.verletzungen} Verletzungen")
    objective = (
        W_COVERAGE * weighted_coverage(instanz, plan)
        - W_REPEAT * k.wiederholungen
        - W_GROUP * k.fehlende_gruppen
        - W_MUNICIPALITY * k.gemeinde_ueberschuss
    )
    ratio = k.interessen_abgedeckt / bound if bound else 1.0
    return Figures(objective, ratio, k.wiederholungen, k.fehlende_gruppen, k.gemeinde_ueberschuss, wall, peak_mb)


def planner(instanz: Instanz, seconds: float, folder: Path) -> tuple[Plan, Figures, dict[str, object]]:
    """The whole command in a subprocess: wall time from process start, peak memory (maxrss)."""
    source = folder / "instanz.json"
    target = folder / "plan.json"
    source.write_text(instanz.model_dump_json(), encoding="utf-8")
    command = [sys.executable, "-m", "automation", "tischplan", "--instanz", str(source)]
    command += ["--json", str(target), "--sekunden", str(seconds), "--seed", "1"]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    out = process.stdout.read().decode() if process.stdout else ""
    err = process.stderr.read().decode() if process.stderr else ""
    if status != 0:
        raise SystemExit(f"tischplan endete mit {status}: {out}{err}")
    plan = Plan.model_validate_json(target.read_text(encoding="utf-8"))
    report = json.loads((folder / "plan.laufzeit.json").read_text(encoding="utf-8"))
    result = figures(instanz, plan, plan.kennzahlen.interessen_schranke, wall)
    peak = report.get("speicher_spitze_mb")
    result.peak_mb = float(peak) if isinstance(peak, (int, float)) else usage.ru_maxrss / 1024
    return plan, result, report


def reference(
    instanz: Instanz, seconds: float, seed: int, bound: int, iterations: int | None = None, cpu: bool = False
) -> Figures:
    """Plain simulated annealing over the planner's weighted energy, for ``seconds`` of wall time (of CPU
    time with ``cpu``; or a fixed number of ``iterations``, for tuning)."""
    clock = time.process_time if cpu else time.perf_counter
    start = clock()
    pr = compile_problem(instanz)
    rng = random.Random(seed)
    clubs_at = place_clubs(pr, random.Random(1))  # the planner's club placement for seed 1
    sp = Seating(pr, clubs_at)
    while build_start(sp, rng):
        sp = Seating(pr, clubs_at)
    block_of: list[dict[int, list[int]]] = []
    for r in range(pr.R):
        block_of.append({a: b for b in pr.blocks(r) for a in b})
    slots = [(r, p) for r in range(pr.R) for p in pr.attendees[r]]
    best_energy, best = sp.energy(), sp.copy_seats()
    t_start, t_end = 3.0, 0.03
    temp = t_start
    it = 0
    while True:
        if it % 256 == 0:
            now = clock()
            frac = (now - start) / seconds if iterations is None else it / iterations
            if frac >= 1.0:
                break
            temp = t_start * (t_end / t_start) ** frac
            if sp.energy() < best_energy - 1e-9:
                best_energy, best = sp.energy(), sp.copy_seats()
        it += 1
        r, p = slots[rng.randrange(len(slots))]
        t = sp.seat[r][p]
        u = rng.randrange(pr.T - 1)
        u += u >= t
        occ = sp.members[r][u]
        k = rng.randrange(pr.seats[u])
        a = block_of[r][p]
        b = block_of[r][occ[k]] if k < len(occ) else []
        if not sp.can_swap(r, a, t, b, u):
            continue
        de = sp.evaluate_swap(r, a, t, b, u).energy()
        if de <= 0 or rng.random() < math.exp(-de / temp):
            sp.swap(r, a, t, b, u)
    if sp.energy() < best_energy - 1e-9:
        best = sp.copy_seats()
    plan = _plan(pr.table_ids, pr.club_ids, pr.person_ids, clubs_at, best, [list(a) for a in pr.attendees])
    return figures(instanz, plan, bound, clock() - start)


def planner_cpu(instanz: Instanz, seconds: float) -> tuple[Plan, Figures]:
    """The planner in this process without the wall-clock cap; ``wall`` is its CPU time plus the CPU
    time of a process start (imports), measured once: what the command needs on a quiet machine."""
    from automation.domain.tischplan import solve
    from automation.services.tischplan import STARTUP_SECONDS

    start = time.process_time()
    result = solve(instanz, seed=1, seconds=max(0.05, seconds - STARTUP_SECONDS), deadline=math.inf)
    used = time.process_time() - start + _startup_cpu()
    return result.plan, figures(instanz, result.plan, result.plan.kennzahlen.interessen_schranke, used)


_STARTUP: list[float] = []


def _startup_cpu() -> float:
    """CPU seconds of ``gespraechsrunde --help`` plus importing the solver, in a fresh process."""
    if not _STARTUP:
        code = "import time, automation.cli, automation.domain.tischplan.solver; print(time.process_time())"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
        _STARTUP.append(float(done.stdout.strip()))
    return _STARTUP[0]


def _plan(
    tables: list[str],
    clubs: list[str],
    persons: list[str],
    clubs_at: list[list[int]],
    seat: list[list[int]],
    attendees: list[list[int]],
) -> Plan:
    rounds = []
    for r, people in enumerate(attendees):
        at: list[list[str]] = [[] for _ in tables]
        for p in people:
            at[seat[r][p]].append(persons[p])
        rounds.append(
            PlanRunde(runde=r + 1, tische=[RundenTisch(id=tables[t], teilnehmende=at[t]) for t in range(len(tables))])
        )
    return Plan(
        tische=[PlanTisch(id=tables[t], vereine=[clubs[v] for v in clubs_at[t]]) for t in range(len(tables))],
        runden=rounds,
    )


def _median(values: list[Figures]) -> Figures:
    return Figures(
        objective=statistics.median(v.objective for v in values),
        coverage_ratio=statistics.median(v.coverage_ratio for v in values),
        repeats=int(statistics.median(v.repeats for v in values)),
        absent=int(statistics.median(v.absent for v in values)),
        excess=int(statistics.median(v.excess for v in values)),
        wall=statistics.median(v.wall for v in values),
    )


def exact_bound(instanz: Instanz) -> int:
    """The exact coverage bound for the club placement of seed 1 (MIP without limits where small)."""
    pr = compile_problem(instanz)
    clubs_at = place_clubs(pr, random.Random(1))
    bound = compute_bounds(pr, clubs_at).coverage
    if any(pr.interests) and mip_size(pr) <= MAX_VARIABLES:
        result = solve_coverage(pr, clubs_at)
        if result.optimal and result.bound is not None:
            bound = min(bound, result.bound)
    return bound


def calibrate(names: list[str]) -> None:
    """CPU microseconds per step of each phase (the cost model of ``solver.planned_iterations``)."""
    for name, instanz, _seconds in instances():
        if names and not any(n in name for n in names):
            continue
        c0 = time.process_time()
        pr = compile_problem(instanz)
        rng = random.Random(1)
        clubs_at = place_clubs(pr, rng)
        compute_bounds(pr, clubs_at)
        slots = sum(len(a) for a in pr.attendees)
        prep = (time.process_time() - c0) * 1e6 / slots
        if is_pure_mixing(pr):
            sp = _start(pr, clubs_at, rng)
            c1 = time.process_time()
            _seat, stats = tabu_mixing(pr, sp.copy_seats(), 1, Budget(300), -1)
            cells = pr.R * (pr.T * pr.seats[0]) ** 2
            per = (time.process_time() - c1) * 1e6 / max(1, stats.iterations)
            print(
                f"{name:38} Vorbereitung {prep:6.1f} µs/Slot  Tabu {per:8.0f} µs/Schritt ({per / cells:.4f} µs/Zelle)"
            )
            continue
        mip = 0.0
        if any(pr.interests) and mip_size(pr) <= MAX_VARIABLES:
            c1 = time.process_time()
            solve_coverage(pr, clubs_at, nodes=2000)
            mip = (time.process_time() - c1) * 1e6 / mip_size(pr)
        sp = _start(pr, clubs_at, rng)
        c1 = time.process_time()
        _s, free = anneal(sp, rng, Budget(100_000))
        c2 = time.process_time()
        _s, locked = anneal(sp, rng, Budget(100_000), t_start=1.0, t_end=0.02, focus=0, aim=0, lock_coverage=True)
        c3 = time.process_time()
        print(
            f"{name:38} Vorbereitung {prep:6.1f} µs/Slot  MIP {mip:6.0f} µs/Variable  Suche frei "
            f"{(c2 - c1) * 1e6 / free.iterations:5.2f} µs/Schritt  gesperrt {(c3 - c2) * 1e6 / locked.iterations:5.2f}"
            " µs/Schritt"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schnell", action="store_true", help="nur die Instanzen bis 150 Personen")
    parser.add_argument("--nur", nargs="*", default=[], help="nur Instanzen, deren Name dies enthält")
    parser.add_argument("--kalibrieren", action="store_true", help="CPU-Zeit je Schritt der Phasen zeigen")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="gleiche CPU-Zeit statt gleicher Wandzeit (für einen ausgelasteten Rechner): Tischplan im Prozess "
        "ohne Zeitgrenze, Spalte »Wand s« zeigt dann CPU-Sekunden samt Programmstart",
    )
    args = parser.parse_args()
    if args.kalibrieren:
        calibrate(args.nur)
        return
    head = (
        f"{'Instanz':38} {'Verfahren':10} {'Ziel':>9} {'Δ Ziel':>7} {'Abd./exakt':>10} {'Wdh':>5} {'Grp':>5}"
        f" {'Gem':>5} {'Wand s':>7} {'Vorgabe':>7} {'MB':>5}"
    )
    print(head)
    print("-" * len(head))
    for name, instanz, seconds in instances():
        if args.nur and not any(n in name for n in args.nur):
            continue
        if args.schnell and len(instanz.teilnehmende) > 200:
            continue
        report: dict[str, object] = {}
        if args.cpu:
            plan_mine, mine = planner_cpu(instanz, seconds)
        else:
            with tempfile.TemporaryDirectory() as folder:
                plan_mine, mine, report = planner(instanz, seconds, Path(folder))
        bound = exact_bound(instanz)
        mine = figures(instanz, plan_mine, bound, mine.wall, mine.peak_mb)
        ref = _median([reference(instanz, seconds, seed, bound, cpu=args.cpu) for seed in (1, 2, 3)])
        delta = 100 * (mine.objective - ref.objective) / abs(ref.objective) if ref.objective else 0.0
        for label, f, d in (("Tischplan", mine, f"{delta:+6.1f}%"), ("Referenz", ref, "")):
            mb = f"{f.peak_mb:5.0f}" if f.peak_mb else ""
            print(
                f"{name:38} {label:10} {f.objective:9.1f} {d:>7} {f.coverage_ratio:10.3f} {f.repeats:5d}"
                f" {f.absent:5d} {f.excess:5d} {f.wall:7.2f} {seconds:7.1f} {mb:>5}"
            )
        objective_wins = mine.objective > ref.objective
        every_goal = (
            mine.coverage_ratio >= ref.coverage_ratio
            and mine.repeats <= ref.repeats
            and mine.absent <= ref.absent
            and mine.excess <= ref.excess
        )
        in_time = mine.wall <= seconds + 0.5
        line = (
            f"{'':38} → Ziel besser: {'ja' if objective_wins else 'NEIN'}, jedes Ziel mindestens so gut: "
            f"{'ja' if every_goal else 'NEIN'}, in der Zeit: {'ja' if in_time else 'NEIN'}"
        )
        if report:
            line += (
                f" (Schritte {report['iterationen_genutzt']}/{report['iterationen']},"
                f" Zeitgrenze {'erreicht' if report['zeitgrenze_erreicht'] else 'nicht erreicht'},"
                f" Abschnitte {report['abschnitte_sekunden']})"
            )
        print(line)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
