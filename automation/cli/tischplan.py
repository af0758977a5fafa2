"""``gespraechsrunde tischplan``: plan tables for the Markt der Möglichkeiten."""

from __future__ import annotations

import json
import logging
import math
import os
import re
import sys
import tempfile
import time
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
    from automation.tischplan import Instanz, Result
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


def _zahl(n: int, einzahl: str, mehrzahl: str) -> str:
    return f"{n} {einzahl if n == 1 else mehrzahl}"


def zusammenfassung(instanz: Instanz, ergebnis: Result) -> list[str]:
    """The plain German summary for the coordinator: what was met, who meets twice, notes."""
    from automation.tischplan.metrics import plain_figures, theme_fit

    k = ergebnis.plan.kennzahlen
    z = plain_figures(instanz, ergebnis.plan)
    zeilen = [
        f"Tischplan: {len(instanz.teilnehmende)} Teilnehmende, {len(instanz.tische)} Tische, {instanz.runden} Runden.",
    ]
    if z.wishes:
        offen = z.wishes - k.interessen_abgedeckt
        if offen == 0:
            zeilen.append(f"  Alle {z.wishes} Wünsche (Vereine, die jemand treffen möchte) sind erfüllt.")
        else:
            moeglich = k.interessen_schranke
            grund = (
                "mehr ist mit diesen Tischen, Plätzen und Runden nicht möglich"
                if k.interessen_abgedeckt >= moeglich
                else f"möglich wären bis zu {z.wishes - moeglich} weniger"
            )
            zeilen.append(
                f"  {k.interessen_abgedeckt} von {z.wishes} Wünschen sind erfüllt; "
                f"{_zahl(offen, 'Wunsch konnte', 'Wünsche konnten')} nicht erfüllt werden ({grund})."
            )
    if z.people_meeting_twice == 0:
        zeilen.append("  Niemand sitzt mit derselben Person zweimal am Tisch.")
    else:
        wie_oft = "zweimal" if z.most_meetings <= 2 else "mehr als einmal"
        zeilen.append(
            f"  {_zahl(z.people_meeting_twice, 'Person trifft', 'Personen treffen')} jemanden {wie_oft} "
            f"({_zahl(z.pairs_meeting_twice, 'Paar', 'Paare')})."
        )
    if z.groups > 1:
        if z.tables_missing_group == 0:
            zeilen.append("  An jedem Tisch sitzen alle Gruppen gemischt.")
        else:
            zeilen.append(
                f"  An {z.tables_missing_group} von {z.tables_used} besetzten Tischen (über alle Runden) fehlt "
                "mindestens eine Gruppe."
            )
    if instanz.gemeinde_max_pro_tisch is not None and z.tables_municipality_excess:
        zeilen.append(
            f"  An {z.tables_municipality_excess} Tischen (über alle Runden) sitzen mehr als "
            f"{instanz.gemeinde_max_pro_tisch} Personen aus derselben Kommune."
        )
    gleich, paare = theme_fit(instanz, ergebnis.plan)
    if paare:
        zeilen.append(f"  {gleich} von {paare} Vereinspaaren an einem Tisch haben dasselbe Thema.")
    if k.verletzungen:
        zeilen.append(f"  Achtung: {_zahl(k.verletzungen, 'Pflichtregel ist', 'Pflichtregeln sind')} verletzt.")
    else:
        zeilen.append("  Alle Pflichtregeln sind eingehalten.")
    if ergebnis.capped:
        zeilen.append(
            "Hinweis: Der Rechner war ausgelastet; die Zeit reichte nur für "
            f"{ergebnis.iterations_used} von {ergebnis.iterations} Rechenschritten. Ein Lauf auf einem "
            "ruhigen Rechner kann daher einen anderen (besseren) Plan ergeben; mehr --sekunden helfen."
        )
    zeilen.extend(f"Hinweis: {h}" for h in ergebnis.notes)
    return zeilen


