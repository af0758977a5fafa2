"""``gespraechsrunde status``: read the workspace (no lock, nothing written to the store) and report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from automation.adapters.run_log import last_run
from automation.domain.dataset import Dataset
from automation.domain.mail.due import DueMessage, due_messages
from automation.domain.status import StatusReport, build_status, cumulative, run_time
from automation.services.session import open_workspace
from automation.services.wiring import Workspace


@dataclass
class StatusResult:
    report: StatusReport
    page: Path | None


def _plan_times(folder: Path) -> dict[str, dt.datetime]:
    times = {}
    for path in (folder / "ausgabe").glob("tischplan-*.json"):
        times[path.stem.removeprefix("tischplan-")] = dt.datetime.fromtimestamp(path.stat().st_mtime)
    return times


def workspace_status(folder: Path, *, today: dt.date | None = None, page: bool = True) -> StatusResult:
    """Read only: no lock, nothing written to the store (the page goes to ``ausgabe/``)."""
    with open_workspace(folder, write=False) as ctx:
        from automation.services.mail.ledger_guard import guard

        guard(ctx)  # rows of »Versand« deleted by hand count as sync will see them (put back), not as due
        return _status(ctx.workspace, ctx.dataset, today or ctx.now.date(), page)


def _status(workspace: Workspace, dataset: Dataset, today: dt.date, page: bool) -> StatusResult:
    due = due_messages(dataset, today, workspace.settings.mail.erinnerung_tage_vorher)
    report = build_status(
        dataset,
        today,
        due=[(m.termin.termin_id, m.art.value) for m in due],
        held=held_reasons(dataset, due),
        last_run=last_run(workspace.folder),
        plan_times=_plan_times(workspace.folder),
    )
    from automation.services.nachbereitung import stale_clubs

    months = workspace.settings.nachbereitung.angebote_monate_alt
    report.angebote_veraltet = [(v.vereins_id, v.name, last) for v, last in stale_clubs(dataset, today, months)]
    target = None
    if page:
        target = workspace.folder / "ausgabe" / "status.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(status_page(report, workspace.settings.titel, workspace.folder), encoding="utf-8")
    return StatusResult(report, target)


def held_reasons(dataset: Dataset, due: list[DueMessage]) -> list[str]:
    """Why due messages would be held back now, one German reason per message (as ``sync`` decides)."""
    from automation.domain.gate import read_gate
    from automation.services.mail.dispatch import address_doubt

    gate = read_gate(dataset)
    reasons = []
    for m in due:
        anmelde_id = m.anmeldung.anmelde_id if m.anmeldung else None
        if gate.stop_all:
            reasons.append(f"Versand gestoppt: {gate.stop_all}")
        elif gate.refuses(str(m.key), m.art, m.termin.termin_id, anmelde_id) is not None:
            reasons.append("Daten unklar (siehe Tab »Hinweise«)")
        elif m.kontakt.email and address_doubt(m.kontakt) is not None:
            reasons.append("E-Mail-Adresse zweifelhaft (prüfen oder »E-Mail bestätigt« setzen)")
    return reasons


def status_page(report: StatusReport, title: str, folder: Path | None = None) -> str:
    """The status as an HTML page: per date the figures, two charts and a data table beside each."""
    from markupsafe import Markup

    from automation.adapters.charts import line_chart_svg
    from automation.adapters.mail.render import environment

    charts = {}
    for termin in report.termine:
        days, by_group = cumulative(termin.verlauf, 1)
        _, by_place = cumulative(termin.verlauf, 2)
        charts[termin.termin_id] = [
            (label, Markup(line_chart_svg(label, days, series, "Personen")) if days else None, days, series)
            for label, series in (("Anmeldungen nach Gruppe", by_group), ("Anmeldungen nach Kommune", by_place))
        ]
    template = environment(folder).get_template("status.html")
    return template.render(report=report, titel=title, charts=charts, run_time=run_time)
