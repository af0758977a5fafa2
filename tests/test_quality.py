"""The code stays typed and clean: ruff and mypy (strict) pass on the whole project."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "automation", "tests", "benchmarks"],
        ["ruff", "format", "--check", "automation", "tests", "benchmarks"],
    ],
    ids=["ruff-check", "ruff-format"],
)
def test_ruff(command: list[str]) -> None:
    executable = shutil.which("ruff") or pytest.fail("ruff fehlt: pip install -e '.[test]'")
    done = subprocess.run([executable, *command[1:]], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
