"""The last run of ``sync``: when it ran and how it ended, in a small file of the workspace folder.

It holds no personal data (times, counts, the exit code), so ``status`` can show it without reading logs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path
from typing import Any

from automation.adapters.files import write_atomically

RUN_FILE = ".letzter-lauf.json"


def record_run(folder: Path, started: dt.datetime, exit_code: int, counts: dict[str, int], errors: int) -> None:
    result = {0: "in Ordnung", 1: "mit Hinweisen"}.get(exit_code, "abgebrochen")
    data = {
        "beginn": started.replace(microsecond=0).isoformat(),
        "ende": dt.datetime.now().replace(microsecond=0).isoformat(),
        "ergebnis": result,
        "exit_code": exit_code,
        "fehler": errors,
        "zaehler": counts,
    }
    with contextlib.suppress(OSError):  # a status file must never break the run itself
        write_atomically(folder / RUN_FILE, json.dumps(data, ensure_ascii=False, indent=1))


def last_run(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
