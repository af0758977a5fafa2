"""The workspace lock never blocks forever, and the exit code tells cron whether the run could run at all.

Exit codes: 0 ok, 1 findings, 2 usage/configuration, 3 "konnte nicht laufen" (lock held, workbook
unreadable, Google unreachable, crash).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from automation.adapters.lock import FOREIGN_HOST_HOURS, LOCK_FILE, process_start, workspace_lock
from automation.domain.errors import COULD_NOT_RUN, LockedError
from tests.conftest import run_cli


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    """A live process that is not a run of the job."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield process
    finally:
        process.kill()
        process.wait()


def _write_lock(folder: Path, **info: object) -> None:
    (folder / LOCK_FILE).write_text(json.dumps(info), encoding="utf-8")


def _ago(hours: float) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)).astimezone().isoformat(timespec="seconds")


def test_the_lock_records_host_pid_and_process_start(tmp_path: Path) -> None:
    with workspace_lock(tmp_path) as path:
        info = json.loads(path.read_text(encoding="utf-8"))
    assert info["pid"] == os.getpid() and info["host"] == socket.gethostname()
    assert dt.datetime.fromisoformat(info["zeit"]).tzinfo is not None
    if sys.platform.startswith("linux"):
        assert info["prozessstart"] == process_start(os.getpid()) is not None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Prozess-Startzeit nur unter Linux lesbar")
def test_a_reused_pid_does_not_block(tmp_path: Path, sleeper: subprocess.Popen[bytes]) -> None:
    """The recorded PID is alive, but it is another process now (started at another time): take the lock over."""
    start = process_start(sleeper.pid)
    assert start is not None
    _write_lock(tmp_path, pid=sleeper.pid, host=socket.gethostname(), zeit=_ago(1), prozessstart=start - 1000)
    with workspace_lock(tmp_path) as path:
        assert json.loads(path.read_text(encoding="utf-8"))["pid"] == os.getpid()


def test_a_live_run_still_blocks_and_says_how_to_clear_it(tmp_path: Path, sleeper: subprocess.Popen[bytes]) -> None:
    _write_lock(
        tmp_path, pid=sleeper.pid, host=socket.gethostname(), zeit=_ago(0.1), prozessstart=process_start(sleeper.pid)
    )
    with pytest.raises(LockedError) as info, workspace_lock(tmp_path):
        pass
    message = str(info.value)
    assert f"Prozess {sleeper.pid}" in message and LOCK_FILE in message and "löschen" in message
    assert (tmp_path / LOCK_FILE).exists()  # not taken over


def test_a_lock_of_another_host_is_explained_and_expires(tmp_path: Path) -> None:
    _write_lock(tmp_path, pid=4242, host="anderer-rechner", zeit=_ago(0.5), prozessstart=1)
    with pytest.raises(LockedError) as info, workspace_lock(tmp_path):
        pass
    message = str(info.value)
    assert "anderen Rechner (»anderer-rechner«)" in message
    assert f"{FOREIGN_HOST_HOURS:g} Stunden" in message and LOCK_FILE in message

    _write_lock(tmp_path, pid=4242, host="anderer-rechner", zeit=_ago(FOREIGN_HOST_HOURS + 1), prozessstart=1)
    with workspace_lock(tmp_path) as path:  # long abandoned: taken over instead of blocking forever
        assert json.loads(path.read_text(encoding="utf-8"))["host"] == socket.gethostname()


def test_held_lock_exits_with_could_not_run(make_workspace, sleeper: subprocess.Popen[bytes]) -> None:
    folder = make_workspace()
    _write_lock(
        folder, pid=sleeper.pid, host=socket.gethostname(), zeit=_ago(0), prozessstart=process_start(sleeper.pid)
    )
    result = run_cli("-C", str(folder), "sync")
    assert result.exit_code == COULD_NOT_RUN == 3
    assert "läuft gerade schon ein Lauf" in result.output


def test_unreadable_workbook_exits_with_could_not_run(make_workspace) -> None:
    folder = make_workspace()
    (folder / "gespraechsrunde.xlsx").write_bytes(b"kein Excel")
    result = run_cli("-C", str(folder), "sync")
    assert result.exit_code == COULD_NOT_RUN
    assert "Traceback" not in result.output


def test_a_crash_exits_with_could_not_run_without_traceback(
    make_workspace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import automation.services.sync

    def boom(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("erika@beispiel.example")

    monkeypatch.setattr(automation.services.sync, "run_steps", boom)
    result = run_cli("-C", str(make_workspace()), "sync")
    assert result.exit_code == COULD_NOT_RUN
    assert "unerwartet abgebrochen (ZeroDivisionError)" in result.output
    assert "Traceback" not in result.output and "erika@" not in result.output  # no data of a person


def test_findings_still_exit_1(make_workspace) -> None:
    from automation.domain.records import Kontakt
    from tests.conftest import base_records

    folder = make_workspace([*base_records(), Kontakt(kontakt_id="K-2", email="kaputt(at)beispiel")])
    assert run_cli("-C", str(folder), "pruefen").exit_code == 1
