"""Versand rows deleted by hand: the job notices, never sends those messages again, and says so."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import openpyxl

from automation.domain.records import Hinweis, Versand
from tests.backends import Backend, GoogleBackend
from tests.conftest import registration
from tests.mail.conftest import NOW, TERMIN, anmeldung, kontakt, termin
from tests.sheet_edits import mails


def _delete_ledger_rows(space: Any, keys: set[str] | None = None) -> None:
    """A person deletes rows of »Versand« in the workbook (all rows when ``keys`` is None)."""
    path = space.folder / "gespraechsrunde.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Versand"]
    for number in range(ws.max_row, 1, -1):
        if keys is None or ws.cell(number, 1).value in keys:
            ws.delete_rows(number)
    wb.save(path)


def _sent_keys(space: Any) -> Counter[str]:
    """Messages to people (the coordination's notices are tested in test_koordination.py)."""
    keys = (str(m["X-Gespraechsrunde-Schluessel"]) for m in space.outbox_messages())
    return Counter(k for k in keys if "|Koordination|" not in k)


def test_a_deleted_row_is_noticed_and_its_message_not_sent_again(make_space: Any) -> None:
    space = make_space()
    space.add(termin(plaetze=50), kontakt(1), anmeldung(1))
    space.sync()
    key = f"Bestätigung|{TERMIN}|K-0001"
    assert _sent_keys(space) == {key: 1}

    _delete_ledger_rows(space, {key})
    assert key not in space.versand()
    ctx = space.sync(NOW.replace(hour=10))

    assert _sent_keys(space) == {key: 1}  # nothing sent twice
    row = space.versand()[key]
    assert row.status == "gesendet" and row.zeit == NOW  # the row is back, as it was
    assert "wiederhergestellt" in (row.fehler or "")
    found = [f for f in ctx.report.findings if f.tabelle == "Versand" and f.id == key]
    assert len(found) == 1, ctx.report.findings
    assert "von Hand gelöscht" in found[0].hinweis and "nicht erneut gesendet" in found[0].hinweis
    assert "versand wiederholen" in (found[0].vorschlag or "")

    space.sync(NOW.replace(hour=11))  # the next run: all is well again, no finding, nothing sent
    assert _sent_keys(space) == {key: 1}


def test_a_deleted_block_of_rows_sends_nothing_twice_nor_anything_wrong(make_space: Any) -> None:
    """Three confirmations and a waiting list message; the whole block is deleted; then a place frees up:
    the person who waited gets »Nachgerückt« (not a first »Bestätigung«), nobody else gets anything."""
    space = make_space()
    space.add(termin(plaetze=3), *(kontakt(i) for i in range(1, 5)), *(anmeldung(i) for i in range(1, 5)))
    space.sync()
    assert sorted(k.split("|")[0] for k in _sent_keys(space)) == ["Bestätigung"] * 3 + ["Warteliste"]

    _delete_ledger_rows(space)
    assert space.versand() == {}
    space.update(anmeldung(1, status="abgesagt"))
    ctx = space.sync(NOW.replace(hour=10))

    sent = _sent_keys(space)
    assert max(sent.values()) == 1
    assert set(sent) - {f"Bestätigung|{TERMIN}|K-000{i}" for i in (1, 2, 3)} - {f"Warteliste|{TERMIN}|K-0004"} == {
        f"Absage-Bestätigung|{TERMIN}|K-0001",
        f"Nachgerückt|{TERMIN}|K-0004",
    }
    assert len([f for f in ctx.report.findings if f.tabelle == "Versand" and f.schwere == "Warnung"]) >= 1
    assert {v.status for v in space.versand().values()} == {"gesendet"}


def test_an_unreadable_memory_of_the_ledger_sends_nothing(make_space: Any) -> None:
    space = make_space()
    space.add(termin(plaetze=50), kontakt(1), anmeldung(1))
    space.sync()
    (space.folder / ".versand-stand.json").write_text("{kaputt", encoding="utf-8")
    space.add(kontakt(2), anmeldung(2))

    ctx = space.sync(NOW.replace(hour=10))

    assert set(_sent_keys(space)) == {f"Bestätigung|{TERMIN}|K-0001"}  # K-0002 waits
    found = [f for f in ctx.report.findings if ".versand-stand.json" in f.hinweis]
    assert found and found[0].tabelle == "Versand" and found[0].schwere == "Fehler"
    assert "löschen" in (found[0].vorschlag or "")


def _delete_all_ledger_rows(backend: Backend) -> None:
    if isinstance(backend, GoogleBackend):
        sheet = backend.fake.sheet("Versand")
        sheet.rows = sheet.rows[:1]
        return
    path = backend.folder / "gespraechsrunde.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["Versand"].delete_rows(2, wb["Versand"].max_row)
    wb.save(path)


def test_sync_puts_deleted_rows_back_in_both_stores(backend: Backend) -> None:
    """End to end through ``sync``, workbook and Google sheet: the finding lands in the Hinweise tab."""
    backend.create()
    backend.answer(
        "anmeldung", dt.datetime(2027, 2, 1, 10), registration("Erika", "Beispiel", "erika@beispiel.example")
    )
    backend.sync()
    keys = {v.schluessel for v in backend.dataset().all(Versand)}
    assert len(keys) == 1 and len(mails(backend.folder)) == 1
    _delete_all_ledger_rows(backend)
    assert backend.dataset().all(Versand) == []

    result = backend.sync()

    assert len(mails(backend.folder)) == 1, result.output  # nothing sent twice
    data = backend.dataset()
    assert {v.schluessel: v.status for v in data.all(Versand)} == dict.fromkeys(keys, "gesendet")
    assert any(h.tabelle == "Versand" and h.id in keys and "von Hand gelöscht" in h.hinweis for h in data.all(Hinweis))


def test_status_does_not_count_a_deleted_row_as_due(make_space: Any) -> None:
    from automation.services.status import workspace_status

    space = make_space()
    space.add(termin(plaetze=50), kontakt(1), anmeldung(1))
    space.sync()
    _delete_ledger_rows(space)

    (date,) = workspace_status(space.folder, today=NOW.date(), page=False).report.termine
    assert date.nachrichten.get("fällig", 0) == 0 and date.nachrichten.get("gesendet") == 1
    assert space.versand() == {}  # status only reads: the row is put back by the next sync


def test_a_memo_that_cannot_be_written_does_not_stop_sending(make_space: Any, monkeypatch: Any) -> None:
    from automation.adapters.mail.ledger_memo_file import MemoFile

    def full_disk(self: MemoFile, memo: object) -> None:
        raise OSError(28, "Kein Platz auf dem Gerät")

    monkeypatch.setattr(MemoFile, "write", full_disk)
    space = make_space()
    space.add(termin(plaetze=50), kontakt(1), anmeldung(1))
    ctx = space.sync()
    assert _sent_keys(space) == {f"Bestätigung|{TERMIN}|K-0001": 1}
    assert space.versand()[f"Bestätigung|{TERMIN}|K-0001"].status == "gesendet"
    assert any(".versand-stand.json" in f.hinweis and f.schwere == "Warnung" for f in ctx.report.findings)
