"""Issue 12 item 3: a workbook people can read, kept across syncs (widths, wrapping, real dates, frozen header,
filter, colours, findings linked to their cell), with the user's own formatting and extra columns intact."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from automation.adapters.xlsx import WorkbookStore
from automation.domain.dataset import Dataset
from automation.domain.records import TABS, Anmeldung, Kontakt, Versand
from automation.services import sync as job
from automation.services.idle import STATE_FILE
from automation.services.wiring import Workspace
from tests.conftest import WorkspaceFactory, read_dataset, registration, run_cli, write_answers

NOW = dt.datetime(2027, 2, 1, 10, 0)


def _column(ws: openpyxl.worksheet.worksheet.Worksheet, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def _cell(ws: openpyxl.worksheet.worksheet.Worksheet, header: str, row: int = 2) -> openpyxl.cell.Cell:
    return ws.cell(row, _column(ws, header))


def _width(ws: openpyxl.worksheet.worksheet.Worksheet, header: str) -> float:
    index = _column(ws, header)
    for dimension in ws.column_dimensions.values():
        if dimension.min and dimension.max and dimension.min <= index <= dimension.max:
            return float(dimension.width)
    raise AssertionError(f"keine Breite für {header}")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _prepared(make_workspace: WorkspaceFactory) -> Path:
    folder = make_workspace()
    assert run_cli("-C", str(folder), "einrichten").exit_code == 0
    write_answers(
        folder, "anmeldung",
        [("01.02.2027 09:00:00", registration(bemerkung="Ich komme mit Rollator und brauche einen Platz nahe der Tür.")),
         ("01.02.2027 09:05:07", registration("Karl", "Kaputt", "karl(at)x"))],
    )  # fmt: skip
    return folder


def test_a_synced_workbook_is_readable_and_dates_are_real_dates(make_workspace: WorkspaceFactory) -> None:
    folder = _prepared(make_workspace)
    job.run_sync(Workspace.open(folder), now=NOW)
    path = folder / "gespraechsrunde.xlsx"
    wb = openpyxl.load_workbook(path)

    for spec in TABS:
        ws = wb[spec.name]
        assert ws.freeze_panes == "A2", spec.name
        last = get_column_letter(len([c for c in ws[1] if c.value]))
        assert ws.auto_filter.ref == f"A1:{last}1048576", spec.name  # whole columns: appended rows are inside

    kontakte, anmeldungen, versand = wb["Kontakte"], wb["Anmeldungen"], wb["Versand"]
    assert _width(kontakte, "E-Mail") >= 28 and _width(kontakte, "Einwilligung Einladungen") >= 24
    assert _width(anmeldungen, "Bemerkung") >= 40
    # the registration's time as a real, sortable date cell shown as TT.MM.JJJJ hh:mm
    rows = {r[_column(anmeldungen, "Antwort-ID") - 1].value: r for r in anmeldungen.iter_rows(min_row=2)}
    eingegangen = [r[_column(anmeldungen, "Eingegangen") - 1] for r in rows.values()]
    assert sorted(c.value for c in eingegangen) == [dt.datetime(2027, 2, 1, 9, 0)]  # Karl's e-mail is unreadable
    assert eingegangen[0].number_format == "DD.MM.YYYY HH:MM"
    bemerkung = next(r[_column(anmeldungen, "Bemerkung") - 1] for r in rows.values())
    assert bemerkung.value.startswith("Ich komme mit Rollator") and bemerkung.alignment.wrap_text
    erstellt = [c for (c,) in kontakte.iter_rows(min_row=2, min_col=_column(kontakte, "Erstellt"),
                                                 max_col=_column(kontakte, "Erstellt")) if c.value is not None]  # fmt: skip
    assert erstellt and all(
        isinstance(c.value, dt.datetime) and c.number_format == "DD.MM.YYYY HH:MM" for c in erstellt
    )
    zeit = _cell(versand, "Zeit")
    assert isinstance(zeit.value, dt.datetime) and zeit.number_format == "DD.MM.YYYY HH:MM"
    assert _cell(versand, "Status").value == "gesendet"

    # colours by status and severity, the text still says it
    status = get_column_letter(_column(versand, "Status"))
    rules = {str(area.sqref): [r.formula[0] for r in area.rules] for area in versand.conditional_formatting}
    assert f'${status}2="fehlgeschlagen"' in rules[f"{status}2:{status}1048576"]
    hinweise = wb["Hinweise"]
    schwere = get_column_letter(_column(hinweise, "Schwere"))
    assert any(str(a.sqref) == f"{schwere}2:{schwere}1048576" for a in hinweise.conditional_formatting)

    # findings: errors first, each linked to the cell it is about
    severities = [r[_column(hinweise, "Schwere") - 1].value for r in hinweise.iter_rows(min_row=2)]
    order = {"Fehler": 0, "Warnung": 1, "Info": 2}
    assert severities and severities == sorted(severities, key=order.__getitem__)
    linked = 0
    for row in hinweise.iter_rows(min_row=2):
        values = {hinweise.cell(1, c.column).value: c.value for c in row}
        link = row[_column(hinweise, "Tabelle") - 1].hyperlink
        if values["Zeile"] is None:
            continue
        assert link is not None and link.location is not None, values
        target = [c.value for c in wb[values["Tabelle"]][1]]
        # the cell of the column named; the row's first cell when the column is not one of the tab (a form field)
        column = get_column_letter(target.index(values["Spalte"]) + 1) if values["Spalte"] in target else "A"
        assert link.location == f"'{values['Tabelle']}'!{column}{values['Zeile']}"
        linked += 1
    assert linked

    # read back through calamine and the normalisation: the same values as the job wrote
    dataset = read_dataset(folder)
    anmeldung = next(a for a in dataset.all(Anmeldung) if a.eingegangen is not None)
    assert anmeldung.eingegangen == dt.datetime(2027, 2, 1, 9, 0)
    assert all(v.zeit is not None for v in dataset.all(Versand))


def test_formatting_and_the_users_own_survive_later_syncs_and_a_no_op_writes_nothing(
    make_workspace: WorkspaceFactory,
) -> None:
    folder = _prepared(make_workspace)
    path = folder / "gespraechsrunde.xlsx"
    job.run_sync(Workspace.open(folder), now=NOW)

    # the coordinator widens a column, colours a cell and adds a column of her own
    wb = openpyxl.load_workbook(path)
    kontakte = wb["Kontakte"]
    kontakte.column_dimensions[get_column_letter(_column(kontakte, "Vorname"))].width = 40
    yellow = PatternFill(start_color="FFFF00", end_color="FFFF00", fill_type="solid")
    _cell(kontakte, "Nachname").fill = yellow
    notiz = len([c for c in kontakte[1] if c.value]) + 1
    kontakte.cell(1, notiz, "Notiz der Koordination")
    kontakte.cell(2, notiz, "ruft lieber an")
    wb.save(path)

    write_answers(
        folder, "anmeldung",
        [("01.02.2027 11:00:00", registration("Lea", "Neu", "lea@beispiel.example"))], name="anmeldung-2",
    )  # fmt: skip
    job.run_sync(Workspace.open(folder), now=NOW + dt.timedelta(hours=2))

    wb = openpyxl.load_workbook(path)
    kontakte = wb["Kontakte"]
    assert _width(kontakte, "Vorname") == 40
    assert _cell(kontakte, "Nachname").fill.start_color.rgb.endswith("FFFF00")
    assert (
        kontakte.cell(1, notiz).value == "Notiz der Koordination" and kontakte.cell(2, notiz).value == "ruft lieber an"
    )
    assert _width(kontakte, "E-Mail") >= 28 and kontakte.freeze_panes == "A2" and kontakte.auto_filter.ref
    lea = next(r for r in kontakte.iter_rows(min_row=2) if r[_column(kontakte, "Vorname") - 1].value == "Lea")
    created = lea[_column(kontakte, "Erstellt") - 1]
    assert created.value == dt.datetime(2027, 2, 1, 11, 0) and created.number_format == "DD.MM.YYYY HH:MM"
    assert any(k.vorname == "Lea" for k in read_dataset(folder).all(Kontakt))

    # nothing new: not a byte changes, neither in the quick no-op nor in a run that validates everything
    before = _digest(path)
    job.run_sync(Workspace.open(folder), now=NOW + dt.timedelta(hours=3))
    assert _digest(path) == before
    (folder / STATE_FILE).unlink()
    job.run_sync(Workspace.open(folder), now=NOW + dt.timedelta(hours=3, minutes=5))
    assert _digest(path) == before

    # einrichten again changes nothing and keeps the user's width
    again = run_cli("-C", str(folder), "einrichten")
    assert "nichts zu tun" in again.output, again.output
    assert _digest(path) == before


@pytest.mark.langsam
def test_libreoffice_still_converts_the_formatted_workbook(make_workspace: WorkspaceFactory, tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice fehlt (Debian: libreoffice-calc-nogui)")
    folder = _prepared(make_workspace)
    job.run_sync(Workspace.open(folder), now=NOW)
    path = folder / "gespraechsrunde.xlsx"
    out = tmp_path / "konvertiert"
    done = subprocess.run(
        [office, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profil'}", "--convert-to", "xlsx",
         "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    converted = out / path.name
    assert converted.exists(), done.stdout + done.stderr
    wb = openpyxl.load_workbook(converted)
    versand = wb["Versand"]
    zeit = _cell(versand, "Zeit")
    assert isinstance(zeit.value, dt.datetime) and zeit.value.year == 2027  # still a date, not text
    assert versand.auto_filter.ref and versand.conditional_formatting
    links = [c.hyperlink.location for row in wb["Hinweise"].iter_rows(min_row=2) for c in row if c.hyperlink]
    assert links and all("!" in link for link in links)
    # and the job reads LibreOffice's file as before: the same registrations with the same times
    assert {a.eingegangen for a in read_dataset(out).all(Anmeldung)} == {dt.datetime(2027, 2, 1, 9, 0)}


def test_names_beside_ids_follow_the_contact_and_go_with_the_person(make_workspace: WorkspaceFactory) -> None:
    folder = _prepared(make_workspace)
    job.run_sync(Workspace.open(folder), now=NOW)
    data = read_dataset(folder)
    anmeldung = next(a for a in data.all(Anmeldung) if a.eingegangen is not None)
    assert (anmeldung.name, anmeldung.termin) == ("Max Muster", "13.03.2027 Markt der Möglichkeiten")
    mails = [v for v in data.all(Versand) if v.kontakt_id == anmeldung.kontakt_id]
    assert mails and all(v.name == "Max Muster" for v in mails)

    # the coordinator corrects the surname in »Kontakte«: the next run says it beside the IDs too
    path = folder / "gespraechsrunde.xlsx"
    wb = openpyxl.load_workbook(path)
    kontakte = wb["Kontakte"]
    row = next(r for r in kontakte.iter_rows(min_row=2) if r[0].value == anmeldung.kontakt_id)
    row[_column(kontakte, "Nachname") - 1].value = "Mustermann"
    # a name typed into the derived column is not read as input: it is put right again
    anmeldungen = wb["Anmeldungen"]
    for r in anmeldungen.iter_rows(min_row=2):
        if r[0].value == anmeldung.anmelde_id:
            r[_column(anmeldungen, "Name") - 1].value = "Jemand anderes"
    wb.save(path)
    job.run_sync(Workspace.open(folder), now=NOW + dt.timedelta(hours=1))
    data = read_dataset(folder)
    assert data.get(Anmeldung, anmeldung.anmelde_id).name == "Max Mustermann"
    assert {v.name for v in data.all(Versand) if v.kontakt_id == anmeldung.kontakt_id} == {"Max Mustermann"}

    exported = json.loads(run_cli("-C", str(folder), "person", "export", anmeldung.kontakt_id).output)
    assert exported["Anmeldungen"][0]["Name"] == "Max Mustermann"
    assert {v["Name"] for v in exported["Versand"]} == {"Max Mustermann"}

    erased = run_cli("-C", str(folder), "person", "loeschen", anmeldung.kontakt_id, "--ja")
    assert erased.exit_code == 0, erased.output
    snapshot = WorkbookStore(path).read()
    assert not any("Mustermann" in str(v) for t in snapshot.values() for r in t.rows for v in r.values.values())


def test_the_openpyxl_path_writes_real_dates_and_links_as_the_part_writer_does(tmp_path: Path) -> None:
    from automation.domain.records import Hinweis, headers
    from automation.domain.store import Append, ChangeSet, Replace
    from automation.services.einrichten import layouts

    path = tmp_path / "mappe.xlsx"
    store = WorkbookStore(path)
    store.ensure_tabs({"Kontakte": headers(Kontakt), "Hinweise": headers(Hinweis)})
    store.format_tabs(layouts())
    finding = {"Tabelle": "Kontakte", "Zeile": 2, "Spalte": "Erstellt", "Schwere": "Fehler", "Hinweis": "Prüfen."}
    changes = ChangeSet(
        # a column the tab does not have yet: only openpyxl writes this
        appends=[Append("Kontakte", {"Kontakt-ID": "K-1", "Erstellt": "01.02.2027 09:30:15", "Neu": "x"})],
        replaces=[Replace("Hinweise", headers(Hinweis), [finding])],
    )
    store.apply(changes)
    wb = openpyxl.load_workbook(path)
    erstellt = _cell(wb["Kontakte"], "Erstellt")
    assert erstellt.value == dt.datetime(2027, 2, 1, 9, 30, 15) and erstellt.number_format == "DD.MM.YYYY HH:MM"
    link = _cell(wb["Hinweise"], "Tabelle").hyperlink
    column = get_column_letter(_column(wb["Kontakte"], "Erstellt"))
    assert link is not None and link.location == f"'Kontakte'!{column}2"
    assert WorkbookStore(path).read()["Kontakte"].rows[0].values["Erstellt"] == dt.datetime(2027, 2, 1, 9, 30, 15)


def test_einrichten_turns_the_jobs_old_text_dates_into_date_cells_and_leaves_typed_text(
    make_workspace: WorkspaceFactory,
) -> None:
    folder = make_workspace()
    path = folder / "gespraechsrunde.xlsx"
    wb = openpyxl.load_workbook(path)
    kontakte = wb["Kontakte"]
    _cell(kontakte, "Erstellt").value = "01.02.2027 09:00:00"  # as earlier versions wrote it
    _cell(wb["Termine"], "Anmeldeschluss").value = "6.3.27"  # as a person typed it
    wb.save(path)
    output = run_cli("-C", str(folder), "einrichten").output
    assert "»Kontakte«: " in output and "Datumsangaben als Datumszellen" in output
    wb = openpyxl.load_workbook(path)
    erstellt = _cell(wb["Kontakte"], "Erstellt")
    assert erstellt.value == dt.datetime(2027, 2, 1, 9, 0) and erstellt.number_format == "DD.MM.YYYY HH:MM"
    assert _cell(wb["Termine"], "Anmeldeschluss").value == "6.3.27"
    assert read_dataset(folder).get(Kontakt, "K-BEKANNT1").erstellt == dt.datetime(2027, 2, 1, 9, 0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    moment=st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(
        lambda m: m.replace(microsecond=0)
    ),
    day=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)),
)
def test_dates_the_part_writer_writes_read_back_identically(tmp_path: Path, moment: dt.datetime, day: dt.date) -> None:
    """Every second survives: day number → calamine → normalisation gives the job's value again, so a second
    run finds nothing to change (and the workbook stays byte for byte the same)."""
    from automation.domain.cells import to_cell
    from automation.domain.records import TerminvorschlagZeile, column_by_header, headers
    from automation.domain.store import Append, ChangeSet
    from automation.services.einrichten import layouts

    path = tmp_path / f"m-{moment:%Y%m%d%H%M%S}-{day:%Y%m%d}.xlsx"
    store = WorkbookStore(path)
    store.ensure_tabs({"Kontakte": headers(Kontakt), "Terminvorschläge": headers(TerminvorschlagZeile)})
    store.format_tabs(layouts())
    store.apply(ChangeSet(appends=[Append("Kontakte", {"Kontakt-ID": "K-0"})]))
    fresh = WorkbookStore(path)
    fresh.read()
    assert fresh._parts is not None  # the part writer, not openpyxl, writes what follows
    text = to_cell(column_by_header(Kontakt, "Erstellt"), moment)
    fresh.apply(ChangeSet(appends=[Append("Kontakte", {"Kontakt-ID": "K-1", "Erstellt": text, "Aktualisiert": text})]))
    assert not fresh._parts.dirty
    row = WorkbookStore(path).read()["Kontakte"].rows[1].values
    assert row["Erstellt"] == moment and isinstance(row["Erstellt"], dt.datetime)  # a date cell, not text
    dataset = read_dataset_at(path)
    assert dataset.get(Kontakt, "K-1").erstellt == moment
    # a date of a date column (Terminvorschläge »Datum«) likewise, as a whole day
    datum = to_cell(column_by_header(TerminvorschlagZeile, "Datum"), day)
    fresh.apply(ChangeSet(appends=[Append("Terminvorschläge", {"Datum": datum, "Beginn": "18:30"})]))
    dataset = read_dataset_at(path)
    vorschlag = dataset.all(TerminvorschlagZeile)[0]
    assert (vorschlag.datum, vorschlag.beginn) == (day, dt.time(18, 30))
    cells = WorkbookStore(path).read()["Terminvorschläge"].rows[0].values
    assert isinstance(cells["Datum"], dt.datetime) and cells["Beginn"] == dt.time(18, 30)


def read_dataset_at(path: Path) -> Dataset:
    return Dataset.from_snapshot(WorkbookStore(path).read())
