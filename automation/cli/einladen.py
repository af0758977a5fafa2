"""``gespraechsrunde einladen --termin ID``: send the invitations for one date now."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from automation.cli.app import CliContext, dry_run_option, echo_json, is_terminal, json_option, main
from automation.domain.words import count

if TYPE_CHECKING:
    from automation.services.mail.commands import CommandOutcome


def echo_outcome(outcome: CommandOutcome, as_json: bool) -> None:
    """Print what a mail command did (shared by ``einladen`` and ``versand``)."""
    if as_json:
        echo_json(outcome.as_dict())
    else:
        verb = "würde senden" if outcome.context.dry_run else "gesendet"
        for item in outcome.prepared:
            state = verb if outcome.context.dry_run else item.row.status
            click.echo(f"{item.due.art.value:<12} {item.row.adresse or '':<40} {state}")
        for line in outcome.context.report.lines:
            if not line.startswith("Würde senden"):
                click.echo(line, err=True)
        for finding in outcome.context.report.findings:
            where = ", ".join(
                p
                for p in (
                    finding.tabelle,
                    f"Zeile {finding.zeile}" if finding.zeile else "",
                    finding.id or "",
                    f"Spalte {finding.spalte}" if finding.spalte else "",
                )
                if p
            )
            click.echo(f"{finding.schwere}: {where}: {finding.hinweis} {finding.vorschlag or ''}".rstrip(), err=True)
        s = outcome.summary
        if outcome.context.dry_run:
            n = len(outcome.prepared)
            verb = "würde" if n == 1 else "würden"
            click.echo(f"Probelauf: {count(n, 'Nachricht', 'Nachrichten')} {verb} gesendet; nichts wurde gesendet.")
        else:
            click.echo(f"Gesendet: {s.sent}, fehlgeschlagen: {s.failed}, unklar: {s.unclear}, wartend: {s.waiting}.")
        if s.held:
            click.echo(f"Zurückgehalten (Adresse zweifelhaft, siehe Hinweise): {s.held}.")
    s = outcome.summary
    if s.failed or s.unclear or s.stopped or outcome.context.report.errors:
        raise SystemExit(1)


@main.command("einladen")
@click.option("--termin", "termin_id", required=True, help="Termin-ID aus der Tabelle »Termine«.")
@dry_run_option
@json_option
@click.pass_obj
def einladen(obj: CliContext, termin_id: str, dry_run: bool, as_json: bool) -> None:
    """Einladungen zu einem Termin freigeben und senden.

    »sync« versendet nie von selbst Einladungen: erst dieser Befehl gibt sie frei. Eingeladen wird, wer
    in Einladungen eingewilligt hat, nicht abgemeldet ist, zu diesem Termin noch keine Einladung bekam
    und nicht angemeldet ist. Erst mit --dry-run prüfen, wer was bekäme; was über das Tageslimit
    hinausgeht, versendet »sync« in den nächsten Läufen. Später Hinzugekommene lädt ein erneuter
    Aufruf ein.
    """
    from automation.services.mail.commands import invite

    outcome = invite(obj.folder, termin_id, dry_run=dry_run, interactive=is_terminal() and not as_json)
    echo_outcome(outcome, as_json)
