"""Issue 9, items 1–4: the ledger cannot be fooled, consent and status fail closed, no mail to doubted
addresses, no silent mass mailing. Each recipe as reproduced on main, on both stores where it matters."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from automation.domain.records import Hinweis, Kontakt, Versand
from tests.backends import Backend
from tests.conftest import base_records, registration
from tests.mail.conftest import NOW, TERMIN, anmeldung, kontakt, termin

Rows = list[list[Any]]


def at(hour: int) -> dt.datetime:
    return dt.datetime(2027, 2, 1, hour)


def outbox(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "ausgang").glob("*.eml"))


def edit_tab(backend: Backend, tab: str, change: Callable[[Rows], None], rename: str | None = None) -> None:
    """Change a tab as a person would: cells (header row first) and/or the tab's name."""
    if backend.name == "google":
        sheet = backend.fake.sheet(tab)  # type: ignore[attr-defined]
        change(sheet.rows)
        if rename:
            sheet.title = rename
        return
    import openpyxl

    path = backend.folder / "gespraechsrunde.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb[tab]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    change(rows)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c).value = value
    if rename:
        ws.title = rename
    wb.save(path)


def set_header(old: str, new: str) -> Callable[[Rows], None]:
    def change(rows: Rows) -> None:
        rows[0][rows[0].index(old)] = new

    return change


def set_cell(key: str, header: str, value: str) -> Callable[[Rows], None]:
    def change(rows: Rows) -> None:
        column = rows[0].index(header)
        row = next(r for r in rows[1:] if r and r[0] == key)
        row[column] = value

    return change


def hinweise(backend: Backend) -> list[Hinweis]:
    return backend.dataset().all(Hinweis)


# -- 1. the ledger ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["tab umbenannt", "Status umbenannt", "Status erledigt"])
def test_ledger_cannot_be_fooled_into_resending(backend: Backend, damage: str) -> None:
    backend.create()
    backend.answer("anmeldung", at(10), registration())
    backend.answer("anmeldung", at(11), registration("Eva", "Zwei", "eva@beispiel.example"))
    assert backend.sync().exit_code == 0
    sent = outbox(backend.folder)
    assert len(sent) == 2
    max_key = next(v.schluessel for v in backend.dataset().all(Versand) if v.adresse == "max@beispiel.example")

    if damage == "tab umbenannt":
        edit_tab(backend, "Versand", lambda rows: None, rename="Versand alt")
    elif damage == "Status umbenannt":
        edit_tab(backend, "Versand", set_header("Status", "Zustand"))
    else:
        edit_tab(backend, "Versand", set_cell(max_key, "Status", "erledigt"))
    backend.answer("anmeldung", at(12), registration("Karl", "Drei", "karl@beispiel.example"))
    result = backend.sync()

    assert result.exit_code == 1, result.output
    new = sorted(set(outbox(backend.folder)) - set(sent))
    assert not set(sent) & set(new)
    assert len(outbox(backend.folder)) == len(sent) + len(new)  # nothing sent twice
    errors = [h for h in hinweise(backend) if h.tabelle == "Versand" and h.schwere == "Fehler"]
    if damage == "Status erledigt":  # one unreadable row: nothing for that key, the rest goes on
        assert [n for n in new if "Karl" in n or "K-" in n] == new and len(new) == 1
        assert {(h.id, h.spalte) for h in errors} == {(max_key, "Status")}
        assert "erledigt" in " ".join(h.hinweis for h in hinweise(backend) if h.id == max_key)
        return
    assert new == []  # no sending at all, one clear error
    assert len(errors) == 1 and "es wird nichts gesendet" in errors[0].hinweis
    if damage == "Status umbenannt":
        assert errors[0].spalte == "Status" and "Zustand" not in errors[0].hinweis
        edit_tab(backend, "Versand", set_header("Zustand", "Status"))
    else:
        assert "»Versand« fehlt" in errors[0].hinweis
        edit_tab(backend, "Versand alt", lambda rows: None, rename="Versand")
    assert backend.sync().exit_code == 0  # repaired: Karl's confirmation follows, nobody else's again
    assert len(outbox(backend.folder)) == len(sent) + 1


