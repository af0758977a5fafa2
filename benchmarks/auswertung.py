"""Time of ``gespraechsrunde auswertung`` on a large workspace (one command, prints figures).

    python3 benchmarks/auswertung.py [--kontakte 10000] [--feedback 2000] [--vereine 30]

Builds an invented workspace: 10,000 contacts, a held date with 2,600 participants, a table plan of four
rounds, 2,000 feedback answers and 30 clubs. Then runs ``auswertung --termin`` in a fresh process, once
with ``--ohne-pdf`` (figures + HTML + SVG charts) and once with PDFs printed by Chromium (if installed).
Prints the time per phase beside its reference: reading the store is the floor every command pays;
figures, HTML and charts should stay under 5 s; PDFs cost one Chromium start per page (a few in parallel).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from automation.adapters.xlsx import WorkbookStore
from automation.domain.dataset import Dataset
from automation.domain.records import (
    GRUPPEN,
    TABS,
    Angebot,
    Anmeldung,
    Feedback,
    Kontakt,
    Termin,
    TischplanZeile,
    Verein,
    headers,
)

TERMIN = "T-BENCH"
ZEITEN = ("am Wochenende", "unter der Woche abends", "von unterwegs, aus der Ferne", "in den Ferien")


def build(folder: Path, contacts: int, feedback: int, clubs: int) -> None:
    rng = random.Random(5)
    folder.mkdir(parents=True)
    (folder / "gespraechsrunde.toml").write_text('titel = "Benchmark"\n', encoding="utf-8")
    store = WorkbookStore(folder / "gespraechsrunde.xlsx")
    store.ensure_tabs({spec.name: headers(spec.model) for spec in TABS})
    dataset = Dataset.from_snapshot(store.read())
    dataset.put(Termin(termin_id=TERMIN, titel="Markt", datum=dt.date(2026, 10, 10), status="durchgeführt"))
    dataset.put(Termin(termin_id="T-FRUEH", titel="Markt Frühjahr", datum=dt.date(2026, 4, 10), status="durchgeführt"))
    names = [f"Verein {i:02d}" for i in range(clubs)]
    for i, name in enumerate(names):
        dataset.put(Verein(vereins_id=f"V-{i:02d}", name=name, email=f"v{i}@verein.example", termine=[TERMIN]))
        dataset.put(Angebot(angebots_id=f"AG-{i:02d}", vereins_id=f"V-{i:02d}", titel="Angebot",
                            zeitaufwand="regelmäßig", am_wochenende=i % 2 == 0, aus_der_ferne=False))  # fmt: skip
    participants = []
    for i in range(contacts):
        kid = f"K-{i:05d}"
        dataset.put(
            Kontakt(kontakt_id=kid, vorname=f"V{i}", nachname=f"N{i}", email=f"p{i}@beispiel.example",
                    gruppe=rng.choice(GRUPPEN), kommune=rng.choice(["Adorf", "Bergheim", "Cellingen"]),
                    anwesenheit=[rng.choice(["am Wochenende", "unter der Woche"])],
                    einwilligung_speicherung=True, einwilligung_weitergabe=rng.random() < 0.5)
        )  # fmt: skip
        if i < 2600:
            status = "teilgenommen" if rng.random() < 0.9 else "nicht erschienen"
            dataset.put(Anmeldung(anmelde_id=f"A-{i:05d}", termin_id=TERMIN, kontakt_id=kid, status=status))
            if status == "teilgenommen":
                participants.append((f"A-{i:05d}", kid))
    for runde in range(1, 5):
        shuffled = participants[:]
        rng.shuffle(shuffled)
        for t, name in enumerate(names):
            dataset.put(
                TischplanZeile(termin_id=TERMIN, runde=runde, tisch=f"T{t + 1}", vereine=[name],
                               teilnehmende=[a for a, _ in shuffled[t::clubs]])
            )  # fmt: skip
    for i, (_, kid) in enumerate(participants[:feedback]):
        dataset.put(
            Feedback(antwort_id=f"F-{i:05d}", termin_id=TERMIN, kontakt_id=kid, bewertung=rng.randint(1, 5),
                     eingegangen=dt.datetime(2026, 10, 11, 8) + dt.timedelta(minutes=i),
                     interessante_vereine=rng.sample(names, 3), kontaktwunsch=rng.sample(names, 1),
                     passende_zeiten=rng.sample(ZEITEN, 2), verbesserung="Mehr Zeit je Runde")
        )  # fmt: skip
    store.apply(dataset.changes())


def run(folder: Path, *extra: str) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "automation", "-C", str(folder), "auswertung", "--termin", TERMIN, *extra],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        print(done.stdout, done.stderr, file=sys.stderr)
        raise SystemExit(f"auswertung endete mit Code {done.returncode}")
    return seconds, done.returncode


def phases(folder: Path) -> dict[str, float]:
    """Seconds per phase, in this process: reading the store is the floor every command pays."""
    from automation.adapters.pdf import find_chromium, html_to_pdf_many
    from automation.services.auswertung import compute, write_reports
    from automation.services.wiring import Workspace

    workspace = Workspace.open(folder)
    times: dict[str, float] = {}
    started = time.perf_counter()
    dataset = Dataset.from_snapshot(workspace.store().read())
    times["Tabelle lesen (Untergrenze)"] = time.perf_counter() - started
    started = time.perf_counter()
    result = compute(dataset, TERMIN, workspace.folder)
    times["Zahlen berechnen"] = time.perf_counter() - started
    started = time.perf_counter()
    pages = write_reports(result, workspace, dataset, pdf=False)
    times["HTML + SVG-Diagramme"] = time.perf_counter() - started
    if find_chromium():
        started = time.perf_counter()
        html_to_pdf_many([(p, p.with_suffix(".pdf")) for p in pages])
        times[f"PDF ({len(pages)} Dateien, Chromium)"] = time.perf_counter() - started
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kontakte", type=int, default=10_000)
    parser.add_argument("--feedback", type=int, default=2_000)
    parser.add_argument("--vereine", type=int, default=30)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-auswertung-"))
    try:
        folder = root / "ws"
        started = time.perf_counter()
        build(folder, args.kontakte, args.feedback, args.vereine)
        print(f"Arbeitsordner gebaut in {time.perf_counter() - started:.1f} s "
              f"({args.kontakte} Kontakte, {args.feedback} Rückmeldungen, {args.vereine} Vereine)")  # fmt: skip
        seconds, _ = run(folder, "--ohne-pdf", "--json")
        print(f"auswertung --ohne-pdf (eigener Prozess): {seconds:6.1f} s   (Ziel: unter 10 s)")
        for what, value in phases(folder).items():
            print(f"  {what:<34} {value:6.1f} s")
        print("  Referenz: die Auswertung selbst (ohne Lesen, ohne PDF) soll unter 5 s bleiben.")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
