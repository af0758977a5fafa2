"""Letters and calls for people without e-mail: one page per letter, address in the window, exactly once."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest

from automation.domain.records import Kontakt, Record, Versand
from tests.conftest import WorkspaceFactory, base_records, read_dataset, run_cli

needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None, reason="kein chromium installiert")
MM = 72 / 25.4
SETTINGS = (
    '[darstellung]\nkommune = "Gemeinde Adorf"\nanmeldelink = "https://anmeldung.adorf.example/runde"\n'
    'telefon = "06201 123456"\npostanschrift = "Gemeinde Adorf · Lindenplatz 4 · 12345 Adorf"\n'
)


def _kontakt(n: int, **extra: Any) -> Kontakt:
    data: dict[str, Any] = {
        "kontakt_id": f"K-P{n:03d}", "vorname": f"Vorname{n}", "nachname": f"Briefmann{n}", "kommune": "Adorf",
        "einwilligung_speicherung": True, "einwilligung_einladungen": True,
    }  # fmt: skip
    data.update(extra)
    return Kontakt(**data)


def _address(n: int) -> dict[str, str]:
    return {"strasse": f"Lindenstraße {n}", "plz": "1067" if n == 1 else "12345", "ort": "Adorf"}


def _people() -> list[Record]:
    return [
        *base_records(),
        _kontakt(1, **_address(1)),
        _kontakt(2, **_address(2), telefon="0171 2345678"),
        _kontakt(3, **_address(3)),
        _kontakt(4, email="hat@mail.example", **_address(4)),  # gets an e-mail instead
        _kontakt(5, einwilligung_einladungen=False, **_address(5)),  # no consent
        _kontakt(6, abgemeldet=True, **_address(6)),  # unsubscribed
        _kontakt(7, telefon="0171 7777777"),  # only a phone: call list
        _kontakt(8, telefon="030 1234567", strasse="Nur Straße 1"),  # incomplete address: call list
        _kontakt(9),  # unreachable
        _kontakt(10, kommune="Zett", **_address(10)),  # another municipality
    ]


def _positions(page: Any) -> list[tuple[str, float, float]]:
    """Each text run with its position in mm from the left and from the top edge of the page."""
    height = float(page.mediabox.height)
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            found.append((text.strip(), x / MM, (height - y) / MM))

    page.extract_text(visitor_text=visit)
    return found


@pytest.mark.browser
@needs_chromium
def test_letters_one_page_each_address_in_the_window_and_exactly_once(make_workspace: WorkspaceFactory) -> None:
    from pypdf import PdfReader

    folder = make_workspace(_people(), SETTINGS)
    first = run_cli("-C", str(folder), "briefe", "--termin", "T-2027-1")
    assert first.exit_code == 0, first.output
    pdfs = sorted((folder / "ausgabe").glob("briefe-T-2027-1-*.pdf"))
    assert len(pdfs) == 1
    reader = PdfReader(str(pdfs[0]))
    recipients = {"K-P001": 1, "K-P002": 2, "K-P003": 3}
    assert len(reader.pages) == len(recipients)
    for page, n in zip(reader.pages, recipients.values(), strict=True):
        assert float(page.mediabox.width) == pytest.approx(210 * MM, abs=1.5)
        runs = _positions(page)
        address = [f"Vorname{n} Briefmann{n}", f"Lindenstraße {n}", f"{'01067' if n == 1 else '12345'} Adorf"]
        for line in address:
            hits = [(x, y) for text, x, y in runs if text == line]
            assert hits, f"»{line}« fehlt auf der Seite: {[t for t, _, _ in runs][:20]}"
            x, y = hits[0]
            # DIN 5008 form B: address field 20–105 mm from the left, 45–90 mm from the top; the address
            # itself in its lower part (below the 17.7 mm for the return address and notes)
            assert 20 <= x <= 105 - 20, (line, x)
            assert 45 + 17.7 - 5 <= y <= 90, (line, y)
        sender = [(x, y) for text, x, y in runs if text.startswith("Gemeinde Adorf · Lindenplatz")]
        assert sender and 45 <= sender[0][1] <= 45 + 17.7
        text = page.extract_text()
        assert "06201 123456" in text and "Einladung" in text
    ledger = {v.schluessel: v for v in read_dataset(folder).all(Versand)}
    assert {k for k, v in ledger.items() if v.art == "Brief"} == {f"Brief|T-2027-1|{k}" for k in recipients}
    assert all(v.status == "gedruckt" for v in ledger.values() if v.art == "Brief")
    assert "Lindenstraße 1" in (ledger["Brief|T-2027-1|K-P001"].adresse or "")

    second = run_cli("-C", str(folder), "briefe", "--termin", "T-2027-1")
    assert second.exit_code == 0, second.output
    assert "Neue Briefe zu T-2027-1: 0" in second.output
    assert len(list((folder / "ausgabe").glob("briefe-T-2027-1-*.pdf"))) == 1
    assert len([v for v in read_dataset(folder).all(Versand) if v.art == "Brief"]) == 3


def test_letters_dry_run_names_recipients_and_writes_nothing(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace(_people(), SETTINGS)
    result = run_cli("-C", str(folder), "briefe", "--termin", "T-2027-1", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "K-P001" in result.output and "K-P004" not in result.output and "K-P005" not in result.output
    assert "K-P009" in result.output  # unreachable: said so, with what is missing
    assert read_dataset(folder).all(Versand) == []
    assert not (folder / "ausgabe").exists()


def test_call_list_exactly_once_and_marked_done(make_workspace: WorkspaceFactory, tmp_path: Path) -> None:
    folder = make_workspace(_people(), SETTINGS)
    first = run_cli("-C", str(folder), "anrufliste", "--termin", "T-2027-1")
    assert first.exit_code == 0, first.output
    listed = sorted(k for k in ("K-P007", "K-P008") if k in first.output)
    assert listed == ["K-P007", "K-P008"]
    assert "K-P001" not in first.output  # has an address: letter, not call
    text = (folder / "ausgabe" / "anrufliste-T-2027-1.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(text.splitlines(), delimiter=";"))
    assert [r["Kontakt-ID"] for r in rows] == ["K-P007", "K-P008"]
    assert rows[0]["Telefon"] == "'+49 171 7777777"  # never read as a formula by a spreadsheet
    ledger = [v for v in read_dataset(folder).all(Versand) if v.art == "Anruf"]
    assert sorted(v.kontakt_id or "" for v in ledger) == ["K-P007", "K-P008"]
    assert {v.status for v in ledger} == {"anzurufen"}

    again = run_cli("-C", str(folder), "anrufliste", "--termin", "T-2027-1", "--erledigt", "K-P007")
    assert again.exit_code == 0, again.output
    assert "K-P007: als »angerufen« eingetragen" in again.output
    assert "Anzurufen zu T-2027-1: 1" in again.output
    ledger = {v.schluessel: v for v in read_dataset(folder).all(Versand) if v.art == "Anruf"}
    assert len(ledger) == 2 and ledger["Anruf|T-2027-1|K-P007"].status == "angerufen"

    third = run_cli("-C", str(folder), "anrufliste", "--termin", "T-2027-1", "--nicht-erreicht", "K-P008")
    assert "Anzurufen zu T-2027-1: 0" in third.output
    assert len([v for v in read_dataset(folder).all(Versand) if v.art == "Anruf"]) == 2
    unknown = run_cli("-C", str(folder), "anrufliste", "--termin", "T-2027-1", "--erledigt", "K-P001")
    assert unknown.exit_code == 2 and "nicht auf der Anrufliste" in unknown.output


def test_letters_need_a_phone_number_for_registration(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace(_people(), '[darstellung]\nanmeldelink = "https://x.example/a"\n')
    result = run_cli("-C", str(folder), "briefe", "--termin", "T-2027-1")
    assert result.exit_code == 2 and "telefon" in result.output
    assert read_dataset(folder).all(Versand) == []


def test_an_unreadable_ledger_row_stops_letters_and_calls(make_workspace: WorkspaceFactory) -> None:
    import openpyxl

    folder = make_workspace(_people(), SETTINGS)
    first = run_cli("-C", str(folder), "anrufliste", "--termin", "T-2027-1", "--dry-run")
    assert first.exit_code == 0
    path = folder / "gespraechsrunde.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Versand"]
    header = [c.value for c in sheet[1]]
    values = {"Schlüssel": "Brief|T-2027-1|K-P001", "Art": "Brief", "Termin-ID": "T-2027-1", "Kontakt-ID": "K-P001",
              "Status": "weiß nicht"}  # fmt: skip
    sheet.append([values.get(str(name)) for name in header])
    book.save(path)
    for command in ("briefe", "anrufliste"):
        result = run_cli("-C", str(folder), command, "--termin", "T-2027-1")
        assert result.exit_code == 1, result.output
        assert "Versand" in result.output and "Zeile 2" in result.output and "Traceback" not in result.output
    assert not (folder / "ausgabe").exists()
