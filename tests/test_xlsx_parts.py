"""The fast workbook path: calamine reads what openpyxl reads; writes touch only the changed worksheets,
keep the users' formatting, and the result opens in LibreOffice."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from automation.adapters import xlsx
from automation.adapters.xlsx import WorkbookStore
from automation.adapters.xlsx_parts import Package, SheetXml
from automation.domain.store import Append, CellChange, ChangeSet, Delete, Replace
from automation.services.demo import create_demo


def _openpyxl_snapshot(path: Path) -> dict[str, Any]:
    return xlsx._snapshot_of(openpyxl.load_workbook(path))


def _typed(value: Any) -> Any:
    return (type(value).__name__, value)


def test_calamine_reads_exactly_what_openpyxl_reads(tmp_path: Path) -> None:
    create_demo(tmp_path / "demo", contacts=60, registrations=20, feedback=5, today=dt.date(2027, 3, 1))
    path = tmp_path / "demo" / "gespraechsrunde.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Termine"]  # typed cells as a coordinator would enter them in Excel
    ws["Z2"], ws["Z3"], ws["Z4"], ws["Z5"] = dt.datetime(2027, 3, 12), dt.time(18, 30), True, 2.5
    ws["Z6"], ws["Z7"], ws["Z8"] = 12, "=nur Text", " mit Leerzeichen "
    ws["Z7"].data_type = "s"
    wb.save(path)
    store = WorkbookStore(path)
    fast = store.read()
    assert store._parts is not None  # read by calamine, not openpyxl
    slow = _openpyxl_snapshot(path)
    assert list(fast) == list(slow)
    for title, table in slow.items():
        assert fast[title].headers == table.headers
        assert [r.number for r in fast[title].rows] == [r.number for r in table.rows]
        for mine, theirs in zip(fast[title].rows, table.rows, strict=True):
            assert {k: _typed(v) for k, v in mine.values.items()} == {k: _typed(v) for k, v in theirs.values.items()}


def test_a_typed_formula_is_read_as_typed(tmp_path: Path) -> None:
    path = tmp_path / "daten.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Termine"
    ws.append(["Termin-ID", "Plätze"])
    ws.append(["T-1", "=10*6"])  # a real formula: calamine would only see its (missing) result
    ws.append(["T-2", "#DIV/0!"])
    ws["B3"].data_type = "e"
    wb.create_sheet("Kontakte").append(["Kontakt-ID", "Vorname"])
    wb.save(path)
    store = WorkbookStore(path)
    assert [r.values["Plätze"] for r in store.read()["Termine"].rows] == ["=10*6", "#DIV/0!"]
    assert store.read() == _openpyxl_snapshot(path)
    assert store._parts is not None  # the part writer still applies
    # the other tabs still go the fast way, and writing keeps the formula
    store.apply(ChangeSet(appends=[Append("Kontakte", {"Kontakt-ID": "K-1", "Vorname": "Anna"})]))
    assert openpyxl.load_workbook(path)["Termine"]["B2"].value == "=10*6"
    assert WorkbookStore(path).read()["Kontakte"].rows[0].values == {"Kontakt-ID": "K-1", "Vorname": "Anna"}


def _user_workbook(tmp_path: Path) -> Path:
    """A workbook as a coordinator leaves it: formatting, widths, dropdowns, own columns and an own tab."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "daten.xlsx"
    wb = openpyxl.Workbook()
    kontakte = wb.active
    kontakte.title = "Kontakte"
    kontakte.append(["Kontakt-ID", "Vorname", "E-Mail", "Gruppe", "Meine Notiz"])
    for n in range(1, 6):
        kontakte.append([f"K-{n}", f"Name {n}", f"p{n}@beispiel.example", "Incoming", f"Notiz {n}"])
    for cell in kontakte[1]:
        cell.font = Font(bold=True)
    kontakte["B3"].fill = PatternFill("solid", fgColor="FFFF00")
    kontakte.column_dimensions["B"].width = 31
    kontakte.freeze_panes = "A2"
    dropdown = DataValidation(type="list", formula1='"Incoming,Outgoing"', allow_blank=True)
    dropdown.add("D2:D500")
    kontakte.add_data_validation(dropdown)
    hinweise = wb.create_sheet("Hinweise")
    hinweise.append(["Tabelle", "Zeile", "Hinweis"])
    hinweise.append(["Kontakte", 3, "alt"])
    notizen = wb.create_sheet("Notizen")
    notizen.append(["Eigene Tabelle", dt.datetime(2027, 1, 5)])
    wb.save(path)
    return path


def _changes() -> ChangeSet:
    return ChangeSet(
        cells=[
            CellChange("Kontakte", "Kontakt-ID", "K-2", "Vorname", "Name 2", "Zweite <&> Person"),
            CellChange("Kontakte", "Kontakt-ID", "K-4", "E-Mail", "p4@beispiel.example", None),
        ],
        appends=[Append("Kontakte", {"Kontakt-ID": "K-6", "Vorname": "=HYPERLINK(1)", "Gruppe": "Outgoing"})],
        replaces=[
            Replace(
                "Hinweise",
                ["Tabelle", "Zeile", "Hinweis"],
                [{"Tabelle": "Kontakte", "Zeile": 4, "Hinweis": " neu\nzweizeilig "}],
            )
        ],
        deletes=[Delete("Kontakte", "Kontakt-ID", "K-1")],
    )


