"""``gespraechsrunde status``: where things stand, at a glance."""

from __future__ import annotations

import click

from automation.cli.app import CliContext, echo_json, json_option, main


@main.command("status")
@json_option
@click.option("--ohne-seite", is_flag=True, help="Keine Seite ausgabe/status.html schreiben.")
@click.pass_obj
def status(obj: CliContext, as_json: bool, ohne_seite: bool) -> None:
    """Zeigt den Stand je Termin: Plätze, Warteliste, Nachrichten, Hinweise, Tischplan.

    Je Termin: belegte und freie Plätze, Warteliste, Begleitpersonen, Tage bis zum Anmeldeschluss,
    Nachrichten (fällig, gesendet, fehlgeschlagen, unklar), ob der Tischplan aktuell ist, und wer sich
    angemeldet hat (nach Gruppe und Kommune). Dazu der letzte Abgleich, die Hinweise und Vereine,
    deren Angebote lange nicht aktualisiert wurden. Schreibt dasselbe mit Diagrammen nach
    ausgabe/status.html. Liest nur; ändert nichts an der Tabelle.
    """
    from automation.domain.status import run_time
    from automation.services.status import workspace_status

    result = workspace_status(obj.folder, page=not ohne_seite)
    if as_json:
        echo_json(result.report.as_json())
        return
    report = result.report
    run = report.letzter_lauf
    click.echo(
        f"Letzter Abgleich: {run_time(run['ende'])}, {run['ergebnis']}."
        if run
        else "Letzter Abgleich: noch keiner (gespraechsrunde sync)."
    )
    h = report.hinweise
    click.echo(f"Hinweise: {h['Fehler']} Fehler, {h['Warnung']} Warnungen, {h['Info']} Infos (Tab »Hinweise«).")
    for reason, count in report.nachrichten_zurueckgehalten.items():
        click.echo(f"Zurückgehalten: {count} × {reason}")
    if report.angebote_veraltet:
        stale = ", ".join(
            f"{name} ({f'seit {last:%d.%m.%Y}' if last else 'noch nie'})" for _, name, last in report.angebote_veraltet
        )
        click.echo(f"Angebote lange nicht aktualisiert: {stale}")
    for t in report.termine:
        click.echo("")
        click.echo(click.style(f"{t.termin_id} – {t.titel} am {t.datum:%d.%m.%Y} ({t.status})", bold=True))
        places = f"{t.belegt} von {t.plaetze} Plätzen belegt, {t.frei} frei" if t.plaetze else f"{t.belegt} angemeldet"
        click.echo(f"  {places}; Warteliste: {t.warteliste}; davon Begleitpersonen: {t.begleitungen}")
        if t.tage_bis_anmeldeschluss is not None:
            days = t.tage_bis_anmeldeschluss
            click.echo(
                "  Anmeldeschluss vorbei" if days < 0 else f"  Anmeldeschluss in {days} Tag{'' if days == 1 else 'en'}"
            )
        messages = ", ".join(f"{n} {what}" for what, n in sorted(t.nachrichten.items()) if n)
        click.echo(f"  Nachrichten: {messages or 'keine'}")
        click.echo(f"  Tischplan: {t.tischplan}")
        if t.gruppen:
            click.echo("  Gruppen: " + ", ".join(f"{g} {n}" for g, n in t.gruppen.items()))
            click.echo("  Kommunen: " + ", ".join(f"{k} {n}" for k, n in t.kommunen.items()))
    if result.page is not None:
        click.echo("")
        click.echo(f"Mit Diagrammen: {result.page}")
