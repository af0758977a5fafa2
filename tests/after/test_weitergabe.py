"""Consented hand-off: only consenting people, only chosen clubs, exactly once over two syncs and a crash."""

from __future__ import annotations

import datetime as dt
import email
from collections import Counter
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from automation.adapters.mail.senders import OutboxSender
from automation.domain.records import Feedback, Kontakt, Versand
from automation.services.nachbereitung import AfterEventStep
from automation.services.sync import run_sync
from automation.services.wiring import Workspace
from tests.after.conftest import held_records
from tests.conftest import WorkspaceFactory, read_dataset, run_cli

AFTER = dt.datetime(2026, 10, 20, 9, 0)  # ten days after the held date: hand-off due
TERMIN = "T-2026-10"


def _outbox(folder: Path) -> list[EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for p in sorted((folder / "ausgang").glob("*.eml"))
    ]


def _keys(folder: Path) -> Counter[str]:
    return Counter(str(m["X-Gespraechsrunde-Schluessel"]) for m in _outbox(folder))


def _body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def _expected_wishes(records: list[Any]) -> dict[str, set[str]]:
    """Club name → e-mail addresses of the consenting people who chose it (from the records)."""
    people = {r.kontakt_id: r for r in records if isinstance(r, Kontakt)}
    result: dict[str, set[str]] = {}
    for item in records:
        if isinstance(item, Feedback) and item.termin_id == TERMIN:
            person = people[item.kontakt_id or ""]
            if person.einwilligung_weitergabe and not person.abgemeldet:
                for club in item.kontaktwunsch:
                    result.setdefault(club, set()).add(person.email or "")
    return result


def test_only_consenting_people_only_to_chosen_clubs_exactly_once(make_workspace: WorkspaceFactory) -> None:
    records = held_records()
    folder = make_workspace(records)
    workspace = Workspace.open(folder)
    run_sync(workspace, now=AFTER)
    run_sync(workspace, now=AFTER + dt.timedelta(hours=1))  # a second sync sends nothing again

    keys = _keys(folder)
    assert all(n == 1 for n in keys.values()), keys
    messages = _outbox(folder)
    to_clubs = {str(m["To"]): m for m in messages if str(m["X-Gespraechsrunde-Schluessel"]).startswith("Weitergabe|")}
    expected = _expected_wishes(records)
    assert set(expected) == {"TSV Adorf", "Chor Bergheim"}
    club_address = {"TSV Adorf": "tsv@verein.example", "Chor Bergheim": "chor@verein.example"}
    assert {addr.split("<")[-1].rstrip(">") for addr in to_clubs} == set(club_address.values())
    all_emails = {r.email for r in records if isinstance(r, Kontakt)}
    for club, addresses in expected.items():
        message = next(m for a, m in to_clubs.items() if club_address[club] in a)
        body = _body(message)
        listed = {e for e in all_emails if e and e in body}
        assert listed == addresses, club  # exactly the consenting people who chose this club
    # every person passed on is told once, naming the clubs
    informed = {k.split("|")[2] for k in keys if k.startswith("Weitergabe-Info|")}
    consenting = {
        r.kontakt_id for r in records if isinstance(r, Kontakt) and r.email in set().union(*expected.values())
    }
    assert informed == consenting
    info = next(m for m in messages if str(m["X-Gespraechsrunde-Schluessel"]) == "Weitergabe-Info|T-2026-10|K-000")
    assert "TSV Adorf" in _body(info) and "widerrufen" in _body(info)
    assert "Chor Bergheim" not in _body(info)  # K-000 only chose the TSV
    # the ledger holds the Vereins-ID for messages to clubs
    rows = {r.schluessel: r for r in read_dataset(folder).all(Versand)}
    assert rows["Weitergabe|T-2026-10|V-01"].kontakt_id == "V-01"
    assert rows["Weitergabe|T-2026-10|V-01"].status == "gesendet"


def test_withdrawn_consent_stops_the_hand_off(make_workspace: WorkspaceFactory) -> None:
    records = [
        r.model_copy(update={"einwilligung_weitergabe": False})
        if isinstance(r, Kontakt) and r.kontakt_id == "K-000"
        else r
        for r in held_records()
    ]
    folder = make_workspace(records)
    run_sync(Workspace.open(folder), now=AFTER)
    keys = _keys(folder)
    assert "Weitergabe-Info|T-2026-10|K-000" not in keys
    tsv = next(m for m in _outbox(folder) if str(m["X-Gespraechsrunde-Schluessel"]) == "Weitergabe|T-2026-10|V-01")
    assert "p0@beispiel.example" not in _body(tsv)
    assert "p12@beispiel.example" in _body(tsv)


