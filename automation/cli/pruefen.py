"""``gespraechsrunde pruefen``: validate everything, write only the Hinweise tab."""

from __future__ import annotations

import click

from automation.cli.app import CliContext, echo_json, json_option, main
from automation.cli.output import print_report, report_json


@main.command("pruefen")
@json_option
@click.pass_obj
def pruefen(obj: CliContext, as_json: bool) -> None:
    """Alle Tabellen und die noch offenen Formularantworten prüfen.

    Schreibt die Befunde (Tabelle, Zeile, Spalte, Vorschlag) in den Tab »Hinweise« und sonst nichts.
    Exit-Code 1, wenn es Fehler gibt.
    """
    from automation.services.sync import run_check
    from automation.services.wiring import Workspace

    report = run_check(Workspace.open(obj.folder))
    if as_json:
        echo_json(report_json(report))
    else:
        print_report(report, "Prüfung fertig:")
    if report.errors:
        raise click.exceptions.Exit(1)
