"""The local store: an .xlsx workbook (openpyxl), the embedded default that needs no Google account.

Saving is atomic (temporary file in the same folder, then rename) and keeps the previous version as
``<name>.vorher.xlsx``. While Excel or LibreOffice has the workbook open (their lock files ``~$name`` and
``.~lock.name#`` exist), nothing is written and the caller gets :class:`WorkbookLockedError`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from automation.domain.cells import Cell, same_cell
from automation.domain.errors import StoreError, WorkbookLockedError
from automation.domain.store import (
    ApplyResult,
    ChangeSet,
    Conflict,
    Row,
    Snapshot,
    TabLayout,
    Table,
    find_header,
    header_key,
)

_VALIDATED_ROWS = 5000  # dropdowns reach this far down each column


def lock_files(path: Path) -> list[Path]:
    """Lock files that Excel and LibreOffice leave beside a workbook they have open."""
    candidates = [path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")]
    return [p for p in candidates if p.exists()]


def _set(cell: Any, value: Cell) -> None:
    """Write a plain value; text that looks like a formula stays text."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _headers(ws: Worksheet) -> list[str]:
    return [str(c.value).strip() if c.value is not None else "" for c in ws[1]] if ws.max_row >= 1 else []


def _last_used_row(ws: Worksheet) -> int:
    for number in range(ws.max_row, 1, -1):
        if any(c.value not in (None, "") for c in ws[number]):
            return number
    return 1


