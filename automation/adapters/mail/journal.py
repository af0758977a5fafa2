"""A small local journal of one sending run, so that a crash loses no certainty it need not lose.

The ``Versand`` tab is written in batches (one store write per batch, not per message). Before a batch
is sent its rows are saved as ``wird gesendet``; while sending, every hand-over is appended here and
synced to disk (``start`` before, ``sent``/``refused``/``back`` after). The next run reconciles the rows
still ``wird gesendet``: journal says sent → ``gesendet``; started but not finished → ``unklar`` (it may
have gone out: never resent automatically); never started → ``geplant`` again. Rows the journal knows
nothing about become ``unklar``. The file is deleted once the rows are saved.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

JOURNAL_FILE = ".versand-journal.jsonl"


@dataclass(frozen=True)
class Outcome:
    """What the journal knows of one key: ``batch``, ``start``, ``sent``, ``refused``, ``back``, ``unklar``."""

    state: str
    message_id: str | None = None
    time: dt.datetime | None = None
    reason: str | None = None


class Journal:
    def __init__(self, folder: Path, enabled: bool = True) -> None:
        self.path = folder / JOURNAL_FILE
        self.enabled = enabled

    def _write(self, entry: dict[str, object]) -> None:
        if not self.enabled:
            return
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def batch(self, keys: list[str]) -> None:
        self._write({"e": "batch", "keys": keys})

    def start(self, key: str) -> None:
        self._write({"e": "start", "k": key})

    def sent(self, key: str, message_id: str, time: dt.datetime) -> None:
        self._write({"e": "sent", "k": key, "id": message_id, "t": time.isoformat()})

    def refused(self, key: str, reason: str) -> None:
        self._write({"e": "refused", "k": key, "why": reason})

    def back(self, key: str) -> None:
        self._write({"e": "back", "k": key})

    def unclear(self, key: str, reason: str) -> None:
        self._write({"e": "unklar", "k": key, "why": reason})

    def outcomes(self) -> dict[str, Outcome]:
        """The last known state of every key (a torn last line is ignored)."""
        result: dict[str, Outcome] = {}
        if not self.path.exists():
            return result
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("e") == "batch":
                for key in entry.get("keys", []):
                    result[key] = Outcome("batch")
                continue
            key = entry.get("k")
            if not isinstance(key, str):
                continue
            time = dt.datetime.fromisoformat(entry["t"]) if entry.get("t") else None
            result[key] = Outcome(str(entry.get("e")), entry.get("id"), time, entry.get("why"))
        return result

    def clear(self) -> None:
        if self.enabled:
            self.path.unlink(missing_ok=True)
