"""Write every finding into the ``Hinweise`` tab at the end of a run (the checks themselves are pure:
``automation.domain.validation``)."""

from __future__ import annotations

from automation.domain.dataset import Dataset
from automation.domain.records import Eingang, Hinweis
from automation.domain.store import ChangeSet
from automation.domain.validation import collect_findings
from automation.services.runner import JobContext


def write_findings(ctx: JobContext, *, write: bool, reread: bool | None = None) -> list[Hinweis]:
    """Compute every finding from the state of the store (after this run's writes) and put them into
    ``Hinweise``, replacing the old ones. Running the job again on the same state gives the same findings.
    """
    # After writes, read the store again (row numbers of new rows, cells as stored); without writes the
    # dataset is what the store holds. ``reread`` forces a fresh read (pruefen: its dataset is hypothetical).
    if reread is None:
        reread = ctx.wrote and not ctx.dry_run and not ctx.dataset.exact
    current = Dataset.from_snapshot(ctx.store.read()) if reread else ctx.dataset
    from_rows = current.current_findings() if current is ctx.dataset and ctx.wrote else current.findings
    findings = collect_findings(current, from_rows, ctx.report.findings, ctx.dataset.all(Eingang), ctx.now.date())
    ctx.report.findings = findings
    if write:
        current.replace(Hinweis, findings)
        hinweise = [r for r in current.changes().replaces if r.tab == Hinweis.TAB]
        if hinweise:
            ctx.store.apply(ChangeSet(replaces=hinweise))
    return findings
