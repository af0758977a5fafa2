"""``gespraechsrunde einrichten``: tabs, headers, dropdowns and protection in the store."""

from __future__ import annotations

import click

from automation.cli.app import CliContext, main


@main.command("einrichten")
@click.pass_obj
def einrichten_command(obj: CliContext) -> None:
    """Tabelle vorbereiten: fehlende Blätter und Spalten, Auswahllisten, fixierte Kopfzeilen.

    Vorhandene Daten werden nie gelöscht oder umsortiert; ein zweiter Aufruf ändert nichts. Beim
    Google-Speicher mit zugang = »oauth« öffnet sich beim ersten Mal ein Browser zur Anmeldung.
    """
    from automation.services.einrichten import set_up
    from automation.services.session import locked_workspace

    with locked_workspace(obj.ordner) as workspace:  # not while a sync is writing
        lines = set_up(workspace.store(interactive=True))
    for line in lines:
        click.echo(line)
