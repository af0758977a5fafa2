"""Read a workspace's store once; create missing tabs or columns only when something is missing."""

from __future__ import annotations

from automation.dataset import Dataset
from automation.records import TABS, headers
from automation.store.base import Store, find_header


def read_complete(store: Store) -> Dataset:
    """All tabs as a dataset. Missing tabs or columns (e.g. ``Anwesend`` in an older workbook) are added
    first; a complete store is read exactly once and not written."""
    wanted = {spec.name: headers(spec.model) for spec in TABS}
    snapshot = store.read()
    incomplete = any(
        name not in snapshot or any(find_header(snapshot[name].headers, h) is None for h in columns)
        for name, columns in wanted.items()
    )
    if incomplete:
        store.ensure_tabs(wanted)
        snapshot = store.read()
    return Dataset.from_snapshot(snapshot)
