"""Issue 12.5: taking over many answers shows progress on a terminal and stays quiet under cron.

The real command runs in a subprocess: once with its error output on a pseudo-terminal (a person watching:
a progress bar), once into a pipe with ``-v`` (cron with a log file: a few time-stamped lines, no names).
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import WorkspaceFactory, registration, write_answers

ANSWERS = 320  # above the threshold of a progress display (PROGRESS_FROM)
ROOT = Path(__file__).resolve().parent.parent


def _workspace(make_workspace: WorkspaceFactory) -> Path:
    folder = make_workspace(settings="senden_bei_sync = false\n")  # under [mail] of the base settings
    rows = [
        (
            f"01.02.2027 09:{i % 60:02d}:{i // 60:02d}",
            registration(f"Vorname{i}", f"Zuname{i}", f"p{i}@beispiel.example"),
        )
        for i in range(ANSWERS)
    ]
    write_answers(folder, "anmeldung", rows)
    return folder


def _command(folder: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "automation", *extra, "-C", str(folder), "sync"]


def test_a_terminal_sees_a_progress_bar_while_many_answers_are_taken_over(make_workspace: WorkspaceFactory) -> None:
    folder = _workspace(make_workspace)
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    with subprocess.Popen(
        _command(folder), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower, env=env, cwd=ROOT
    ) as process:
        os.close(follower)
        screen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the command ended and closed the terminal
                break
            if not chunk:
                break
            screen += chunk
        assert process.stdout is not None
        out = process.stdout.read().decode()
        process.wait(timeout=300)
    os.close(leader)
    text = screen.decode(errors="replace")
    assert process.returncode in (0, 1), out + text
    assert f"{ANSWERS} Antworten übernommen" in out
    assert re.search(r"Antworten\s+\[#+-*\]\s+\d+%", text), text[-2000:]  # the bar, filling up
    assert "100%" in text
    assert "Vorname" not in text and "beispiel.example" not in text


def test_cron_gets_a_few_time_stamped_lines_without_personal_data(make_workspace: WorkspaceFactory) -> None:
    folder = _workspace(make_workspace)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        _command(folder, "-v"), stdin=subprocess.DEVNULL, capture_output=True, env=env, cwd=ROOT, timeout=300
    )
    log = run.stderr.decode()
    lines = [line for line in log.splitlines() if "Antworten: " in line and " von " in line]
    assert 2 <= len(lines) <= 11, log  # a handful, not one per answer nor one per 50
    assert lines[-1].endswith(f"Antworten: {ANSWERS} von {ANSWERS}")
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ INFO ", line) for line in lines), lines
    assert "[#" not in log  # no bar in a log file
    assert "Vorname" not in log and "beispiel.example" not in log
