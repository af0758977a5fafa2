"""Command line ``gespraechsrunde``: each command in its own module, registered here."""

from automation.cli import einrichten, formulare, person, pruefen, sync, tischplan  # noqa: F401  (registers them)
from automation.cli.app import main

__all__ = ["main"]
