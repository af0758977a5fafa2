"""Issue 9 item 8: bad input never stops the run, and one bad cell does not cascade."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from automation.domain.records import TABS, Anmeldung, Eingang, Hinweis, Kontakt, Versand, headers
from tests.backends import Backend
from tests.conftest import TERMIN, base_records, registration, run_cli, write_answers
from tests.sheet_edits import mails, set_cell

DAY = dt.datetime(2027, 2, 1, 10)


def test_control_characters_and_huge_fields_become_findings(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    backend.create()
    backend.answer("anmeldung", DAY, registration(bemerkung="Bitte\x00 rote\x0b Tür\x1b[31m, danke"))
    backend.answer("anmeldung", DAY.replace(hour=11), registration("Eva", "Lang", "eva@beispiel.example",
                                                                   bemerkung="sehr lang " * 15_000))  # fmt: skip
    backend.answer("anmeldung", DAY.replace(hour=12), registration("Jo", "Normal", "jo@beispiel.example"))
    result = backend.sync()
    assert result.exit_code in (0, 1) and "Traceback" not in result.output, result.output
    data = backend.dataset()
    assert len(data.all(Anmeldung)) == 3  # everything processed
    names = {k.kontakt_id: k.vorname for k in data.all(Kontakt)}
    remarks = {names[a.kontakt_id]: a.bemerkung for a in data.all(Anmeldung)}
    assert remarks["Max"] == "Bitte rote Tür[31m, danke"
    for entry in data.all(Eingang):
        assert len(entry.daten) <= 32_767 and isinstance(json.loads(entry.daten), dict)
    notes = {h.hinweis for h in data.all(Hinweis)}
    assert any("Steuerzeichen" in n and "\\x1b" in n for n in notes)
    assert any("149.999 Zeichen" in n and "höchstens 32.767" in n for n in notes), notes

    # a changed setting makes the next run read everything again (no idle skip): the shortened answer is
    # still not taken as new
    monkeypatch.setenv("GESPRAECHSRUNDE_MAIL__ERINNERUNG_TAGE_VORHER", "4")
    again = backend.sync()
    assert "davon 0 neu oder geändert" in again.output, again.output


def test_broken_files_in_antworten_are_findings_and_the_rest_is_read(make_workspace) -> None:
    folder = make_workspace()
    write_answers(folder, "anmeldung", [("01.02.2027 10:00:00", registration())])
    wb = openpyxl.Workbook()
    wb.active.append(["Zeitstempel", "Vorname"])
    wb.save(folder / "antworten" / "anmeldung-excel.csv")  # an .xlsx saved under a .csv name
    (folder / "antworten" / "anmeldung-kaputt.csv").write_bytes(bytes(range(256)) * 40)
    (folder / "antworten" / "anmeldung-ohne-zeit.csv").write_text("Vorname;Nachname\nA;B\n", encoding="utf-8")
    result = run_cli("-C", str(folder), "sync")
    assert result.exit_code == 1 and "Traceback" not in result.output
    from tests.conftest import read_dataset

    data = read_dataset(folder)
    assert [k.email for k in data.all(Kontakt) if k.vorname == "Max"] == ["max@beispiel.example"]
    files = {h.tabelle: h.hinweis for h in data.all(Hinweis) if h.tabelle.startswith("antworten/")}
    assert set(files) == {"antworten/anmeldung-excel.csv", "antworten/anmeldung-kaputt.csv",
                          "antworten/anmeldung-ohne-zeit.csv"}  # fmt: skip
    assert "Excel-Datei" in files["antworten/anmeldung-excel.csv"]
    assert "Zeitstempel" in files["antworten/anmeldung-ohne-zeit.csv"]


def _many_registrations(backend: Backend, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        when = DAY + dt.timedelta(minutes=n)
        backend.answer("anmeldung", when, registration(f"P{n}", "Test", f"p{n}@beispiel.example"))


def test_unreadable_places_hold_only_what_depends_on_them(backend: Backend) -> None:
    backend.create()
    set_cell(backend, "Termine", "Termin-ID", TERMIN.termin_id, "Plätze", "sechzig")
    _many_registrations(backend, 12)
    result = backend.sync()
    assert result.exit_code == 1 and "Traceback" not in result.output
    data = backend.dataset()
    assert len(data.all(Anmeldung)) == 12  # registrations kept
    errors = [h for h in data.all(Hinweis) if h.schwere == "Fehler"]
    assert errors and errors[0].tabelle == "Termine" and errors[0].spalte == "Plätze"
    assert len(errors) == 1  # the one cell, not one per registration
    assert not any("gibt es nicht" in h.hinweis for h in data.all(Hinweis))
    assert not any(v.art in ("Bestätigung", "Warteliste") for v in data.all(Versand))  # nobody promised a place

    set_cell(backend, "Termine", "Termin-ID", TERMIN.termin_id, "Plätze", 10)
    backend.sync()
    data = backend.dataset()
    assert sorted(a.status for a in data.all(Anmeldung)).count("angemeldet") == 10
    assert sum(v.art == "Bestätigung" for v in data.all(Versand)) == 10


def test_an_unreadable_date_is_one_finding_and_its_registrations_are_kept(backend: Backend) -> None:
    backend.create()
    _many_registrations(backend, 3)
    backend.sync()
    set_cell(backend, "Termine", "Termin-ID", TERMIN.termin_id, "Datum", "31.02.2027")
    _many_registrations(backend, 2, start=3)
    sent = mails(backend.folder)
    result = backend.sync()
    assert result.exit_code == 1 and "Traceback" not in result.output
    data = backend.dataset()
    assert len(data.all(Anmeldung)) == 5  # the three earlier ones and two new
    errors = [h for h in data.all(Hinweis) if h.schwere == "Fehler"]
    assert [(h.tabelle, h.spalte) for h in errors] == [("Termine", "Datum")], errors
    assert mails(backend.folder) == sent

    termin = TERMIN.termin_id
    for command in (["einladen", "--termin", termin, "--dry-run"], ["tischplan", "--termin", termin, "--dry-run"]):
        out = backend.run(*command)
        assert out.exit_code != 0 and "nicht lesbar" in out.output and "Datum" in out.output, out.output
        assert "gibt es nicht" not in out.output


def test_tabs_are_still_set_up_on_an_empty_workbook(make_workspace) -> None:
    """The schema check never blocks a fresh setup (no tab, no rows yet)."""
    from automation.adapters.xlsx import WorkbookStore

    folder = make_workspace(records=base_records())
    store = WorkbookStore(folder / "gespraechsrunde.xlsx")
    assert all(store.read()[spec.name].headers[: len(headers(spec.model))] == headers(spec.model) for spec in TABS)
