"""``gespraechsrunde formulare``: the Google Forms from ``formulare/*.yaml``."""

from __future__ import annotations

import click

from automation.cli.app import CliContext, dry_run_option, main
from automation.domain.errors import ConfigError


@main.command("formulare")
@dry_run_option
@click.pass_obj
def formulare_command(obj: CliContext, dry_run: bool) -> None:
    """Google-Formulare anlegen oder aktualisieren (Anmeldung, Feedback, Abmeldung).

    Fragen kommen aus formulare/*.yaml, Auswahllisten (Termine, Themen, Vereine, Kommunen) aus der Tabelle.
    IDs und Links der Formulare landen in formulare.json. Ohne Änderungen wird nichts geschrieben.
    Braucht einen Google-Zugang (siehe docs/google-einrichtung.md).
    """
    from automation.services.formulare import run_formulare
    from automation.services.session import locked_workspace
    from automation.services.wiring import Workspace

    workspace = Workspace.open(obj.folder)
    try:
        with locked_workspace(workspace.folder, write=not dry_run, workspace=workspace):
            result = run_formulare(workspace, dry_run=dry_run)
    except ConfigError as exc:
        if workspace.settings.speicher != "lokal":
            raise
        raise ConfigError(
            f"{exc}\nHinweis: Der Arbeitsordner nutzt den lokalen Speicher. »formulare« legt die Formulare bei "
            "Google an und braucht dafür auch hier einen Google-Zugang. Ohne ihn: die Formulare von Hand in "
            "Google Forms anlegen (Fragen wie in formulare/*.yaml) und die Antworten als CSV nach antworten/ "
            "exportieren."
        ) from exc
    for line in result.lines:
        click.echo(line)
    if not dry_run:
        for key, state in result.states.items():
            click.echo(f"{key}: {state.responder_url}")
