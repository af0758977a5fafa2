"""The one way to open a workspace: settings, edges, lock, read – and the write at the end.

Every command goes through :func:`open_workspace`. A command that writes (``write=True``) holds the
workspace lock from its read to its last write, so nothing another run or command writes in between is
lost. Only reading commands (``person export``) skip the lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from automation.adapters.lock import workspace_lock
from automation.domain.dataset import Dataset
from automation.domain.gate import repairable
from automation.domain.records import tab_headers
from automation.domain.store import Store, find_header
from automation.services.runner import JobContext
from automation.services.wiring import Workspace


def _read(store: Store, *, complete_tabs: bool) -> Dataset:
    snapshot = store.read()
    if complete_tabs:
        wanted = tab_headers()
        incomplete = any(
            name not in snapshot or any(find_header(snapshot[name].headers, h) is None for h in columns)
            for name, columns in wanted.items()
        )
        if incomplete:
            store.ensure_tabs(repairable(wanted, snapshot)[0])  # never a renamed Versand tab or guarded column
            snapshot = store.read()
    return Dataset.from_snapshot(snapshot)


@contextlib.contextmanager
def locked_workspace(folder: Path, *, write: bool = True, workspace: Workspace | None = None) -> Iterator[Workspace]:
    """The workspace (settings loaded, edges ready to be built), locked for the block when ``write``."""
    workspace = workspace or Workspace.open(folder)
    with workspace_lock(workspace.folder) if write else contextlib.nullcontext():
        yield workspace


@contextlib.contextmanager
def open_workspace(
    folder: Path,
    *,
    write: bool = True,
    dry_run: bool = False,
    interactive: bool = False,
    now: dt.datetime | None = None,
    complete_tabs: bool = False,
    workspace: Workspace | None = None,
) -> Iterator[JobContext]:
    """Open the workspace in ``folder`` for one command and yield its run context.

    ``write``: take the lock for the whole block (every command that may write). ``complete_tabs``: add
    missing tabs and columns before reading (not in a dry run). ``workspace``: an already opened one (its
    edges, e.g. a Google transport, are reused).
    """
    workspace = workspace or Workspace.open(folder)
    lock = workspace_lock(workspace.folder) if write else contextlib.nullcontext()
    with lock:
        store = workspace.store()
        dataset = _read(store, complete_tabs=complete_tabs and write and not dry_run)
        yield JobContext(
            workspace=workspace,
            store=store,
            dataset=dataset,
            now=now or dt.datetime.now().replace(microsecond=0),
            dry_run=dry_run,
            interactive=interactive,
        )
