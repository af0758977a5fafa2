"""``gespraechsrunde einrichten``: tabs, headers, dropdowns and protection in the store."""

from __future__ import annotations

import click

from automation.cli.app import CliContext, main
from automation.lock import workspace_lock
from automation.workspace import Workspace


@main.command("einrichten")
@click.option(
    "--versand-neu",
    "new_ledger",
    is_flag=True,
    help="Einen fehlenden Tab »Versand« auch anlegen, wenn es schon Kontakte gibt (nur für eine neue Tabelle, "
    "die nie Nachrichten versandt hat).",
)
@click.pass_obj
def einrichten_command(obj: CliContext, new_ledger: bool) -> None:
    """Tabelle vorbereiten: fehlende Blätter und Spalten, Auswahllisten, fixierte Kopfzeilen.

    Vorhandene Daten werden nie gelöscht oder umsortiert; ein zweiter Aufruf ändert nichts. Beim
    Google-Speicher mit zugang = »oauth« öffnet sich beim ersten Mal ein Browser zur Anmeldung. Spalten,
    von denen Versand und Einwilligung abhängen, legt er unter vorhandenen Zeilen nie neu an.
    """
    from automation.einrichten import einrichten

    workspace = Workspace.open(obj.ordner)
    with workspace_lock(workspace.folder):  # not while a sync is writing
        if workspace.settings.speicher == "google":
            from automation.google import wiring

            store = wiring.open_store(workspace, wiring.transport(workspace, interactive=True))
            lines = einrichten(store, new_ledger=new_ledger)
        else:
            lines = einrichten(workspace.store(), new_ledger=new_ledger)
    for line in lines:
        click.echo(line)
