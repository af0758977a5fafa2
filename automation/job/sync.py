"""The job behind ``gespraechsrunde sync`` and ``gespraechsrunde pruefen``: which steps, in which order."""

from __future__ import annotations

import datetime as dt

from automation.answers.intake import FetchAnswersStep
from automation.answers.processing import ProcessAnswersStep
from automation.cells import read_row
from automation.dataset import Dataset
from automation.job.runner import JobContext, Report, Step, run_steps
from automation.lock import workspace_lock
from automation.mail.step import SendMessagesStep
from automation.records import TABS, Hinweis, Versand, headers
from automation.services import idle
from automation.store.base import find_header
from automation.store.xlsx import WorkbookStore
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
    wanted = {spec.name: headers(spec.model) for spec in TABS}
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
        today = (now or dt.datetime.now()).date()
        before = None if dry_run else idle.inputs(workspace, today)
        if before is not None and idle.nothing_new(workspace, before):
            return _idle_report(workspace)
        if not dry_run:
            idle.forget(workspace)
        ctx = _context(workspace, now, dry_run, interactive)
        # Steps that act outside (sending) write their state themselves, immediately, before they act.
        report = run_steps(ctx, sync_steps(workspace))
        with ctx.store.deferred():  # the last data write and the Hinweise: one file write locally
            ctx.save()
            write_findings(ctx, write=not dry_run)
        if not dry_run:
            # messages held back by the daily limit wait for tomorrow (another fingerprint): no reason to
            # run fully again today; rows still »geplant« (server down, a temporary refusal) are retried
            rows = ctx.dataset.all(Versand)
            sent_today = sum(1 for v in rows if v.status == "gesendet" and v.zeit and v.zeit.date() == today)
            limit_reached = sent_today >= workspace.settings.mail.tageslimit
            waiting = report.counts.get("Nachrichten wartend", 0) and not limit_reached
            pending = any(v.status in ("geplant", "wird gesendet") for v in rows)
            store = ctx.store
            still_current = store.unchanged_on_disk if isinstance(store, WorkbookStore) else lambda: False
            idle.remember(workspace, before, complete=not waiting and not pending, still_current=still_current)
        return report


def _idle_report(workspace: Workspace) -> Report:
    """The report of a run that found nothing new: the findings as they stand in ``Hinweise``."""
    report = Report()
    store = workspace.store()
    table = store.read_tab(Hinweis.TAB) if isinstance(store, WorkbookStore) else None
    for row in table.rows if table is not None else []:
        finding, _ = read_row(Hinweis, row.values, row.number)
        if isinstance(finding, Hinweis):
            report.findings.append(finding)
    report.say(
        "Nichts Neues seit dem letzten Lauf: Arbeitsmappe, Antworten und Einstellungen sind unverändert, "
        "die Hinweise gelten weiter."
    )
    return report


def run_check(workspace: Workspace, *, now: dt.datetime | None = None) -> Report:
    """Validate every tab and the pending answers; write only the ``Hinweise`` tab."""
    with workspace_lock(workspace.folder):
        ctx = _context(workspace, now, dry_run=True, interactive=False)
        report = run_steps(ctx, [FetchAnswersStep(), ProcessAnswersStep(), WaitlistStep()])
        ctx.dry_run = False  # findings about the real state; only the Hinweise tab is written
        write_findings(ctx, write=True, reread=True)
        return report
