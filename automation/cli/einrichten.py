"""``gespraechsrunde einrichten``: tabs, headers, dropdowns and protection in the store."""

from __future__ import annotations

import click

from automation.cli.app import CliContext, main


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
    from automation.services.einrichten import set_up
    from automation.services.session import locked_workspace

    with locked_workspace(obj.folder) as workspace:  # not while a sync is writing
        lines = set_up(workspace.store(interactive=True), new_ledger=new_ledger)
    for line in lines:
        click.echo(line)
