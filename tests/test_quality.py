"""The code stays typed and clean: ruff and mypy (strict) pass on the whole project.

Both tools are found through the interpreter that runs the tests (``python -m ruff``, ``python -m mypy``),
never through ``PATH``: the README's test command does not activate the virtual environment.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(module: str) -> list[str]:
    """The command that runs ``module`` from the test interpreter's own environment."""
    if importlib.util.find_spec(module) is None:
        pytest.fail(f"{module} fehlt in {sys.executable}: pip install -e '.[test]'")
    return [sys.executable, "-m", module]


@pytest.mark.parametrize(
    "arguments",
    [
        ["check", "automation", "tests", "benchmarks"],
        ["format", "--check", "automation", "tests", "benchmarks"],
    ],
    ids=["ruff-check", "ruff-format"],
)
def test_ruff(arguments: list[str]) -> None:
    done = subprocess.run([*_tool("ruff"), *arguments], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict() -> None:
    done = subprocess.run([*_tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
