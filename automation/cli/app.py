"""The click group ``gespraechsrunde`` and what every command shares.

Commands live in their own modules in this package and stay thin: they open the workspace, call one
function of the library and print its result. Domain errors become one German line and an exit code.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from automation import __version__
from automation.cli import deutsch
from automation.domain.errors import COULD_NOT_RUN, GespraechsrundeError

F = TypeVar("F", bound=Callable[..., Any])

deutsch.install()


@dataclass
class CliContext:
    """Options of the group, handed to every command."""

    folder: Path
    verbose: bool = False


class _Command(click.Command):
    """A command with German placeholders in its usage line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPTIONEN]")
        super().__init__(*args, **kwargs)


class _Group(click.Group):
    """Turns domain errors into one German message instead of a traceback."""

    command_class = _Command
    group_class = type

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPTIONEN]")
        kwargs.setdefault("subcommand_metavar", "BEFEHL [ARGUMENTE]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GespraechsrundeError as exc:
            click.echo(f"Fehler: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # a defect: one German line (the traceback only with -v), exit "could not run"
            verbose = isinstance(ctx.obj, CliContext) and ctx.obj.verbose
            if verbose:
                logging.getLogger("gespraechsrunde").exception("Unerwarteter Fehler")
            click.echo(
                f"Fehler: Der Lauf ist unerwartet abgebrochen ({type(exc).__name__}). Was bis dahin "
                "gespeichert war, bleibt erhalten; ein neuer Lauf macht dort weiter. Mit »-v« erscheinen die "
                "Einzelheiten für eine Fehlermeldung an die Entwickler.",
                err=True,
            )
            ctx.exit(COULD_NOT_RUN)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default="aktueller Ordner",
    help="Arbeitsordner mit gespraechsrunde.toml.",
)
@click.option("-v", "--verbose", is_flag=True, help="Mehr Protokollzeilen ausgeben.")
@click.version_option(__version__, "--version", message="gespraechsrunde %(version)s")
@click.pass_context
def main(ctx: click.Context, folder: Path, verbose: bool) -> None:
    """Gesprächsrunden für Multilokale: Anmeldungen abgleichen, einladen, Tischplan erstellen.

    Jeder Befehl arbeitet in einem Arbeitsordner (Voreinstellung: der aktuelle Ordner, anders mit -C).
    Einen Beispiel-Arbeitsordner legt »gespraechsrunde demo ZIEL« an.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    from automation.domain.addresses import MaskAddresses

    for handler in logging.getLogger().handlers:  # log lines never carry an e-mail address
        if not any(isinstance(f, MaskAddresses) for f in handler.filters):
            handler.addFilter(MaskAddresses())
    ctx.obj = CliContext(folder=folder, verbose=verbose)


def json_option(func: F) -> F:
    """``--json``: print the result as JSON instead of text."""
    return click.option("--json", "as_json", is_flag=True, help="Ergebnis als JSON ausgeben.")(func)


def dry_run_option(func: F) -> F:
    """``--dry-run``: show what would happen and change nothing."""
    return click.option("--dry-run", is_flag=True, help="Nur zeigen, was geschähe; nichts schreiben oder senden.")(func)


def echo_json(data: Any) -> None:
    """Print data as indented JSON (German umlauts unescaped)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def is_terminal() -> bool:
    """True when a person watches (progress bars), False under cron or in a pipe."""
    return sys.stderr.isatty()


def confirmed_by_person(question: str) -> bool:
    """A German yes/no question: only ``j`` or ``ja`` mean yes (default: no)."""
    answer = click.prompt(f"{question} [j/N]", default="", show_default=False, prompt_suffix=" ")
    return str(answer).strip().casefold() in ("j", "ja")
