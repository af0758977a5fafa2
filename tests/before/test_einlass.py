"""Check-in list and attendance: ticks → statuses → the feedback request only to those who came."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from automation.adapters.xlsx import WorkbookStore
from automation.domain.cells import write_row
from automation.domain.records import Anmeldung, Hinweis, Kontakt, Record, Versand
from automation.domain.store import Append, ChangeSet
from automation.services.sync import run_sync
from automation.services.wiring import Workspace
from tests.conftest import WorkspaceFactory, base_records, read_dataset, run_cli

AFTER = dt.datetime(2027, 3, 14, 10, 0)  # the day after TERMIN (13.03.2027)


def _kontakt(n: int, vorname: str, nachname: str) -> Kontakt:
    return Kontakt(
        kontakt_id=f"K-{n}", vorname=vorname, nachname=nachname, email=f"p{n}@beispiel.example",
        einwilligung_speicherung=True, einwilligung_einladungen=True,
    )  # fmt: skip


def _anmeldung(n: int, **extra: Any) -> Anmeldung:
    return Anmeldung(anmelde_id=f"A-{n}", termin_id="T-2027-1", kontakt_id=f"K-{n}", **extra)


def _records() -> list[Record]:
    return [
        *base_records(),
        _kontakt(1, "Zoe", "Zander"), _kontakt(2, "Ömer", "Öztürk"), _kontakt(3, "Anna", "Abel"),
        _kontakt(4, "Bernd", "Brandt"), _kontakt(6, "Wera", "Warteliste"),
        _anmeldung(1, personen=3, barrierefreiheit="Rollstuhl"), _anmeldung(2, kinderbetreuung=True),
        _anmeldung(3), _anmeldung(4), _anmeldung(6, status="Warteliste"),
    ]  # fmt: skip


def _type_ticks(folder: Path, ticks: dict[str, str], walk_in: bool = True) -> None:
    """Helpers type what they ticked on paper into »Anwesend« (as text, like people do); plus a walk-in row."""
    import openpyxl

    path = folder / "gespraechsrunde.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Anmeldungen"]
    header = [c.value for c in sheet[1]]
    id_col, tick_col = header.index("Anmelde-ID") + 1, header.index("Anwesend") + 1
    for row in range(2, sheet.max_row + 1):
        tick = ticks.get(str(sheet.cell(row, id_col).value))
        if tick is not None:
            sheet.cell(row, tick_col).value = tick
    book.save(path)
    if walk_in:
        row = write_row(Anmeldung(anmelde_id="A-VOR-ORT-1", termin_id="T-2027-1", kontakt_id="K-5"))
        row["Anwesend"] = "✓"
        new_contact = Append("Kontakte", write_row(_kontakt(5, "Vera", "Vorort")))
        WorkbookStore(path).apply(ChangeSet(appends=[new_contact, Append("Anmeldungen", row)]))


def test_check_in_list_is_alphabetical_with_needs_and_prepares_the_column(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace(_records())
    result = run_cli("-C", str(folder), "einlass", "--termin", "T-2027-1", "--ohne-pdf")
    assert result.exit_code == 0, result.output
    html = (folder / "ausgabe" / "einlass-T-2027-1.html").read_text(encoding="utf-8")
    order = [html.index(name) for name in ("Abel, Anna", "Brandt, Bernd", "Öztürk, Ömer", "Zander, Zoe")]
    assert order == sorted(order)  # Ö sorts like O, not after Z
    assert "Warteliste, Wera" not in html
    assert "+2" in html and "Rollstuhl" in html and "Kinderbetreuung" in html
    assert html.count('<tr class="leer">') == 12
    snapshot = WorkbookStore(folder / "gespraechsrunde.xlsx").read()
    assert "Anwesend" in snapshot["Anmeldungen"].headers


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="kein chromium installiert")
def test_check_in_list_pdf(make_workspace: WorkspaceFactory) -> None:
    from pypdf import PdfReader

    folder = make_workspace(_records())
    result = run_cli("-C", str(folder), "einlass", "--termin", "T-2027-1")
    assert result.exit_code == 0, result.output
    reader = PdfReader(str(folder / "ausgabe" / "einlass-T-2027-1.pdf"))
    text = reader.pages[0].extract_text()
    assert text.index("Abel, Anna") < text.index("Zander, Zoe")


def _feedback(folder: Path) -> set[str]:
    return {v.kontakt_id or "" for v in read_dataset(folder).all(Versand) if v.art == "Feedback-Bitte"}


def test_ticks_become_statuses_and_feedback_goes_only_to_attendees(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace(_records())
    workspace = Workspace.open(folder)

    # the day after, before the list is typed in: nobody becomes a no-show, nobody gets a feedback request
    report = run_sync(workspace, now=AFTER)
    statuses = {a.anmelde_id: a.status for a in read_dataset(folder).all(Anmeldung)}
    assert statuses == {"A-1": "angemeldet", "A-2": "angemeldet", "A-3": "angemeldet", "A-4": "angemeldet",
                        "A-6": "Warteliste"}  # fmt: skip
    assert _feedback(folder) == set()
    assert any(f.spalte == "Anwesend" and f.schwere == "Info" for f in report.findings)

    _type_ticks(folder, {"A-1": "x", "A-2": "✓", "A-4": "nein"})
    run_sync(workspace, now=AFTER + dt.timedelta(hours=2))
    data = read_dataset(folder)
    statuses = {a.anmelde_id: a.status for a in data.all(Anmeldung)}
    assert statuses == {
        "A-1": "teilgenommen", "A-2": "teilgenommen", "A-3": "nicht erschienen", "A-4": "nicht erschienen",
        "A-VOR-ORT-1": "teilgenommen", "A-6": "Warteliste",
    }  # fmt: skip
    assert _feedback(folder) == {"K-1", "K-2", "K-5"}
    sent_to = sorted(
        p.read_text(encoding="utf-8", errors="replace").count("p3@beispiel") for p in (folder / "ausgang").glob("*.eml")
    )
    assert len(list((folder / "ausgang").glob("*.eml"))) == 3 and max(sent_to) == 0
    assert not [h for h in data.all(Hinweis) if h.spalte == "Anwesend"]  # the list is in: no more reminder

    # a second run changes nothing and sends nothing again
    run_sync(workspace, now=AFTER + dt.timedelta(hours=4))
    assert len(list((folder / "ausgang").glob("*.eml"))) == 3
    assert len([v for v in read_dataset(folder).all(Versand) if v.art == "Feedback-Bitte"]) == 3


def test_ticks_before_the_date_change_nothing(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace(_records())
    _type_ticks(folder, {"A-1": "x"}, walk_in=False)
    run_sync(Workspace.open(folder), now=dt.datetime(2027, 3, 13, 12, 0))  # during the event
    statuses = {a.status for a in read_dataset(folder).all(Anmeldung)}
    assert not statuses & {"teilgenommen", "nicht erschienen"}
