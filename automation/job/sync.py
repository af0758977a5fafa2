"""The job behind ``gespraechsrunde sync`` and ``gespraechsrunde pruefen``: which steps, in which order."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from automation.answers.intake import FetchAnswersStep
from automation.answers.processing import ProcessAnswersStep
from automation.dataset import Dataset
from automation.domain.schema import check_schema
from automation.job.runner import JobContext, Report, Step, run_steps
from automation.lock import workspace_lock
from automation.mail.step import SendMessagesStep
from automation.records import TABS, headers
from automation.store.base import find_header
from automation.validation import write_findings
from automation.warteliste import WaitlistStep
from automation.workspace import Workspace


def sync_steps(workspace: Workspace) -> list[Step]:
    """The steps of one ``sync`` run, in order."""
    steps: list[Step] = [FetchAnswersStep(), ProcessAnswersStep(), WaitlistStep()]
    if workspace.settings.mail.senden_bei_sync:
        steps.append(SendMessagesStep())
    return steps


def _context(workspace: Workspace, now: dt.datetime | None, dry_run: bool, interactive: bool) -> JobContext:
    store = workspace.store()
    snapshot = store.read()
    # only what is simply absent is added; a renamed tab or header is reported (automation.domain.schema)
    drift = check_schema({name: (t.headers, bool(t.rows)) for name, t in snapshot.items()})
    wanted = drift.addable({spec.name: headers(spec.model) for spec in TABS})
    incomplete = any(
        name not in snapshot or any(find_header(snapshot[name].headers, h) is None for h in columns)
        for name, columns in wanted.items()
    )
    if incomplete and not dry_run:
        store.ensure_tabs(wanted)
        snapshot = store.read()
    dataset = Dataset.from_snapshot(snapshot)
    return JobContext(workspace, store, dataset, now or dt.datetime.now().replace(microsecond=0), dry_run, interactive)


def run_sync(
    workspace: Workspace, *, now: dt.datetime | None = None, dry_run: bool = False, interactive: bool = False
) -> Report:
    """Fetch and process answers, keep the waiting list, send what is due, write ``Hinweise``.

    Holds the workspace lock for the whole run: a second ``sync`` (cron and a person at once) stops
    with a clear message instead of processing or sending in parallel.
    """
    with workspace_lock(workspace.folder):
        ctx = _context(workspace, now, dry_run, interactive)
        # Steps that act outside (sending) write their state themselves, immediately, before they act.
        report = run_steps(ctx, sync_steps(workspace))
        with ctx.store.deferred():  # the last data write and the Hinweise: one file write locally
            ctx.save()
            write_findings(ctx, write=not dry_run)
        _refresh_backup_after_erasure(ctx)
        return report


def _refresh_backup_after_erasure(ctx: JobContext) -> None:
    """After an erasure on request, the workbook's previous version (which still names the person) is
    replaced by the saved one (local store only)."""
    path, backup = getattr(ctx.store, "path", None), getattr(ctx.store, "backup_path", None)
    if ctx.dry_run or not ctx.report.counts.get("Personen gelöscht") or path is None or backup is None:
        return
    if Path(path).exists() and Path(backup).exists():
        shutil.copy2(path, backup)


def run_check(workspace: Workspace, *, now: dt.datetime | None = None) -> Report:
    """Validate every tab and the pending answers; write only the ``Hinweise`` tab."""
    with workspace_lock(workspace.folder):
        ctx = _context(workspace, now, dry_run=True, interactive=False)
        report = run_steps(ctx, [FetchAnswersStep(), ProcessAnswersStep(), WaitlistStep()])
        ctx.dry_run = False  # findings about the real state; only the Hinweise tab is written
        write_findings(ctx, write=True, reread=True)
        return report
