"""Command line ``gespraechsrunde``: each command in its own module, registered here."""

from automation.cli.app import main

__all__ = ["main"]
