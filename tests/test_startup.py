"""Fast start: ``--help`` imports no heavy library, and a sync on the local store never loads the solver
(scipy) or the Google client libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HEAVY = ("pydantic", "openpyxl", "scipy", "numpy", "googleapiclient", "gspread", "google.auth", "jinja2", "icalendar",
         "phonenumbers", "email_validator", "yaml", "requests")  # fmt: skip
GOOGLE_AND_SOLVER = (
    "scipy",
    "googleapiclient",
    "gspread",
    "google.auth",
    "httplib2",
    "automation.domain.tischplan.solver",
)


def _modules_after(code: str, cwd: Path) -> set[str]:
    probe = textwrap.dedent(code) + "\nimport json, sys\nprint('MODULE-LIST' + json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    line = next((x for x in done.stdout.splitlines() if x.startswith("MODULE-LIST")), None)
    assert line is not None, done.stdout + done.stderr
    return set(json.loads(line.removeprefix("MODULE-LIST")))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if n in modules or any(m.startswith(n + ".") for m in modules))


def test_help_imports_no_heavy_library(tmp_path: Path) -> None:
    modules = _modules_after(
        """
        from automation.cli import main
        try:
            main(["--help"])
        except SystemExit:
            pass
        """,
        tmp_path,
    )
    assert "automation.cli.sync" in modules  # every command was registered, with its help
    assert _loaded(modules, HEAVY) == []


def test_every_command_help_stays_light(tmp_path: Path) -> None:
    modules = _modules_after(
        """
        from automation.cli import main
        for args in (["sync", "--help"], ["tischplan", "--help"], ["person", "loeschen", "--help"]):
            try:
                main(args)
            except SystemExit:
                pass
        """,
        tmp_path,
    )
    assert _loaded(modules, HEAVY) == []


def test_local_sync_never_loads_the_solver_or_the_google_client(make_workspace) -> None:
    folder = make_workspace()
    modules = _modules_after(
        f"""
        from automation.cli import main
        try:
            main(["-C", {str(folder)!r}, "sync"])
        except SystemExit as exc:
            assert exc.code in (0, 1), exc.code
        """,
        folder,
    )
    # it really ran and read the workbook (through calamine: openpyxl loads only for what the part writer
    # does not do, which a sync of this workspace never needs)
    assert "automation.services.sync" in modules and "python_calamine" in modules
    assert _loaded(modules, GOOGLE_AND_SOLVER) == []
