"""``gespraechsrunde person``: what is stored about one person; export and erasure (DSGVO)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from automation.cli.app import CliContext, confirmed_by_person, dry_run_option, main
from automation.domain.errors import GespraechsrundeError

if TYPE_CHECKING:
    from automation.domain.dataset import Dataset
    from automation.domain.records import Kontakt


def _find(dataset: Dataset, wer: str) -> Kontakt:
    from automation.domain.privacy import find_contact

    kontakt = find_contact(dataset, wer)
    if kontakt is None:
        raise GespraechsrundeError(
            f"Keine Person mit Kontakt-ID oder E-Mail »{wer}« im Tab Kontakte. Bitte die Schreibweise prüfen."
        )
    return kontakt


@main.group("person")
def person() -> None:
    """Auskunft, Export und Löschung der Daten einer Person (DSGVO Art. 15, 17, 20)."""


@person.command("export")
@click.argument("wer")
@click.option("--datei", type=click.Path(dir_okay=False, path_type=Path), help="In diese JSON-Datei schreiben.")
@click.pass_obj
def export(obj: CliContext, wer: str, datei: Path | None) -> None:
    """Alles, was über eine Person gespeichert ist, als JSON ausgeben.

    WER ist die Kontakt-ID (z. B. K-7Q4MZP2C) oder die E-Mail-Adresse.
    """
    from automation.domain.privacy import export_person
    from automation.services.session import open_workspace

    with open_workspace(obj.folder, write=False) as ctx:
        kontakt = _find(ctx.dataset, wer)
        text = json.dumps(export_person(ctx.dataset, kontakt), ensure_ascii=False, indent=2, default=str)
    if datei is None:
        click.echo(text)
    else:
        datei.write_text(text + "\n", encoding="utf-8")
        click.echo(f"Daten von {kontakt.kontakt_id} in {datei} geschrieben.")


@person.command("loeschen")
@click.argument("wer")
@dry_run_option
@click.option("--ja", "confirmed", is_flag=True, help="Ohne Rückfrage löschen.")
@click.pass_obj
def loeschen(obj: CliContext, wer: str, dry_run: bool, confirmed: bool) -> None:
    """Eine Person mit Anmeldungen, Feedback und Formularantworten löschen.

    Versand-Zeilen behalten ihren Schlüssel (damit nichts doppelt gesendet wird), verlieren aber die
    Adresse. Auch die vorige Fassung der Arbeitsmappe, Hinweise, Tischplan, Ausdrucke, .eml-Kopien und
    Protokolldateien im Arbeitsordner werden bereinigt. Was der Befehl nicht selbst löschen darf
    (CSV-Exporte, Antworten im Google-Formular), nennt er mit Datei und Zeile bzw. Antwort-ID.
    """
    from automation.services.erasure import erase
    from automation.services.session import open_workspace

    with open_workspace(obj.folder, dry_run=dry_run) as ctx:  # locked from the read to the last write
        kontakt = _find(ctx.dataset, wer)
        question = f"{kontakt.display_name} ({kontakt.kontakt_id}) wirklich löschen?"
        if not dry_run and not confirmed and not confirmed_by_person(question):
            click.echo("Abgebrochen; nichts gelöscht.")
            raise click.exceptions.Exit(1)
        done = erase(ctx, kontakt)
        summary = ", ".join(f"{tab}: {n}" for tab, n in done.counts.items())
        if dry_run:
            click.echo(f"Probelauf – würde löschen bzw. leeren: {summary}")
            return
    for conflict in done.conflicts:
        click.echo(conflict.message(), err=True)
    click.echo(f"{kontakt.kontakt_id} gelöscht ({summary}).")
    for name in done.files.removed:
        click.echo(f"  Datei gelöscht: {name}")
    for name in done.files.rewritten:
        click.echo(f"  Datei bereinigt: {name}")
    if done.by_hand:
        click.echo("Bitte noch von Hand erledigen:")
        for line in done.by_hand:
            click.echo(f"  {line}")
