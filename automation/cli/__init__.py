"""Command line ``gespraechsrunde``: each command in its own module, registered here."""

from automation.cli import tischplan  # noqa: F401
from automation.cli.app import main

__all__ = ["main"]