class WorkbookStore:
    """Tabs of a local .xlsx workbook."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # The workbook as last loaded or saved, with the file's signature then: reused while the file is
        # unchanged, so a run loads the file once instead of at every write.
        self._cache: tuple[tuple[int, int, int], openpyxl.Workbook] | None = None
        self._deferred = 0
        self._pending: openpyxl.Workbook | None = None
        self._broken = False

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def _cached(self) -> openpyxl.Workbook | None:
        if self._pending is not None:
            return self._pending
        if self._cache is not None and self._cache[0] == self._signature():
            return self._cache[1]
        self._cache = None
        return None

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Collect the writes of several ``apply`` calls into one save at the end (one file write)."""
        self._deferred += 1
        try:
            yield
        finally:
            self._deferred -= 1
            if self._deferred == 0:
                pending, self._pending = self._pending, None
                if pending is not None and not self._broken:
                    self._save(pending)
                self._broken = False

    def describe(self) -> str:
        return f"Arbeitsmappe {self.path.name}"

    @property
    def backup_path(self) -> Path:
        return self.path.with_name(self.path.stem + ".vorher" + self.path.suffix)

    def read(self) -> Snapshot:
        wb = self._cached()
        if wb is None:
            if not self.path.exists():
                return {}
            wb = self._load()
        snapshot: Snapshot = {}
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            header_row = next(rows, None) or ()
            headers = [str(h).strip() if h is not None else "" for h in header_row]
            table = Table(ws.title, headers)
            for number, values in enumerate(rows, start=2):
                if not any(v not in (None, "") for v in values):
                    continue
                table.rows.append(Row(number, {h: v for h, v in zip(headers, values, strict=False) if h}))
            snapshot[ws.title] = table
        return snapshot

    def _load(self) -> openpyxl.Workbook:
        signature = self._signature()
        try:
            wb = openpyxl.load_workbook(self.path)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise StoreError(
                f"Die Arbeitsmappe {self.path.name} lässt sich nicht lesen ({exc}). "
                f"Die vorige Fassung liegt in {self.backup_path.name}."
            ) from exc
        if signature is not None:
            self._cache = (signature, wb)
        return wb

    def _check_unlocked(self) -> None:
        locks = lock_files(self.path)
        if locks:
            raise WorkbookLockedError(
                f"Die Arbeitsmappe {self.path.name} ist gerade in Excel oder LibreOffice geöffnet "
                f"(Sperrdatei {locks[0].name}). Bitte dort speichern und schließen, dann erneut starten. "
                "Es wurde nichts geschrieben und nichts geht verloren."
            )

    def _load_for_write(self) -> openpyxl.Workbook:
        self._check_unlocked()
        cached = self._cached()
        if cached is not None:
            return cached
        if not self.path.exists():
            wb = openpyxl.Workbook()
            wb.remove(wb.active)
            return wb
        return self._load()

    def _save(self, wb: openpyxl.Workbook) -> None:
        self._check_unlocked()
        if self._deferred:
            self._pending = wb
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".speichern-", suffix=".xlsx", dir=self.path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        mode = self.path.stat().st_mode & 0o777 if self.path.exists() else 0o644
        os.chmod(tmp, mode)
        try:
            wb.save(tmp)
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
            if self.path.exists():
                shutil.copy2(self.path, self.backup_path)
            os.replace(tmp, self.path)
            signature = self._signature()
            self._cache = (signature, wb) if signature is not None else None
        finally:
            tmp.unlink(missing_ok=True)

    def ensure_tabs(self, tabs: dict[str, list[str]]) -> list[str]:
        wb = self._load_for_write()
        created: list[str] = []
        with self._guard():
            changed = False
            for name, headers in tabs.items():
                if name not in wb.sheetnames:
                    ws = wb.create_sheet(name)
                    created.append(name)
                else:
                    ws = wb[name]
                before = ws.max_column if ws.cell(1, 1).value is not None else 0
                changed |= len(self._add_headers(ws, headers)) != before
            if created or changed or not self.path.exists():
                self._save(wb)
        return created

    def format_tabs(self, layouts: list[TabLayout]) -> list[str]:
        """Dropdowns for value sets (a warning, not a block: messy input stays possible), and a grey tab
        colour for the tabs the job maintains. Idempotent: what is there already is left alone."""
        wb = self._load_for_write()
        lines: list[str] = []
        with self._guard():
            for layout in layouts:
                if layout.name not in wb.sheetnames:
                    continue
                ws = wb[layout.name]
                headers = [str(c.value or "") for c in ws[1]]
                existing = {(str(dv.sqref), dv.formula1) for dv in ws.data_validations.dataValidation}
                added = []
                for header, choices in layout.choices.items():
                    col = find_header(headers, header)
                    formula = '"' + ",".join(choices) + '"'
                    if col is None or len(formula) > 255:
                        continue
                    letter = get_column_letter(col + 1)
                    area = f"{letter}2:{letter}{_VALIDATED_ROWS}"
                    if (area, formula) in existing:
                        continue
                    validation = DataValidation(
                        type="list", formula1=formula, allow_blank=True, showErrorMessage=True, errorStyle="warning",
                        errorTitle="Unbekannter Wert", error="Erlaubt sind: " + ", ".join(choices),
                    )  # fmt: skip
                    validation.add(area)
                    ws.add_data_validation(validation)
                    added.append(header)
                if added:
                    lines.append(f"Auswahllisten in »{layout.name}«: {', '.join(added)}.")
                if layout.job_owned and ws.sheet_properties.tabColor is None:
                    ws.sheet_properties.tabColor = "9E9E9E"
                    lines.append(f"»{layout.name}« grau markiert (pflegt der Job; bitte nur Status-Spalten ändern).")
            if lines:
                self._save(wb)
        return lines

    def _add_headers(self, ws: Worksheet, wanted: list[str]) -> list[str]:
        headers = _headers(ws) if ws.max_row >= 1 and ws.cell(1, 1).value is not None else []
        for header in wanted:
            if find_header(headers, header) is None:
                headers.append(header)
                cell = ws.cell(1, len(headers))
                _set(cell, header)
                cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        return headers

    def apply(self, changes: ChangeSet) -> ApplyResult:
        if not changes:
            return ApplyResult()
        wb = self._load_for_write()
        with self._guard():
            result = self._apply(wb, changes)
            self._save(wb)
        return result

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """On any failure, forget the workbook in memory (it may be half changed): nothing of it is saved."""
        try:
            yield
        except BaseException:
            self._cache = None
            self._pending = None
            self._broken = self._deferred > 0
            raise

    def _apply(self, wb: openpyxl.Workbook, changes: ChangeSet) -> ApplyResult:
        result = ApplyResult()
        by_tab_key: dict[tuple[str, str], dict[str, int]] = {}
        # Header rows per tab for this call: reading row 1 scans every cell in openpyxl, which made
        # many appends quadratic. Refreshed only when a header has to be added.
        known_headers: dict[str, list[str]] = {}
        known_cols: dict[str, dict[str, int]] = {}  # header key → 0-based column index

        def sheet(name: str, needed: list[str]) -> tuple[Worksheet, list[str]]:
            if name not in wb.sheetnames:
                wb.create_sheet(name)
            ws = wb[name]
            if name not in known_headers or any(header_key(h) not in known_cols[name] for h in needed):
                known_headers[name] = self._add_headers(ws, needed)
                cols: dict[str, int] = {}
                for index, header in enumerate(known_headers[name]):
                    cols.setdefault(header_key(header), index)
                known_cols[name] = cols
            return ws, known_headers[name]

        def column(name: str, header: str) -> int:
            return known_cols[name][header_key(header)]

        def row_index(name: str, key_column: str) -> dict[str, int]:
            if (name, key_column) not in by_tab_key:
                ws, headers = sheet(name, [key_column])
                col = find_header(headers, key_column)
                assert col is not None
                index: dict[str, int] = {}
                for number in range(2, ws.max_row + 1):
                    value = ws.cell(number, col + 1).value
                    if value not in (None, ""):
                        index.setdefault(str(value).strip(), number)
                by_tab_key[(name, key_column)] = index
            return by_tab_key[(name, key_column)]

        for change in changes.cells:
            ws, _ = sheet(change.tab, [change.key_column, change.column])
            number = row_index(change.tab, change.key_column).get(change.key)
            if number is None:
                result.conflicts.append(Conflict(change.tab, change.key, "", change.old, None))
                continue
            cell = ws.cell(number, column(change.tab, change.column) + 1)
            if not same_cell(cell.value, change.old):
                result.conflicts.append(Conflict(change.tab, change.key, change.column, change.old, cell.value))
                continue
            _set(cell, change.new)
            result.written_cells += 1

        for replace in changes.replaces:
            ws, _ = sheet(replace.tab, replace.headers)
            if ws.max_row > 1:
                ws.delete_rows(2, ws.max_row - 1)
            for number, values in enumerate(replace.rows, start=2):
                ws, _ = sheet(replace.tab, list(values))
                for header, value in values.items():
                    _set(ws.cell(number, column(replace.tab, header) + 1), value)

        appended_per_tab: dict[str, int] = {}
        new_rows: dict[str, list[int]] = {}
        result.new_rows = new_rows
        for append in changes.appends:
            ws, _ = sheet(append.tab, list(append.values))
            if append.tab not in appended_per_tab:
                appended_per_tab[append.tab] = _last_used_row(ws)
            appended_per_tab[append.tab] += 1
            number = appended_per_tab[append.tab]
            for header, value in append.values.items():
                _set(ws.cell(number, column(append.tab, header) + 1), value)
            result.appended_rows += 1
            new_rows.setdefault(append.tab, []).append(number)
        if changes.appends:
            by_tab_key.clear()

        for delete in sorted(changes.deletes, key=lambda d: d.tab):
            number = row_index(delete.tab, delete.key_column).get(delete.key)
            if number is not None:
                wb[delete.tab].delete_rows(number, 1)
                by_tab_key.clear()
                result.deleted_rows += 1
        return result
