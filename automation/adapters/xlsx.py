"""The local store: an .xlsx workbook, the embedded default that needs no Google account.

Reading goes through python-calamine and writing patches only the worksheets that change
(:mod:`automation.adapters.xlsx_parts`); openpyxl loads the whole workbook only for what the part writer
does not do (new tabs or columns, dropdowns, tab colours and the readable layout of ``format_tabs``).

Dates, times and timestamps of the job's date columns are written as real date cells (``DD.MM.YYYY HH:MM``,
see :mod:`automation.domain.layout`); each row of ``Hinweise`` links to the cell it is about.

Saving is atomic (temporary file in the same folder, then rename) and keeps the previous version as
``<name>.vorher.xlsx``. While Excel or LibreOffice has the workbook open (their lock files ``~$name`` and
``.~lock.name#`` exist), nothing is written and the caller gets :class:`WorkbookLockedError`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automation.adapters.files import atomic_path
from automation.adapters.xlsx_parts import Package, SheetXml, Unsupported, date_styles, read_values
from automation.domain.cells import Cell, same_cell
from automation.domain.errors import StoreError, WorkbookLockedError
from automation.domain.layout import NUMBER_FORMATS, finding_target, typed_value
from automation.domain.records import Hinweis, Kind
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


class _LazyModule:
    """openpyxl is imported only when a run needs it (a cron run that finds nothing new never does)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        import importlib

        return getattr(importlib.import_module(self._name), attribute)


def Font(**kwargs: Any) -> Any:  # openpyxl's class, imported when first used
    from openpyxl.styles import Font as OpenpyxlFont

    return OpenpyxlFont(**kwargs)


def DataValidation(**kwargs: Any) -> Any:  # openpyxl's class, imported when first used
    from openpyxl.worksheet.datavalidation import DataValidation as OpenpyxlDataValidation

    return OpenpyxlDataValidation(**kwargs)


def get_column_letter(index: int) -> str:
    from automation.adapters.xlsx_parts import column_letter

    return column_letter(index)


if TYPE_CHECKING:
    import openpyxl
    from openpyxl.worksheet.worksheet import Worksheet
else:
    openpyxl = _LazyModule("openpyxl")

_VALIDATED_ROWS = 5000  # dropdowns reach this far down each column
_PLAIN = (str, int, float, bool, type(None))  # what the part writer writes; anything else goes through openpyxl


@dataclass
class _Parts:
    """The workbook as read with calamine, and the worksheets changed in memory but not yet saved."""

    signature: tuple[int, int, int]
    package: Package
    snapshot: Snapshot
    sheets: dict[str, SheetXml] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)
    _date_styles: frozenset[str] | None = None

    def sheet(self, title: str) -> SheetXml:
        if title not in self.sheets:
            sheet = SheetXml(self.package.stream(self.package.sheets[title]))
            sheet.date_styles = self.date_styles()
            self.sheets[title] = sheet
        return self.sheets[title]

    def date_styles(self) -> frozenset[str]:
        """Cell styles that show a date (from the workbook's styles part, read once)."""
        if self._date_styles is None:
            name = next((e.name for e in self.package.entries if e.name.endswith("/styles.xml")), None)
            try:
                self._date_styles = date_styles(self.package.read(name)) if name else frozenset()
            except Exception:  # an unusual styles part: dates are written as text, as before
                self._date_styles = frozenset()
        return self._date_styles


