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
    from automation.domain.tischplan import Instanz, Result

log = logging.getLogger(__name__)


def _percent(wert: float) -> str:
    return f"{100 * wert:.1f} %".replace(".", ",")


def _zahl(n: int, einzahl: str, mehrzahl: str) -> str:
    return f"{n} {einzahl if n == 1 else mehrzahl}"


def summary_lines(instanz: Instanz, ergebnis: Result) -> list[str]:
    """The plain German summary for the coordinator: what was met, who meets twice, notes."""
    from automation.domain.tischplan.metrics import plain_figures, theme_fit

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
        f"({_percent(ergebnis.coverage_ratio)} der Schranke)",
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
    from automation.adapters.process import process_start

    started = process_start()
    from automation.services import tischplan as service

    if termin is not None and instanz_datei is not None:
        raise ConfigError("Bitte entweder --instanz DATEI oder --termin ID angeben, nicht beides.")
    terminal = is_terminal()
    meldung = _progress_on_terminal if terminal else _ProgressLog()
    if termin is not None:
        ergebnis = service.plan_date(
            obj.folder, termin, seconds=sekunden, seed=seed, dry_run=dry_run, progress=meldung,
            json_file=json_datei, html_file=html_datei, iterations=iterationen, started=started,
        )  # fmt: skip
    elif instanz_datei is not None:
        from automation.domain.tischplan import read_instance

        instanz = read_instance(instanz_datei.read_text(encoding="utf-8"))
        ergebnis = service.plan_instance(
            instanz, seconds=sekunden, seed=seed, progress=meldung, iterations=iterationen, started=started
        )
        service.save_instance_plan(ergebnis, json_datei, html_datei, dry_run=dry_run)
    else:
        raise ConfigError("Bitte --instanz DATEI oder --termin ID angeben.")
    if terminal:
        sys.stderr.write("\n")
    if dry_run:
        click.echo("Probelauf (nichts geschrieben):")
    for zeile in summary_lines(ergebnis.instanz, ergebnis.ergebnis):
        click.echo(zeile)
    if mit_details:
        for zeile in details(ergebnis.ergebnis, ergebnis.time_report):
            click.echo(zeile)
    for datei in ergebnis.written:
        art = {".json": "Plan", ".pdf": "PDF zum Drucken"}.get(datei.suffix, "Druckfassung")
        click.echo(f"{art} geschrieben: {datei}")
    if ergebnis.pdf_problem:
        click.echo(f"Kein PDF: {ergebnis.pdf_problem}")
    if ergebnis.rows:
        click.echo(f"Tabelle »Tischplan«: {ergebnis.rows} Zeilen für Termin {(termin or '').strip()} geschrieben.")