def details(ergebnis: Result, laufzeit: dict[str, object]) -> list[str]:
    """Technical figures: each goal next to its bound, the iterations and where the time went."""
    k = ergebnis.plan.kennzahlen
    s = ergebnis.bounds
    zeilen = [
        "Details:",
        f"  Interessen abgedeckt:        {k.interessen_abgedeckt} von höchstens {k.interessen_schranke} "
        f"({_prozent(ergebnis.coverage_ratio)} der Schranke)",
    ]
    if s.coverage_lp is not None:
        zeilen.append(
            f"    (Schranke genau berechnet: die einfache Abschätzung wäre {s.coverage_lp}, aber mehr als "
            f"{s.coverage} sind bei dieser Vereinsverteilung nicht möglich.)"
        )
    zeilen += [
        f"  Wiederholte Begegnungen:     {k.wiederholungen} (mindestens {s.repeats})",
        f"  Fehlende Gruppen an Tischen: {k.fehlende_gruppen} (mindestens {s.absent_groups})",
        f"  Gemeinde-Überschuss:         {k.gemeinde_ueberschuss} (mindestens {s.municipality})",
        f"  Verletzte Pflichtregeln:     {k.verletzungen}",
        f"  Schritte der Suche:          {ergebnis.iterations_used} von {ergebnis.iterations} "
        + (
            "(Zeitgrenze erreicht: nicht genau wiederholbar)"
            if ergebnis.capped
            else f"(wiederholbar mit --seed {laufzeit['seed']} --sekunden {laufzeit['sekunden_vorgabe']} "
            f"--iterationen {ergebnis.iterations})"
        ),
    ]
    abschnitte = laufzeit["abschnitte_sekunden"]
    assert isinstance(abschnitte, dict)
    zeit = ", ".join(f"{name} {wert:.2f}".replace(".", ",") for name, wert in abschnitte.items())
    zeilen.append(f"  Zeit in Sekunden:            {zeit}")
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


def _prozessstart() -> float:
    """When this process started, as a ``time.perf_counter`` value (Linux: from /proc).

    In a process that has run for a while already (the command called from Python, e.g. in tests), or
    where /proc is missing, the command's own start counts.
    """
    jetzt = time.perf_counter()
    try:
        felder = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        start_ticks = int(felder[19])
        alter = time.clock_gettime(time.CLOCK_BOOTTIME) - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return jetzt
    return jetzt - alter if 0 <= alter < FRISCHER_PROZESS_SEKUNDEN else jetzt


FRISCHER_PROZESS_SEKUNDEN = 15.0
"""A process younger than this was started for this command: its start counts towards --sekunden."""
ANLAUF_SEKUNDEN = 0.9
"""Part of --sekunden not given to the solver: process start, reading the instance, writing the plan."""
ABSCHLUSS_SEKUNDEN = 0.25
"""Wall time kept after the solver's deadline for figures and files (the cap, not the budget)."""
TOLERANZ_SEKUNDEN = 0.5
"""The whole command finishes within --sekunden plus this."""


