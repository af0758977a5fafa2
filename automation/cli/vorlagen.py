"""``gespraechsrunde vorlagen [ZIEL]``: every message template rendered with sample data, for a preview."""

from __future__ import annotations

from pathlib import Path

import click

from automation.cli.app import CliContext, main


@main.command("vorlagen")
@click.argument("ziel", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.pass_obj
def vorlagen(obj: CliContext, ziel: Path | None) -> None:
    """Alle Nachrichten-Vorlagen mit Beispieldaten in den Ordner ZIEL schreiben (Voreinstellung: »vorschau«
    im Arbeitsordner).

    Mit einem Arbeitsordner zeigen die Vorschauen dessen echte Links (Google-Formulare oder E-Mail an die
    Koordination).

    Eigene Vorlagen im Ordner »vorlagen/mail/« des Arbeitsordners haben Vorrang vor den mitgelieferten.
    Die .html-Dateien im Browser öffnen, die .txt-Dateien zeigen die Textfassung. Die Nachrichten an
    Teilnehmende stehen außerdem übersetzt in den Unterordnern en, tr, uk und ar.
    """
    from automation.domain.settings import SETTINGS_FILE, Settings
    from automation.services.mail.commands import render_previews
    from automation.services.wiring import Workspace

    folder = obj.folder.resolve()
    if (folder / SETTINGS_FILE).is_file():
        workspace = Workspace.open(folder)
        settings, own = workspace.settings, workspace.folder
    else:
        settings, own = Settings(), None
    ziel = ziel if ziel is not None else folder / "vorschau"
    written = render_previews(settings, own, ziel)
    click.echo(f"{len(written)} Dateien in {ziel} geschrieben, z. B. {written[0].name}.")
