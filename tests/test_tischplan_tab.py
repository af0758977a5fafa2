"""The ``Tischplan`` tab has one owner: the plan is written with IDs beside the names, the reminder finds
the person's tables through it, and a plan older than the registrations of its date is reported as stale."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from automation.domain.records import Anmeldung, Kommune, Kontakt, Record, Termin, TischplanZeile, Verein
from automation.services.sync import run_check, run_sync
from automation.services.tischplan import plan_date
from automation.services.wiring import Workspace
from tests.conftest import read_dataset
from tests.mail.conftest import read_eml

TERMIN = Termin(
    termin_id="T-2027-1", titel="Markt der Möglichkeiten", datum=dt.date(2027, 3, 13), beginn=dt.time(14),
    ende=dt.time(17), ort="Bürgerhaus Adorf", plaetze=40, runden=3, plaetze_pro_tisch=4, status="Anmeldung offen",
)  # fmt: skip
REGISTERED = dt.datetime(2027, 2, 1, 8, 0)
PLANNED = dt.datetime(2027, 2, 20, 9, 0)
REMINDER_DAY = dt.datetime(2027, 3, 10, 9, 0)


def _records(people: int = 10) -> list[Record]:
    records: list[Record] = [
        Kommune(name="Adorf", kuerzel="AD"),
        TERMIN,
        *(
            Verein(vereins_id=f"V-0{n}", name=f"Verein {n}", themen=[t], email=f"v{n}@verein.example",
                   termine=["T-2027-1"])
            for n, t in enumerate(["Sport", "Musik", "Kultur", "Soziales"], start=1)
        ),
    ]  # fmt: skip
    for n in range(1, people + 1):
        records.append(
            Kontakt(
                kontakt_id=f"K-{n:04d}", vorname=f"Vorname{n}", nachname=f"Nachname{n}",
                email=f"person{n}@beispiel.example", kommune="Adorf", gruppe="Incoming", interessen=["Sport"],
                einwilligung_speicherung=True, lotse=n == 1,
            )
        )  # fmt: skip
        records.append(
            Anmeldung(
                anmelde_id=f"A-{n:04d}", termin_id="T-2027-1", kontakt_id=f"K-{n:04d}",
                eingegangen=REGISTERED + dt.timedelta(minutes=n), interessen=["Musik", "Kultur"],
            )
        )  # fmt: skip
    return records


def _sync(folder: Path, now: dt.datetime) -> list[str]:
    report = run_sync(Workspace.open(folder), now=now)
    return [f.hinweis for f in report.findings]


def _reminder(folder: Path, kontakt_id: str) -> str:
    for path in sorted((folder / "ausgang").glob("*.eml")):
        message = read_eml(path.read_bytes())
        if str(message["X-Gespraechsrunde-Schluessel"]) == f"Erinnerung|T-2027-1|{kontakt_id}":
            body = message.get_body(("plain",))
            assert body is not None
            return str(body.get_content())
    raise AssertionError(f"keine Erinnerung an {kontakt_id}")


def test_plan_rows_carry_ids_beside_names_and_the_time_made(make_workspace) -> None:
    folder = make_workspace(_records())
    outcome = plan_date(folder, "T-2027-1", seconds=0.2, seed=1, dry_run=False, progress=None, now=PLANNED)
    rows = [r for r in read_dataset(folder).all(TischplanZeile) if r.termin_id == "T-2027-1"]
    assert len(rows) == outcome.rows == 3 * len(outcome.instanz.tische)
    assert {r.erstellt for r in rows} == {PLANNED}
    for plan_round in (1, 2, 3):
        ids = [i for r in rows if r.runde == plan_round for i in r.teilnehmende_ids + r.lotsen_ids]
        assert sorted(ids) == [f"A-{n:04d}" for n in range(1, 11)]
    guide_rows = [r for r in rows if r.lotsen_ids]
    assert {i for r in guide_rows for i in r.lotsen_ids} == {"A-0001"}
    assert {n for r in guide_rows for n in r.lotsen} == {"Vorname1 N."}  # the readable name beside the ID
    for row in rows:
        assert len(row.vereine) == len(row.vereins_ids)
        assert all(name == f"Verein {vid[-1]}" for name, vid in zip(row.vereine, row.vereins_ids, strict=True))


def test_a_reminder_after_the_plan_names_the_persons_tables(make_workspace) -> None:
    folder = make_workspace(_records())
    _sync(folder, REGISTERED + dt.timedelta(hours=2))  # confirmations go out
    plan_date(folder, "T-2027-1", seconds=0.2, seed=1, dry_run=False, progress=None, now=PLANNED)
    findings = _sync(folder, REMINDER_DAY)
    assert not [f for f in findings if "Tischplan" in f]
    rows = read_dataset(folder).all(TischplanZeile)
    for n in (1, 2, 7):
        text = _reminder(folder, f"K-{n:04d}")
        expected = sorted((r.runde, r.tisch) for r in rows if f"A-{n:04d}" in r.teilnehmende_ids + r.lotsen_ids)
        assert len(expected) == 3
        assert "Ihre Tische:" in text
        for plan_round, table in expected:
            assert f"Runde {plan_round}: Tisch {table}" in text


def test_a_plan_older_than_a_registration_change_is_stale(make_workspace) -> None:
    folder = make_workspace(_records(8))
    plan_date(folder, "T-2027-1", seconds=0.2, seed=1, dry_run=False, progress=None, now=PLANNED)
    before = run_check(Workspace.open(folder), now=PLANNED)
    assert not [f for f in before.findings if f.tabelle == "Tischplan"]

    workspace = Workspace.open(folder)
    store = workspace.store()
    from automation.domain.dataset import Dataset

    data = Dataset.from_snapshot(store.read())
    late = REGISTERED + dt.timedelta(days=25)  # after the plan
    data.put(
        Kontakt(kontakt_id="K-0099", vorname="Spät", email="spaet@beispiel.example", einwilligung_speicherung=True)
    )
    data.put(Anmeldung(anmelde_id="A-0099", termin_id="T-2027-1", kontakt_id="K-0099", eingegangen=late))
    data.put(data.get(Anmeldung, "A-0002").model_copy(update={"status": "abgesagt"}))  # type: ignore[union-attr]
    store.apply(data.changes())

    after = run_check(Workspace.open(folder), now=late)
    stale = [f for f in after.findings if f.tabelle == "Tischplan"]
    assert len(stale) == 1
    assert stale[0].id == "T-2027-1" and stale[0].spalte == "Erstellt" and stale[0].schwere == "Warnung"
    assert "veraltet" in stale[0].hinweis and "1 Person angemeldet, aber nicht im Plan" in stale[0].hinweis
    assert "1 Person im Plan, aber nicht mehr angemeldet" in stale[0].hinweis
    assert "Spät" not in stale[0].hinweis  # counts, never people
    assert "tischplan --termin T-2027-1" in (stale[0].vorschlag or "")
    hinweise = {r.get("Tabelle") for r in _cells(folder, "Hinweise")}
    assert "Tischplan" in hinweise  # written where the coordinator looks

    plan_date(folder, "T-2027-1", seconds=0.2, seed=1, dry_run=False, progress=None, now=late + dt.timedelta(hours=1))
    again = run_check(Workspace.open(folder), now=late + dt.timedelta(hours=2))
    assert not [f for f in again.findings if f.tabelle == "Tischplan"]


def test_rows_without_ids_are_reported_instead_of_silently_giving_no_tables(make_workspace) -> None:
    old = TischplanZeile(termin_id="T-2027-1", runde=1, tisch="T1", vereine=["Verein 1"], teilnehmende=["Anna B."])
    folder = make_workspace([*_records(4), old])
    report = run_check(Workspace.open(folder), now=PLANNED)
    [finding] = [f for f in report.findings if f.tabelle == "Tischplan"]
    assert "keine IDs" in finding.hinweis and "tischplan --termin T-2027-1" in (finding.vorschlag or "")


def _cells(folder: Path, tab: str) -> list[dict[str, object]]:
    from tests.conftest import cells

    return cells(folder, tab)


def test_the_tab_round_trips_through_both_stores(backend) -> None:
    """IDs, names and »Erstellt« come back as written, on the workbook and on Google (stand-in)."""
    from automation.domain.tischplan_tab import tables_of

    folder = backend.create(_records(6))
    outcome = plan_date(folder, "T-2027-1", seconds=0.2, seed=1, dry_run=False, progress=None, now=PLANNED)
    rows = [r for r in backend.dataset().all(TischplanZeile) if r.termin_id == "T-2027-1"]
    assert len(rows) == outcome.rows and {r.erstellt for r in rows} == {PLANNED}
    for n in range(1, 7):
        tables = tables_of(rows, "T-2027-1", {f"A-{n:04d}"})
        assert [plan_round for plan_round, _ in tables] == [1, 2, 3]
    assert {n for r in rows for n in r.teilnehmende + r.lotsen} == {f"Vorname{n} N." for n in range(1, 7)}
    report = run_check(Workspace.open(folder), now=PLANNED)
    assert not [f for f in report.findings if f.tabelle == "Tischplan"]


def test_the_workspace_stays_locked_while_the_plan_is_solved(make_workspace) -> None:
    """Read, solve, write under one lock: a sync (another process) cannot write in between."""
    import os
    import subprocess
    import sys

    folder = make_workspace(_records(6))
    probe = (
        "import sys\nfrom pathlib import Path\nfrom automation.adapters.lock import workspace_lock\n"
        "from automation.domain.errors import LockedError\n"
        "try:\n    with workspace_lock(Path(sys.argv[1])):\n        print('FREI')\n"
        "except LockedError:\n    print('GESPERRT')\n"
    )
    seen: list[str] = []

    def during_solving(fraction: float, covered: int, bound: int, repeats: int) -> None:
        if not seen:
            done = subprocess.run(
                [sys.executable, "-c", probe, str(folder)], capture_output=True, text=True, check=True,
                env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
            )  # fmt: skip
            seen.append(done.stdout.strip())

    plan_date(folder, "T-2027-1", seconds=0.5, seed=1, dry_run=False, progress=during_solving, now=PLANNED)
    assert seen == ["GESPERRT"]
    assert not (folder / ".gespraechsrunde.lock").exists()  # released after the write
