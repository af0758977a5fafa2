"""Waiting list and promotion, consent on every path, one run at a time."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from automation.adapters.lock import LOCK_FILE, workspace_lock
from automation.domain.errors import LockedError
from automation.domain.records import Anmeldung, Versand
from automation.services.mail.commands import MessageCommandError, invite, resend
from tests.mail.conftest import NOW, TERMIN, anmeldung, kontakt, termin

ROOT = Path(__file__).resolve().parents[2]


def _sent(space: Any) -> Counter[str]:
    return Counter(str(m["X-Gespraechsrunde-Schluessel"]) for m in space.outbox_messages())


def test_capacity_10_with_14_registrations_and_2_cancellations(make_space: Any) -> None:
    space = make_space()
    # rows are not in the order they came in: the order of »Eingegangen« decides
    arrival = [5, 1, 14, 3, 9, 2, 12, 7, 4, 11, 8, 13, 6, 10]
    records: list[Any] = [termin(plaetze=10)]
    for n in range(1, 15):
        records += [
            kontakt(n),
            anmeldung(n, eingegangen=dt.datetime(2027, 2, 1, 8, 0) + dt.timedelta(minutes=arrival[n - 1])),
        ]
    space.add(*records)
    by_arrival = sorted(range(1, 15), key=lambda n: arrival[n - 1])

    space.sync()
    status = {a.kontakt_id: a.status for a in space.dataset().all(Anmeldung)}
    assert {k for k, s in status.items() if s == "angemeldet"} == {f"K-{n:04d}" for n in by_arrival[:10]}
    sent = _sent(space)
    assert sum(1 for k in sent if k.startswith("Bestätigung|")) == 10
    assert {k for k in sent if k.startswith("Warteliste|")} == {
        f"Warteliste|{TERMIN}|K-{n:04d}" for n in by_arrival[10:]
    }

    for n in (by_arrival[2], by_arrival[7]):  # two confirmed people cancel
        space.update(anmeldung(n, eingegangen=dt.datetime(2027, 2, 1, 8, 0) + dt.timedelta(minutes=arrival[n - 1]),
                               status="abgesagt"))  # fmt: skip
    ctx = space.sync(NOW + dt.timedelta(hours=1))

    status = {a.kontakt_id: a.status for a in space.dataset().all(Anmeldung)}
    promoted = [f"K-{n:04d}" for n in by_arrival[10:12]]
    assert [status[k] for k in promoted] == ["angemeldet", "angemeldet"]
    assert [status[f"K-{n:04d}"] for n in by_arrival[12:]] == ["Warteliste", "Warteliste"]
    assert sum(a.personen for a in space.dataset().all(Anmeldung) if a.status == "angemeldet") == 10
    new = _sent(space) - sent
    assert set(new) == {f"Nachgerückt|{TERMIN}|{k}" for k in promoted} | {
        f"Absage-Bestätigung|{TERMIN}|K-{n:04d}" for n in (by_arrival[2], by_arrival[7])
    }
    assert ctx.report.lines[:2] == [
        f"Nachgerückt: A-{by_arrival[10]:04d} ({TERMIN})",
        f"Nachgerückt: A-{by_arrival[11]:04d} ({TERMIN})",
    ]
    promoted_message = next(
        m for m in space.outbox_messages() if str(m["X-Gespraechsrunde-Schluessel"]).startswith("Nachgerückt|")
    )
    assert any(p.get_content_type() == "text/calendar" for p in promoted_message.iter_attachments())
    space.sync(NOW + dt.timedelta(hours=2))
    assert _sent(space) == sent + new  # nothing more


def test_capacity_counts_accompanying_persons(make_space: Any) -> None:
    space = make_space()
    space.add(termin(plaetze=3), kontakt(1), anmeldung(1, personen=2), kontakt(2), anmeldung(2, personen=2),
              kontakt(3), anmeldung(3, personen=1))  # fmt: skip
    space.sync()
    status = {a.anmelde_id: a.status for a in space.dataset().all(Anmeldung)}
    assert status == {"A-0001": "angemeldet", "A-0002": "Warteliste", "A-0003": "angemeldet"}


def test_no_invitation_without_consent_on_any_path(make_space: Any) -> None:
    space = make_space()
    space.add(
        termin(), kontakt(1), kontakt(2, einwilligung_einladungen=False), kontakt(3, abgemeldet=True),
        Versand(schluessel=f"Einladung|{TERMIN}|K-0002", art="Einladung", termin_id=TERMIN, kontakt_id="K-0002",
                status="fehlgeschlagen"),
        Versand(schluessel=f"Einladung|{TERMIN}|K-0003", art="Einladung", termin_id=TERMIN, kontakt_id="K-0003",
                status="unklar"),
    )  # fmt: skip
    space.sync()
    invite(space.folder, TERMIN, now=NOW)
    for key in (f"Einladung|{TERMIN}|K-0002", f"Einladung|{TERMIN}|K-0003"):
        with pytest.raises(MessageCommandError, match=r"Einwilligung|abgemeldet"):
            resend(space.folder, key, now=NOW)
    assert list(_sent(space)) == [f"Einladung|{TERMIN}|K-0001"]
    # a contact who unsubscribes later gets no further invitation (to the next date)
    space.update(kontakt(1, abgemeldet=True))
    space.add(termin(termin_id="T-2027-2", datum=dt.date(2027, 9, 4)))
    space.sync()
    assert list(_sent(space)) == [f"Einladung|{TERMIN}|K-0001"]


def test_lock_refuses_a_second_run_and_recovers_a_dead_one(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        info = {"pid": holder.pid, "host": socket.gethostname(), "zeit": "2027-03-01T09:00:00"}
        (tmp_path / LOCK_FILE).write_text(json.dumps(info), encoding="utf-8")
        with pytest.raises(LockedError, match="läuft gerade schon ein Lauf"), workspace_lock(tmp_path):
            pass
    finally:
        holder.kill()
        holder.wait()
    with workspace_lock(tmp_path) as path:  # the holder is dead now: its lock is taken over
        assert json.loads(path.read_text())["pid"] == os.getpid()
        with workspace_lock(tmp_path):  # re-entrant within one process
            pass
        assert path.exists()
    assert not (tmp_path / LOCK_FILE).exists()


RACE_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from automation.domain.errors import LockedError
    from automation.adapters.lock import workspace_lock
    from automation.adapters.mail.senders import OutboxSender
    from automation.services.mail.step import SendMessagesStep
    from tests.mail.conftest import Space, NOW

    folder = Path(sys.argv[1])

    class Slow(OutboxSender):
        def send(self, message, key):
            time.sleep(0.05)
            super().send(message, key)

    while not (folder / "los").exists():
        time.sleep(0.005)
    try:
        with workspace_lock(folder):
            space = Space(folder, "")
            ctx = space.context(NOW)
            SendMessagesStep(Slow(folder / "ausgang")).run(ctx)
            ctx.save()
            print("GESENDET", ctx.report.counts.get("Nachrichten gesendet", 0))
    except LockedError as exc:
        print("GESPERRT", exc)
    """
)


def test_two_runs_at_once_only_one_sends(make_space: Any, tmp_path: Path) -> None:
    space = make_space()
    records: list[Any] = [termin(plaetze=50)]
    for n in range(1, 11):
        records += [kontakt(n), anmeldung(n)]
    space.add(*records)
    script = tmp_path / "race.py"
    script.write_text(RACE_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [
        subprocess.Popen([sys.executable, str(script), str(space.folder)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                         text=True)
        for _ in range(2)
    ]  # fmt: skip
    time.sleep(1.5)  # both are waiting for the start signal
    (space.folder / "los").touch()
    outputs = sorted(run.communicate(timeout=60)[0].strip() for run in runs)
    assert outputs[0] == "GESENDET 10", outputs
    assert outputs[1].startswith("GESPERRT") and "läuft gerade schon ein Lauf" in outputs[1], outputs
    assert len(space.outbox_messages()) == 10 and max(_sent(space).values()) == 1
