"""The job behind ``gespraechsrunde sync`` and ``gespraechsrunde pruefen``: which steps, in which order."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager

from automation.adapters.mail.senders import check_settings
from automation.adapters.xlsx import WorkbookStore
from automation.domain.answers.processing import ProcessAnswersStep
from automation.domain.cells import read_row
from automation.domain.gate import read_gate
from automation.domain.records import Hinweis, Versand
from automation.domain.run import Report, RunState
from automation.services import idle
from automation.services.erasure import clean_after_erasures
from automation.services.findings import write_findings
from automation.services.mail.ledger_guard import guard
from automation.services.mail.step import SendMessagesStep
from automation.services.nachbereitung import AfterEventStep, StaleOffersCheck
from automation.services.replies import MailRepliesStep
from automation.services.runner import JobContext, Step, run_steps
from automation.services.session import locked_workspace, open_workspace
from automation.services.steps import DisplayNamesStep, FetchAnswersStep, WaitlistStep
from automation.services.wiring import Workspace

log = logging.getLogger("gespraechsrunde")


def sync_steps(workspace: Workspace) -> list[Step]:
    """The steps of one ``sync`` run, in order."""
    from automation.services.lotsen import GuideStep
    from automation.services.teilnahme import AttendanceStep

    steps: list[Step] = [
        FetchAnswersStep(),
        MailRepliesStep(),
        ProcessAnswersStep(progress=answer_progress),
        WaitlistStep(),
        AttendanceStep(),
        GuideStep(),
    ]
    if workspace.settings.mail.senden_bei_sync:
        check_settings(workspace.settings.mail)  # a real SMTP run never starts with a placeholder sender
        steps.append(SendMessagesStep())
    steps.append(AfterEventStep())  # hand-off, follow-up, offers; finds stale offers even without sending
    steps.append(DisplayNamesStep())  # names beside the IDs, for people reading the workbook
    return steps


def answer_progress(ctx: RunState, total: int) -> AbstractContextManager[Callable[[int], None]]:
    """Progress while many answers are taken over: a bar at a terminal, a few log lines under cron."""
    from automation.adapters.mail.progress import progress_reporter

    return progress_reporter(total, isinstance(ctx, JobContext) and ctx.interactive, "Antworten")


def _clean(workspace: Workspace) -> None:
    """Temporary files of a crashed run: beside the workbook and in the outbox (never a finished write)."""
    from automation.adapters.leftovers import clean_leftovers

    folders = [workspace.path(workspace.settings.lokal.arbeitsmappe).parent]
    folders.append(workspace.path(workspace.settings.mail.ausgang))
    for path in clean_leftovers(folders):
        log.info("Übrig gebliebene Hilfsdatei eines abgebrochenen Laufs entfernt: %s", path.name)


def run_sync(
    workspace: Workspace, *, now: dt.datetime | None = None, dry_run: bool = False, interactive: bool = False
) -> Report:
    """Fetch and process answers, keep the waiting list, send what is due, write ``Hinweise``.

    Holds the workspace lock for the whole run: a second ``sync`` (cron and a person at once) stops
    with a clear message instead of processing or sending in parallel.
    """
    with locked_workspace(workspace.folder, workspace=workspace):
        today = (now or dt.datetime.now()).date()
        before = None if dry_run else idle.inputs(workspace, today)
        if before is not None and idle.nothing_new(workspace, before):
            return _idle_report(workspace)
        if not dry_run:
            idle.forget(workspace)
            _clean(workspace)
        with open_workspace(
            workspace.folder, workspace=workspace, now=now, dry_run=dry_run, interactive=interactive, complete_tabs=True
        ) as ctx:
            # rows of »Versand« deleted by hand are put back before any step reads the ledger (answers plan an
            # Abmelde-Bestätigung, the waiting list keeps the places of those told they have one)
            guard(ctx)
            # Steps that act outside (sending) write their state themselves, immediately, before they act.
            report = run_steps(ctx, sync_steps(workspace))
            with ctx.store.deferred():  # the last data write and the Hinweise: one file write locally
                ctx.save()
                write_findings(ctx, write=not dry_run)
            clean_after_erasures(ctx)  # after the save: the workbook no longer names them
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


def would_do(ctx: JobContext) -> str:
    """What a ``sync`` would do now, in one German sentence (for ``pruefen``)."""
    from collections import Counter

    from automation.domain.mail.due import due_messages
    from automation.domain.words import count

    counts = ctx.report.counts
    taken = counts.get("Antworten verarbeitet", 0)
    due = Counter(
        m.art.value
        for m in due_messages(ctx.dataset, ctx.now.date(), ctx.workspace.settings.mail.erinnerung_tage_vorher)
    )
    kinds = ", ".join(f"{n} {art}" for art, n in sorted(due.items()))
    sending = ctx.workspace.settings.mail.senden_bei_sync
    messages = count(sum(due.values()), "Nachricht", "Nachrichten") + (f" ({kinds})" if kinds else "")
    return f"Ein »sync« jetzt würde {count(taken, 'Antwort', 'Antworten')} übernehmen und " + (
        f"{messages} senden." if sending else f"nichts senden (senden_bei_sync = false; fällig: {messages})."
    )


def run_check(workspace: Workspace, *, now: dt.datetime | None = None) -> Report:
    """Validate every tab and the pending answers; write only the ``Hinweise`` tab."""
    with open_workspace(workspace.folder, workspace=workspace, now=now, dry_run=True, complete_tabs=True) as ctx:
        ctx.report.findings += read_gate(ctx.dataset).findings  # what would stop or hold sending
        report = run_steps(ctx, [FetchAnswersStep(), ProcessAnswersStep(), WaitlistStep(), StaleOffersCheck()])
        report.say(would_do(ctx))
        ctx.dry_run = False  # findings about the real state; only the Hinweise tab is written
        write_findings(ctx, write=True, reread=True)
        return report
