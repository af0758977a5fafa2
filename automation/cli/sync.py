"""``gespraechsrunde sync``: the scheduled job."""

from __future__ import annotations

import datetime as dt

import click

from automation.adapters.run_log import record_run
from automation.cli.app import CliContext, dry_run_option, echo_json, is_terminal, json_option, main
from automation.cli.output import print_report, report_json


@main.command("sync")
@dry_run_option
@json_option
@click.pass_obj
def sync(obj: CliContext, dry_run: bool, as_json: bool) -> None:
    """Neue Formularantworten übernehmen, prüfen und alles Fällige erledigen.

    Liest neue und geänderte Antworten, ordnet sie Kontakten zu (E-Mail, Telefon, Name + Kommune),
    legt Kontakte und Anmeldungen an und schreibt die Hinweise. Ein zweiter Lauf ändert nichts.
    Für cron geeignet: ohne Terminal nur Protokollzeilen. Exit-Code 1, wenn es Fehler-Hinweise gibt.
    """
    from automation.services.sync import run_sync
    from automation.services.wiring import Workspace

    workspace = Workspace.open(obj.folder)
    started = dt.datetime.now()
    try:
        report = run_sync(workspace, dry_run=dry_run, interactive=is_terminal())
    except Exception:
        if not dry_run:
            record_run(workspace.folder, started, 3, {}, 0)
        raise
    if not dry_run:
        record_run(workspace.folder, started, 1 if report.errors else 0, report.counts, len(report.errors))
    if as_json:
        echo_json(report_json(report))
    else:
        print_report(report, "Probelauf (nichts geschrieben):" if dry_run else "Abgleich fertig:")
    if report.errors:
        raise click.exceptions.Exit(1)
