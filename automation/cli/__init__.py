"""Command line ``gespraechsrunde``: each command in its own module, registered here."""

from automation.cli import (  # noqa: F401  (registers the commands)
    anlegen,
    demo,
    einladen,
    einrichten,
    formulare,
    person,
    pruefen,
    status,
    sync,
    tischplan,
    versand,
    vorlagen,
)
from automation.cli.app import main

__all__ = ["main"]
