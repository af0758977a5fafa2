"""Benchmark of the table planner against two baselines on seeded markets and Social Golfer instances.

    python3 benchmarks/tischplan.py [--schnell]

For each instance: time, coverage ÷ coverage bound, repeats vs their lower bound, absent groups vs
their lower bound, hard violations (independent validator), peak memory of the process so far. The
baselines run in the same process on the same club placement: "alle rücken einen Tisch weiter" and a
one-round-at-a-time greedy mixer of the Good-Enough-Golfers kind (minimises the sum of squared previous
meetings at the chosen table, never revisits earlier rounds).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from automation.domain.tischplan import Instanz, Plan, compute_metrics, solve
from automation.domain.tischplan.beispiele import golfer, markt
from automation.domain.tischplan.model import PlanRunde, RundenTisch


def _plan(instanz: Instanz, vorlage: Plan, sitze: list[dict[str, str]]) -> Plan:
    runden = []
    for r, sitz in enumerate(sitze, start=1):
        at: dict[str, list[str]] = {t.id: [] for t in instanz.tische}
        for pid, tid in sitz.items():
            at[tid].append(pid)
        runden.append(PlanRunde(runde=r, tische=[RundenTisch(id=t, teilnehmende=ps) for t, ps in at.items()]))
    return Plan(tische=vorlage.tische, runden=runden)


def weiterruecken(instanz: Instanz, vorlage: Plan) -> Plan:
    """Everyone starts at table i mod T and moves one table on each round."""
    tische = [t.id for t in instanz.tische]
    sitze = []
    for r in range(1, instanz.runden + 1):
        sitz = {}
        for i, p in enumerate(instanz.teilnehmende):
            if r in instanz.rounds_of(p):
                sitz[p.id] = tische[(i + r - 1) % len(tische)]
        sitze.append(sitz)
    return _plan(instanz, vorlage, sitze)


def gieriger_mischer(instanz: Instanz, vorlage: Plan, seed: int = 0) -> Plan:
    """Good-Enough-Golfers style: round by round, each person to the table with room that minimises
    Σ (previous meetings with the people there)²."""
    rng = random.Random(seed)
    meetings: Counter[tuple[str, str]] = Counter()
    sitze = []
    for r in range(1, instanz.runden + 1):
        leute = [p.id for p in instanz.teilnehmende if r in instanz.rounds_of(p)]
        rng.shuffle(leute)
        at: dict[str, list[str]] = {t.id: [] for t in instanz.tische}
        plaetze = {t.id: t.plaetze for t in instanz.tische}
        for pid in leute:
            frei = [t for t in at if len(at[t]) < plaetze[t]] or list(at)
            best = min(
                frei,
                key=lambda t, pid=pid: (  # type: ignore[misc]
                    sum(meetings[(min(pid, x), max(pid, x))] ** 2 for x in at[t]),
                    len(at[t]),
                ),
            )
            at[best].append(pid)
        for ps in at.values():
            for i, a in enumerate(ps):
                for b in ps[i + 1 :]:
                    meetings[(min(a, b), max(a, b))] += 1
        sitze.append({pid: t for t, ps in at.items() for pid in ps})
    return _plan(instanz, vorlage, sitze)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schnell", action="store_true", help="ein Fünftel der Rechenzeit")
    args = parser.parse_args()
    faktor = 0.2 if args.schnell else 1.0
    faelle: list[tuple[str, Instanz, float]] = [
        ("Markt 60 (10×6, 4 R, 15 V)", markt(1), 2.0),
        ("Markt 150 (25×6, 4 R, 35 V)", markt(2, personen=150, tische=25, vereine=35), 8.0),
        (
            "Markt 1000 (100×10, 5 R, 120 V)",
            markt(3, personen=1000, tische=100, plaetze=10, runden=5, vereine=120),
            30.0,
        ),
    ]
    for g, s, w in ((5, 3, 7), (6, 6, 3), (8, 4, 8), (8, 4, 9), (8, 4, 10)):
        faelle.append((f"Golfer {g}-{s}-{w}", golfer(g, s, w), 30.0 if g == 8 else 10.0))
    kopf = (
        f"{'Instanz':34} {'Verfahren':16} {'Zeit s':>7} {'Abd./Schr.':>11} {'Wdh (≥)':>10} {'Grp (≥)':>10}"
        f" {'Verl.':>5} {'Spitze MB':>9}"
    )
    print(kopf)
    print("-" * len(kopf))
    for name, instanz, sekunden in faelle:
        start = time.perf_counter()
        ergebnis = solve(instanz, seed=1, seconds=sekunden * faktor)
        dauer = time.perf_counter() - start
        s = ergebnis.bounds
        zeilen = [("Tischplan", ergebnis.plan, dauer)]
        for verfahren, funktion in (("Weiterrücken", weiterruecken), ("Gieriger Mischer", gieriger_mischer)):
            start = time.perf_counter()
            plan = funktion(instanz, ergebnis.plan)
            zeilen.append((verfahren, plan, time.perf_counter() - start))
        werte = []
        for verfahren, plan, zeit in zeilen:
            k = compute_metrics(instanz, plan, s.coverage)
            quote = k.interessen_abgedeckt / k.interessen_schranke if k.interessen_schranke else 1.0
            werte.append(
                (
                    k.verletzungen,
                    -k.interessen_abgedeckt,
                    k.wiederholungen,
                    k.fehlende_gruppen,
                    k.gemeinde_ueberschuss,
                )
            )
            print(
                f"{name:34} {verfahren:16} {zeit:7.2f} {100 * quote:10.1f}%"
                f" {k.wiederholungen:>5} ({s.repeats:>2})"
                f" {k.fehlende_gruppen:>5} ({s.absent_groups:>2}) {k.verletzungen:>5} {_peak_mb():9.0f}"
            )
        besser = all(werte[0] < w for w in werte[1:])
        print(f"{'':34} {'→ besser als beide Baselines: ' + ('ja' if besser else 'NEIN')}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
