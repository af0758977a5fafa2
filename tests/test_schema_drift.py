"""Issue 9 items 8 and 9: a renamed tab or header is reported with the closest name, never repaired by
guessing; an inserted column never shifts the headers. Both stores."""

from __future__ import annotations

import datetime as dt

from automation.domain.records import Eingang, Hinweis, Kontakt, headers
from tests.backends import Backend
from tests.conftest import TERMIN, registration
from tests.sheet_edits import header_row, insert_blank_column, mails, rename_header, rename_tab, tab_names

DAY = dt.datetime(2027, 2, 1, 10)


def errors(backend: Backend) -> list[Hinweis]:
    return [h for h in backend.dataset().all(Hinweis) if h.schwere == "Fehler"]


def test_a_renamed_e_mail_header_is_reported_and_nothing_is_appended(backend: Backend) -> None:
    backend.create()
    rename_header(backend, "Kontakte", "E-Mail", "Email")
    backend.answer("anmeldung", DAY, registration())
    before = header_row(backend, "Kontakte")

    result = backend.sync()
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert header_row(backend, "Kontakte") == before  # no second, empty »E-Mail« column
    found = [h for h in errors(backend) if h.tabelle == "Kontakte" and h.spalte == "E-Mail"]
    assert len(found) == 1 and "meinten Sie »Email«" in found[0].hinweis and found[0].zeile == 1
    assert mails(backend.folder) == []  # nobody is treated as having no address, nobody is mailed
    assert [e.status for e in backend.dataset().all(Eingang)] == ["neu"]  # the answer waits, kept

    rename_header(backend, "Kontakte", "Email", "E-Mail")  # fixed: everything goes on
    assert backend.sync().exit_code == 0
    data = backend.dataset()
    assert [e.status for e in data.all(Eingang)] == ["verarbeitet"]
    assert "max@beispiel.example" in {k.email for k in data.all(Kontakt)}
    assert errors(backend) == []


def test_a_renamed_tab_is_not_created_again(backend: Backend) -> None:
    backend.create()
    backend.answer("anmeldung", DAY, registration())
    backend.answer("anmeldung", DAY, registration("Eva", "Zwei", "eva@beispiel.example"))
    assert backend.sync().exit_code == 0
    rename_tab(backend, "Termine", "Termine 2027")
    backend.answer("anmeldung", DAY.replace(hour=11), registration("Jo", "Neu", "jo@beispiel.example"))
    result = backend.sync()
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Termine" not in tab_names(backend)
    found = errors(backend)  # one error, not one per registration or club naming the date
    assert len(found) == 1 and "meinten Sie »Termine 2027«" in found[0].hinweis, found
    assert sorted(e.status for e in backend.dataset().all(Eingang)) == ["neu", "verarbeitet", "verarbeitet"]


def test_a_renamed_datum_header_stops_nothing_else(backend: Backend) -> None:
    backend.create()
    rename_header(backend, "Termine", "Datum", "Datum (TT.MM.JJJJ)")
    backend.answer("anmeldung", DAY, registration())
    result = backend.sync()
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Datum (TT.MM.JJJJ)" in header_row(backend, "Termine") and "Datum" not in header_row(backend, "Termine")
    assert any("meinten Sie »Datum (TT.MM.JJJJ)«" in h.hinweis for h in errors(backend))


def test_a_blank_column_before_the_data_never_shifts_a_header(backend: Backend) -> None:
    backend.create()
    backend.answer("anmeldung", DAY, registration())
    assert backend.sync().exit_code == 0
    for tab in ("Kontakte", "Anmeldungen", "Termine"):
        insert_blank_column(backend, tab)
    wanted = {tab: header_row(backend, tab) for tab in ("Kontakte", "Anmeldungen", "Termine")}
    backend.answer("anmeldung", DAY.replace(hour=11), registration("Eva", "Zwei", "eva@beispiel.example"))
    assert backend.sync().exit_code == 0
    assert backend.sync().exit_code == 0
    for tab, row in wanted.items():
        assert header_row(backend, tab) == row, tab
    assert header_row(backend, "Kontakte")[1:] == headers(Kontakt)
    assert errors(backend) == []
    assert {k.email for k in backend.dataset().all(Kontakt)} >= {"max@beispiel.example", "eva@beispiel.example"}


def test_einrichten_reports_a_renamed_header_instead_of_adding_it(backend: Backend) -> None:
    backend.create()
    rename_header(backend, "Anmeldungen", "Status", "Stand")
    before = header_row(backend, "Anmeldungen")
    result = backend.run("einrichten")
    assert "Traceback" not in result.output
    assert "meinten Sie »Stand«" in result.output
    assert header_row(backend, "Anmeldungen") == before


def test_letters_and_calls_wait_while_a_tab_they_decide_on_drifted(backend: Backend) -> None:
    """Letters and the call list choose people by address and phone and write »Versand« rows: with a renamed
    header in Kontakte they are refused (never a guess who has no phone), and nothing is written."""
    backend.create()
    backend.answer("anmeldung", DAY, registration(telefon="0171 2345678"))
    assert backend.sync().exit_code == 0
    rename_header(backend, "Kontakte", "Telefon", "Telefonnummer")
    for command in ("briefe", "anrufliste"):
        result = backend.run(command, "--termin", TERMIN.termin_id)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert "Kontakte" in result.output and "meinten Sie »Telefonnummer«" in result.output
    assert not (backend.folder / "ausgabe").exists()
