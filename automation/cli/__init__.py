"""Command line ``gespraechsrunde``: each command in its own module, registered here."""

from automation.cli import (  # noqa: F401  (registers the commands)
    anlegen,
    auswertung,
    demo,
    einladen,
    einlass,
    einrichten,
    formulare,
    person,
    plakat,
    post,
    pruefen,
    status,
    sync,
    terminvorschlag,
    tischplan,
    versand,
    vorlagen,
)
from automation.cli.app import main

__all__ = ["main"]
