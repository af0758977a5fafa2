"""CPU time and peak memory of ``gespraechsrunde sync``, side by side with the floors and the targets.

    python3 benchmarks/sync.py                  # 1.000 and 10.000 Kontakte (+ Versand)
    python3 benchmarks/sync.py --gross          # dazu 30.000 und 100.000 Kontakte, 50.000 Antworten
    python3 benchmarks/sync.py --vorher ORDNER  # dieselben Läufe auch mit einer älteren Fassung des Codes

Every ``sync`` runs in its own process (``benchmarks/lauf.py``); CPU time (user + system) includes the
interpreter's start and every import, as cron pays it. For each invented workspace it prints: the first
sync (median of ``--wiederholungen`` copies), the no-op sync after it (and whether the workbook stayed
byte for byte the same), a no-op that must validate everything (as after a club's edit), the floors this
design is measured against (a bare openpyxl load + save, a bare calamine read of the same workbook) as
ratios, the targets of issue 10, ``status`` on the synced workspace (issue 12), and at 10.000 Kontakte a sync
that sends 500 messages into the outbox.
At the end: the issue's table (before → after with ``--vorher``), the growth per 1.000 contacts, and the
sending throughput of ``benchmarks/versand.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.gross import create_large_workspace  # noqa: E402

QUIET = {"GESPRAECHSRUNDE_MAIL__SENDEN_BEI_SYNC": "false"}


@dataclass(frozen=True)
class Size:
    label: str
    contacts: int
    answers: int
    first_target: float | None = None  # s CPU
    idle_target: float | None = None
    first_memory: float | None = None  # MB, peak of the first sync
    idle_memory: float | None = None  # MB, peak of the no-op sync
    send: bool = False


SIZES = [
    Size("1.000 Kontakte", 1_000, 200),
    Size("10.000 Kontakte + 2.000 Antworten", 10_000, 2_000, 5.0, 1.5, None, 200.0, send=True),
]
LARGE = [
    Size("30.000 Kontakte", 30_000, 2_000),
    Size("100.000 Kontakte", 100_000, 2_000, 30.0, None, 500.0),
    Size("50.000 Antworten in der CSV", 10_000, 50_000, None, 5.0, None, 200.0),
]


@dataclass
class Run:
    cpu: float
    mb: float
    code: int


@dataclass
class Result:
    size: Size
    first: list[Run] = field(default_factory=list)
    idle: Run | None = None
    checked: Run | None = None
    unchanged: bool = False
    floors: dict[str, float] = field(default_factory=dict)
    sending: tuple[Run, int] | None = None
    before_first: Run | None = None
    before_idle: Run | None = None
    status: Run | None = None

    @property
    def first_cpu(self) -> float:
        return statistics.median(r.cpu for r in self.first)

    @property
    def peak(self) -> float:
        return max(r.mb for r in [*self.first, *([self.idle] if self.idle else [])])


def measure(code: str, *args: str, env: dict[str, str] | None = None) -> Run:
    """One command in a fresh process (``code``: the folder of the ``automation`` to run, ``-`` for this one)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        target = Path(handle.name)
    try:
        done = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "lauf.py"), str(target), code, *args],
            env=dict(os.environ, **(env or {})), capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        if done.returncode not in (0, 1) or not target.stat().st_size:
            print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
            raise SystemExit(f"Lauf »{' '.join(args)}« endete mit Code {done.returncode}")
        data = json.loads(target.read_text(encoding="utf-8"))
    finally:
        target.unlink(missing_ok=True)
    if data["code"] not in (0, 1):
        raise SystemExit(f"»{' '.join(args)}« endete mit Code {data['code']}")
    return Run(data["cpu"], data["mb"], data["code"])


def sync(folder: Path, code: str = "-", env: dict[str, str] | None = None) -> Run:
    return measure(code, "befehl", "-C", str(folder), "sync", env=env)


def digest(folder: Path) -> str:
    return hashlib.sha256((folder / "gespraechsrunde.xlsx").read_bytes()).hexdigest()


