"""``gespraechsrunde terminvorschlag``: dates when many multilocals are in town, without holidays."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from automation.cli.app import CliContext, dry_run_option, echo_json, json_option, main

if TYPE_CHECKING:  # click is generic only from 8.2 on
    _ParamType = click.ParamType[dt.date]
else:
    _ParamType = click.ParamType


class _Date(_ParamType):
    """A day as people write it: 01.03.2027, 1.3.27 or 2027-03-01."""

    name = "datum"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        for pattern in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"):
            try:
                return dt.datetime.strptime(str(value).strip(), pattern).date()
            except ValueError:
                continue
        self.fail(f"»{value}« ist kein Datum; bitte z. B. 01.03.2027 schreiben.", param, ctx)


_DATE = _Date()


@main.command("terminvorschlag")
@click.option("--von", required=True, metavar="DATUM", type=_DATE, help="Erster möglicher Tag (z. B. 01.03.2027).")
@click.option("--bis", required=True, metavar="DATUM", type=_DATE, help="Letzter möglicher Tag (z. B. 30.06.2027).")
@click.option("--anzahl", type=click.IntRange(min=1), default=10, show_default=True, help="So viele Vorschläge zeigen.")
@json_option
@dry_run_option
@click.pass_obj
def terminvorschlag(obj: CliContext, von: dt.date, bis: dt.date, anzahl: int, as_json: bool, dry_run: bool) -> None:
    """Termine vorschlagen, an denen viele Multilokale vor Ort sind.

    Nimmt die Wochentage und Zeiten aus [terminvorschlag], lässt Feiertage und Schulferien der Länder der
    beteiligten Kommunen ([kommunen]) aus und ordnet die übrigen Tage danach, wie viele Kontakte laut
    »Anwesenheit« vor Ort sind (Incomings und Outgoings zählen dreifach). Schreibt den Tab
    »Terminvorschläge«.
    """
    from automation.services.terminvorschlag import as_json as to_json
    from automation.services.terminvorschlag import run

    suggestion, written = run(obj.folder, von, bis, dry_run=dry_run)
    if as_json:
        echo_json(to_json(suggestion))
        return
    result = suggestion.result
    click.echo(f"Terminvorschläge {von:%d.%m.%Y} bis {bis:%d.%m.%Y} ({len(result.suggested)} mögliche Tage):")
    for c in result.suggested[:anzahl]:
        zeit = f" {c.beginn:%H:%M}–{c.ende:%H:%M}" if c.beginn and c.ende else ""
        click.echo(f"  {c.rang:>2}. {c.weekday:<10} {c.datum:%d.%m.%Y}{zeit}  {round(c.punkte)} Punkte: {c.reason()}")
    if result.excluded:
        click.echo(f"Ausgeschlossen ({len(result.excluded)}):")
        for c in result.excluded:
            click.echo(f"  {c.weekday:<10} {c.datum:%d.%m.%Y}: {c.reason()}")
    for note in suggestion.notes:
        click.echo(f"Hinweis: {note}")
    if written:
        click.echo(f"Tab »Terminvorschläge«: {written} Zeilen geschrieben.")
