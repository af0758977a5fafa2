"""Issue 9.11: SMTP as real servers behave – per-connection limits, 421, placeholder senders – and an
``unklar`` message that stays visible until someone resolves it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from automation.domain.records import Hinweis, Versand
from tests.mail.conftest import SMTP_EXTRA, TERMIN, Received, anmeldung, free_port, kontakt, termin


class LimitedHandler:
    """Accepts ``limit`` messages per connection; then »421« at MAIL FROM, or it just hangs up."""

    def __init__(self, received: Received, limit: int, how: str) -> None:
        self.received = received
        self.limit = limit
        self.how = how
        self.connections = 0
        self.counts: dict[int, int] = {}

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.how == "421" and self.counts.get(id(session), 0) >= self.limit:
            return "421 4.7.0 Zu viele Nachrichten in dieser Verbindung"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.envelopes.append(envelope)
        count = self.counts[id(session)] = self.counts.get(id(session), 0) + 1
        if self.how == "auflegen" and count >= self.limit:
            transport = server.transport
            assert transport is not None
            asyncio.get_running_loop().call_soon(transport.close)  # after the 250 went out
        return "250 Message accepted"


@pytest.fixture
def limited_server(request: pytest.FixtureRequest) -> Iterator[tuple[int, Received, LimitedHandler]]:
    received = Received()
    handler = LimitedHandler(received, limit=2, how=request.param)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received, handler
    finally:
        controller.stop()


def _registrations(space: Any, n: int) -> list[str]:
    records: list[Any] = [termin(plaetze=50)]
    for i in range(1, n + 1):
        records += [kontakt(i), anmeldung(i)]
    space.add(*records)
    return [f"Bestätigung|{TERMIN}|K-{i:04d}" for i in range(1, n + 1)]


@pytest.mark.parametrize("limited_server", ["auflegen", "421"], indirect=True)
def test_per_connection_limit_reconnects_and_leaves_nothing_unclear(make_space: Any, limited_server: Any) -> None:
    port, received, handler = limited_server
    space = make_space(extra=SMTP_EXTRA.format(port=port))
    keys = _registrations(space, 5)
    ctx = space.sync()
    rows = space.versand()
    assert {rows[k].status for k in keys} == {"gesendet"}  # before: the third was »unklar«
    assert sorted(str(m["X-Gespraechsrunde-Schluessel"]) for m in received.messages()) == keys
    assert handler.connections == 3  # 2 + 2 + 1
    assert ctx.report.counts["Nachrichten unklar"] == 0


def test_421_is_a_temporary_server_state_not_a_wrong_sender(make_space: Any) -> None:
    received = Received()
    handler = LimitedHandler(received, limit=0, how="421")
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        space = make_space(extra=SMTP_EXTRA.format(port=port))
        keys = _registrations(space, 2)
        ctx = space.sync()
    finally:
        controller.stop()
    assert {r.status for r in space.versand().values()} == {"geplant"} and set(space.versand()) == set(keys)
    [finding] = [f for f in ctx.report.findings if f.tabelle == "Versand" and f.schwere == "Fehler"]
    assert "421" in finding.hinweis and "nichts gesendet" in finding.hinweis
    assert "absender_adresse" not in finding.hinweis and "Absender" not in finding.hinweis


@pytest.mark.parametrize("address", ["gespraechsrunde@kommune.example", "", "runde@example.com"])
def test_real_smtp_run_refuses_a_placeholder_sender(make_workspace: Any, cli: Any, address: str) -> None:
    port = free_port()
    settings = f'versand = "smtp"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\nsmtp_sicherheit = "keine"\n'
    folder = make_workspace(settings=settings)
    toml = folder / "gespraechsrunde.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("runde@kommune.example", address), encoding="utf-8")
    result = cli("-C", str(folder), "sync")
    assert result.exit_code == 2, result.output
    assert "absender_adresse" in result.output and "Traceback" not in result.output
    result = cli("-C", str(folder), "einladen", "--termin", "T-2027-1")
    assert result.exit_code == 2 and "absender_adresse" in result.output


def test_unclear_message_stays_visible_until_resolved(make_space: Any, cli: Any) -> None:
    space = make_space(extra=SMTP_EXTRA.format(port=free_port()))  # SMTP: nothing can be proven afterwards
    key = f"Bestätigung|{TERMIN}|K-0001"
    space.add(
        termin(), kontakt(1), anmeldung(1),
        Versand(schluessel=key, art="Bestätigung", termin_id=TERMIN, kontakt_id="K-0001", status="unklar"),
    )  # fmt: skip

    def shown() -> list[Hinweis]:
        return [h for h in space.dataset().all(Hinweis) if h.id == key]

    for _ in range(3):  # before: the warning vanished after one run
        cli("-C", str(space.folder), "sync")
        [hint] = shown()
        assert (hint.tabelle, hint.spalte, hint.zeile, hint.schwere) == ("Versand", "Status", 2, "Warnung")
        assert "versand wiederholen" in (hint.vorschlag or "")
    assert space.versand()[key].status == "unklar"

    space.set_cell("Versand", key, "Status", "gesendet")  # the coordinator checked: it arrived
    cli("-C", str(space.folder), "sync")
    assert shown() == []


def test_outbox_resolves_an_unclear_message_it_holds(make_space: Any, cli: Any) -> None:
    space = make_space()
    key = f"Bestätigung|{TERMIN}|K-0001"
    space.add(
        termin(), kontakt(1), anmeldung(1),
        Versand(schluessel=key, art="Bestätigung", termin_id=TERMIN, kontakt_id="K-0001", status="unklar"),
    )  # fmt: skip
    space.outbox.mkdir()
    (space.outbox / "Bestätigung_T-2027-1_K-0001.eml").write_bytes(b"Message-ID: <schon@da>\r\n\r\nHallo")
    cli("-C", str(space.folder), "sync")
    row = space.versand()[key]
    assert (row.status, row.message_id) == ("gesendet", "<schon@da>")
    assert len(list(space.outbox.glob("*.eml"))) == 1


def test_leftover_temporary_files_are_cleaned_up(make_space: Any, cli: Any) -> None:
    import os
    import time

    space = make_space()
    space.add(termin(), kontakt(1), anmeldung(1))
    space.outbox.mkdir()
    old = [space.folder / ".speichern-k2j3h4.xlsx", space.outbox / ".Bestätigung_T-2027-1_K-0009.eml.x7k2p9q1.tmp"]
    fresh = space.folder / ".speichern-jetzt.xlsx"  # a write in progress elsewhere is never touched
    for path in [*old, fresh]:
        path.write_bytes(b"Max Muster, max@beispiel.example")
    for path in old:
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    result = cli("-C", str(space.folder), "sync")
    assert result.exit_code == 0, result.output
    assert [p.exists() for p in old] == [False, False] and fresh.exists()
    assert len(list(space.outbox.glob("*.eml"))) == 1
