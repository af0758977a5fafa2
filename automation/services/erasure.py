"""Erasure beyond the spreadsheet: every file under the workspace that still names the person.

After the rows are erased (``automation.domain.privacy``), this looks at every file below the workspace folder:

- the workbook's previous version (``*.vorher.xlsx``) is replaced by the erased workbook, leftover
  temporary files of a save (``.speichern-*``) are removed;
- outbox copies (``.eml``, ``.eml.tmp``) and printouts/JSON under ``ausgabe/`` that name the person are
  removed (a table plan is made again with ``tischplan --termin``);
- log files (``*.log``) are rewritten with every mention replaced by ``[gelöscht]``;
- what the tool must not change itself (the CSV exports under ``antworten/``, other files) is named with
  file and line, and answers in Google Forms with their response ID, so the coordinator deletes them.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from automation.adapters.files import write_atomically
from automation.domain.errors import GespraechsrundeError
from automation.domain.mail.ledger_memo import MEMO_FILE
from automation.domain.privacy import (
    erase_person,
    erasure_drift,
    erasure_steps,
    identifiers,
    mentions,
    person_rows,
    redact,
)
from automation.domain.records import Eingang, Kontakt, TischplanZeile
from automation.domain.store import Conflict
from automation.services.runner import JobContext
from automation.services.wiring import Workspace

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
        write_atomically(backup, workbook.read_bytes())  # the previous version held the person: now the erased state
        result.rewritten.append(backup.name)
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part in _SKIP_DIRS for part in relative.parts) or not path.is_file():
            continue
        if workbook is not None and path.resolve() in (workbook.resolve(), backup.resolve() if backup else None):
            continue
        if path.name == MEMO_FILE:
            continue  # keys of »Versand« only, which keep their key after an erasure (nothing is sent twice)
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
            private = path.stat().st_mode & 0o077 == 0
            write_atomically(path, redact(text, names) or "", private=private)
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


def _workbook(ctx: JobContext) -> Path | None:
    from automation.adapters.xlsx import WorkbookStore  # openpyxl is loaded already for a local store

    return ctx.store.path if isinstance(ctx.store, WorkbookStore) else None


def clean_after_erasures(ctx: JobContext) -> None:
    """After a run that erased people on their request (``abmeldung`` form) and saved: the workbook's previous
    version and every file under the workspace that names them; what is left to do by hand is said."""
    if ctx.dry_run or not ctx.report.erased:
        return
    workbook = _workbook(ctx)
    for names in ctx.report.erased:
        files = clean_files(ctx.workspace, names, workbook, set())
        if files.removed or files.rewritten:
            ctx.report.say("Dateien bereinigt: " + ", ".join([*files.removed, *files.rewritten]) + ".")
        if files.by_hand:
            ctx.report.say("Bitte noch von Hand löschen: " + "; ".join(files.by_hand))


@dataclass
class Erasure:
    """What ``person loeschen`` did: rows per tab, conflicts, files, and what is left to do by hand."""

    counts: dict[str, int]
    conflicts: list[Conflict] = field(default_factory=list)
    files: FileCleanup = field(default_factory=FileCleanup)
    by_hand: list[str] = field(default_factory=list)


class ErasureRefused(GespraechsrundeError):
    """A tab the erasure must edit drifted: nothing was erased (exit code 1)."""


def _google_responses(entries: list[Eingang], ctx: JobContext) -> list[str]:
    forms = ctx.forms
    return [
        f"Google-Formular »{forms[e.formular].titel if e.formular in forms else e.formular}«: "
        f"die Antwort mit der ID {e.antwort_id} löschen."
        for e in entries
        if not e.antwort_id.startswith("csv-")
    ]


def erase(ctx: JobContext, kontakt: Kontakt) -> Erasure:
    """Erase the person in the store and in every file under the workspace (only count in a dry run).

    The caller holds the lock (:func:`automation.services.session.open_workspace`). Refused as a whole
    (:class:`ErasureRefused`) while a tab it must edit has a renamed tab or header."""
    dataset = ctx.dataset
    drift = erasure_drift(dataset)
    if drift is not None:
        raise ErasureRefused(
            f"Das Löschen von {kontakt.kontakt_id} ist nicht möglich; es wurde nichts gelöscht. {drift} "
            "Danach den Befehl erneut aufrufen."
        )
    rows = person_rows(dataset, kontakt)
    names = identifiers(kontakt, {a.anmelde_id for a in rows["Anmeldungen"]})
    dates = {a.termin_id for a in rows["Anmeldungen"]}
    replan = {z.termin_id for z in dataset.all(TischplanZeile) if z.termin_id in dates}
    counts = erase_person(dataset, kontakt, ctx.forms)
    if ctx.dry_run:
        return Erasure(counts)
    conflicts = [c for step in erasure_steps(dataset.changes()) for c in ctx.store.apply(step).conflicts]
    printed = {p.stem.removeprefix("tischplan-") for p in (ctx.workspace.folder / "ausgabe").glob("tischplan-*")}
    files = clean_files(ctx.workspace, names, _workbook(ctx), replan | (printed & dates))
    return Erasure(counts, conflicts, files, [*files.by_hand, *_google_responses(rows["Eingang"], ctx)])