# -- 2. consent and status ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["x (per Mail 03.11.)", "abgemeldet", "☒", "seit 11/2026", "ja"])
def test_any_text_in_abgemeldet_means_unsubscribed(make_space: Any, cli: Any, text: str) -> None:
    space = make_space()
    space.add(termin(), kontakt(1), kontakt(2), kontakt(3, abgemeldet=False))
    _set_raw(space, "Kontakte", "K-0002", "Abgemeldet", text)
    _set_raw(space, "Kontakte", "K-0003", "Abgemeldet", "nein")
    result = cli("-C", str(space.folder), "einladen", "--termin", TERMIN, "--json")
    data = json.loads(result.output)
    assert [m["schluessel"] for m in data["nachrichten"]] == [
        f"Einladung|{TERMIN}|K-0001",
        f"Einladung|{TERMIN}|K-0003",
    ]


def _set_raw(space: Any, tab: str, key: str, header: str, value: Any) -> None:
    import openpyxl

    path = space.folder / "gespraechsrunde.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb[tab]
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == key:
            row[headers.index(header)].value = value
    wb.save(path)


def _rename_header(space: Any, tab: str, old: str, new: str) -> None:
    import openpyxl

    path = space.folder / "gespraechsrunde.xlsx"
    wb = openpyxl.load_workbook(path)
    for cell in wb[tab][1]:
        if cell.value == old:
            cell.value = new
    wb.save(path)


