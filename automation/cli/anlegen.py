"""``gespraechsrunde anlegen ORDNER``: a new, real workspace; asks what it needs (or takes it as options)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from automation.cli.app import main
from automation.domain.errors import ConfigError


def can_ask() -> bool:
    """Whether a person can answer questions (a terminal), not cron or a script."""
    return sys.stdin.isatty()


def _ask(value: str | None, prompt: str, option: str, *, default: str | None = None, required: bool = True) -> str:
    if value is not None:
        return value
    if not can_ask():
        if default is not None or not required:
            return default or ""
        raise ConfigError(f"{prompt}: bitte mit {option} angeben (ohne Terminal wird nicht nachgefragt).")
    answer: str = click.prompt(
        prompt, default=default if default is not None else ("" if not required else None), show_default=bool(default)
    )
    return answer


@main.command("anlegen")
@click.argument("ordner", type=click.Path(file_okay=False, path_type=Path))
@click.option("--titel", help="Titel der Gesprächsrunden, z. B. »Gesprächsrunde Adorf und Bergheim«.")
@click.option("--kommune", "kommunen", multiple=True, help="Beteiligte Kommune als »Name:Kürzel« (mehrfach möglich).")
@click.option("--bundesland", help="Bundesland als Kürzel (z. B. BY) – für Feiertage und Schulferien.")
@click.option("--absender-name", help="Name im Absender der E-Mails.")
@click.option("--absender-adresse", help="Absenderadresse der E-Mails (eine echte Adresse der Kommune).")
@click.option("--antwort-an", help="Antwortadresse (Reply-To), z. B. die der Koordination.")
@click.option("--kontakt-adresse", help="E-Mail der Koordination für Fragen und Absagen.")
@click.option("--speicher", type=click.Choice(["lokal", "google"]), help="»lokal« (Arbeitsmappe) oder »google«.")
@click.option("--tabelle", help="Nur bei »google«: ID der Google-Tabelle (zwischen /d/ und /edit).")
def anlegen(
    ordner: Path,
    titel: str | None,
    kommunen: tuple[str, ...],
    bundesland: str | None,
    absender_name: str | None,
    absender_adresse: str | None,
    antwort_an: str | None,
    kontakt_adresse: str | None,
    speicher: str | None,
    tabelle: str | None,
) -> None:
    """Legt in ORDNER einen neuen, echten Arbeitsordner an.

    Fragt nach Titel, Kommunen, Bundesland, Absender, Antwort- und Kontaktadresse und dem Speicher
    (alles auch als Optionen, für Skripte). Schreibt eine gespraechsrunde.toml, in der jede Einstellung
    auf Deutsch erklärt ist, und eine vorbereitete, leere Arbeitsmappe (beim Google-Speicher wird die
    Google-Tabelle eingerichtet). Platzhalter-Adressen werden nie eingetragen.
    """
    from automation.services.anlegen import NewWorkspace, create_workspace, parse_kommune, validate

    titel = _ask(titel, "Titel der Gesprächsrunden", "--titel")
    if not kommunen and can_ask():
        click.echo("Beteiligte Kommunen als »Name:Kürzel«, eine je Zeile; leere Zeile zum Beenden.")
        entered = []
        while text := click.prompt("Kommune", default="", show_default=False).strip():
            entered.append(text)
        kommunen = tuple(entered)
    answers = NewWorkspace(
        titel=titel,
        kommunen=[parse_kommune(k) for k in kommunen],
        bundesland=_ask(bundesland, "Bundesland (Kürzel, z. B. BY)", "--bundesland"),
        absender_name=_ask(absender_name, "Name im Absender", "--absender-name", default=titel),
        absender_adresse=_ask(absender_adresse, "Absenderadresse (E-Mail)", "--absender-adresse"),
        antwort_an=_ask(antwort_an, "Antwortadresse (leer: keine)", "--antwort-an", required=False) or None,
        kontakt_adresse=_ask(
            kontakt_adresse, "E-Mail der Koordination für Fragen (leer: Absender)", "--kontakt-adresse", required=False
        )
        or None,
        speicher=_ask(speicher, "Speicher (lokal oder google)", "--speicher", default="lokal"),
        tabelle=tabelle or "",
    )
    if answers.speicher == "google" and not answers.tabelle:
        answers.tabelle = _ask(None, "ID der Google-Tabelle", "--tabelle")
    created = create_workspace(ordner, validate(answers))
    for line in created.lines:
        click.echo(line)
    if answers.speicher == "google":
        _set_up_google(ordner)
    click.echo("")
    click.echo("Nächste Schritte:")
    click.echo(f"  1. Termine, Vereine und Angebote in die Arbeitsmappe eintragen ({ordner}).")
    click.echo(f"  2. gespraechsrunde -C {ordner} pruefen   # zeigt, was in den Tabellen auffällt")
    click.echo(f"  3. gespraechsrunde -C {ordner} sync      # übernimmt Anmeldungen und versendet Fälliges")


def _set_up_google(ordner: Path) -> None:
    """Run ``einrichten`` on the new Google spreadsheet; on failure say how to do it later."""
    from automation.domain.errors import GespraechsrundeError
    from automation.services.einrichten import set_up
    from automation.services.session import locked_workspace

    try:
        with locked_workspace(ordner) as workspace:
            lines = set_up(workspace.store(interactive=can_ask()))
        for line in lines:
            click.echo(line)
    except GespraechsrundeError as exc:
        click.echo(f"Die Google-Tabelle konnte noch nicht eingerichtet werden: {exc}")
        click.echo("Sobald der Zugang steht (Anleitung: docs/google-einrichtung.md), bitte ausführen:")
        click.echo(f"  gespraechsrunde -C {ordner} einrichten")