def _described(path: Path) -> dict[str, Any]:
    """Everything a user sees, as openpyxl reads it: values, formatting, widths, dropdowns, panes."""
    wb = openpyxl.load_workbook(path)
    result: dict[str, Any] = {}
    for ws in wb.worksheets:
        result[ws.title] = {
            "cells": [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()],
            "fonts": [[c.font.b for c in row] for row in ws.iter_rows()],
            "fills": [[c.fill.fgColor.rgb for c in row] for row in ws.iter_rows()],
            "widths": {k: v.width for k, v in ws.column_dimensions.items() if v.customWidth},
            "dropdowns": [(str(d.sqref), d.formula1) for d in ws.data_validations.dataValidation],
            "panes": ws.freeze_panes,
        }
    return result


def test_only_changed_worksheets_are_written_and_nothing_else_changes(tmp_path: Path) -> None:
    path = _user_workbook(tmp_path)
    before = {i.filename: (i.CRC, i.compress_size) for i in zipfile.ZipFile(path).infolist()}
    package = Package(path)
    result = WorkbookStore(path).apply(_changes())
    assert (result.written_cells, result.appended_rows, result.deleted_rows) == (2, 1, 1)
    assert result.conflicts == []
    after = {i.filename: (i.CRC, i.compress_size) for i in zipfile.ZipFile(path).infolist()}
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {package.sheets["Kontakte"], package.sheets["Hinweise"]}
    assert zipfile.ZipFile(path).testzip() is None

    seen = _described(path)
    kontakte = [[v for v, _ in row] for row in seen["Kontakte"]["cells"]]
    assert kontakte[1:] == [
        ["K-2", "Zweite <&> Person", "p2@beispiel.example", "Incoming", "Notiz 2"],
        ["K-3", "Name 3", "p3@beispiel.example", "Incoming", "Notiz 3"],
        ["K-4", "Name 4", None, "Incoming", "Notiz 4"],
        ["K-5", "Name 5", "p5@beispiel.example", "Incoming", "Notiz 5"],
        ["K-6", "=HYPERLINK(1)", None, "Outgoing", None],
    ]
    assert seen["Kontakte"]["cells"][5][1] == ("=HYPERLINK(1)", "s")  # text, never a formula
    assert seen["Kontakte"]["fills"][1][1] == "00FFFF00"  # the yellow cell moved up with its row
    assert seen["Kontakte"]["fonts"][0] == [True] * 5
    assert seen["Kontakte"]["widths"] == {"B": 31}
    assert seen["Kontakte"]["dropdowns"] == [("D2:D500", '"Incoming,Outgoing"')]
    assert seen["Kontakte"]["panes"] == "A2"
    assert [[v for v, _ in row] for row in seen["Hinweise"]["cells"]][1:] == [["Kontakte", 4, " neu\nzweizeilig "]]
    assert seen["Notizen"]["cells"] == [[("Eigene Tabelle", "s"), (dt.datetime(2027, 1, 5), "d")]]
    assert WorkbookStore(path).read() == _openpyxl_snapshot(path)


def test_the_part_writer_and_openpyxl_give_the_same_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _user_workbook(tmp_path / "schnell")
    WorkbookStore(fast).apply(_changes())
    slow = _user_workbook(tmp_path / "voll")
    with monkeypatch.context() as patched:
        patched.setattr(xlsx, "_fits", lambda parts, changes: False)
        WorkbookStore(slow).apply(_changes())
    ours, theirs = _described(fast), _described(slow)
    theirs["Hinweise"]["panes"] = None  # openpyxl's path also freezes the header of every tab it writes
    assert ours == theirs
    assert WorkbookStore(fast).read() == WorkbookStore(slow).read()


def test_backup_and_cached_reads_after_a_part_write(tmp_path: Path) -> None:
    path = _user_workbook(tmp_path)
    original = path.read_bytes()
    store = WorkbookStore(path)
    store.apply(ChangeSet(appends=[Append("Kontakte", {"Kontakt-ID": "K-7"})]))
    assert store.backup_path.read_bytes() == original
    assert [r.values["Kontakt-ID"] for r in store.read()["Kontakte"].rows][-1] == "K-7"  # from memory
    assert store.read() == WorkbookStore(path).read()  # the same as a fresh read of the file
    # a person edits the file meanwhile: the store notices and reads it again
    wb = openpyxl.load_workbook(path)
    wb["Kontakte"]["B2"] = "von Hand"
    wb.save(path)
    assert store.read()["Kontakte"].rows[0].values["Vorname"] == "von Hand"


