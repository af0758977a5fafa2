"""The journal is synced once per chunk of hand-overs, not per message (issue 10) – and a power cut still
sends nobody a message twice and loses none: what may have gone out is »unklar«, the rest goes out once."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from automation.adapters.mail import journal as journal_module
from automation.adapters.mail.journal import JOURNAL_FILE
from automation.adapters.mail.senders import OutboxSender, complete
from automation.services.mail.step import SendMessagesStep
from tests.mail.conftest import NOW, TERMIN, anmeldung, kontakt, read_eml, termin

ROOT = Path(__file__).resolve().parents[2]
N = 9

# Sends with an outbox that dies at the k-th message and writes down, at every fsync of the journal and
# every flush of the outbox, what had reached the disk then.
POWER_CUT_SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    from pathlib import Path
    from automation.adapters.mail.senders import OutboxSender
    from automation.adapters.mail.journal import JOURNAL_FILE
    from automation.services.mail.step import SendMessagesStep
    from automation.adapters.lock import workspace_lock
    from tests.mail.conftest import Space, NOW

    folder, k = Path(sys.argv[1]), int(sys.argv[2])
    durable = folder / "durable.json"
    state = {"journal": 0, "files": []}
    real_fsync = os.fsync

    def fsync(fd):
        real_fsync(fd)
        if os.path.realpath(f"/proc/self/fd/{fd}") == str((folder / JOURNAL_FILE).resolve()):
            state["journal"] = os.fstat(fd).st_size
            durable.write_text(json.dumps(state))

    os.fsync = fsync

    class Dying(OutboxSender):
        sent = 0
        def send(self, message, key):
            super().send(message, key)  # the file is visible, its content only in the page cache
            self.sent += 1
            if self.sent == k:
                os._exit(3)
        def sync(self):
            files = [str(p) for p in self._unsynced]
            super().sync()
            state["files"] += files
            durable.write_text(json.dumps(state))

    space = Space(folder, "")
    with workspace_lock(folder):
        SendMessagesStep(Dying(folder / "ausgang"), batch_size=4).run(space.context(NOW))
    sys.exit(0)
    """
)


class Unproven(OutboxSender):
    """Like an SMTP server: cannot tell afterwards what it got."""

    def written(self, key: str) -> tuple[bool, str | None] | None:
        return None


def _registrations(space: Any, n: int = N) -> list[str]:
    records: list[Any] = [termin(plaetze=50)]
    for i in range(1, n + 1):
        records += [kontakt(i), anmeldung(i)]
    space.add(*records)
    return [f"Bestätigung|{TERMIN}|K-{i:04d}" for i in range(1, n + 1)]


def _cut_power(folder: Path) -> None:
    """What a power cut leaves: the journal up to its last sync, outbox files never flushed without content."""
    import json

    state = json.loads((folder / "durable.json").read_text(encoding="utf-8"))
    journal = folder / JOURNAL_FILE
    journal.write_bytes(journal.read_bytes()[: state["journal"]])
    for path in (folder / "ausgang").glob("*.eml"):
        if str(path) not in state["files"]:
            path.write_bytes(b"")  # the name reached the disk, the content did not


def _complete_keys(space: Any) -> Counter[str]:
    found: Counter[str] = Counter()
    for path in space.outbox.glob("*.eml"):
        data = path.read_bytes()
        if complete(data):
            found[str(read_eml(data)["X-Gespraechsrunde-Schluessel"])] += 1
    return found


@pytest.mark.parametrize("proof", ["ausgang", "smtp"])
@pytest.mark.parametrize("k", [2, 5, 7])
def test_power_cut_while_sending_sends_nobody_twice_and_loses_nobody(
    make_space: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, k: int, proof: str
) -> None:
    space = make_space()
    keys = _registrations(space)
    script = tmp_path / "power_cut.py"
    script.write_text(POWER_CUT_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, str(script), str(space.folder), str(k)], env=env, cwd=ROOT, check=False)
    assert run.returncode == 3
    _cut_power(space.folder)
    monkeypatch.setattr(journal_module, "boot_id", lambda: "nach-dem-stromausfall")  # the machine restarted

    sender = (lambda: Unproven(space.outbox)) if proof == "smtp" else (lambda: None)
    ctx = space.sync(sender=sender())

    rows = space.versand()
    received = _complete_keys(space)
    assert max(received.values()) == 1  # nobody got a message twice
    unclear = {key for key in keys if rows[key].status == "unklar"}
    assert {key for key in keys if rows[key].status == "gesendet"} | unclear == set(keys)  # nobody lost
    assert all(any(f.id == key for f in ctx.report.findings) for key in unclear)  # each one reported
    assert all(received[key] == 1 for key in keys if key not in unclear)  # »gesendet« has its message
    if proof == "smtp":  # a server proves nothing: what was announced for hand-over and not synced as sent
        assert unclear and len(unclear) <= 4  # at most one batch (here also the chunk) of 4
    space.sync(sender=sender())  # and again: nothing new, nothing twice
    assert _complete_keys(space) == received


def test_without_a_restart_an_interrupted_chunk_is_exact(make_space: Any, tmp_path: Path) -> None:
    """A crash of the process alone (the page cache survives): only the message in hand is »unklar«; the
    rest of its chunk was never handed over and goes out in the next run, once."""
    space = make_space()
    keys = _registrations(space)
    script = tmp_path / "power_cut.py"
    script.write_text(POWER_CUT_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, str(script), str(space.folder), "6"], env=env, cwd=ROOT, check=False)
    assert run.returncode == 3

    space.sync(sender=Unproven(space.outbox))

    rows = space.versand()
    assert [key for key in keys if rows[key].status == "unklar"] == [keys[5]]
    assert _complete_keys(space) == Counter(keys)


def test_the_journal_is_synced_per_chunk_not_per_message(make_space: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    space = make_space(extra="koordination_hinweise = false")  # residents' messages only: 40 of them
    _registrations(space, 40)
    ctx = space.context(NOW)
    synced: list[int] = []
    real_fsync = os.fsync

    def counting(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting)
    SendMessagesStep(OutboxSender(space.outbox)).run(ctx)
    assert {r.status for r in space.versand().values()} == {"gesendet"} and len(space.versand()) == 40
    assert len(_complete_keys(space)) == 40
    # the ledger's saves, the memo of Versand rows, the batch line, the chunk's announcement, the outbox folder,
    # the journal: a handful for the whole batch of 40 (it was three per message: 120)
    assert len(synced) <= 10, synced