def test_nothing_is_handed_off_before_the_set_day(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace(held_records())
    run_sync(Workspace.open(folder), now=dt.datetime(2026, 10, 12, 9))
    assert not [k for k in _keys(folder) if k.startswith("Weitergabe")]


class _Crash(BaseException):
    """The process dies while sending."""


class _CrashingSender(OutboxSender):
    def __init__(self, folder: Path, after: int) -> None:
        super().__init__(folder)
        self.after = after
        self.count = 0

    def send(self, message: EmailMessage, key: str) -> None:
        if self.count == self.after:
            raise _Crash()
        self.count += 1
        super().send(message, key)


def test_a_crash_during_the_hand_off_never_sends_twice(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace(held_records())
    workspace = Workspace.open(folder)
    from automation.services.session import open_workspace

    with pytest.raises(_Crash), open_workspace(folder, workspace=workspace, now=AFTER) as ctx:
        AfterEventStep(_CrashingSender(folder / "ausgang", after=1)).run(ctx)
    first = _keys(folder)
    assert sum(first.values()) == 1
    run_sync(workspace, now=AFTER + dt.timedelta(hours=1))
    run_sync(workspace, now=AFTER + dt.timedelta(hours=2))
    keys = _keys(folder)
    assert all(n == 1 for n in keys.values()), keys
    rows = {r.schluessel: r for r in read_dataset(folder).all(Versand)}
    unclear = [k for k, r in rows.items() if r.status == "unklar"]
    # the outbox proves the interrupted message was never written: it went out once, in the next run
    assert unclear == []
    assert all(rows[k].status == "gesendet" for k in keys)
    # a failed hand-off can be sent again on purpose: rebuilt from today's consent
    key = next(k for k in keys if k.startswith("Weitergabe|"))
    dataset = read_dataset(folder)
    dataset.put(rows[key].model_copy(update={"status": "fehlgeschlagen"}))
    Workspace.open(folder).store().apply(dataset.changes())
    again = run_cli("-C", str(folder), "versand", "wiederholen", key)
    assert again.exit_code == 0, again.output
    assert _keys(folder)[key] == 2
    assert read_dataset(folder).get(Versand, key).status == "gesendet"  # type: ignore[union-attr]


def test_person_export_shows_what_was_passed_to_whom(make_workspace: WorkspaceFactory) -> None:
    import json

    folder = make_workspace(held_records())
    run_sync(Workspace.open(folder), now=AFTER)
    result = run_cli("-C", str(folder), "person", "export", "K-000")
    data = json.loads(result.output)
    assert [(x["Vereins-ID"], x["Termin-ID"]) for x in data["Weitergegeben an"]] == [("V-01", TERMIN)]
    assert data["Weitergegeben an"][0]["E-Mail des Vereins"] == "tsv@verein.example"
    other = json.loads(run_cli("-C", str(folder), "person", "export", "K-001").output)
    assert other["Weitergegeben an"] == []  # K-001 did not consent


def test_a_wish_after_the_hand_off_is_reported_not_sent_again(make_workspace: WorkspaceFactory) -> None:
    from automation.adapters.xlsx import WorkbookStore
    from automation.domain.records import Hinweis

    folder = make_workspace(held_records())
    workspace = Workspace.open(folder)
    run_sync(workspace, now=AFTER)
    dataset = read_dataset(folder)
    dataset.put(
        Feedback(antwort_id="F-SPAET", termin_id=TERMIN, kontakt_id="K-004", kontaktwunsch=["TSV Adorf"],
                 eingegangen=AFTER + dt.timedelta(days=2))
    )  # fmt: skip
    WorkbookStore(folder / "gespraechsrunde.xlsx").apply(dataset.changes())
    before = _keys(folder)
    run_sync(workspace, now=AFTER + dt.timedelta(days=3))
    assert _keys(folder) == before  # no second message to the club, no info to K-004
    late = [h for h in read_dataset(folder).all(Hinweis) if h.id == "F-SPAET"]
    assert len(late) == 1 and late[0].spalte == "Kontaktwunsch" and "K-004" in late[0].hinweis
    assert "tsv@verein.example" in (late[0].vorschlag or "")
