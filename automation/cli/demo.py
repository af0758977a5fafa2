"""``gespraechsrunde demo ZIEL``: a realistic, invented workspace to try everything without real data."""

from __future__ import annotations

from pathlib import Path

import click

from automation.cli.app import main
from automation.domain.errors import ConfigError

# What a demo run and the job leave in a demo folder besides the demo's own files.
_DEMO_LEFTOVERS = ("ausgang", "ausgabe", ".versand-journal.jsonl", ".versand-stand.json", ".gespraechsrunde.lock")


def is_demo_folder(folder: Path) -> bool:
    """A folder made by ``demo`` (its LIESMICH.txt says so) — never a real workspace."""
    marker = folder / "LIESMICH.txt"
    try:
        return (folder / "gespraechsrunde.toml").is_file() and marker.read_text("utf-8").startswith(
            "Beispiel-Arbeitsordner der Gesprächsrunde"
        )
    except (OSError, UnicodeDecodeError):
        return False


def reset_demo_folder(folder: Path) -> None:
    """Remove what the job wrote into a demo folder (sent messages, printouts), so it starts afresh."""
    import shutil

    for name in _DEMO_LEFTOVERS:
        path = folder / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


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
    if ziel.is_dir() and is_demo_folder(ziel):
        reset_demo_folder(ziel)  # a second run of the README's first command starts the demo afresh
        click.echo(f"Der Beispielordner »{ziel}« wird neu angelegt.")
    elif ziel.is_dir() and any(ziel.iterdir()) and not ueberschreiben:
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
