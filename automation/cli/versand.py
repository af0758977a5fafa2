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
@click.pass_obj
def wiederholen(obj: CliContext, schluessel: str, dry_run: bool, as_json: bool) -> None:
    """Eine Nachricht bewusst erneut senden (Status »unklar«, »fehlgeschlagen« oder »geplant«).

    SCHLÜSSEL steht in »Versand«, Spalte »Schlüssel«, z. B. »Einladung|T-2027-1|K-ABCD1234«
    (in Anführungszeichen, wegen der senkrechten Striche).
    """
    from automation.services.mail.commands import resend

    echo_outcome(resend(obj.ordner, schluessel, dry_run=dry_run), as_json)
