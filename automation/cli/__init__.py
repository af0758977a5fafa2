"""Command line ``gespraechsrunde``: each command in its own module, registered here."""

from automation.cli import einladen, versand, vorlagen  # noqa: F401  (registers the commands)
from automation.cli.app import main

__all__ = ["main"]