def run_size(size: Size, root: Path, repeats: int, before: str | None) -> Result:
    result = Result(size)
    base = root / f"basis-{size.contacts}-{size.answers}"
    started = time.perf_counter()
    create_large_workspace(base, contacts=size.contacts, registrations=size.answers)
    print(f"\n{size.label}  (Arbeitsordner erzeugt in {time.perf_counter() - started:.0f} s)", flush=True)
    copy = base
    for attempt in range(repeats):
        copy = root / f"lauf-{size.contacts}-{size.answers}-{attempt}"
        shutil.copytree(base, copy)
        result.first.append(sync(copy, env=QUIET))
    workbook = copy / "gespraechsrunde.xlsx"
    before_idle = digest(copy)
    result.idle = sync(copy, env=QUIET)
    result.unchanged = digest(copy) == before_idle
    (copy / ".sync-stand.json").unlink(missing_ok=True)  # as after a club's edit: everything is validated
    result.checked = sync(copy, env=QUIET)
    result.status = measure("-", "befehl", "-C", str(copy), "status")  # issue 12: the overview, after a sync
    result.floors = _floor_figures(workbook)
    if size.send:
        mail = root / f"versand-{size.contacts}"
        shutil.copytree(base, mail)
        run = sync(mail)
        result.sending = (run, len(list((mail / "ausgang").glob("*.eml"))))
        shutil.rmtree(mail, ignore_errors=True)
    if before is not None:
        old = root / f"vorher-{size.contacts}-{size.answers}"
        shutil.copytree(base, old)
        result.before_first = sync(old, before, env=QUIET)
        result.before_idle = sync(old, before, env=QUIET)
        shutil.rmtree(old, ignore_errors=True)
    print_size(result)
    for folder in root.glob(f"lauf-{size.contacts}-{size.answers}-*"):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(base, ignore_errors=True)
    return result


def _floor_figures(workbook: Path) -> dict[str, float]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        target = Path(handle.name)
    try:
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "lauf.py"), str(target), "-", "boden", str(workbook)],
            check=True, capture_output=True, cwd=ROOT,
        )  # fmt: skip
        data = json.loads(target.read_text(encoding="utf-8"))
    finally:
        target.unlink(missing_ok=True)
        workbook.with_name("boden-kopie.xlsx").unlink(missing_ok=True)
    return {k: float(v) for k, v in data.items()}


def _target(value: float, target: float | None, unit: str) -> str:
    if target is None:
        return ""
    return f"Ziel < {target:g} {unit}: {'erreicht' if value < target else 'VERFEHLT'}"


def _before(run: Run | None) -> str:
    return f"(vorher {run.cpu:5.1f} s, {run.mb:5.0f} MB)" if run else ""


def print_size(result: Result) -> None:
    size, floors = result.size, result.floors
    full_io = floors["openpyxl_laden"] + floors["openpyxl_speichern"]
    calamine = floors["calamine_lesen"]
    first, idle, checked = result.first_cpu, result.idle, result.checked
    assert idle is not None and checked is not None
    times = ", ".join(f"{r.cpu:.1f}" for r in result.first)
    print(f"  erster sync            {first:6.2f} s CPU {max(r.mb for r in result.first):6.0f} MB  "
          f"{_before(result.before_first):28} {full_io and first / full_io:5.2f} × Boden openpyxl laden+speichern "
          f"({full_io:.2f} s)   {_target(first, size.first_target, 's')}   [Median aus {times}]")  # fmt: skip
    print(f"  Leerlauf (nichts neu)  {idle.cpu:6.2f} s CPU {idle.mb:6.0f} MB  {_before(result.before_idle):28} "
          f"{calamine and idle.cpu / calamine:5.2f} × Boden calamine lesen ({calamine:.2f} s)   "
          f"{_target(idle.cpu, size.idle_target, 's')}   Arbeitsmappe "
          f"{'unverändert' if result.unchanged else 'GEÄNDERT'}")  # fmt: skip
    print(
        f"  Leerlauf, alles geprüft{checked.cpu:6.2f} s CPU {checked.mb:6.0f} MB  {'':28} "
        f"{calamine and checked.cpu / calamine:5.2f} × Boden calamine lesen   (wie nach der Änderung eines Vereins)"
    )
    if result.status is not None:
        status = result.status
        print(f"  status                 {status.cpu:6.2f} s CPU {status.mb:6.0f} MB  {'':28} "
              f"{calamine and status.cpu / calamine:5.2f} × Boden calamine lesen   "
              f"(Leerlauf-sync daneben: {idle.cpu:.2f} s)")  # fmt: skip
    first_peak = max(r.mb for r in result.first)
    if size.first_memory is not None:
        print(f"  Spitze erster sync     {first_peak:6.0f} MB   {_target(first_peak, size.first_memory, 'MB')}")
    if size.idle_memory is not None:
        print(f"  Spitze Leerlauf        {idle.mb:6.0f} MB   {_target(idle.mb, size.idle_memory, 'MB')}")
    if result.sending is not None:
        run, sent = result.sending
        print(f"  sync mit Versand       {run.cpu:6.2f} s CPU {run.mb:6.0f} MB  {sent} Nachrichten im Ausgang   "
              f"{_target(run.cpu, 10.0, 's')}")  # fmt: skip


