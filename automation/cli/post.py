"""``gespraechsrunde briefe`` and ``anrufliste``: invitations for people without e-mail."""

from __future__ import annotations

import click

from automation.cli.app import CliContext, dry_run_option, echo_json, json_option, main


def _print(result: object, as_json: bool, what: str) -> None:
    from automation.services.post import PostResult

    assert isinstance(result, PostResult)
    if as_json:
        echo_json(
            {
                "termin": result.termin.termin_id,
                "personen": [{"kontakt_id": k.kontakt_id, "name": k.display_name} for k in result.people],
                "dateien": [str(p) for p in result.files],
                "hinweise": result.notes,
            }
        )
        return
    click.echo(f"{what} zu {result.termin.termin_id}: {len(result.people)}")
    for kontakt in result.people:
        click.echo(f"  {kontakt.kontakt_id}  {kontakt.display_name}")
    for note in result.notes:
        click.echo(f"Hinweis: {note}")
    for path in result.files:
        click.echo(f"Geschrieben: {path}")


@main.command("briefe")
@click.option("--termin", required=True, help="Termin-ID aus dem Tab »Termine«.")
@json_option
@dry_run_option
@click.pass_obj
def briefe(obj: CliContext, termin: str, as_json: bool, dry_run: bool) -> None:
    """Einladungsbriefe für Kontakte ohne E-Mail-Adresse, aber mit Postanschrift, als eine PDF-Datei.

    Ein Brief je Seite (DIN 5008, Form B, für Fensterumschläge), mit QR-Code und Telefonnummer zur
    Anmeldung. Nur Kontakte mit Einwilligung in Einladungen; jede Person bekommt je Termin höchstens einen
    Brief (Tab »Versand«, Art »Brief«, Status »gedruckt«).
    """
    from automation.services.post import letters

    result = letters(obj.folder, termin, dry_run=dry_run)
    _print(result, as_json, "Briefe (Probelauf)" if dry_run else "Neue Briefe")


@main.command("anrufliste")
@click.option("--termin", required=True, help="Termin-ID aus dem Tab »Termine«.")
@click.option(
    "--erledigt", multiple=True, metavar="KONTAKT-ID", help="Diese Person wurde angerufen (mehrfach möglich)."
)
@click.option(
    "--nicht-erreicht", "nicht_erreicht", multiple=True, metavar="KONTAKT-ID",
    help="Diese Person war nicht zu erreichen; sie kommt nicht wieder auf die Liste (mehrfach möglich).",
)  # fmt: skip
@json_option
@dry_run_option
@click.pass_obj
def anrufliste(
    obj: CliContext, termin: str, erledigt: tuple[str, ...], nicht_erreicht: tuple[str, ...], as_json: bool,
    dry_run: bool,
) -> None:  # fmt: skip
    """Anrufliste der Kontakte, die nur eine Telefonnummer haben (HTML, PDF und CSV in ausgabe/).

    Neue Personen bekommen im Tab »Versand« eine Zeile (Art »Anruf«, Status »anzurufen«) und stehen auf
    der Liste, bis sie mit --erledigt oder --nicht-erreicht (oder im Tab »Versand«) abgehakt sind.
    """
    from automation.services.post import call_list

    result = call_list(obj.folder, termin, dry_run=dry_run, done=erledigt, not_reached=nicht_erreicht)
    _print(result, as_json, "Anzurufen")
