"""``gespraechsrunde versand …``: the sending ledger (``wiederholen SCHLÜSSEL`` resends on purpose)."""

from __future__ import annotations

import click

from automation.cli.app import CliContext, dry_run_option, json_option, main
from automation.cli.einladen import echo_outcome


@main.group("versand")
def versand() -> None:
    """Versand von Nachrichten (Tabelle »Versand«)."""


@versand.command("wiederholen")
@click.argument("schluessel", metavar="SCHLÜSSEL")
@dry_run_option
@json_option
@click.option(
    "--auch-gesendet",
    "also_sent",
    is_flag=True,
    help="Auch eine schon gesendete Nachricht noch einmal senden (z. B. eine verlorene Bestätigung); fragt nach.",
)
@click.option("--ja", "confirmed", is_flag=True, help="Ohne Rückfrage (mit --auch-gesendet).")
@click.pass_obj
def wiederholen(
    obj: CliContext, schluessel: str, dry_run: bool, as_json: bool, also_sent: bool, confirmed: bool
) -> None:
    """Eine Nachricht bewusst erneut senden (Status »unklar«, »fehlgeschlagen« oder »geplant«).

    SCHLÜSSEL steht in »Versand«, Spalte »Schlüssel«, z. B. »Einladung|T-2027-1|K-ABCD1234«
    (in Anführungszeichen, wegen der senkrechten Striche). Mit --auch-gesendet auch eine Nachricht mit
    Status »gesendet«, die nicht angekommen ist – nach einer Rückfrage. Die Einwilligung wird immer geprüft.
    """
    from automation.cli.app import confirmed_by_person
    from automation.services.mail.commands import resend

    if also_sent and not dry_run and not confirmed:
        question = f"{schluessel}: auch wenn sie schon gesendet wurde, noch einmal senden?"
        if not confirmed_by_person(question):
            click.echo("Nichts gesendet.")
            return
    echo_outcome(resend(obj.folder, schluessel, dry_run=dry_run, also_sent=also_sent), as_json)
