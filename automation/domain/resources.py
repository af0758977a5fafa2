"""Where the packaged form definitions (formulare/) and templates (vorlagen/) live.

In a wheel they are shipped as ``automation/_daten/...``; in a source checkout (also an editable
install) they are the top-level folders beside the package.
"""

from __future__ import annotations

from pathlib import Path

import automation

_PACKAGE = Path(automation.__file__).resolve().parent  # the package root, wherever this module lives


def _data_dir(name: str) -> Path:
    shipped = _PACKAGE / "_daten" / name
    if shipped.is_dir():
        return shipped
    return _PACKAGE.parent / name


def formulare_dir() -> Path:
    """Folder with the packaged form definitions."""
    return _data_dir("formulare")


def vorlagen_dir() -> Path:
    """Folder with the packaged Jinja2 templates."""
    return _data_dir("vorlagen")
