"""Self-service without Google: replies to the personal cancel/unsubscribe links, read from a real IMAP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from automation.domain.records import Anmeldung, Eingang, Kontakt, Versand
from tests.conftest import WorkspaceFactory, read_dataset, registration, run_cli, write_answers
from tests.imap_server import ImapServer, dovecot
from tests.mail.conftest import read_eml

ERIKA = "erika@beispiel.example"


@pytest.fixture
def imap() -> Iterator[ImapServer]:
    with dovecot() as server:
        yield server


@pytest.fixture
def workspace(make_workspace: WorkspaceFactory, imap: ImapServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_workspace(
        settings=f'[imap]\nhost = "127.0.0.1"\nport = {imap.port}\nsicherheit = "keine"\nbenutzer = "{imap.user}"\n'
    )
    monkeypatch.setenv("GESPRAECHSRUNDE_IMAP_PASSWORT", imap.password)
    write_answers(folder, "anmeldung", [("01.02.2027 10:00:00", registration("Erika", "Beispiel", ERIKA))])
    result = run_cli("-C", str(folder), "sync")
    assert result.exit_code == 0, result.output
    return folder


def _registration(folder: Path) -> Anmeldung:
    (anmeldung,) = read_dataset(folder).all(Anmeldung)
    return anmeldung


def _sent(folder: Path, art: str) -> list[Versand]:
    return [v for v in read_dataset(folder).all(Versand) if v.art == art and v.status == "gesendet"]


def test_a_reply_from_the_persons_address_cancels_exactly_once(workspace: Path, imap: ImapServer) -> None:
    anmeldung = _registration(workspace)
    imap.deliver(
        f"Erika Beispiel <{ERIKA.upper()}>", f"AW: Absage {anmeldung.anmelde_id}", message_id="<a1@mail.example>"
    )
    imap.deliver("Nachbar <nachbar@beispiel.example>", "Frage zum Parkplatz")

    first = run_cli("-C", str(workspace), "sync")
    assert first.exit_code == 0, first.output
    assert _registration(workspace).status == "abgesagt"
    assert len(_sent(workspace, "Absage-Bestätigung")) == 1
    assert imap.unread_subjects() == ["Frage zum Parkplatz"]  # the rest stays unread for the coordination

    run_cli("-C", str(workspace), "sync")
    assert len(_sent(workspace, "Absage-Bestätigung")) == 1
    assert len([e for e in read_dataset(workspace).all(Eingang) if e.formular == "abmeldung"]) == 1


def test_a_reply_from_another_address_does_nothing_and_stays_unread(workspace: Path, imap: ImapServer) -> None:
    anmeldung = _registration(workspace)
    imap.deliver("Jemand <jemand@anders.example>", f"Absage {anmeldung.anmelde_id}")
    result = run_cli("-C", str(workspace), "sync")
    assert _registration(workspace).status == "angemeldet"
    assert imap.unread_subjects() == [f"Absage {anmeldung.anmelde_id}"]
    assert "anderen Adresse" in result.output
    assert "jemand@anders.example" not in result.output  # no addresses in output or logs


def test_unsubscribe_by_reply(workspace: Path, imap: ImapServer) -> None:
    kontakt = next(k for k in read_dataset(workspace).all(Kontakt) if k.email == ERIKA)
    imap.deliver(ERIKA, f"Re: Abmelden {kontakt.kontakt_id}")
    assert run_cli("-C", str(workspace), "sync").exit_code == 0
    after = read_dataset(workspace).get(Kontakt, kontakt.kontakt_id)
    assert after is not None and after.abgemeldet and not after.einwilligung_einladungen
    assert imap.unread_subjects() == []
    # a confirmation, exactly once (also when the person writes again)
    (confirmation,) = _sent(workspace, "Abmelde-Bestätigung")
    assert confirmation.adresse == ERIKA and confirmation.schluessel == f"Abmelde-Bestätigung|-|{kontakt.kontakt_id}"
    mails = [read_eml(p.read_bytes()) for p in sorted((workspace / "ausgang").glob("*.eml"))]
    (mail,) = [m for m in mails if m["X-Gespraechsrunde-Schluessel"] == confirmation.schluessel]
    assert mail["To"].addresses[0].addr_spec == ERIKA
    assert "Ihre Abmeldung ist angekommen" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    imap.deliver(ERIKA, f"Abmelden {kontakt.kontakt_id} (noch einmal)", message_id="<ab2@mail.example>")
    assert run_cli("-C", str(workspace), "sync").exit_code == 0
    assert len(_sent(workspace, "Abmelde-Bestätigung")) == 1
    assert len([p for p in (workspace / "ausgang").glob("*.eml")]) == len(mails)


def test_a_crash_before_marking_acts_once_and_marks_next_time(
    workspace: Path, imap: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from automation.adapters.imap_mailbox import ImapMailbox

    anmeldung = _registration(workspace)
    imap.deliver(ERIKA, f"Absage {anmeldung.anmelde_id}", message_id="<a2@mail.example>")

    class Crash(Exception):
        """The process dies right after the answer was stored."""

    def crash(self: ImapMailbox, uids: list[str]) -> None:
        raise Crash

    monkeypatch.setattr(ImapMailbox, "mark_read", crash)
    crashed = run_cli("-C", str(workspace), "sync")
    assert crashed.exit_code == 3  # »could not run«, for cron to tell apart
    assert imap.unread_subjects() == [f"Absage {anmeldung.anmelde_id}"]
    monkeypatch.undo()
    import os

    os.environ["GESPRAECHSRUNDE_IMAP_PASSWORT"] = imap.password
    try:
        assert run_cli("-C", str(workspace), "sync").exit_code == 0
    finally:
        del os.environ["GESPRAECHSRUNDE_IMAP_PASSWORT"]
    assert imap.unread_subjects() == []
    assert _registration(workspace).status == "abgesagt"
    assert len(_sent(workspace, "Absage-Bestätigung")) == 1


def test_a_wrong_password_is_reported_and_the_rest_of_the_run_goes_on(
    workspace: Path, imap: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GESPRAECHSRUNDE_IMAP_PASSWORT", "falsch")
    write_answers(
        workspace, "anmeldung",
        [("01.02.2027 10:00:00", registration("Erika", "Beispiel", ERIKA)),
         ("01.02.2027 11:00:00", registration("Otto", "Normal", "otto@beispiel.example"))],
    )  # fmt: skip
    result = run_cli("-C", str(workspace), "sync")
    assert result.exit_code == 1
    assert "Anmeldung am IMAP-Server" in result.output and "GESPRAECHSRUNDE_IMAP_PASSWORT" in result.output
    assert "falsch" not in result.output
    assert len(read_dataset(workspace).all(Anmeldung)) == 2  # the new registration was still taken in
