"""``gespraechsrunde tischplan``: plan tables for the Markt der Möglichkeiten."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

import click

from automation.cli.app import is_terminal, main
from automation.errors import ConfigError
from automation.tischplan import Ergebnis, Instanz, lies_instanz, plane
from automation.tischplan.ausgabe import plan_json

log = logging.getLogger(__name__)


def _schreibe(ziel: Path, text: str) -> None:
    """Write atomically: a half-written plan must never be left behind."""
    ziel.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=ziel.parent, prefix=f".{ziel.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, ziel)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prozent(wert: float) -> str:
    return f"{100 * wert:.1f} %".replace(".", ",")


def zusammenfassung(instanz: Instanz, ergebnis: Ergebnis) -> list[str]:
    """The German summary lines: quality as ratio to the bounds, then notes."""
    k = ergebnis.plan.kennzahlen
    s = ergebnis.schranken
    zeilen = [
        f"Tischplan: {len(instanz.teilnehmende)} Teilnehmende, {len(instanz.tische)} Tische, {instanz.runden} Runden.",
        f"  Interessen abgedeckt:       {k.interessen_abgedeckt} von höchstens {k.interessen_schranke} "
        f"({_prozent(ergebnis.abdeckung_quote)} der Schranke)",
        f"  Wiederholte Begegnungen:    {k.wiederholungen} (mindestens {s.wiederholungen})",
        f"  Fehlende Gruppen an Tischen: {k.fehlende_gruppen} (mindestens {s.fehlende_gruppen})",
        f"  Gemeinde-Überschuss:        {k.gemeinde_ueberschuss} (mindestens {s.gemeinde})",
        f"  Verletzte Pflichtregeln:    {k.verletzungen}",
    ]
    zeilen.extend(f"Hinweis: {h}" for h in ergebnis.hinweise)
    return zeilen


def _meldung_fuer_terminal(fraction: float, covered: int, bound: int, repeats: int) -> None:
    quote = _prozent(covered / bound) if bound else "–"
    sys.stderr.write(
        f"\rTischplan wird optimiert: {int(100 * fraction):3d} % · Interessen {covered}/{bound} ({quote}) · "
        f"Wiederholungen {repeats}   "
    )
    sys.stderr.flush()


class _Protokoll:
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
    help="Eigenständige Instanz als JSON-Datei (Format siehe TISCHPLAN.md).",
)
@click.option("--termin", help="Termin-ID: die Instanz aus dem Arbeitsordner bilden (noch nicht verfügbar).")
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
    default=10.0,
    show_default=True,
    help="Rechenzeit für die Optimierung in Sekunden.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Startwert des Zufalls (gleicher Seed, gleicher Lauf).",
)
def tischplan(
    instanz_datei: Path | None,
    termin: str | None,
    json_datei: Path | None,
    html_datei: Path | None,
    sekunden: float,
    seed: int,
) -> None:
    """Tischplan für den Markt der Möglichkeiten erstellen.

    Verteilt die Vereine auf die Tische und die Teilnehmenden je Runde auf die Tische, hält alle
    Pflichtregeln ein und zeigt die Qualität im Verhältnis zur bestmöglichen Schranke. Ist die Instanz
    unlösbar, nennt der Befehl die Ursache, endet mit Code 1 und schreibt keinen Plan.
    """
    if termin is not None:
        raise ConfigError(
            "--termin ist noch nicht verfügbar: die Instanz aus dem Arbeitsordner folgt später. "
            "Bitte vorerst --instanz DATEI verwenden."
        )
    if instanz_datei is None:
        raise ConfigError("Bitte --instanz DATEI oder --termin ID angeben.")
    instanz = lies_instanz(instanz_datei.read_text(encoding="utf-8"))
    terminal = is_terminal()
    meldung = _meldung_fuer_terminal if terminal else _Protokoll()
    log.info("Tischplan: %d Teilnehmende, %d Sekunden", len(instanz.teilnehmende), sekunden)
    ergebnis = plane(instanz, seed=seed, sekunden=sekunden, meldung=meldung)
    if terminal:
        sys.stderr.write("\n")
    if json_datei is not None:
        _schreibe(json_datei, plan_json(ergebnis.plan))
    if html_datei is not None:
        from automation.tischplan.druck import druckfassung

        _schreibe(html_datei, druckfassung(instanz, ergebnis.plan))
    for zeile in zusammenfassung(instanz, ergebnis):
        click.echo(zeile)
    if json_datei is not None:
        click.echo(f"Plan geschrieben: {json_datei}")
    if html_datei is not None:
        click.echo(f"Druckfassung geschrieben: {html_datei}")
