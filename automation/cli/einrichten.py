"""``gespraechsrunde einrichten``: tabs, headers, dropdowns and protection in the store."""

from __future__ import annotations

import click

from automation.cli.app import CliContext, main
from automation.lock import workspace_lock
from automation.workspace import Workspace


@main.command("einrichten")
@click.pass_obj
def einrichten_command(obj: CliContext) -> None:
    """Tabelle vorbereiten: fehlende Blätter und Spalten, Auswahllisten, fixierte Kopfzeilen.

    Vorhandene Daten werden nie gelöscht oder umsortiert; ein zweiter Aufruf ändert nichts. Beim
    Google-Speicher mit zugang = »oauth« öffnet sich beim ersten Mal ein Browser zur Anmeldung.
    """
    from automation.einrichten import einrichten

    workspace = Workspace.open(obj.ordner)
    with workspace_lock(workspace.folder):  # not while a sync is writing
        if workspace.settings.speicher == "google":
            from automation.google import wiring

            store = wiring.open_store(workspace, wiring.transport(workspace, interactive=True))
            lines = einrichten(store)
        else:
            lines = einrichten(workspace.store())
    for line in lines:
        click.echo(line)