def _speicher_spitze_mb() -> float | None:
    """Peak memory of this process in MB (Linux: VmHWM, which starts afresh at program start)."""
    try:
        for zeile in Path("/proc/self/status").read_text().splitlines():
            if zeile.startswith("VmHWM:"):
                return round(int(zeile.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return None


def laufzeit_pfad(json_datei: Path) -> Path:
    """Where the time report lies next to the plan: ``plan.json`` → ``plan.laufzeit.json``."""
    return json_datei.with_name(json_datei.stem + ".laufzeit.json")


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
    help="Den Plan als JSON-Datei hierhin schreiben; daneben »NAME.laufzeit.json« mit Schritten, "
    "Schranken und der Zeit je Abschnitt.",
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
    help="Gesamtdauer des Befehls in Sekunden, Programmstart eingeschlossen (Voreinstellung: 10, mit "
    "--termin der Wert »tischplan.sekunden« aus gespraechsrunde.toml). Gleiche Instanz, gleicher Seed "
    "und gleiche Sekunden ergeben denselben Plan.",
)
@click.option(
    "--iterationen",
    type=click.IntRange(min=0),
    default=None,
    help="Schritte der Suche fest vorgeben (statt aus --sekunden berechnet); die Zeitgrenze gilt dann "
    "nicht, so wiederholt derselbe Aufruf einen Lauf genau, auch auf einem ausgelasteten Rechner. "
    "--details zeigt die Zahl eines Laufs.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Startwert des Zufalls (gleicher Seed, gleicher Lauf).",
)
@click.option(
    "--details",
    "mit_details",
    is_flag=True,
    help="Zusätzlich die technischen Kennzahlen zeigen: jedes Ziel neben seiner Schranke, Schritte, Zeit je Abschnitt.",
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
    iterationen: int | None,
    seed: int,
    mit_details: bool,
    dry_run: bool,
) -> None:
    """Tischplan für den Markt der Möglichkeiten erstellen.

    Verteilt die Vereine auf die Tische und die Teilnehmenden je Runde auf die Tische, hält alle
    Pflichtregeln ein und sagt in einfachen Worten, welche Wünsche offen bleiben und wer sich mehrfach
    trifft. Ist die Instanz unlösbar, nennt der Befehl die Ursache, endet mit Code 1 und schreibt keinen
    Plan.
    """
    prozessstart = _prozessstart()
    from automation.tischplan import read_instance, solve
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
        instanz = read_instance(instanz_datei.read_text(encoding="utf-8"))
    if sekunden is None:
        sekunden = 10.0
    if dry_run:
        json_datei = html_datei = None
    terminal = is_terminal()
    meldung = _meldung_fuer_terminal if terminal else _Protokoll()
    log.info("Tischplan: %d Teilnehmende, %s Sekunden", len(instanz.teilnehmende), sekunden)
    # the budget of the solver depends on --sekunden only (same seconds, same plan); the deadline on the
    # real clock is just the cap that keeps the whole command within --sekunden + 0.5 s
    loeser_sekunden = max(0.05, sekunden - ANLAUF_SEKUNDEN)
    frist = prozessstart + sekunden + TOLERANZ_SEKUNDEN - ABSCHLUSS_SEKUNDEN if iterationen is None else math.inf
    vorher = time.perf_counter()
    ergebnis = solve(
        instanz, seed=seed, iterations=iterationen, seconds=loeser_sekunden, deadline=frist, progress=meldung
    )
    if terminal:
        sys.stderr.write("\n")
    abschnitte = {"programmstart": round(vorher - prozessstart, 4), **ergebnis.timing}
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
            store.ensure_tabs({spec.name: headers(spec.model) for spec in TABS})
            ersetzt = [r for r in dataset.changes().replaces if r.tab == TischplanZeile.TAB]
            if ersetzt:
                store.apply(ChangeSet(replaces=ersetzt))
    abschnitte["ausgabe"] = round(time.perf_counter() - vorher - sum(ergebnis.timing.values()), 4)
    laufzeit = _laufzeit(ergebnis, seed, sekunden, abschnitte, prozessstart)
    if json_datei is not None:
        _schreibe(laufzeit_pfad(json_datei), json.dumps(laufzeit, ensure_ascii=False, indent=2) + "\n")
    if dry_run:
        click.echo("Probelauf (nichts geschrieben):")
    for zeile in zusammenfassung(instanz, ergebnis):
        click.echo(zeile)
    if mit_details:
        for zeile in details(ergebnis, laufzeit):
            click.echo(zeile)
    if json_datei is not None:
        click.echo(f"Plan geschrieben: {json_datei}")
    if html_datei is not None:
        click.echo(f"Druckfassung geschrieben: {html_datei}")
    if zeilen:
        click.echo(f"Tabelle »Tischplan«: {zeilen} Zeilen für Termin {termin.strip() if termin else ''} geschrieben.")


def _laufzeit(
    ergebnis: Result, seed: int, sekunden: float, abschnitte: dict[str, float], prozessstart: float
) -> dict[str, object]:
    """The time report (German keys): budget, iterations, bounds and seconds per phase."""
    s = ergebnis.bounds
    return {
        "sekunden_vorgabe": sekunden,
        "sekunden_gesamt": round(time.perf_counter() - prozessstart, 4),
        "seed": seed,
        "iterationen": ergebnis.iterations,
        "iterationen_genutzt": ergebnis.iterations_used,
        "zeitgrenze_erreicht": ergebnis.capped,
        "abschnitte_sekunden": abschnitte,
        "speicher_spitze_mb": _speicher_spitze_mb(),
        "schranken": {
            "interessen": s.coverage,
            "interessen_einfach": s.coverage_lp if s.coverage_lp is not None else s.coverage,
            "wiederholungen": s.repeats,
            "fehlende_gruppen": s.absent_groups,
            "gemeinde_ueberschuss": s.municipality,
        },
    }
