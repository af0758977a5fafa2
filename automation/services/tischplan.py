"""``tischplan``: read the instance (or the workspace), solve, write the plan – a workspace's all under one lock.

The lock is held from the read to the write: an edit (or a ``sync``) in between cannot be overwritten by
a plan computed from an older state; a ``sync`` started meanwhile waits for the next cron slot.

Time budget: given the command's start (``started``), ``seconds`` is the duration of the whole command.
The solver's iteration budget follows from ``seconds`` alone (same seconds, same plan); the deadline on the
real clock is only the cap that keeps the command within ``seconds`` + ``TOLERANCE_SECONDS``. Beside the
JSON plan lies ``NAME.laufzeit.json``: budget, iterations, seconds per phase, peak memory, bounds.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
import time
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
    from automation.domain.tischplan import Instanz, Result

log = logging.getLogger(__name__)

Progress = Callable[[float, int, int, int], None]

DEFAULT_SECONDS = 10.0
"""``--sekunden`` of a stand-alone instance when none is given."""
STARTUP_SECONDS = 0.9
"""Part of the seconds not given to the solver: process start, reading the instance, writing the plan."""
CLOSING_SECONDS = 0.25
"""Wall time kept after the solver's deadline for figures and files (the cap, not the budget)."""
TOLERANCE_SECONDS = 0.5
"""The whole command finishes within its seconds plus this."""


@dataclass
class PlanOutcome:
    """What a plan run produced: the instance, the result, and where it was written."""

    instanz: Instanz
    ergebnis: Result
    names: dict[str, str] | None = None
    written: list[Path] = field(default_factory=list)
    rows: int = 0
    event: Veranstaltung | None = None
    pdf_problem: str | None = None  # why no PDF was written beside the HTML (German), if so
    seed: int = 0
    seconds: float = DEFAULT_SECONDS  # the seconds asked for (the whole command's, given its start)
    started: float = 0.0  # ``time.perf_counter`` at the start of the command (or of this call)
    before_solving: float = 0.0
    time_report: dict[str, object] = field(default_factory=dict)  # what ``NAME.laufzeit.json`` holds

    def phases(self) -> dict[str, float]:
        """Seconds per phase: program start (up to solving), the solver's phases, output (after it)."""
        solving = sum(self.ergebnis.timing.values())
        return {
            "programmstart": round(self.before_solving - self.started, 4),
            **self.ergebnis.timing,
            "ausgabe": round(time.perf_counter() - self.before_solving - solving, 4),
        }

    def make_time_report(self) -> dict[str, object]:
        """The time report (German keys): budget, iterations, bounds and seconds per phase."""
        from automation.adapters.process import peak_memory_mb

        bounds = self.ergebnis.bounds
        self.time_report = {
            "sekunden_vorgabe": self.seconds,
            "sekunden_gesamt": round(time.perf_counter() - self.started, 4),
            "seed": self.seed,
            "iterationen": self.ergebnis.iterations,
            "iterationen_genutzt": self.ergebnis.iterations_used,
            "zeitgrenze_erreicht": self.ergebnis.capped,
            "abschnitte_sekunden": self.phases(),
            "speicher_spitze_mb": peak_memory_mb(),
            "schranken": {
                "interessen": bounds.coverage,
                "interessen_einfach": bounds.coverage_lp if bounds.coverage_lp is not None else bounds.coverage,
                "wiederholungen": bounds.repeats,
                "fehlende_gruppen": bounds.absent_groups,
                "gemeinde_ueberschuss": bounds.municipality,
            },
        }
        return self.time_report


def time_report_path(json_file: Path) -> Path:
    """Where the time report lies next to the plan: ``plan.json`` → ``plan.laufzeit.json``."""
    return json_file.with_name(json_file.stem + ".laufzeit.json")


def write_time_report(outcome: PlanOutcome, json_file: Path | None) -> None:
    """Make the time report; beside the JSON plan (when one is written) as ``NAME.laufzeit.json``."""
    report = outcome.make_time_report()
    if json_file is not None:
        write_atomically(time_report_path(json_file), json.dumps(report, ensure_ascii=False, indent=2) + "\n")


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