def test_deferred_part_writes_then_a_new_column_still_save_everything(tmp_path: Path) -> None:
    path = _user_workbook(tmp_path)
    store = WorkbookStore(path)
    with store.deferred():
        store.apply(ChangeSet(appends=[Append("Kontakte", {"Kontakt-ID": "K-8"})]))
        store.apply(ChangeSet(appends=[Append("Kontakte", {"Kontakt-ID": "K-9", "Sprache": "Deutsch"})]))
    rows = WorkbookStore(path).read()["Kontakte"].rows
    assert [r.values["Kontakt-ID"] for r in rows][-2:] == ["K-8", "K-9"]
    assert rows[-1].values["Sprache"] == "Deutsch"


def test_rows_keep_their_exact_text_when_untouched() -> None:
    xml = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:B2"/>'
        b'<sheetData><row r="1" spans="1:2"><c r="A1" t="s"><v>0</v></c></row>'
        b'<row r="2" x14ac:dyDescent="0.25"><c r="A2" s="3"><v>5</v></c><c r="B2" s="4"/></row></sheetData>'
        b"</worksheet>"
    )
    sheet = SheetXml(xml)
    sheet.set(2, 2, "neu")
    sheet.set(4, 3, 7)
    text = sheet.xml().decode()
    assert '<row r="1" spans="1:2"><c r="A1" t="s"><v>0</v></c></row>' in text
    assert '<c r="B2" s="4" t="inlineStr"><is><t xml:space="preserve">neu</t></is></c>' in text
    assert '<row r="4"><c r="C4"><v>7</v></c></row>' in text
    assert '<dimension ref="A1:C4"/>' in text


@pytest.mark.parametrize("piece", [1, 7, 64, 10_000])
def test_a_sheet_read_in_pieces_into_small_blocks_writes_the_same_bytes(
    piece: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows are kept compressed in blocks and the part is read in pieces (issue 10): wherever a piece or a
    block ends, untouched rows come out byte for byte, changed ones changed, deleted ones gone."""
    import automation.adapters.xlsx_parts as parts

    monkeypatch.setattr(parts, "_BLOCK", 90)
    rows = b"".join(
        b'<row r="%d" spans="1:2">\n <c r="A%d" s="2"><v>%d</v></c><c r="B%d" t="inlineStr"><is><t>\xc3\xa4 %d</t></is></c></row>'
        % (n, n, n, n, n)
        for n in range(1, 41)
    )
    xml = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:B41"/>'
        b"<sheetData>" + rows + b'<row r="41"/></sheetData><pageMargins left="0.7"/></worksheet>'
    )
    sheet = SheetXml(xml[i : i + piece] for i in range(0, len(xml), piece))
    assert len(sheet.blocks) > 5
    assert sheet.xml() == xml  # nothing changed: the same bytes
    sheet.set(17, 1, 99)
    sheet.delete_row(30)
    text = sheet.xml().decode()
    assert '<c r="A17" s="2"><v>99</v></c>' in text and "ä 17" in text
    assert "ä 30<" not in text and '<row r="30"><c r="A30" s="2"><v>31</v></c>' in text  # moved up
    assert '<row r="16" spans="1:2">\n <c r="A16" s="2"><v>16</v></c>' in text  # untouched, exactly
    assert text.endswith('<row r="40"/></sheetData><pageMargins left="0.7"/></worksheet>')
    assert '<dimension ref="A1:B40"/>' in text


@pytest.mark.langsam
def test_a_part_written_workbook_opens_in_libreoffice(tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice fehlt (Debian: libreoffice-calc-nogui)")
    path = _user_workbook(tmp_path)
    WorkbookStore(path).apply(_changes())
    out = tmp_path / "konvertiert"
    done = subprocess.run(
        [office, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profil'}", "--convert-to", "xlsx",
         "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    converted = out / path.name
    assert converted.exists(), done.stdout + done.stderr
    ours, theirs = _described(path), _described(converted)

    def values(cells: list[list[tuple[Any, str]]]) -> list[list[Any]]:
        rows = [[v for v, _ in row] for row in cells]
        while rows and all(v is None for v in rows[-1]):
            rows.pop()  # LibreOffice writes empty formatted rows as far as the dropdowns reach
        return rows

    for title in ours:
        assert values(theirs[title]["cells"]) == values(ours[title]["cells"])
    assert theirs["Kontakte"]["fills"][1][1] == "FFFFFF00"
    assert theirs["Kontakte"]["dropdowns"] == [("D2:D500", '"Incoming,Outgoing"')]
    assert theirs["Kontakte"]["widths"]["B"] == pytest.approx(31, abs=1)
    # (a headless conversion drops frozen panes of any workbook, also of one openpyxl wrote: not compared)


def test_a_tab_that_starts_further_down_and_right_keeps_its_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "daten.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notizen"
    ws["C3"], ws["D5"] = "erst hier", 7
    wb.save(path)
    store = WorkbookStore(path)
    assert store.read() == _openpyxl_snapshot(path)
    assert store._parts is not None
