"""``gespraechsrunde plakat``: posters, a social media image and a text for a date."""

from __future__ import annotations

import click

from automation.cli.app import CliContext, main


@main.command("plakat")
@click.option("--termin", required=True, help="Termin-ID aus dem Tab »Termine«.")
@click.pass_obj
def plakat(obj: CliContext, termin: str) -> None:
    """Plakate (A4, A3), ein Bild für soziale Medien und einen Text für Webseite und Newsletter erstellen.

    Mit Titel, Datum, Zeit, Ort, einigen teilnehmenden Vereinen und einem QR-Code zur Anmeldung (Google-
    Formular mit vorausgewähltem Termin oder [darstellung] anmeldelink). Schreibt nach ausgabe/:
    plakat-ID-A4.pdf, plakat-ID-A3.pdf, plakat-ID-quadrat.png (1080×1080), plakat-ID.txt und plakat-ID.html.
    """
    from automation.services.plakat import poster

    result = poster(obj.folder, termin)
    for note in result.notes:
        click.echo(f"Hinweis: {note}")
    click.echo(f"Anmeldelink im QR-Code: {result.link}")
    for path in result.files:
        click.echo(f"Geschrieben: {path}")
