"""Exactly once: crash injection, SMTP faults, the daily limit, resending on purpose."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from automation.adapters.lock import LOCK_FILE
from automation.adapters.mail.senders import OutboxSender
from automation.services.mail.commands import resend
from tests.mail.conftest import NOW, SMTP_EXTRA, TERMIN, Received, anmeldung, free_port, kontakt, termin

ROOT = Path(__file__).resolve().parents[2]
N = 7

CRASH_SCRIPT = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from automation.adapters.mail.senders import OutboxSender
    from tests.mail.conftest import Space, NOW
    from automation.services.mail.step import SendMessagesStep
    from automation.adapters.lock import workspace_lock

    folder, k, mode = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]

    class Crashing(OutboxSender):
        sent = 0
        def send(self, message, key):
            if self.sent == k:
                if mode == "nach":  # the message went out, the process dies before recording it
                    super().send(message, key)
                os._exit(3)
            super().send(message, key)
            self.sent += 1

    space = Space(folder, "")
    with workspace_lock(folder):  # as every caller of the step does (open_workspace)
        ctx = space.context(NOW)
        SendMessagesStep(Crashing(folder / "ausgang"), batch_size=3).run(ctx)
    sys.exit(0)
    """
)


class Unproven(OutboxSender):
    """An outbox that cannot prove what it holds – like an SMTP server, which never can."""

    def written(self, key: str) -> tuple[bool, str | None] | None:
        return None


def _keys_in_outbox(space: Any) -> Counter[str]:
    return Counter(str(m["X-Gespraechsrunde-Schluessel"]) for m in space.outbox_messages())


def _registrations(space: Any, n: int = N) -> list[str]:
    records: list[Any] = [termin(plaetze=50)]
    for i in range(1, n + 1):
        records += [kontakt(i), anmeldung(i)]
    space.add(*records)
    return [f"Bestätigung|{TERMIN}|K-{i:04d}" for i in range(1, n + 1)]


@pytest.mark.parametrize("mode", ["vor", "nach"])
@pytest.mark.parametrize("k", [0, 1, 3, 4, N - 1])
def test_crash_after_k_messages_never_sends_twice(make_space: Any, tmp_path: Path, k: int, mode: str) -> None:
    space = make_space()
    keys = _registrations(space)
    script = tmp_path / "crash.py"
    script.write_text(CRASH_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, str(script), str(space.folder), str(k), mode], env=env, cwd=ROOT, check=False)
    assert run.returncode == 3
    assert (space.folder / LOCK_FILE).exists()  # the dead run left its lock behind: it is recovered

    ctx = space.sync(sender=Unproven(space.outbox))  # the next run, with a sender that cannot prove anything

    rows = space.versand()
    interrupted = keys[k]
    assert rows[interrupted].status == "unklar"
    assert "versand wiederholen" in (rows[interrupted].fehler or "")
    assert any(f.id == interrupted for f in ctx.report.findings)
    others = [key for key in keys if key != interrupted]
    assert all(rows[key].status == "gesendet" for key in others)
    received = _keys_in_outbox(space)
    assert max(received.values()) == 1  # nobody got a message twice
    assert set(received) == set(others) | ({interrupted} if mode == "nach" else set())

    space.sync(sender=Unproven(space.outbox))  # and again: nothing new
    assert _keys_in_outbox(space) == received

    outcome = resend(space.folder, interrupted, now=NOW, sender=Unproven(space.outbox))  # on purpose
    assert outcome.summary.sent == 1
    assert space.versand()[interrupted].status == "gesendet"
    assert _keys_in_outbox(space)[interrupted] == (2 if mode == "nach" else 1)


@pytest.mark.parametrize("mode", ["vor", "nach"])
def test_outbox_proves_what_an_interrupted_run_wrote(make_space: Any, tmp_path: Path, mode: str) -> None:
    """Issue 9.11: an interrupted message the outbox never wrote is »geplant« again (and sent once); one it
    wrote is »gesendet« with its Message-ID. Leftover temporary files are removed."""
    space = make_space()
    keys = _registrations(space)
    script = tmp_path / "crash.py"
    script.write_text(CRASH_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, str(script), str(space.folder), "3", mode], env=env, cwd=ROOT, check=False)
    assert run.returncode == 3
    leftover = space.outbox / ".Bestätigung_T-2027-1_K-0009.eml.x7k2p9q1.tmp"
    leftover.write_bytes(b"From: halb")  # a write torn by a crash

    ctx = space.sync()

    rows = space.versand()
    assert {rows[k].status for k in keys} == {"gesendet"}
    received = _keys_in_outbox(space)
    assert sorted(received) == sorted(keys) and max(received.values()) == 1  # everyone once, nobody twice
    assert rows[keys[3]].message_id == next(
        str(m["Message-ID"]) for m in space.outbox_messages() if m["X-Gespraechsrunde-Schluessel"] == keys[3]
    )
    assert not any(f.id == keys[3] for f in ctx.report.findings)
    assert not leftover.exists()
    space.sync()
    assert _keys_in_outbox(space) == received


