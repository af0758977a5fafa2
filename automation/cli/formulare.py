"""``gespraechsrunde formulare``: the Google Forms from ``formulare/*.yaml``."""

from __future__ import annotations

import click

from automation.cli.app import CliContext, dry_run_option, main
from automation.workspace import Workspace


@main.command("formulare")
@dry_run_option
@click.pass_obj
def formulare_command(obj: CliContext, dry_run: bool) -> None:
    """Google-Formulare anlegen oder aktualisieren (Anmeldung, Feedback, Abmeldung).

    Fragen kommen aus formulare/*.yaml, Auswahllisten (Termine, Themen, Vereine, Kommunen) aus der Tabelle.
    IDs und Links der Formulare landen in formulare.json. Ohne Änderungen wird nichts geschrieben.
    Braucht einen Google-Zugang (siehe docs/google-einrichtung.md).
    """
    from automation.google.forms_sync import run_formulare

    result = run_formulare(Workspace.open(obj.ordner), dry_run=dry_run)
    for line in result.lines:
        click.echo(line)
    if not dry_run:
        for key, state in result.states.items():
            click.echo(f"{key}: {state.responder_url}")