def print_summary(results: list[Result]) -> None:
    print("\nTabelle aus Issue 10 (CPU-Zeit, Spitze aus erstem und Leerlauf-sync; vorher → nachher):")
    print("| Arbeitsordner | erster sync | Leerlauf-sync | Spitze |")
    print("|---|---|---|---|")
    for r in results:
        assert r.idle is not None
        bf, bi = r.before_first, r.before_idle
        first = f"{bf.cpu:.1f} s → {r.first_cpu:.1f} s" if bf else f"{r.first_cpu:.1f} s"
        idle = f"{bi.cpu:.1f} s → {r.idle.cpu:.1f} s" if bi else f"{r.idle.cpu:.1f} s"
        peak = f"{max(bf.mb, bi.mb):.0f} → {r.peak:.0f} MB" if bf and bi else f"{r.peak:.0f} MB"
        print(f"| {r.size.label} | {first} | {idle} | {peak} |")
    print("\nBöden (dieselbe Arbeitsmappe nach dem ersten sync) und Verhältnisse:")
    for r in results:
        f = r.floors
        checked = r.checked.cpu if r.checked else 0.0
        full_io = f["openpyxl_laden"] + f["openpyxl_speichern"]
        print(f"  {r.size.label:36} openpyxl laden {f['openpyxl_laden']:6.2f} s + speichern "
              f"{f['openpyxl_speichern']:6.2f} s; calamine lesen {f['calamine_lesen']:5.2f} s; erster sync = "
              f"{r.first_cpu / full_io:4.2f} × openpyxl-Boden, Leerlauf geprüft = "
              f"{checked / max(f['calamine_lesen'], 1e-9):4.1f} × calamine-Boden")  # fmt: skip
    by_contacts = sorted((r for r in results if r.size.answers <= 2_000), key=lambda r: r.size.contacts)
    print("\nWachstum je 1.000 Kontakte (erster sync; Spitze):")
    previous: Result | None = None
    for r in by_contacts:
        thousands = r.size.contacts / 1000
        line = f"  {r.size.label:36} {r.first_cpu / thousands:6.3f} s und {r.peak / thousands:6.1f} MB je 1.000"
        if previous is not None:
            step = (r.size.contacts - previous.size.contacts) / 1000
            since = f"{previous.size.contacts:,}".replace(",", ".")
            line += (f"   Zuwachs seit {since}: {(r.first_cpu - previous.first_cpu) / step:6.3f} s, "
                     f"{(r.peak - previous.peak) / step:6.1f} MB je 1.000")  # fmt: skip
        print(line)
        previous = r


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--gross", action="store_true", help="Auch 30.000 und 100.000 Kontakte, 50.000 Antworten.")
    parser.add_argument("--nur-gross", action="store_true", help="Nur die großen Arbeitsordner von --gross.")
    parser.add_argument("--wiederholungen", type=int, default=3, help="Erste Läufe je Größe (Median); groß: 1.")
    parser.add_argument("--vorher", type=Path, help="Ordner mit einer älteren Fassung (enthält automation/).")
    parser.add_argument("--ohne-versand", action="store_true", help="benchmarks/versand.py nicht ausführen.")
    args = parser.parse_args()
    before = str(args.vorher.resolve()) if args.vorher else None
    root = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    results = []
    try:
        for size in ([] if args.nur_gross else SIZES) + (LARGE if args.gross or args.nur_gross else []):
            repeats = args.wiederholungen if size.contacts * max(1, size.answers // 2_000) <= 10_000 else 1
            results.append(run_size(size, root, repeats, before))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print_summary(results)
    if not args.ohne_versand:
        print("\nVersand (benchmarks/versand.py):", flush=True)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "versand.py")], check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
