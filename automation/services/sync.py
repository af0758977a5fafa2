"""The job behind ``gespraechsrunde sync`` and ``gespraechsrunde pruefen``: which steps, in which order."""

from __future__ import annotations

import datetime as dt

from automation.domain.answers.processing import ProcessAnswersStep
from automation.domain.run import Report
from automation.services.findings import write_findings
from automation.services.mail.step import SendMessagesStep
from automation.services.replies import MailRepliesStep
from automation.services.runner import JobContext, Step, run_steps
from automation.services.session import open_workspace
from automation.services.steps import FetchAnswersStep, WaitlistStep
from automation.services.wiring import Workspace


def sync_steps(workspace: Workspace) -> list[Step]:
    """The steps of one ``sync`` run, in order."""
    from automation.services.lotsen import GuideStep
    from automation.services.teilnahme import AttendanceStep

    steps: list[Step] = [
        FetchAnswersStep(),
        MailRepliesStep(),
        ProcessAnswersStep(),
        WaitlistStep(),
        AttendanceStep(),
        GuideStep(),
    ]
    if workspace.settings.mail.senden_bei_sync:
        steps.append(SendMessagesStep())
    return steps


def run_sync(
    workspace: Workspace, *, now: dt.datetime | None = None, dry_run: bool = False, interactive: bool = False
) -> Report:
    """Fetch and process answers, keep the waiting list, send what is due, write ``Hinweise``.

    Holds the workspace lock for the whole run: a second ``sync`` (cron and a person at once) stops
    with a clear message instead of processing or sending in parallel.
    """
    with open_workspace(
        workspace.folder, workspace=workspace, now=now, dry_run=dry_run, interactive=interactive, complete_tabs=True
    ) as ctx:
        # Steps that act outside (sending) write their state themselves, immediately, before they act.
        report = run_steps(ctx, sync_steps(workspace))
        with ctx.store.deferred():  # the last data write and the Hinweise: one file write locally
            ctx.save()
            write_findings(ctx, write=not dry_run)
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
        report = run_steps(ctx, [FetchAnswersStep(), ProcessAnswersStep(), WaitlistStep()])
        report.say(would_do(ctx))
        ctx.dry_run = False  # findings about the real state; only the Hinweise tab is written
        write_findings(ctx, write=True, reread=True)
        return report