def _solve(
    instanz: Instanz,
    *,
    seconds: float,
    seed: int,
    iterations: int | None,
    started: float | None,
    progress: Progress | None,
) -> tuple[Result, float, float]:
    """Solve; returns the result, the start that counts and when the solver began.

    With ``started`` (a command), ``seconds`` is the whole command's time: the solver gets ``seconds`` less
    ``STARTUP_SECONDS`` and a wall-clock cap at ``started + seconds + TOLERANCE_SECONDS`` less
    ``CLOSING_SECONDS`` (none with fixed ``iterations``). Without it, the solver gets all ``seconds``.
    """
    from automation.domain.tischplan import solve

    log.info("Tischplan: %d Teilnehmende, %s Sekunden", len(instanz.teilnehmende), seconds)
    before = time.perf_counter()
    if started is None:
        solver_seconds, deadline, started = seconds, math.inf if iterations is not None else None, before
    else:
        solver_seconds = max(0.05, seconds - STARTUP_SECONDS)
        deadline = started + seconds + TOLERANCE_SECONDS - CLOSING_SECONDS if iterations is None else math.inf
    result = solve(
        instanz, seed=seed, iterations=iterations, seconds=solver_seconds, deadline=deadline, progress=progress
    )
    return result, started, before


def plan_instance(
    instanz: Instanz,
    *,
    seconds: float | None,
    seed: int,
    progress: Progress | None,
    iterations: int | None = None,
    started: float | None = None,
) -> PlanOutcome:
    """Solve a stand-alone instance (``seconds``: ``DEFAULT_SECONDS`` when None)."""
    seconds = seconds or DEFAULT_SECONDS
    result, started, before = _solve(
        instanz, seconds=seconds, seed=seed, iterations=iterations, started=started, progress=progress
    )
    return PlanOutcome(instanz, result, seed=seed, seconds=seconds, started=started, before_solving=before)


def save_instance_plan(
    outcome: PlanOutcome, json_file: Path | None, html_file: Path | None, *, dry_run: bool = False
) -> None:
    """Write a stand-alone instance's plan, print version and time report (``dry_run``: only make the report)."""
    if dry_run:
        json_file = html_file = None
    write_outputs(outcome, json_file, html_file)
    write_time_report(outcome, json_file)


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
    iterations: int | None = None,
    started: float | None = None,
) -> PlanOutcome:
    """Plan one Termin of the workspace; without ``dry_run`` write the files and the ``Tischplan`` rows.

    ``seconds``: ``[tischplan] sekunden`` of the settings when None; ``iterations`` and ``started`` as in
    :func:`plan_instance`. The time report is made in any case and written beside the JSON plan.
    """
    from automation.domain.tischplan.arbeitsordner import instanz_aus_arbeitsordner

    termin_id = termin_id.strip()
    with open_workspace(folder, write=not dry_run, dry_run=dry_run, now=now) as ctx:
        ctx.dataset.schema.require(("Termine", "Vereine", "Kontakte", "Anmeldungen", "Tischplan"), "Der Tischplan")
        settings = ctx.workspace.settings.tischplan
        instanz, names = instanz_aus_arbeitsordner(ctx.dataset, termin_id, settings, ctx.now.date())
        seconds = seconds or settings.sekunden
        second = ctx.workspace.settings.darstellung.zweite_sprache  # bilingual table signs
        ergebnis, started, before = _solve(
            instanz, seconds=seconds, seed=seed, iterations=iterations, started=started, progress=progress
        )
        outcome = PlanOutcome(
            instanz, ergebnis, names, event=event_of(ctx.dataset, termin_id, instanz.runden, second),
            seed=seed,
            seconds=seconds, started=started, before_solving=before,
        )  # fmt: skip
        if dry_run:
            write_time_report(outcome, None)
            return outcome
        default_json, default_html = output_files(ctx.workspace.folder, termin_id)
        json_file = json_file or default_json
        write_outputs(outcome, json_file, html_file or default_html)
        rows = plan_rows(termin_id, instanz, ergebnis.plan, names, ctx.now)
        replace_rows_of_date(ctx.dataset, termin_id, rows)
        ctx.store.ensure_tabs(ctx.dataset.schema.addable(tab_headers()))  # never a drifted tab or header
        replaced = [r for r in ctx.dataset.changes().replaces if r.tab == TischplanZeile.TAB]
        if replaced:
            ctx.store.apply(ChangeSet(replaces=replaced))
        outcome.rows = len(rows)
        write_time_report(outcome, json_file)
        return outcome
