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

from automation.dataset import Dataset
from automation.records import Hinweis
from automation.store.base import ApplyResult, Store
from automation.workspace import Workspace

log = logging.getLogger("gespraechsrunde")


@dataclass
class Report:
    """What a run did: counts per topic, findings, and lines for the person at the terminal."""

    counts: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    findings: list[Hinweis] = field(default_factory=list)
    step_seconds: dict[str, float] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def say(self, line: str) -> None:
        self.lines.append(line)
        log.info(line)

    @property
    def errors(self) -> list[Hinweis]:
        return [f for f in self.findings if f.schwere == "Fehler"]


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
        return result


def blocked_by_schema(ctx: JobContext, what: str, tabs: Sequence[str]) -> list[Hinweis]:
    """One finding per needed tab whose name or headers drifted (empty: nothing blocks ``what``)."""
    return [
        Hinweis(
            tabelle=tab, zeile=1, schwere="Warnung",  # the error is the drift itself, reported once
            hinweis=f"»{what}« wartet, bis der Tab »{tab}« wieder alle Spalten hat"
            + (f" (fehlt: {', '.join(ctx.dataset.schema.blocked[tab])})." if ctx.dataset.schema.blocked[tab] else "."),
            vorschlag="Siehe den Hinweis zu Zeile 1 dieses Tabs.",
        )
        for tab in tabs
        if tab in ctx.dataset.schema.blocked
    ]  # fmt: skip


class Step(Protocol):
    name: str

    def run(self, ctx: JobContext) -> None: ...


def run_steps(ctx: JobContext, steps: Sequence[Step]) -> Report:
    """Run every step in order; the caller writes what they changed (``ctx.save()``)."""
    for step in steps:
        waiting = blocked_by_schema(ctx, step.name, getattr(step, "needs", ()))
        if waiting:
            ctx.report.findings += waiting
            ctx.report.say(f"Schritt »{step.name}« ausgelassen: " + " ".join(f.hinweis for f in waiting))
            continue
        started = time.perf_counter()
        log.info("Schritt %s beginnt", step.name)
        step.run(ctx)
        ctx.report.step_seconds[step.name] = round(time.perf_counter() - started, 3)
    return ctx.report
