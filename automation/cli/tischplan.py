"""``gespraechsrunde tischplan``: plan tables for the Markt der Möglichkeiten."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from automation.cli.app import CliContext, dry_run_option, is_terminal, main
from automation.domain.errors import ConfigError

if TYPE_CHECKING:  # the solver (and scipy) is imported only when this command runs
    from automation.domain.tischplan import Ergebnis, Instanz

log = logging.getLogger(__name__)


def _percent(wert: float) -> str:
    return f"{100 * wert:.1f} %".replace(".", ",")


def summary_lines(instanz: Instanz, ergebnis: Ergebnis) -> list[str]:
    """The German summary lines: quality as ratio to the bounds, then notes."""
    k = ergebnis.plan.kennzahlen
    s = ergebnis.schranken
    zeilen = [
        f"Tischplan: {len(instanz.teilnehmende)} Teilnehmende, {len(instanz.tische)} Tische, {instanz.runden} Runden.",
        f"  Interessen abgedeckt:       {k.interessen_abgedeckt} von höchstens {k.interessen_schranke} "
        f"({_percent(ergebnis.abdeckung_quote)} der Schranke)",
        *(
            [
                f"    (Schranke genau berechnet: die einfache Abschätzung wäre {s.abdeckung_lp}, aber mehr als "
                f"{s.abdeckung} sind bei dieser Vereinsverteilung nicht möglich.)"
            ]
            if s.abdeckung_lp is not None
            else []
        ),
        f"  Wiederholte Begegnungen:    {k.wiederholungen} (mindestens {s.wiederholungen})",
        f"  Fehlende Gruppen an Tischen: {k.fehlende_gruppen} (mindestens {s.fehlende_gruppen})",
        f"  Gemeinde-Überschuss:        {k.gemeinde_ueberschuss} (mindestens {s.gemeinde})",
        f"  Verletzte Pflichtregeln:    {k.verletzungen}",
    ]
    from automation.domain.tischplan.kennzahlen import themen_passung

    gleich, paare = themen_passung(instanz, ergebnis.plan)
    if paare:
        zeilen.insert(-1, f"  Gleiches Thema am Tisch:    {gleich} von {paare} Vereinspaaren")
    zeilen.extend(f"Hinweis: {h}" for h in ergebnis.hinweise)
    return zeilen


def _progress_on_terminal(fraction: float, covered: int, bound: int, repeats: int) -> None:
    quote = _percent(covered / bound) if bound else "–"
    sys.stderr.write(
        f"\rTischplan wird optimiert: {int(100 * fraction):3d} % · Interessen {covered}/{bound} ({quote}) · "
        f"Wiederholungen {repeats}   "
    )
    sys.stderr.flush()


class _ProgressLog:
    """Quiet log lines (every quarter of the time) when nobody watches a terminal."""

    def __init__(self) -> None:
        self.naechste = 0.25

    def __call__(self, fraction: float, covered: int, bound: int, repeats: int) -> None:
        if fraction >= self.naechste:
            self.naechste += 0.25
            log.info(
                "Tischplan %d %%: Interessen %d/%d, Wiederholungen %d",
                100 * fraction,
                covered,
                bound,
                repeats,
            )


@main.command("tischplan")
@click.option(
    "--instanz",
    "instanz_datei",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Eigenständige Instanz als JSON-Datei (Format siehe docs/tischplan.md).",
)
@click.option(
    "--termin",
    help="Termin-ID: die Instanz aus dem Arbeitsordner bilden (Anmeldungen, Vereine, Kontakte); schreibt "
    "Plan und Druckfassung nach ausgabe/ und die Zeilen des Termins in die Tabelle »Tischplan«.",
)
@click.option(
    "--json",
    "json_datei",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Den Plan als JSON-Datei hierhin schreiben.",
)
@click.option(
    "--html",
    "html_datei",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Druckfassung (Übersicht, Tischschilder, Laufkarten, Lotsen-Briefings) als HTML-Datei.",
)
@click.option(
    "--sekunden",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Rechenzeit für die Optimierung in Sekunden (Voreinstellung: 10, mit --termin der Wert "
    "»tischplan.sekunden« aus gespraechsrunde.toml).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Startwert des Zufalls (gleicher Seed, gleicher Lauf).",
)
@dry_run_option
@click.pass_obj
def tischplan(
    obj: CliContext,
    instanz_datei: Path | None,
    termin: str | None,
    json_datei: Path | None,
    html_datei: Path | None,
    sekunden: float | None,
    seed: int,
    dry_run: bool,
) -> None:
    """Tischplan für den Markt der Möglichkeiten erstellen.

    Verteilt die Vereine auf die Tische und die Teilnehmenden je Runde auf die Tische, hält alle
    Pflichtregeln ein und zeigt die Qualität im Verhältnis zur bestmöglichen Schranke. Ist die Instanz
    unlösbar, nennt der Befehl die Ursache, endet mit Code 1 und schreibt keinen Plan.
    """
    from automation.services import tischplan as service

    if termin is not None and instanz_datei is not None:
        raise ConfigError("Bitte entweder --instanz DATEI oder --termin ID angeben, nicht beides.")
    terminal = is_terminal()
    meldung = _progress_on_terminal if terminal else _ProgressLog()
    if termin is not None:
        ergebnis = service.plan_date(
            obj.ordner, termin, seconds=sekunden, seed=seed, dry_run=dry_run, progress=meldung,
            json_file=json_datei, html_file=html_datei,
        )  # fmt: skip
    elif instanz_datei is not None:
        from automation.domain.tischplan import lies_instanz

        instanz = lies_instanz(instanz_datei.read_text(encoding="utf-8"))
        log.info("Tischplan: %d Teilnehmende, %s Sekunden", len(instanz.teilnehmende), sekunden or 10)
        ergebnis = service.plan_instance(instanz, seconds=sekunden or 10.0, seed=seed, progress=meldung)
        if not dry_run:
            service.write_outputs(ergebnis, json_datei, html_datei)
    else:
        raise ConfigError("Bitte --instanz DATEI oder --termin ID angeben.")
    if terminal:
        sys.stderr.write("\n")
    if dry_run:
        click.echo("Probelauf (nichts geschrieben):")
    for zeile in summary_lines(ergebnis.instanz, ergebnis.ergebnis):
        click.echo(zeile)
    for datei in ergebnis.written:
        art = {".json": "Plan", ".pdf": "PDF zum Drucken"}.get(datei.suffix, "Druckfassung")
        click.echo(f"{art} geschrieben: {datei}")
    if ergebnis.pdf_problem:
        click.echo(f"Kein PDF: {ergebnis.pdf_problem}")
    if ergebnis.rows:
        click.echo(f"Tabelle »Tischplan«: {ergebnis.rows} Zeilen für Termin {(termin or '').strip()} geschrieben.")
