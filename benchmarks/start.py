"""Start-up time: ``gespraechsrunde --help`` and ``gespraechsrunde sync --help`` in a fresh interpreter.

Run from the repository root: ``python3 benchmarks/start.py`` (median of 7 runs each, with the goal
beside it). The import list itself is guarded by ``tests/test_startup.py``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 0.3
RUNS = 7


def median_seconds(args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "automation", *args], env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    bare = median_seconds(["--version"])
    print(f"{'Aufruf':<32} {'Median':>8} {'Ziel':>8}")
    for args in (["--help"], ["sync", "--help"], ["tischplan", "--help"]):
        seconds = median_seconds(args)
        print(f"{'gespraechsrunde ' + ' '.join(args):<32} {seconds:>7.3f}s {GOAL_SECONDS:>7.2f}s")
    print(f"{'(zum Vergleich: --version)':<32} {bare:>7.3f}s")


if __name__ == "__main__":
    main()
