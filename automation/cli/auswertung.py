"""``gespraechsrunde auswertung --termin ID``: reports after the event; ``--senden`` sends them to the clubs."""

from __future__ import annotations

import click

from automation.cli.app import CliContext, dry_run_option, echo_json, is_terminal, json_option, main


@main.command("auswertung")
@click.option("--termin", "termin_id", required=True, help="Termin-ID aus der Tabelle »Termine«.")
@click.option("--ohne-pdf", is_flag=True, help="Nur HTML schreiben, keine PDF-Dateien (ohne Chromium).")
@click.option("--senden", is_flag=True, help="Die Berichte jetzt an die Vereine senden (Freigabe der Koordination).")
@dry_run_option
@json_option
@click.pass_obj
def auswertung(obj: CliContext, termin_id: str, ohne_pdf: bool, senden: bool, dry_run: bool, as_json: bool) -> None:
    """Auswertung eines Termins: Übersicht für die Koordination und ein Bericht je Verein.

    Schreibt ausgabe/auswertung-ID/uebersicht.html und verein-<Vereins-ID>.html, jeweils auch als PDF.
    Vereinsberichte zeigen nie Gruppen unter drei Personen. Mit --senden bekommt jeder teilnehmende
    Verein seinen Bericht als PDF per E-Mail (einmal je Verein und Termin); --dry-run zeigt nur, wer
    ihn bekäme. --json gibt die Zahlen im dokumentierten Format aus.
    """
    from automation.services.auswertung import as_json as figures_json
    from automation.services.auswertung import run_auswertung
    from automation.services.wiring import Workspace

    if senden and ohne_pdf:
        raise click.UsageError("--senden verschickt die PDF-Berichte und geht deshalb nicht mit --ohne-pdf.")
    workspace = Workspace.open(obj.folder)
    result = run_auswertung(workspace, termin_id, pdf=not ohne_pdf)
    if senden:
        from automation.cli.einladen import echo_outcome
        from automation.services.nachbereitung import send_club_reports

        if result.pdf_problem:
            raise click.ClickException(f"{result.pdf_problem} Ohne PDF werden keine Berichte gesendet.")
        outcome = send_club_reports(
            workspace.folder, result, dry_run=dry_run, interactive=is_terminal() and not as_json
        )
        echo_outcome(outcome, as_json)
        return
    if as_json:
        echo_json(figures_json(result))
    else:
        z = result.zahlen
        click.echo(
            f"{z.termin.termin_id}: {z.teilgenommen} teilgenommen, {z.nicht_erschienen} nicht erschienen, "
            f"{z.feedback_anzahl} Rückmeldungen, {len(z.vereine)} Vereine."
        )
        for path in result.files:
            click.echo(f"  {path.relative_to(workspace.folder)}")
    if result.pdf_problem:
        click.echo(f"Warnung: {result.pdf_problem}", err=True)
        raise SystemExit(1)