def test_permanent_refusal_marks_one_row_failed_and_goes_on(make_space: Any, smtp_server: Any) -> None:
    port, received = smtp_server
    received.reject["person2@example.org"] = "550 5.1.1 Postfach unbekannt"
    space = make_space(extra=SMTP_EXTRA.format(port=port))
    keys = _registrations(space, 3)
    ctx = space.sync()
    rows = space.versand()
    assert [rows[k].status for k in keys] == ["gesendet", "fehlgeschlagen", "gesendet"]
    assert "550" in (rows[keys[1]].fehler or "") and "Postfach unbekannt" in (rows[keys[1]].fehler or "")
    assert sorted(a for e in received.envelopes for a in e.rcpt_tos) == [
        "koordination@musterstadt.example",  # one Fehler-Hinweis (counts only), see test_koordination.py
        "person1@example.org",
        "person3@example.org",
    ]
    assert ctx.report.counts["Nachrichten fehlgeschlagen"] == 1
    space.sync()  # a refused message is not retried by itself
    assert len(received.envelopes) == 3


def test_connection_refused_stops_with_nothing_marked_sent(make_space: Any) -> None:
    from aiosmtpd.controller import Controller

    from tests.mail.conftest import _Handler

    port = free_port()
    space = make_space(extra=SMTP_EXTRA.format(port=port))
    keys = _registrations(space, 3)
    ctx = space.sync()
    assert {r.status for r in space.versand().values()} == {"geplant"}
    assert ctx.report.counts["Nachrichten gesendet"] == 0
    assert any("nicht erreichbar" in f.hinweis for f in ctx.report.findings)

    received = Received()  # the server is back: the next run sends everything, once
    controller = Controller(_Handler(received), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        space.sync()
        space.sync()
    finally:
        controller.stop()
    assert sorted(str(m["X-Gespraechsrunde-Schluessel"]) for m in received.messages()) == sorted(keys)
    assert {r.status for r in space.versand().values()} == {"gesendet"}


def test_timeout_stops_with_nothing_marked_sent(make_space: Any, silent_server: int) -> None:
    space = make_space(extra=SMTP_EXTRA.format(port=silent_server).replace("= 2", "= 0.5"))
    _registrations(space, 2)
    ctx = space.sync()
    assert {r.status for r in space.versand().values()} == {"geplant"}
    assert ctx.report.counts["Nachrichten gesendet"] == 0
    assert any("TimeoutError" in f.hinweis or "timed out" in f.hinweis for f in ctx.report.findings)


def test_daily_limit_counts_todays_sent_rows(make_space: Any) -> None:
    import datetime as dt

    space = make_space(tageslimit=3)
    keys = _registrations(space, 5)
    space.sync()
    rows = space.versand()
    assert [rows[k].status if k in rows else None for k in keys] == ["gesendet"] * 3 + [None] * 2  # still due
    space.sync(NOW + dt.timedelta(hours=2))  # same day: the limit is used up
    assert len(space.outbox_messages()) == 3
    space.sync(NOW + dt.timedelta(days=1))
    assert {r.status for r in space.versand().values()} == {"gesendet"}
    assert max(_keys_in_outbox(space).values()) == 1 and len(space.outbox_messages()) == 5


def test_dry_run_sends_and_writes_nothing(make_space: Any) -> None:
    from click.testing import CliRunner

    from automation.cli import main

    space = make_space()
    space.add(termin(), kontakt(1), kontakt(2, einwilligung_einladungen=False))
    result = CliRunner().invoke(main, ["-C", str(space.folder), "einladen", "--termin", TERMIN, "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.output)
    assert [m["schluessel"] for m in data["nachrichten"]] == [f"Einladung|{TERMIN}|K-0001"]
    assert data["probelauf"] is True and data["gesendet"] == 0
    assert not space.outbox.exists() and space.versand() == {}
    result = CliRunner().invoke(main, ["-C", str(space.folder), "einladen", "--termin", TERMIN])
    assert result.exit_code == 0, result.output
    assert list(_keys_in_outbox(space)) == [f"Einladung|{TERMIN}|K-0001"]
    result = CliRunner().invoke(main, ["-C", str(space.folder), "einladen", "--termin", "T-gibtsnicht"])
    assert result.exit_code == 2 and "gibt es nicht" in result.output