def test_unclear_consent_is_no_consent_and_a_missing_consent_column_blocks_invitations(
    make_space: Any, cli: Any
) -> None:
    space = make_space()
    space.add(termin(), kontakt(1), kontakt(2), kontakt(3))
    _set_raw(space, "Kontakte", "K-0002", "Einwilligung Einladungen", "ja, aber nicht per Mail")
    result = cli("-C", str(space.folder), "einladen", "--termin", TERMIN, "--dry-run", "--json")
    data = json.loads(result.output)
    assert [m["schluessel"] for m in data["nachrichten"]] == [
        f"Einladung|{TERMIN}|K-0001",
        f"Einladung|{TERMIN}|K-0003",
    ]

    _rename_header(space, "Kontakte", "Abgemeldet", "Abgemeldet am")
    result = cli("-C", str(space.folder), "einladen", "--termin", TERMIN, "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["nachrichten"] == [] and not (space.folder / "ausgang").exists()
    [error] = [h for h in data["hinweise"] if h["Schwere"] == "Fehler"]
    assert (error["Tabelle"], error["Spalte"]) == ("Kontakte", "Abgemeldet") and "Einladungen" in error["Hinweis"]


def test_registration_status_variants_are_understood_and_the_rest_holds_its_place(make_space: Any) -> None:
    space = make_space()
    space.add(termin(plaetze=2), *(kontakt(n) for n in range(1, 5)), *(anmeldung(n) for n in range(1, 5)))
    _set_raw(space, "Anmeldungen", "A-0001", "Status", "abgesagt (tel.)")
    _set_raw(space, "Anmeldungen", "A-0002", "Status", "angemeldet?? rückfragen")
    ctx = space.sync()

    sent = {str(m["X-Gespraechsrunde-Schluessel"]) for m in space.outbox_messages()}
    assert sent - {f"Belegungs-Hinweis|{TERMIN}|Koordination|100"} == {
        f"Absage-Bestätigung|{TERMIN}|K-0001",  # understood: cancelled by phone
        f"Bestätigung|{TERMIN}|K-0003",  # A-0002 still holds a place: only one is free
        f"Warteliste|{TERMIN}|K-0004",
    }
    [finding] = [f for f in ctx.report.findings if f.id == "A-0002" and "Platz" in f.hinweis]
    assert finding.spalte == "Status" and finding.tabelle == "Anmeldungen" and finding.zeile == 3
    assert space.dataset().get(Versand, f"Bestätigung|{TERMIN}|K-0002") is None


# -- 3. doubted addresses -------------------------------------------------------------------------------


def test_no_mail_to_an_address_the_job_doubts_until_corrected_or_confirmed(make_space: Any) -> None:
    space = make_space()
    space.add(
        termin(), kontakt(1, email="person1@gmial.com"), anmeldung(1), kontakt(2, email="person2@web.dee"),
        anmeldung(2), kontakt(3), anmeldung(3),
    )  # fmt: skip
    ctx = space.sync()
    assert [str(m["To"].addresses[0].addr_spec) for m in space.outbox_messages()] == ["person3@example.org"]
    held = [f for f in ctx.report.findings if "zurückgehalten" in f.hinweis]
    assert [(f.tabelle, f.id, f.spalte, f.zeile) for f in held] == [
        ("Kontakte", "K-0001", "E-Mail", 2),
        ("Kontakte", "K-0002", "E-Mail", 3),
    ]
    assert "gmail.com" in held[0].hinweis and "E-Mail bestätigt" in (held[0].vorschlag or "")
    assert set(space.versand()) == {f"Bestätigung|{TERMIN}|K-0003"}

    space.update(kontakt(1, email="person1@gmail.com"))  # corrected
    space.update(kontakt(2, email="person2@web.dee", email_bestaetigt=True))  # confirmed by the coordinator
    ctx = space.sync(NOW + dt.timedelta(hours=1))
    assert sorted(str(m["To"].addresses[0].addr_spec) for m in space.outbox_messages()) == [
        "person1@gmail.com", "person2@web.dee", "person3@example.org"
    ]  # fmt: skip
    assert not [f for f in ctx.report.findings if "zurückgehalten" in f.hinweis]


# -- 4. no silent mass mailing --------------------------------------------------------------------------


def test_sync_never_starts_invitations_einladen_releases_them(make_space: Any, cli: Any) -> None:
    space = make_space(tageslimit=2)
    space.add(termin(), *(kontakt(n) for n in range(1, 5)))
    ctx = space.sync()  # registration opened: nothing goes out by itself
    assert space.outbox_messages() == [] and space.versand() == {}
    [hint] = [f for f in ctx.report.findings if f.schwere == "Info" and f.id == TERMIN]
    assert "4 Kontakte mit Einwilligung" in hint.hinweis and "--dry-run" in (hint.vorschlag or "")

    preview = cli("-C", str(space.folder), "einladen", "--termin", TERMIN, "--dry-run", "--json")
    assert len(json.loads(preview.output)["nachrichten"]) == 4 and space.versand() == {}
    released = cli("-C", str(space.folder), "einladen", "--termin", TERMIN)
    assert released.exit_code == 0, released.output
    assert len(space.outbox_messages()) == 2  # the daily limit
    assert sorted(v.status for v in space.versand().values()) == ["geplant", "geplant", "gesendet", "gesendet"]
    space.sync(dt.datetime.now() + dt.timedelta(days=1))  # released: the rest follows with sync
    assert len(space.outbox_messages()) == 4 and {v.status for v in space.versand().values()} == {"gesendet"}

    space.add(kontakt(5))  # someone new: not invited by sync, but the hint says so
    ctx = space.sync(dt.datetime.now() + dt.timedelta(days=2))
    assert len(space.outbox_messages()) == 4
    assert any(f.id == TERMIN and "1 Kontakt mit Einwilligung" in f.hinweis for f in ctx.report.findings)


def test_sync_sends_no_invitation_on_either_store(backend: Backend) -> None:
    backend.create([*base_records(), Kontakt(kontakt_id="K-ZWEI", email="zwei@beispiel.example",
                                             einwilligung_speicherung=True, einwilligung_einladungen=True)])  # fmt: skip
    assert backend.sync().exit_code == 0
    assert outbox(backend.folder) == []
    result = backend.run("einladen", "--termin", TERMIN)
    assert result.exit_code == 0, result.output
    assert len(outbox(backend.folder)) == 2
    assert backend.sync().exit_code == 0 and len(outbox(backend.folder)) == 2


def test_pruefen_names_what_would_stop_sending(make_space: Any, cli: Any) -> None:
    space = make_space()
    space.add(termin(), kontakt(1), anmeldung(1))
    space.sync()
    _rename_header(space, "Versand", "Status", "Zustand")
    result = cli("-C", str(space.folder), "pruefen")
    assert result.exit_code == 1
    [error] = [h for h in space.dataset().all(Hinweis) if h.tabelle == "Versand"]
    assert (error.spalte, error.schwere) == ("Status", "Fehler") and "nichts gesendet" in error.hinweis


def test_einrichten_does_not_recreate_a_renamed_ledger(make_space: Any, cli: Any) -> None:
    import openpyxl

    space = make_space()
    space.add(termin(), kontakt(1), anmeldung(1))
    space.sync()
    path = space.folder / "gespraechsrunde.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["Versand"].title = "Versand 2026"
    wb.save(path)
    result = cli("-C", str(space.folder), "einrichten")
    # one message names the renamed tab and says nothing new was created (schema check and ledger guard agree)
    assert "Tab »Versand« nicht angelegt" in result.output or "kein neuer Tab angelegt" in result.output
    assert "--versand-neu" in result.output or "Versand 2026" in result.output
    assert "Versand" not in openpyxl.load_workbook(path).sheetnames
    assert cli("-C", str(space.folder), "sync").exit_code == 1
    assert len(space.outbox_messages()) == 1  # nothing sent again
    result = cli("-C", str(space.folder), "einrichten", "--versand-neu")  # only for a new spreadsheet
    assert "Tabellenblatt »Versand« angelegt." in result.output


def test_abgemeldet_text_and_renamed_header_on_either_store(backend: Backend) -> None:
    zwei = Kontakt(kontakt_id="K-ZWEI", email="zwei@beispiel.example", einwilligung_speicherung=True,
                   einwilligung_einladungen=True)  # fmt: skip
    backend.create([*base_records(), zwei])
    edit_tab(backend, "Kontakte", set_cell("K-ZWEI", "Abgemeldet", "x (per Mail 03.11.)"))
    result = backend.run("einladen", "--termin", TERMIN, "--json")
    assert result.exit_code == 0, result.output
    assert [m["schluessel"] for m in json.loads(result.output)["nachrichten"]] == [f"Einladung|{TERMIN}|K-BEKANNT1"]

    edit_tab(backend, "Kontakte", set_header("Abgemeldet", "Abmeldung"))
    result = backend.run("einladen", "--termin", TERMIN, "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["nachrichten"] == []
    assert any(h["Spalte"] == "Abgemeldet" and h["Schwere"] == "Fehler" for h in data["hinweise"])
    assert backend.sync().exit_code == 1  # sync does not re-create the column, and says why
    headers = backend.dataset().tabs["Kontakte"]
    assert "Abgemeldet" in headers.missing


def test_resend_refuses_while_the_ledger_is_unreadable(make_space: Any, cli: Any) -> None:
    space = make_space()
    space.add(termin(), kontakt(1), anmeldung(1))
    space.sync()
    _rename_header(space, "Versand", "Status", "Zustand")
    result = cli("-C", str(space.folder), "versand", "wiederholen", f"Bestätigung|{TERMIN}|K-0001")
    assert result.exit_code == 1 and "es wird nichts gesendet" in result.output
    assert len(space.outbox_messages()) == 1


def test_a_sent_message_goes_out_again_only_on_purpose(make_space: Any) -> None:
    from click.testing import CliRunner

    from automation.cli import main

    space = make_space()
    space.add(termin(), kontakt(1), anmeldung(1))
    space.sync()
    assert len(space.outbox_messages()) == 1
    key = f"Bestätigung|{TERMIN}|K-0001"
    runner = CliRunner()
    refused = runner.invoke(main, ["-C", str(space.folder), "versand", "wiederholen", key])
    assert refused.exit_code != 0 and "--auch-gesendet" in refused.output
    declined = runner.invoke(main, ["-C", str(space.folder), "versand", "wiederholen", key, "--auch-gesendet"],
                             input="n\n")  # fmt: skip
    assert "Nichts gesendet" in declined.output and "[j/N]" in declined.output
    assert len(space.outbox_messages()) == 1
    again = runner.invoke(main, ["-C", str(space.folder), "versand", "wiederholen", key, "--auch-gesendet"],
                          input="ja\n")  # fmt: skip
    assert again.exit_code == 0, again.output
    assert len(space.outbox_messages()) == 2  # the lost confirmation once more, on purpose
    space.sync()
    assert len(space.outbox_messages()) == 2  # and never again by itself
