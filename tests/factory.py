"""The one way tests build a workspace: a settings file, every tab in a store, and records in it.

``build_workspace`` is behind every fixture that makes a workspace (``make_workspace`` in conftest.py,
``make_space`` for the mail tests, the ``backend`` fixture for the local workbook and for Google through
the stand-in, and the in-memory edges). Pass ``store`` to fill another store than the folder's workbook.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from automation.adapters.xlsx import WorkbookStore
from automation.domain.dataset import Dataset
from automation.domain.records import Record, tab_headers
from automation.domain.store import Store

BASE_SETTINGS = 'titel = "Test-Gesprächsrunde"\n[mail]\nabsender_adresse = "runde@kommune.example"\n'


def seed_store(store: Store, records: Iterable[Record]) -> Store:
    """Create every tab (with its headers) and write the records into it."""
    store.ensure_tabs(tab_headers())
    dataset = Dataset.from_snapshot(store.read())
    for record in records:
        dataset.put(record)
    changes = dataset.changes()
    if changes:
        store.apply(changes)
    return store


def build_workspace(
    folder: Path, records: Iterable[Record] = (), *, settings: str | None = None, store: Store | None = None
) -> Path:
    """A workspace folder: ``gespraechsrunde.toml`` (``settings``, default: title and sender), every tab in
    ``store`` (default: the folder's workbook) with ``records``, and an empty ``antworten/``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "gespraechsrunde.toml").write_text(BASE_SETTINGS if settings is None else settings, encoding="utf-8")
    seed_store(store if store is not None else WorkbookStore(folder / "gespraechsrunde.xlsx"), records)
    (folder / "antworten").mkdir(exist_ok=True)
    return folder
