"""Time and peak memory of ``gespraechsrunde sync`` on a large workspace (one command, prints figures).

    python3 benchmarks/sync.py [--kontakte 10000] [--antworten 2000]

Builds an invented workspace with 10,000 contacts and 2,000 new registration answers (plus 400 feedback
answers), then runs ``sync`` in a fresh process: once without sending (target: under 10 s and 500 MB),
once more on the result (the no-op run), and on a fresh copy with sending into the outbox folder.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.gross import create_large_workspace


def run_sync(folder: Path, *extra_env: tuple[str, str]) -> tuple[float, float, int]:
    """Seconds, peak resident memory (MB) and exit code of one ``sync`` in its own process."""
    import os

    env = dict(os.environ, **dict(extra_env))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "automation", "-C", str(folder), "sync"], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode not in (0, 1):
        print(done.stdout, done.stderr, file=sys.stderr)
        raise SystemExit(f"sync endete mit Code {done.returncode}")
    return seconds, max(peak, before) / 1024, done.returncode


def digest(folder: Path) -> str:
    return hashlib.sha256((folder / "gespraechsrunde.xlsx").read_bytes()).hexdigest()[:12]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kontakte", type=int, default=10_000)
    parser.add_argument("--antworten", type=int, default=2_000)
    parser.add_argument("--wiederholungen", type=int, default=3, help="Erste Läufe zum Mitteln (Median).")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        base = root / "basis"
        started = time.perf_counter()
        create_large_workspace(base, contacts=args.kontakte, registrations=args.antworten)
        print(f"Arbeitsordner erzeugt: {args.kontakte} Kontakte, {args.antworten} neue Anmeldungen "
              f"({time.perf_counter() - started:.1f} s)")  # fmt: skip
        off = ("GESPRAECHSRUNDE_MAIL__SENDEN_BEI_SYNC", "false")
        runs = []
        for attempt in range(args.wiederholungen):
            quiet = root / f"ohne-versand-{attempt}"
            shutil.copytree(base, quiet)
            runs.append(run_sync(quiet, off))
        times = sorted(r[0] for r in runs)
        seconds, peak, code = statistics.median(times), max(r[1] for r in runs), runs[-1][2]
        print(f"sync ohne Versand:      {seconds:6.1f} s   Spitze {peak:6.0f} MB   Code {code}   "
              f"(Median von {len(runs)}: {', '.join(f'{t:.1f}' for t in times)} s)")  # fmt: skip
        before = digest(quiet)
        seconds, peak, code = run_sync(quiet, off)
        same = "unverändert" if digest(quiet) == before else "GEÄNDERT"
        print(f"zweiter sync (Leerlauf): {seconds:5.1f} s   Spitze {peak:6.0f} MB   Arbeitsmappe {same}")
        mail = root / "mit-versand"
        shutil.copytree(base, mail)
        seconds, peak, code = run_sync(mail)
        sent = len(list((mail / "ausgang").glob("*.eml")))
        print(f"sync mit Versand:       {seconds:6.1f} s   Spitze {peak:6.0f} MB   {sent} Nachrichten im Ausgang")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