def lock_files(path: Path) -> list[Path]:
    """Lock files that Excel and LibreOffice leave beside a workbook they have open."""
    candidates = [path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")]
    return [p for p in candidates if p.exists()]


def _set(cell: Any, value: Cell, column_style: Any = None) -> None:
    """Write a plain value; text that looks like a formula stays text. A cell without a style of its own takes
    its column's (wrapping, date format), as when a person types into it; dates show as TT.MM.JJJJ."""
    if column_style is not None and not cell.has_style:
        cell._style = copy(column_style)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    elif isinstance(value, dt.date | dt.time) and not _is_date_format(cell.number_format):
        cell.number_format = _format_for(value)


def _format_for(value: dt.date | dt.time) -> str:
    if isinstance(value, dt.time):
        return NUMBER_FORMATS[Kind.TIME]
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        return NUMBER_FORMATS[Kind.DATETIME]
    return NUMBER_FORMATS[Kind.DATE]


def _is_date_format(code: str) -> bool:
    """Whether a number format shows a date or time (the user's own, e.g. ``D. MMMM YYYY``, stays)."""
    from openpyxl.styles.numbers import is_date_format

    return bool(is_date_format(code)) and code != "yyyy-mm-dd h:mm:ss"  # openpyxl's default: ours instead


def _column_styles(ws: Worksheet) -> dict[int, Any]:
    """1-based column → the style of its ``<col>`` (for cells written without a style of their own)."""
    styles: dict[int, Any] = {}
    for dimension in ws.column_dimensions.values():
        if dimension.has_style and dimension.min and dimension.max:
            for index in range(dimension.min, min(dimension.max, 16384) + 1):
                styles[index] = dimension._style
    return styles


def _headers(ws: Worksheet) -> list[str]:
    """Row 1 up to its last filled cell; blank cells before it keep their place (never shifted)."""
    found = [str(c.value).strip() if c.value is not None else "" for c in ws[1]] if ws.max_row >= 1 else []
    while found and not found[-1]:
        found.pop()
    return found


def _last_used_row(ws: Worksheet) -> int:
    for number in range(ws.max_row, 1, -1):
        if any(c.value not in (None, "") for c in ws[number]):
            return number
    return 1


def _table(title: str, rows: Iterator[Any] | Iterator[tuple[Any, ...]]) -> Table:
    header_row = next(rows, None) or ()
    headers = [str(h).strip() if h is not None else "" for h in header_row]
    table = Table(title, headers)
    for number, values in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        table.rows.append(Row(number, {h: v for h, v in zip(headers, values, strict=False) if h}))
    return table


def _snapshot_of(wb: openpyxl.Workbook) -> Snapshot:
    return {ws.title: _table(ws.title, ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def _snapshot_from_values(values: dict[str, list[list[Any]]]) -> Snapshot:
    return {title: _table(title, iter(rows)) for title, rows in values.items()}


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
        # The fast path: values read with calamine, writes patched into the changed worksheets only.
        self._parts: _Parts | None = None
        self._openpyxl_only: tuple[int, int, int] | None = None  # a file calamine must not read (formulas)

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
                elif self._parts is not None and self._parts.dirty and not self._broken:
                    self._save_parts(self._parts)
                self._broken = False

    def describe(self) -> str:
        return f"Arbeitsmappe {self.path.name}"

    @property
    def backup_path(self) -> Path:
        return self.path.with_name(self.path.stem + ".vorher" + self.path.suffix)

    def read(self) -> Snapshot:
        if self._pending is None:
            parts = self._parts_state()
            if parts is not None:
                return dict(parts.snapshot)
        wb = self._cached()
        if wb is None:
            if not self.path.exists():
                return {}
            wb = self._load()
        return _snapshot_of(wb)

    def unchanged_on_disk(self) -> bool:
        """Whether the file is exactly as this store last read or wrote it (nobody saved it since)."""
        signature = self._signature()
        parts, cache = self._parts, self._cache
        if parts is not None and not parts.dirty and parts.signature == signature:
            return True
        return self._pending is None and cache is not None and cache[0] == signature

    def read_tab(self, name: str) -> Table | None:
        """One tab as ``read`` gives it, reading only that worksheet when the workbook is not in memory."""
        if self._pending is None and self._parts is None and self.path.exists():
            try:
                values = read_values(self.path, Package(self.path), only=name)
            except Exception:
                values = None
            if values is not None:
                return _snapshot_from_values(values).get(name)
        return self.read().get(name)

    def _parts_state(self) -> _Parts | None:
        """The workbook read with calamine (cached while the file is unchanged), or None when only openpyxl
        can read it as the store must see it."""
        if self._parts is not None and (self._parts.dirty or self._parts.signature == self._signature()):
            return self._parts
        self._parts = None
        signature = self._signature()
        if signature is None or signature == self._openpyxl_only:
            return None
        try:
            package = Package(self.path)
            values = read_values(self.path, package)
        except Exception:  # damaged, unusual or zip64: openpyxl reads it or says what is wrong
            values = None
        if values is None:
            self._openpyxl_only = signature
            return None
        self._parts = _Parts(signature, package, _snapshot_from_values(values))
        return self._parts

    def _save_parts(self, parts: _Parts) -> None:
        """Write the changed worksheets; every other part of the file is copied unchanged."""
        replaced = {parts.package.sheets[title]: parts.sheet(title).chunks() for title in parts.dirty}

        def write(target: Path) -> None:
            with open(target, "wb") as out:
                parts.package.write(out, replaced)

        self._write_atomically(write)
        signature = self._signature()
        assert signature is not None
        parts.package = Package(self.path)
        parts.signature = signature
        parts.dirty.clear()

    def _unsaved_parts_as_workbook(self) -> openpyxl.Workbook:
        """Changes collected by the fast path, handed to openpyxl (a later change in the same deferred block
        needs it, e.g. a new column)."""
        parts = self._parts
        assert parts is not None
        replaced = {parts.package.sheets[title]: parts.sheet(title).chunks() for title in parts.dirty}
        buffer = io.BytesIO()
        parts.package.write(buffer, replaced)
        buffer.seek(0)
        self._parts = None
        return openpyxl.load_workbook(buffer)

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
        if self._parts is not None and self._parts.dirty:
            return self._unsaved_parts_as_workbook()
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
        self._write_atomically(wb.save)
        signature = self._signature()
        self._cache = (signature, wb) if signature is not None else None

    def _write_atomically(self, write: Callable[[Path], None]) -> None:
        """``write`` fills a temporary file beside the workbook, which then replaces it; the previous version
        stays as ``*.vorher.xlsx``. A crash at any point leaves the old file whole."""
        mode = self.path.stat().st_mode & 0o777 if self.path.exists() else 0o644
        with atomic_path(self.path, durable=True, mode=mode) as tmp:
            write(tmp)
            if self.path.exists():
                shutil.copy2(self.path, self.backup_path)

    def ensure_tabs(self, tabs: dict[str, list[str]]) -> list[str]:
        from automation.domain.layout import tab_layouts

        readable = {layout.name: layout for layout in tab_layouts()}
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
                before = len(_headers(ws))
                added = len(self._add_headers(ws, headers)) != before
                if added and name in readable:  # a new tab or column reads well at once (as after einrichten)
                    _make_readable(ws, readable[name], convert=False)
                changed |= added
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
                readable = _make_readable(ws, layout)
                if readable:
                    lines.append(f"»{layout.name}«: {', '.join(readable)}.")
            if lines:
                self._save(wb)
        return lines

    def _add_headers(self, ws: Worksheet, wanted: list[str]) -> list[str]:
        headers = _headers(ws)  # new headers go after the last one; an existing header never moves
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
        self._check_unlocked()
        parts = self._parts_state() if self._pending is None else None
        if parts is not None and _fits(parts, changes):
            with self._guard():
                result = _apply_parts(parts, changes)
                if parts.dirty and not self._deferred:
                    self._save_parts(parts)
            return result
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
            self._parts = None
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

        column_styles: dict[str, dict[int, Any]] = {}

        def styles(name: str) -> dict[int, Any]:
            if name not in column_styles:
                column_styles[name] = _column_styles(wb[name])
            return column_styles[name]

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
            _set(cell, typed_value(change.tab, change.column, change.new), styles(change.tab).get(cell.column))
            result.written_cells += 1

        for replace in changes.replaces:
            ws, _ = sheet(replace.tab, replace.headers)
            if ws.max_row > 1:
                ws.delete_rows(2, ws.max_row - 1)
            for number, values in enumerate(replace.rows, start=2):
                ws, _ = sheet(replace.tab, list(values))
                for header, value in values.items():
                    index = column(replace.tab, header) + 1
                    _set(
                        ws.cell(number, index), typed_value(replace.tab, header, value), styles(replace.tab).get(index)
                    )
                if replace.tab == Hinweis.TAB:
                    _link_finding(ws, number, values, wb, column(replace.tab, "Tabelle") + 1)

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
                index = column(append.tab, header) + 1
                _set(ws.cell(number, index), typed_value(append.tab, header, value), styles(append.tab).get(index))
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


def finding_location(values: dict[str, Cell], headers_of: Callable[[str], list[str] | None]) -> str | None:
    """The cell a row of ``Hinweise`` is about, as an internal link (``'Kontakte'!C12``)."""
    target = finding_target(values, headers_of)
    if target is None:
        return None
    tab, number, column = target
    return f"'{tab.replace(chr(39), chr(39) * 2)}'!{get_column_letter(column + 1)}{number}"


def _link_finding(ws: Worksheet, number: int, values: dict[str, Cell], wb: openpyxl.Workbook, column: int) -> None:
    from openpyxl.worksheet.hyperlink import Hyperlink

    def headers_of(tab: str) -> list[str] | None:
        return _headers(wb[tab]) if tab in wb.sheetnames else None

    location = finding_location(values, headers_of)
    if location is not None:
        ws.cell(number, column).hyperlink = Hyperlink(ref="", location=location, display=str(values.get("Tabelle")))


_LAST_ROW = 1048576  # the filter covers whole columns, so rows the job appends later are inside it


def _column_set(ws: Worksheet, index: int) -> bool:
    """Whether the file already defines width or style of this column (a ``<col>`` covering it)."""
    letter = get_column_letter(index)
    return any(
        d.index == letter or (d.min and d.max and d.min <= index <= d.max) for d in ws.column_dimensions.values()
    )


_JOB_DATE_TEXT = re.compile(r"\d{2}\.\d{2}\.\d{4}(?: \d{2}:\d{2}(?::\d{2})?)?|\d{2}:\d{2}")


def _dates_from_text(ws: Worksheet, layout: TabLayout, headers: list[str]) -> int:
    """Dates written as text in the form the job wrote them before (``01.02.2027 09:00:00``) become real date
    cells with the same value; anything else a person typed stays as it is."""
    changed = 0
    for header in layout.number_formats:
        col = find_header(headers, header)
        if col is None:
            continue
        for (cell,) in ws.iter_rows(min_row=2, min_col=col + 1, max_col=col + 1):
            value = cell.value
            if isinstance(value, str) and _JOB_DATE_TEXT.fullmatch(value.strip()):
                typed = typed_value(layout.name, header, value.strip())
                if isinstance(typed, dt.date | dt.time):
                    _set(cell, typed)
                    changed += 1
    return changed


def _make_readable(ws: Worksheet, layout: TabLayout, *, convert: bool = True) -> list[str]:
    """Widths, wrapping, date formats, filter, frozen header and colours for one tab. Only what is missing is
    added: a width, style, filter or colour rule the user set stays as it is (and a second run adds nothing)."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, PatternFill

    done: list[str] = []
    headers = _headers(ws)
    if not headers:
        return done
    widened = styled = False
    for index, header in enumerate(headers, start=1):
        wanted = layout.widths.get(header)
        if wanted is None or _column_set(ws, index):
            continue  # the user's columns, and widths and styles set before (by the user or a run), stay
        letter = get_column_letter(index)
        dimension = ws.column_dimensions[letter]
        dimension.width = wanted
        widened = True
        number_format = layout.number_formats.get(header)
        wrap = header in layout.wrap
        if number_format or wrap:
            # the column's style: cells the job writes later take it (see ``_set`` and the part writer)
            if number_format:
                dimension.number_format = number_format
            if wrap:
                dimension.alignment = Alignment(wrap_text=True, vertical="top")
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                if not cell.has_style:
                    cell._style = copy(dimension._style)
            styled = True
    if widened:
        done.append("Spaltenbreiten")
    if styled:
        done.append("Zeilenumbruch und Datumsformat")
    if convert and _dates_from_text(ws, layout, headers):
        done.append("Datumsangaben als Datumszellen")
    if ws.freeze_panes is None:
        ws.freeze_panes = "A2"
        done.append("Kopfzeile fixiert")
    if not ws.auto_filter.ref:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{_LAST_ROW}"
        done.append("Filter")
    coloured = []
    existing = {str(area.sqref) for area in ws.conditional_formatting}
    for header, colours in layout.colours.items():
        col = find_header(headers, header)
        if col is None:
            continue
        letter = get_column_letter(col + 1)
        area = f"{letter}2:{letter}{_LAST_ROW}"
        if area in existing:
            continue
        for value, colour in colours.items():
            text = value.replace('"', '""')
            fill = PatternFill(start_color=colour, end_color=colour, fill_type="solid")
            ws.conditional_formatting.add(area, FormulaRule(formula=[f'${letter}2="{text}"'], fill=fill))
        coloured.append(header)
    if coloured:
        done.append("Farben für " + ", ".join(coloured))
    return done


def _fits(parts: _Parts, changes: ChangeSet) -> bool:
    """Whether the part writer can apply these changes: existing tabs and columns, plain values, worksheets
    it can parse. Anything else (a new tab or column, a date value) goes through openpyxl."""
    needed: dict[str, set[str]] = {}
    values: list[Any] = []
    for change in changes.cells:
        needed.setdefault(change.tab, set()).update((change.key_column, change.column))
        values.append(change.new)
    for append in changes.appends:
        needed.setdefault(append.tab, set()).update(append.values)
        values += append.values.values()
    for replace in changes.replaces:
        columns = needed.setdefault(replace.tab, set())
        columns.update(replace.headers)
        for row in replace.rows:
            columns.update(row)
            values += row.values()
    for delete in changes.deletes:
        needed.setdefault(delete.tab, set()).add(delete.key_column)
    if not all(isinstance(v, _PLAIN) for v in values):
        return False
    for tab, columns in needed.items():
        table = parts.snapshot.get(tab)
        if table is None or any(find_header(table.headers, c) is None for c in columns):
            return False
        try:
            parts.sheet(tab)
        except (Unsupported, ValueError, UnicodeDecodeError):
            return False
    return True


def _as_read(value: Cell) -> Any:
    """A value as reading the written cell gives it back."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _apply_parts(parts: _Parts, changes: ChangeSet) -> ApplyResult:
    """``_apply`` for the part writer: the same rules (compare-and-set by ID, appends after the last used
    row, replaced bodies, deletes moving rows up), on the worksheet XML and the cached snapshot."""
    result = ApplyResult()
    snapshot = parts.snapshot = dict(parts.snapshot)  # tables are copied before they change (copy on write)
    copied: set[str] = set()
    indexes: dict[tuple[str, str], dict[str, int]] = {}
    positions: dict[str, dict[int, int]] = {}

    def table(tab: str) -> Table:
        if tab not in copied:
            old = snapshot[tab]
            snapshot[tab] = Table(old.name, old.headers, list(old.rows))
            copied.add(tab)
        return snapshot[tab]

    columns: dict[tuple[str, str], int] = {}

    def column(tab: str, header: str) -> int:
        index = columns.get((tab, header))
        if index is None:
            found = find_header(snapshot[tab].headers, header)
            assert found is not None
            index = columns[(tab, header)] = found
        return index

    def row_index(tab: str, key_column: str) -> dict[str, int]:
        if (tab, key_column) not in indexes:
            name = snapshot[tab].headers[column(tab, key_column)]
            index: dict[str, int] = {}
            for row in snapshot[tab].rows:
                value = row.values.get(name)
                if value not in (None, ""):
                    index.setdefault(str(value).strip(), row.number)
            indexes[(tab, key_column)] = index
        return indexes[(tab, key_column)]

    def position(tab: str, number: int) -> int:
        if tab not in positions:
            positions[tab] = {row.number: i for i, row in enumerate(snapshot[tab].rows)}
        return positions[tab][number]

    def write(tab: str, number: int, index: int, header: str, value: Cell) -> Cell:
        """Write one cell; a date of a date column as a real date when the cell or its column shows dates
        (else as the German text, as before); returns what was written."""
        sheet = parts.sheet(tab)
        typed = typed_value(tab, header, value)
        if typed is not value and isinstance(typed, dt.date | dt.time):
            style = sheet.date_style(number, index)
            if style is not None:
                sheet.set_date(number, index, typed, style)
                return typed
        sheet.set(number, index, value)
        return value

    def full_row(tab: str, number: int, values: dict[str, Cell]) -> Row:
        headers = snapshot[tab].headers
        cells: dict[str, Any] = {h: None for h in headers if h}
        for header, value in values.items():
            cells[headers[column(tab, header)]] = _as_read(value)
        return Row(number, cells)

    for change in changes.cells:
        number = row_index(change.tab, change.key_column).get(change.key)
        if number is None:
            result.conflicts.append(Conflict(change.tab, change.key, "", change.old, None))
            continue
        current = table(change.tab)
        at = position(change.tab, number)
        header = current.headers[column(change.tab, change.column)]
        found = current.rows[at].values.get(header)
        if not same_cell(found, change.old):
            result.conflicts.append(Conflict(change.tab, change.key, change.column, change.old, found))
            continue
        written = write(change.tab, number, column(change.tab, change.column) + 1, change.column, change.new)
        parts.dirty.add(change.tab)
        current.rows[at] = Row(number, {**current.rows[at].values, header: _as_read(written)})
        result.written_cells += 1

    for replace in changes.replaces:
        current = table(replace.tab)
        sheet = parts.sheet(replace.tab)
        sheet.clear_body()
        current.rows = []
        links = []
        for number, values in enumerate(replace.rows, start=2):
            cells = {h: write(replace.tab, number, column(replace.tab, h) + 1, h, v) for h, v in values.items()}
            row = full_row(replace.tab, number, cells)
            if any(v not in (None, "") for v in row.values.values()):
                current.rows.append(row)
            if replace.tab == Hinweis.TAB:
                location = finding_location(values, lambda t: snapshot[t].headers if t in snapshot else None)
                if location is not None:
                    ref = f"{get_column_letter(column(replace.tab, 'Tabelle') + 1)}{number}"
                    links.append((ref, location, str(values.get("Tabelle"))))
        if replace.tab == Hinweis.TAB:
            sheet.set_links(links)
        parts.dirty.add(replace.tab)
        positions.pop(replace.tab, None)
        indexes.clear()

    new_rows: dict[str, list[int]] = {}
    result.new_rows = new_rows
    last_row: dict[str, int] = {}
    for append in changes.appends:
        current = table(append.tab)
        if append.tab not in last_row:
            last_row[append.tab] = max((r.number for r in current.rows), default=1)
        last_row[append.tab] += 1
        number = last_row[append.tab]
        cells = {h: write(append.tab, number, column(append.tab, h) + 1, h, v) for h, v in append.values.items()}
        parts.dirty.add(append.tab)
        current.rows.append(full_row(append.tab, number, cells))
        result.appended_rows += 1
        new_rows.setdefault(append.tab, []).append(number)
    if changes.appends:
        indexes.clear()
        positions.clear()

    for delete in sorted(changes.deletes, key=lambda d: d.tab):
        number = row_index(delete.tab, delete.key_column).get(delete.key)
        if number is None:
            continue
        current = table(delete.tab)
        parts.sheet(delete.tab).delete_row(number)
        parts.dirty.add(delete.tab)
        current.rows = [
            r if r.number < number else Row(r.number - 1, r.values) for r in current.rows if r.number != number
        ]
        indexes.clear()
        positions.clear()
        result.deleted_rows += 1
    return result
