"""Temporary files a crashed run leaves behind, removed by the next run (it holds the workspace lock).

Writes go to a temporary file first and are then renamed: ``.speichern-*.xlsx`` beside the workbook,
``.<name>.eml.<random>.tmp`` in the outbox folder (:func:`automation.adapters.files.write_atomically`).
A file that was never renamed was never the workbook or a message; it only takes space (and may hold
personal data). Only files older than :data:`MIN_AGE` are
removed, so a write in progress is never touched.
"""

from __future__ import annotations

import time
from pathlib import Path

from automation.adapters.mail.senders import leftover_files

MIN_AGE = 300.0  # seconds


def clean_leftovers(folders: list[Path], now: float | None = None) -> list[Path]:
    """Remove leftover temporary files in these folders; returns what was removed."""
    now = time.time() if now is None else now
    removed = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in [*folder.glob(".speichern-*.xlsx"), *leftover_files(folder)]:
            try:
                if now - path.stat().st_mtime >= MIN_AGE:
                    path.unlink()
                    removed.append(path)
            except OSError:
                continue
    return removed
