"""Every command is documented: German help, options with help, listed in the README; every setting too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from automation.cli import main
from automation.domain.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "Show the version", "INTEGER", "FLOAT")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in group.commands.items():
        path = (*prefix, name)
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


COMMANDS = list(_commands(main))


def test_there_are_the_stable_commands() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    stable = {"demo", "einrichten", "formulare", "pruefen", "sync", "einladen", "tischplan"}
    assert stable <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_has_german_help_and_is_in_the_readme(path: tuple[str, ...], command: click.Command) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert command.help and len(command.help) > 20
    for english in ENGLISH:
        assert english not in result.output, f"englischer Text »{english}« in der Hilfe von {' '.join(path)}"
    assert "Aufruf:" in result.output
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"Option {param.opts} von {' '.join(path)} hat keine Hilfe"
    if not isinstance(command, click.Group):
        assert f"gespraechsrunde {' '.join(path)}" in README, f"»gespraechsrunde {' '.join(path)}« fehlt im README"


def _setting_names(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _setting_names(annotation, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}"


@pytest.mark.parametrize("name", list(_setting_names(Settings)))
def test_every_setting_is_documented(name: str) -> None:
    assert f"`{name}`" in README, f"Einstellung {name} fehlt in der Tabelle im README"


def test_readme_has_the_two_commands_and_ci_runs_the_second() -> None:
    blocks = re.findall(r"```sh\n(.+?)\n```", README)
    assert len(blocks) >= 2
    run_job, run_tests = blocks[0], blocks[1]
    assert "gespraechsrunde demo" in run_job and "sync" in run_job
    assert "pytest" in run_tests
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert run_tests in ci
