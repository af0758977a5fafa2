"""A ``sync`` with nothing new costs next to nothing: the fingerprint of what decides a run.

A run's result depends only on the workbook, the answer exports, the settings, the form definitions and
templates, the program and the date (every rule about time is per day). After a complete run, their
fingerprint is kept in ``.sync-stand.json``; a later run that finds exactly the same fingerprint (the same
bytes of the workbook and of every export, the same day) would change nothing, so it does nothing and
reports the findings from the tab ``Hinweise``. Any edit in the workbook, by the coordinator or a club,
changes its bytes: then the whole run validates and reports again.

A run is complete when nothing waits for a later attempt: no message row ``geplant`` or ``wird gesendet``
(a server that was down, a temporary refusal) and none held back by the daily limit. Otherwise, and for
Google (which is asked anyway) and with an IMAP mailbox for replies (``[imap]``, looked at by every run), no
fingerprint is kept. The file holds digests only, no personal data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import automation
from automation.adapters.files import write_atomically
from automation.adapters.mail.journal import JOURNAL_FILE
from automation.services.wiring import Workspace

STATE_FILE = ".sync-stand.json"
_PENDING = ("geplant", "wird gesendet")


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _listing(folder: Path) -> list[list[Any]]:
    """Names, sizes and times of change of every file below ``folder`` (templates, form definitions)."""
    if not folder.is_dir():
        return []
    result = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            stat = (Path(root) / name).stat()
            result.append([str((Path(root) / name).relative_to(folder)), stat.st_size, stat.st_mtime_ns])
    return result


def inputs(workspace: Workspace, today: dt.date) -> dict[str, Any] | None:
    """What decides a run besides the workbook, taken before the run reads anything; None when a run must
    always do its work (Google, an interrupted sending run)."""
    settings = workspace.settings
    if settings.speicher != "lokal" or (workspace.folder / JOURNAL_FILE).exists():
        return None
    if workspace.given_store is not None or workspace.given_answers is not None:
        return None  # edges handed in (tests, trials): not the files fingerprinted here
    if settings.imap.host.strip():
        return None  # replies by e-mail arrive in the mailbox, which only a run can look at
    if not workspace.path(settings.lokal.arbeitsmappe).is_file():
        return None
    answers = workspace.path(settings.lokal.antworten)
    program = Path(automation.__file__).parent
    forms_file = workspace.folder / "formulare.json"
    return {
        "programm": [automation.__version__, hashlib.sha256(json.dumps(_listing(program)).encode()).hexdigest()],
        "datum": today.isoformat(),
        "einstellungen": hashlib.sha256(settings.model_dump_json().encode()).hexdigest(),
        "antworten": [[name, size, _digest(answers / name)] for name, size, _ in _listing(answers)],
        "ordner": {name: _listing(workspace.folder / name) for name in ("formulare", "vorlagen")},
        "formulare.json": _digest(forms_file) if forms_file.is_file() else None,
    }


def _workbook(workspace: Workspace) -> str:
    return _digest(workspace.path(workspace.settings.lokal.arbeitsmappe))


def nothing_new(workspace: Workspace, before: dict[str, Any]) -> bool:
    """Whether the last complete run left exactly what a run would see now."""
    try:
        kept = json.loads((workspace.folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(kept, dict) and kept == {**before, "arbeitsmappe": _workbook(workspace)}


def remember(
    workspace: Workspace, before: dict[str, Any] | None, *, complete: bool, still_current: Callable[[], bool]
) -> None:
    """After a run: keep the fingerprint of what it saw (answers and settings as they were when it started)
    and of the workbook it left, unless something waits for a retry or someone saved the workbook since
    (``still_current``: then their edit is checked by the next run)."""
    path = workspace.folder / STATE_FILE
    if before is None or not complete:
        path.unlink(missing_ok=True)
        return
    state = {**before, "arbeitsmappe": _workbook(workspace)}
    if not still_current():
        path.unlink(missing_ok=True)
        return
    write_atomically(path, json.dumps(state, ensure_ascii=False))


def forget(workspace: Workspace) -> None:
    (workspace.folder / STATE_FILE).unlink(missing_ok=True)
