"""``gespraechsrunde einlass``: the check-in list of a date."""

from __future__ import annotations

import click

from automation.cli.app import CliContext, main


@main.command("einlass")
@click.option("--termin", required=True, help="Termin-ID aus dem Tab »Termine«.")
@click.option("--ohne-pdf", is_flag=True, help="Nur die HTML-Fassung schreiben (ohne Chromium).")
@click.pass_obj
def einlass(obj: CliContext, termin: str, ohne_pdf: bool) -> None:
    """Einlassliste eines Termins drucken und die Spalte »Anwesend« in »Anmeldungen« vorbereiten.

    Alphabetisch mit Begleitung, Barrierefreiheit und einem Kästchen zum Abhaken, dazu leere Zeilen für
    Nachzügler. Nach dem Termin macht »sync« aus den Häkchen in »Anwesend« die Status »teilgenommen« und
    »nicht erschienen«; die Feedback-Bitte geht nur an alle, die da waren.
    """
    from automation.services.einlass import check_in_list

    result = check_in_list(obj.folder, termin, pdf=not ohne_pdf)
    click.echo(f"Einlassliste {result.termin_id}: {len(result.guests)} Anmeldungen.")
    click.echo("Tab »Anmeldungen«: Spalte »Anwesend« ist bereit (dort ja, x oder ✓ eintragen).")
    for path in result.files:
        click.echo(f"Geschrieben: {path}")
