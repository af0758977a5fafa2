"""``tischplan --termin``: read the workspace, solve, write the plan – all under one lock.

The lock is held from the read to the write: an edit (or a ``sync``) in between cannot be overwritten by
a plan computed from an older state; a ``sync`` started meanwhile waits for the next cron slot.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from automation.adapters.files import write_atomically
from automation.domain.records import Termin, TischplanZeile, tab_headers
from automation.domain.store import ChangeSet
from automation.domain.tischplan_tab import plan_rows, replace_rows_of_date
from automation.services.session import open_workspace

if TYPE_CHECKING:  # the solver (and scipy) is imported only when a plan is made
    from automation.adapters.printouts.tischplan_druck import Veranstaltung
    from automation.domain.dataset import Dataset
    from automation.domain.tischplan import Ergebnis, Instanz

Progress = Callable[[float, int, int, int], None]


@dataclass
class PlanOutcome:
    """What a plan run produced: the instance, the result, and where it was written."""

    instanz: Instanz
    ergebnis: Ergebnis
    names: dict[str, str] | None = None
    written: list[Path] = field(default_factory=list)
    rows: int = 0
    event: Veranstaltung | None = None
    pdf_problem: str | None = None  # why no PDF was written beside the HTML (German), if so


def event_of(dataset: Dataset, termin_id: str, rounds: int, zweite_sprache: str = "") -> Veranstaltung | None:
    """Title, date, place and round times of the date, for every route card."""
    from automation.adapters.printouts.tischplan_druck import Veranstaltung, rundenzeiten

    termin = dataset.get(Termin, termin_id)
    if termin is None:
        return None
    return Veranstaltung(
        titel=termin.titel, datum=termin.datum, ort=termin.ort or "", adresse=termin.adresse or "",
        rundenzeiten=rundenzeiten(termin.beginn, termin.ende, rounds), zweite_sprache=zweite_sprache,
    )  # fmt: skip


def output_files(folder: Path, termin_id: str) -> tuple[Path, Path]:
    """``ausgabe/tischplan-ID.json`` and ``.html`` in the workspace (ID made safe for a file name)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", termin_id)
    return folder / "ausgabe" / f"tischplan-{name}.json", folder / "ausgabe" / f"tischplan-{name}.html"


def write_outputs(outcome: PlanOutcome, json_file: Path | None, html_file: Path | None) -> None:
    """The plan as JSON and the printable HTML (club signs, route cards)."""
    from automation.adapters.printouts.tischplan_ausgabe import plan_json

    if json_file is not None:
        write_atomically(json_file, plan_json(outcome.ergebnis.plan))
        outcome.written.append(json_file)
    if html_file is not None:
        from automation.adapters.printouts.tischplan_druck import druckfassung

        write_atomically(html_file, druckfassung(outcome.instanz, outcome.ergebnis.plan, outcome.names, outcome.event))
        outcome.written.append(html_file)
        if outcome.event is not None:  # a workspace's plan: the printout as PDF beside it
            from automation.adapters.pdf import PdfError, html_to_pdf

            try:
                html_to_pdf(html_file, html_file.with_suffix(".pdf"))
                outcome.written.append(html_file.with_suffix(".pdf"))
            except PdfError as exc:
                outcome.pdf_problem = str(exc)


def plan_instance(instanz: Instanz, *, seconds: float, seed: int, progress: Progress | None) -> PlanOutcome:
    """Solve a stand-alone instance."""
    from automation.domain.tischplan import plane

    return PlanOutcome(instanz, plane(instanz, seed=seed, sekunden=seconds, meldung=progress))


def plan_date(
    folder: Path,
    termin_id: str,
    *,
    seconds: float | None,
    seed: int,
    dry_run: bool,
    progress: Progress | None,
    json_file: Path | None = None,
    html_file: Path | None = None,
    now: dt.datetime | None = None,
) -> PlanOutcome:
    """Plan one Termin of the workspace; without ``dry_run`` write the files and the ``Tischplan`` rows."""
    from automation.domain.tischplan import plane
    from automation.domain.tischplan.arbeitsordner import instanz_aus_arbeitsordner

    termin_id = termin_id.strip()
    with open_workspace(folder, write=not dry_run, dry_run=dry_run, now=now) as ctx:
        ctx.dataset.schema.require(("Termine", "Vereine", "Kontakte", "Anmeldungen", "Tischplan"), "Der Tischplan")
        settings = ctx.workspace.settings.tischplan
        instanz, names = instanz_aus_arbeitsordner(ctx.dataset, termin_id, settings, ctx.now.date())
        ergebnis = plane(instanz, seed=seed, sekunden=seconds or settings.sekunden, meldung=progress)
        outcome = PlanOutcome(
            instanz,
            ergebnis,
            names,
            event=event_of(ctx.dataset, termin_id, instanz.runden, ctx.workspace.settings.darstellung.zweite_sprache),
        )
        if dry_run:
            return outcome
        default_json, default_html = output_files(ctx.workspace.folder, termin_id)
        write_outputs(outcome, json_file or default_json, html_file or default_html)
        rows = plan_rows(termin_id, instanz, ergebnis.plan, names, ctx.now)
        replace_rows_of_date(ctx.dataset, termin_id, rows)
        ctx.store.ensure_tabs(ctx.dataset.schema.addable(tab_headers()))  # never a drifted tab or header
        replaced = [r for r in ctx.dataset.changes().replaces if r.tab == TischplanZeile.TAB]
        if replaced:
            ctx.store.apply(ChangeSet(replaces=replaced))
        outcome.rows = len(rows)
        return outcome
