"""Erasure beyond the spreadsheet: every file under the workspace that still names the person.

After the rows are erased (``automation.privacy``), this looks at every file below the workspace folder:

- the workbook's previous version (``*.vorher.xlsx``) is replaced by the erased workbook, leftover
  temporary files of a save (``.speichern-*``) are removed;
- outbox copies (``.eml``, ``.eml.tmp``) and printouts/JSON under ``ausgabe/`` that name the person are
  removed (a table plan is made again with ``tischplan --termin``);
- log files (``*.log``) are rewritten with every mention replaced by ``[gelöscht]``;
- what the tool must not change itself (the CSV exports under ``antworten/``, other files) is named with
  file and line, and answers in Google Forms with their response ID, so the coordinator deletes them.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from automation.privacy import mentions, redact
from automation.workspace import Workspace

_SKIP_DIRS = {".git", ".venv", "venv", "__pycache__", "node_modules"}
_MAX_BYTES = 200 * 1024 * 1024


@dataclass
class FileCleanup:
    """What was done to files, and what a person has to do by hand (German lines)."""

    removed: list[str] = field(default_factory=list)
    rewritten: list[str] = field(default_factory=list)
    by_hand: list[str] = field(default_factory=list)


def _text(path: Path) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if path.suffix.lower() in (".xlsx", ".xlsm", ".zip", ".docx", ".ods"):
        try:
            with zipfile.ZipFile(path) as archive:
                return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return raw.decode("latin-1")
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _lines(text: str, names: list[str]) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), start=1) if mentions(line, names)]


def clean_files(workspace: Workspace, names: list[str], workbook: Path | None, termine: set[str]) -> FileCleanup:
    """Remove or rewrite every file under the workspace that names the person; list the rest."""
    result = FileCleanup()
    folder = workspace.folder
    outbox = workspace.path(workspace.settings.mail.ausgang).resolve()
    answers = workspace.path(workspace.settings.lokal.antworten).resolve()
    output = (folder / "ausgabe").resolve()
    backup = workbook.with_name(workbook.stem + ".vorher" + workbook.suffix) if workbook else None
    if backup is not None and workbook is not None and backup.exists() and workbook.exists():
        shutil.copy2(workbook, backup)  # the previous version held the person: now the erased state
        result.rewritten.append(backup.name)
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part in _SKIP_DIRS for part in relative.parts) or not path.is_file():
            continue
        if workbook is not None and path.resolve() in (workbook.resolve(), backup.resolve() if backup else None):
            continue
        if path.name.startswith(".speichern-") or path.name.endswith(".eml.tmp"):
            path.unlink(missing_ok=True)  # a save or a message that never finished
            result.removed.append(str(relative))
            continue
        if path.stat().st_size > _MAX_BYTES:
            continue
        text = _text(path)
        if text is None or not mentions(text, names):
            continue
        inside = path.resolve().parents
        if path.suffix == ".eml" or outbox in inside or output in inside:
            path.unlink()
            result.removed.append(str(relative))
        elif path.suffix == ".log":
            path.write_text(redact(text, names) or "", encoding="utf-8")
            result.rewritten.append(str(relative))
        elif answers in inside:
            lines = ", ".join(str(n) for n in _lines(text, names)[:20]) or "?"
            result.by_hand.append(f"{relative}, Zeile {lines}: die Antwort(en) der Person in der Datei löschen.")
        else:
            result.by_hand.append(f"{relative}: nennt die Person; bitte prüfen und ggf. löschen.")
    for termin_id in sorted(termine):
        result.by_hand.append(
            f"Tischplan für {termin_id} neu erstellen: gespraechsrunde tischplan --termin {termin_id}"
        )
    return result
