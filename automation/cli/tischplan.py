"""``gespraechsrunde tischplan``: plan tables for the Markt der Möglichkeiten."""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from automation.cli.app import CliContext, dry_run_option, is_terminal, main
from automation.dataset import Dataset
from automation.errors import ConfigError
from automation.lock import workspace_lock
from automation.records import TABS, TischplanZeile, headers
from automation.store.base import ChangeSet

if TYPE_CHECKING:  # the solver (and scipy) is imported only when this command runs
    from automation.tischplan import Ergebnis, Instanz
from automation.workspace import Workspace

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
    from automation.tischplan.kennzahlen import themen_passung

    gleich, paare = themen_passung(instanz, ergebnis.plan)
    if paare:
        zeilen.insert(-1, f"  Gleiches Thema am Tisch:    {gleich} von {paare} Vereinspaaren")
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
    from automation.tischplan import lies_instanz, plane
    from automation.tischplan.arbeitsordner import (
        ersetze_termin_zeilen,
        instanz_aus_arbeitsordner,
        tischplan_zeilen,
    )
    from automation.tischplan.ausgabe import plan_json

    if termin is not None and instanz_datei is not None:
        raise ConfigError("Bitte entweder --instanz DATEI oder --termin ID angeben, nicht beides.")
    if termin is None and instanz_datei is None:
        raise ConfigError("Bitte --instanz DATEI oder --termin ID angeben.")
    namen: dict[str, str] | None = None
    workspace: Workspace | None = None
    dataset: Dataset | None = None
    if termin is not None:
        workspace = Workspace.open(obj.ordner)
        dataset = Dataset.from_snapshot(workspace.store().read())
        dataset.schema.require(("Termine", "Vereine", "Kontakte", "Anmeldungen", "Tischplan"), "Der Tischplan")
        instanz, namen = instanz_aus_arbeitsordner(dataset, termin, workspace.settings.tischplan)
        if sekunden is None:
            sekunden = workspace.settings.tischplan.sekunden
        if not dry_run:
            ausgabe = workspace.folder / "ausgabe"
            datei = re.sub(r"[^A-Za-z0-9._-]+", "_", termin.strip())
            json_datei = json_datei or ausgabe / f"tischplan-{datei}.json"
            html_datei = html_datei or ausgabe / f"tischplan-{datei}.html"
    else:
        assert instanz_datei is not None
        instanz = lies_instanz(instanz_datei.read_text(encoding="utf-8"))
    if sekunden is None:
        sekunden = 10.0
    if dry_run:
        json_datei = html_datei = None
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

        _schreibe(html_datei, druckfassung(instanz, ergebnis.plan, namen))
    zeilen = 0
    if termin is not None and workspace is not None and dataset is not None and not dry_run:
        neu = tischplan_zeilen(termin.strip(), instanz, ergebnis.plan, namen or {})
        zeilen = len(neu)
        ersetze_termin_zeilen(dataset, termin.strip(), neu)
        with workspace_lock(workspace.folder):  # never at the same time as a sync writing the workbook
            store = workspace.store()
            store.ensure_tabs(dataset.schema.addable({spec.name: headers(spec.model) for spec in TABS}))
            ersetzt = [r for r in dataset.changes().replaces if r.tab == TischplanZeile.TAB]
            if ersetzt:
                store.apply(ChangeSet(replaces=ersetzt))
    if dry_run:
        click.echo("Probelauf (nichts geschrieben):")
    for zeile in zusammenfassung(instanz, ergebnis):
        click.echo(zeile)
    if json_datei is not None:
        click.echo(f"Plan geschrieben: {json_datei}")
    if html_datei is not None:
        click.echo(f"Druckfassung geschrieben: {html_datei}")
    if zeilen:
        click.echo(f"Tabelle »Tischplan«: {zeilen} Zeilen für Termin {termin.strip() if termin else ''} geschrieben.")
