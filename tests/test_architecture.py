"""The layers hold: the core imports no edge, the edges no use case, nothing imports the command line.

Every ``import`` counts – at module level, inside functions and under ``TYPE_CHECKING`` – so that a rule
module never reaches a store, a sender, the run context or a heavy client library, not even lazily.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "automation"

LIBRARIES_AT_THE_EDGE = ("openpyxl", "gspread", "googleapiclient", "google", "smtplib", "httplib2", "requests")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "automation.domain": (
        "automation.adapters", "automation.services", "automation.cli", *LIBRARIES_AT_THE_EDGE, "jinja2",
        "icalendar", "aiosmtpd",
    ),
    "automation.adapters": ("automation.services", "automation.cli"),
    "automation.services": ("automation.cli",),
}  # fmt: skip


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _violations(layer: str) -> list[str]:
    forbidden = FORBIDDEN[layer]
    result = []
    for path in sorted((PACKAGE / layer.removeprefix("automation.")).rglob("*.py")):
        for line, name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                result.append(f"{_module(path)}:{line} importiert {name}")
    return result


@pytest.mark.parametrize("layer", list(FORBIDDEN))
def test_layer_imports_only_inwards(layer: str) -> None:
    assert _violations(layer) == []


def test_the_rule_finds_a_violation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself can fail: a rule module that reaches for the workbook is caught."""
    fake = tmp_path / "automation"
    (fake / "domain").mkdir(parents=True)
    (fake / "domain" / "regel.py").write_text(
        "def f():\n    from automation.adapters.xlsx import WorkbookStore\n    import openpyxl\n", encoding="utf-8"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGE"]), "PACKAGE", fake)
    assert _violations("automation.domain") == [
        "automation.domain.regel:2 importiert automation.adapters.xlsx",
        "automation.domain.regel:2 importiert automation.adapters.xlsx.WorkbookStore",
        "automation.domain.regel:3 importiert openpyxl",
    ]


def test_every_module_lives_in_a_layer() -> None:
    """New modules go into domain/, adapters/, services/ or cli/ (see docs/architektur.md)."""
    top = sorted(
        p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")
    ) + sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name not in (
        "domain", "adapters", "services", "cli", "__pycache__", "_daten",
    ))  # fmt: skip
    assert top == []
