"""A small local journal of one sending run, so that a crash loses no certainty it need not lose.

The ``Versand`` tab is written in batches (one store write per batch, not per message). Before a batch
is sent its rows are saved as ``wird gesendet``; while sending, every hand-over is appended here (``start``
before, ``sent``/``refused``/``back`` after). The next run reconciles the rows still ``wird gesendet``:
journal says sent → ``gesendet``; started but not finished → ``unklar`` (it may have gone out: never resent
automatically); never started → ``geplant`` again. Rows the journal knows nothing about become ``unklar``.
The file is deleted once the rows are saved.

Syncing to disk (``fsync``) costs milliseconds, so not every line is synced (issue 10). Every line is
handed to the operating system at once, which keeps it through a crash of this process; only a crash of
the machine (power cut) loses what was not synced. Synced are: the ``batch`` line before the ledger is
saved, a ``vorab`` line naming the next chunk of keys *before* the first of them is handed over (which
also makes every earlier line durable), and everything before the ledger records outcomes
(:meth:`sync`). ``batch`` and ``vorab`` lines carry the machine's boot id: when the next run
finds another boot id, lines after the last sync may be missing, so a key announced ``vorab`` without a
known outcome counts as started (``unklar`` unless the outbox folder proves it either way). Without a boot
id (not Linux), every line is synced as before.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

JOURNAL_FILE = ".versand-journal.jsonl"
_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def boot_id() -> str | None:
    """An id of the machine's current boot (Linux), or None where the system has none."""
    try:
        return _BOOT_ID.read_text(encoding="ascii").strip() or None
    except OSError:
        return None


@dataclass(frozen=True)
class Outcome:
    """What the journal knows of one key: ``batch``, ``vorab``, ``start``, ``sent``, ``refused``, ``back``,
    ``unklar``."""

    state: str
    message_id: str | None = None
    time: dt.datetime | None = None
    reason: str | None = None


class Journal:
    def __init__(self, folder: Path, enabled: bool = True) -> None:
        self.path = folder / JOURNAL_FILE
        self.enabled = enabled
        self.boot = boot_id()
        self._unsynced = False

    def _write(self, entry: dict[str, object], *, durable: bool = False) -> None:
        if not self.enabled:
            return
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            handle.flush()  # in the operating system: survives a crash of this process
            if durable or self.boot is None:
                os.fsync(handle.fileno())
                self._unsynced = False
            else:
                self._unsynced = True

    def sync(self) -> None:
        """Make every line written so far durable (one ``fsync``)."""
        if self.enabled and self._unsynced and self.path.exists():
            with open(self.path, "rb") as handle:
                os.fsync(handle.fileno())
            self._unsynced = False

    def batch(self, keys: list[str]) -> None:
        self._write({"e": "batch", "keys": keys, "boot": self.boot}, durable=True)

    def ahead(self, keys: list[str]) -> None:
        """The next keys to be handed over, synced before the first of them leaves."""
        self._write({"e": "vorab", "keys": keys, "boot": self.boot}, durable=True)

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

    def _entries(self) -> list[dict[str, object]]:
        if not self.path.exists():
            return []
        entries = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a torn last line
            if isinstance(entry, dict):
                entries.append(entry)
        return entries

    def rebooted(self) -> bool:
        """Whether the machine restarted since the journal was written: lines that were not synced may then be
        missing. Without a boot id every line was synced: nothing can be missing."""
        if self.boot is None:
            return False
        boots = {entry.get("boot") for entry in self._entries() if entry.get("e") in ("batch", "vorab")}
        return bool(boots) and boots != {self.boot}

    def outcomes(self) -> dict[str, Outcome]:
        """The last known state of every key (a torn last line is ignored)."""
        result: dict[str, Outcome] = {}
        for entry in self._entries():
            kind = entry.get("e")
            if kind in ("batch", "vorab"):
                keys = entry.get("keys")
                for key in keys if isinstance(keys, list) else []:
                    result[str(key)] = Outcome(str(kind))
                continue
            key = entry.get("k")
            if not isinstance(key, str):
                continue
            stamp = entry.get("t")
            time = dt.datetime.fromisoformat(stamp) if isinstance(stamp, str) and stamp else None
            message_id, why = entry.get("id"), entry.get("why")
            result[key] = Outcome(
                str(kind),
                message_id if isinstance(message_id, str) else None,
                time,
                why if isinstance(why, str) else None,
            )
        return result

    def clear(self) -> None:
        self._unsynced = False
        if self.enabled:
            self.path.unlink(missing_ok=True)
