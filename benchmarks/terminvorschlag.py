"""Time of ``gespraechsrunde terminvorschlag`` on a large workspace (one command, prints figures).

    python3 benchmarks/terminvorschlag.py [--kontakte 10000] [--tage 365]

Builds the invented 10,000-contact workspace (its ``Anwesenheit`` answers, a quarter of them rewritten as
free text such as »nur Sa/So« or »Mai bis September«), then runs ``terminvorschlag`` over a year in a fresh
process, three times (median). Side by side: reading the workbook alone (the floor any command pays) and
the goal of 10 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.gross import create_large_workspace

GOAL_SECONDS = 10.0
PHRASES = ["nur Sa/So", "Fr–So", "werktags", "Juli, August", "Mai bis September, am Wochenende", "im Sommer",
           "immer", "Samstag", "keine Ahnung", "Nov–Feb"]  # fmt: skip


def _prepare(folder: Path, contacts: int) -> None:
    from automation.adapters.xlsx import WorkbookStore
    from automation.domain.dataset import Dataset
    from automation.domain.records import Kontakt

    create_large_workspace(folder, contacts=contacts, registrations=0, feedback=0)
    settings = (folder / "gespraechsrunde.toml").read_text(encoding="utf-8")
    if "[kommunen]" not in settings:  # the demo names the Länder; older demos did not
        with (folder / "gespraechsrunde.toml").open("a", encoding="utf-8") as handle:
            handle.write('\n[kommunen]\nAdorf = "BY"\n"Bergheim an der Aue" = "BY"\nCellingen = "BW"\n')
    store = WorkbookStore(folder / "gespraechsrunde.xlsx")
    dataset = Dataset.from_snapshot(store.read())
    rng = random.Random(3)
    for kontakt in dataset.all(Kontakt):
        if rng.random() < 0.25:
            dataset.put(kontakt.model_copy(update={"anwesenheit": [rng.choice(PHRASES)]}))
    store.apply(dataset.changes())


def _read_and_rank(folder: Path, von: dt.date, bis: dt.date) -> tuple[float, float]:
    """Seconds to read the workbook alone (the floor any command pays), and to rank once it is read."""
    code = (
        "import sys, time, datetime as dt; from pathlib import Path; t = time.perf_counter();"
        "from automation.adapters.xlsx import WorkbookStore; from automation.domain.dataset import Dataset;"
        "from automation.services.wiring import Workspace; from automation.services.terminvorschlag import suggest;"
        "d = Dataset.from_snapshot(WorkbookStore(Path(sys.argv[1]) / 'gespraechsrunde.xlsx').read());"
        "r = time.perf_counter(); suggest(Workspace.open(Path(sys.argv[1])), d, dt.date.fromisoformat(sys.argv[2]),"
        "dt.date.fromisoformat(sys.argv[3])); print(r - t, time.perf_counter() - r)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder), von.isoformat(), bis.isoformat()],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    reading, ranking = done.stdout.split()
    return float(reading), float(ranking)


def _run(folder: Path, von: dt.date, bis: dt.date) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "automation", "-C", str(folder), "terminvorschlag", "--von", von.isoformat(),
         "--bis", bis.isoformat(), "--anzahl", "3"],
        capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout, done.stderr, file=sys.stderr)
        raise SystemExit(f"terminvorschlag endete mit Code {done.returncode}")
    return seconds, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kontakte", type=int, default=10_000)
    parser.add_argument("--tage", type=int, default=365)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-terminvorschlag-") as root:
        folder = Path(root) / "arbeitsordner"
        started = time.perf_counter()
        _prepare(folder, args.kontakte)
        print(f"Arbeitsordner erzeugt: {args.kontakte} Kontakte ({time.perf_counter() - started:.1f} s)")
        von = dt.date.today()
        bis = von + dt.timedelta(days=args.tage)
        runs = [_run(folder, von, bis) for _ in range(3)]
        times = sorted(r[0] for r in runs)
        parts = [_read_and_rank(folder, von, bis) for _ in range(3)]
        reading = statistics.median(p[0] for p in parts)
        ranking = statistics.median(p[1] for p in parts)
        print(f"terminvorschlag ({args.tage} Tage): {statistics.median(times):5.1f} s  "
              f"(Median von 3: {', '.join(f'{t:.1f}' for t in times)} s)")  # fmt: skip
        print(f"davon Rangfolge (ohne Lesen/Schreiben): {ranking:5.2f} s")
        print(f"Vergleich: Arbeitsmappe nur lesen  {reading:5.1f} s;  Ziel: unter {GOAL_SECONDS:.0f} s")
        print("Beste Vorschläge:")
        print("\n".join(line for line in runs[-1][1].splitlines()[:4]))


if __name__ == "__main__":
    main()
