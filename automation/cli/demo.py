"""``gespraechsrunde demo ZIEL``: a realistic, invented workspace to try everything without real data."""

from __future__ import annotations

from pathlib import Path

import click

from automation.cli.app import main
from automation.domain.errors import ConfigError


@main.command("demo")
@click.argument("ziel", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--seed", type=int, default=7, show_default=True, help="Startwert des Zufalls: gleicher Wert, gleiche Daten."
)
@click.option(
    "--ueberschreiben",
    is_flag=True,
    help="Einen nicht leeren Ordner trotzdem verwenden (Beispieldateien werden ersetzt).",
)
def demo(ziel: Path, seed: int, ueberschreiben: bool) -> None:
    """Legt in ZIEL einen Beispiel-Arbeitsordner mit erfundenen Daten an.

    Drei erfundene Nachbarkommunen, rund 25 Vereine mit Angeboten, zwei Termine (einer offen für
    Anmeldungen), 150 Kontakte und Formularantworten als CSV – mit typischen Tippfehlern, damit
    »pruefen« und »sync« etwas zu tun haben. Nachrichten landen nur als Dateien im Ordner »ausgang«.
    """
    if ziel.exists() and not ziel.is_dir():
        raise ConfigError(f"»{ziel}« ist eine Datei, kein Ordner. Bitte einen Ordner angeben.")
    if ziel.is_dir() and any(ziel.iterdir()) and not ueberschreiben:
        raise ConfigError(
            f"Der Ordner »{ziel}« ist nicht leer. Bitte einen neuen oder leeren Ordner angeben, "
            "oder mit --ueberschreiben die Beispieldateien darin ersetzen."
        )
    from automation.services.demo import create_demo  # imported here: only this command needs it

    summary = create_demo(ziel, seed=seed)
    for line in summary.lines():
        click.echo(line)
    click.echo("")
    click.echo("Nächste Schritte:")
    click.echo(f"  gespraechsrunde -C {ziel} pruefen   # zeigt, was in den Tabellen auffällt")
    click.echo(f"  gespraechsrunde -C {ziel} sync      # übernimmt die Antworten aus {ziel / 'antworten'}")
