"""Runs the job's steps in order over one dataset; the changes are written to the store at the end.

A step changes records in ``ctx.dataset`` and reports what it did in ``ctx.report``. One write at the end
keeps a run fast and quota-friendly; if a run dies before it, nothing is lost, because the answers are
still at their source and are fetched again (the watermark lives in the store). A step that must persist
something before an outside action (the mail step writes ``wird gesendet`` before it sends) calls
``ctx.save()`` itself, which also writes everything the earlier steps did.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from automation.domain.dataset import Dataset
from automation.domain.forms import FormDefinition
from automation.domain.run import Report
from automation.domain.store import ApplyResult, Store
from automation.services.wiring import Workspace

log = logging.getLogger("gespraechsrunde")


@dataclass
class JobContext:
    workspace: Workspace
    store: Store
    dataset: Dataset
    now: dt.datetime
    dry_run: bool = False
    interactive: bool = False
    report: Report = field(default_factory=Report)
    wrote: bool = False  # whether anything was written to the store in this run
    # the memo of »Versand« rows (automation.services.mail.ledger_guard), and why it cannot be trusted
    ledger_memo: dict[str, list[str | None]] | None = None
    ledger_doubt: str | None = None

    @property
    def forms(self) -> dict[str, FormDefinition]:
        """The form definitions of the workspace (read once)."""
        return self.workspace.forms()

    def save(self) -> ApplyResult:
        """Write what changed so far to the store (nothing in a dry run)."""
        changes = self.dataset.changes()
        if self.dry_run or not changes:
            return ApplyResult()
        result = self.store.apply(changes)
        self.wrote = True
        for conflict in result.conflicts:
            self.report.say(conflict.message())
            self.report.count("Konflikte")
        self.dataset.commit(result)
        from automation.services.mail.ledger_guard import remember

        remember(self)  # rows deleted by hand later are noticed against this memo
        return result


class Step(Protocol):
    """A step of a run; it may declare ``needs = (tab, …)``: it is skipped while one of them drifted."""

    name: str

    def run(self, ctx: JobContext) -> None: ...


def run_steps(ctx: JobContext, steps: Sequence[Step]) -> Report:
    """Run every step in order; the caller writes what they changed (``ctx.save()``)."""
    for step in steps:
        waiting = ctx.dataset.schema.waiting(step.name, getattr(step, "needs", ()))
        if waiting:
            ctx.report.findings += waiting
            ctx.report.say(f"Schritt »{step.name}« ausgelassen: " + " ".join(f.hinweis for f in waiting))
            continue
        started = time.perf_counter()
        log.info("Schritt %s beginnt", step.name)
        step.run(ctx)
        ctx.report.step_seconds[step.name] = round(time.perf_counter() - started, 3)
    return ctx.report
