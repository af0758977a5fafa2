"""The job behind ``gespraechsrunde sync`` and ``gespraechsrunde pruefen``: which steps, in which order."""

from __future__ import annotations

import datetime as dt

from automation.answers.intake import FetchAnswersStep
from automation.answers.processing import ProcessAnswersStep
from automation.dataset import Dataset
from automation.job.runner import JobContext, Report, Step, run_steps
from automation.records import TABS, Hinweis, headers
from automation.store.base import ChangeSet
from automation.validation import WriteFindingsStep
from automation.workspace import Workspace


def sync_steps(workspace: Workspace) -> list[Step]:
    """The steps of one ``sync`` run, in order."""
    steps: list[Step] = [FetchAnswersStep(), ProcessAnswersStep()]
    steps.append(WriteFindingsStep())
    return steps


def _context(workspace: Workspace, now: dt.datetime | None, dry_run: bool, interactive: bool) -> JobContext:
    store = workspace.store()
    if not dry_run:
        store.ensure_tabs({spec.name: headers(spec.model) for spec in TABS})
    dataset = Dataset.from_snapshot(store.read())
    return JobContext(workspace, store, dataset, now or dt.datetime.now().replace(microsecond=0), dry_run, interactive)


def run_sync(
    workspace: Workspace, *, now: dt.datetime | None = None, dry_run: bool = False, interactive: bool = False
) -> Report:
    """Fetch and process answers, then whatever later steps are configured; write ``Hinweise``."""
    ctx = _context(workspace, now, dry_run, interactive)
    return run_steps(ctx, sync_steps(workspace))


def run_check(workspace: Workspace, *, now: dt.datetime | None = None) -> Report:
    """Validate every tab and the pending answers; write only the ``Hinweise`` tab."""
    ctx = _context(workspace, now, dry_run=True, interactive=False)
    report = run_steps(ctx, [FetchAnswersStep(), ProcessAnswersStep(), WriteFindingsStep()])
    hinweise = [r for r in ctx.dataset.changes().replaces if r.tab == Hinweis.TAB]
    if hinweise:
        ctx.store.apply(ChangeSet(replaces=hinweise))
    return report
