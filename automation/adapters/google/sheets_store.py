"""The Google store: a shared spreadsheet, read and written in a small, fixed number of Sheets API calls.

Reading is one metadata GET (which tabs exist, and this tool's commit markers) and one ``values:batchGet``
of every tab, rendered as people see it (FORMATTED_VALUE); the record layer parses German dates and numbers.

Writing (:meth:`GoogleSheetsStore.apply`) is two requests:

1. one ``values:batchGet`` re-reads the tabs whose rows are found by ID (not needed for generated tabs
   like ``Hinweise``, which are replaced whole): their header row and only the columns the write finds rows
   by or compares (the whole tab if the header row changed since the read, or to delete). Rows are found by
   ID in it; a cell that no longer holds the
   value the job read is skipped and reported as a :class:`Conflict`; a new row whose ID is already there
   (an earlier run wrote it) is not appended again;
2. one ``spreadsheets:batchUpdate`` with everything: new tabs and grid room, headers, ``updateCells`` for
   cells and generated bodies, ``deleteDimension`` (descending), ``appendCells`` for new rows (Sheets finds
   the end of the table itself, so a row a person adds meanwhile is never overwritten). Text goes in as
   ``stringValue``: like RAW input it is never parsed as a formula. Dates, times and timestamps the job wrote
   in its own German form into a date column are real date cells: a ``numberValue`` (serial number) with a
   number format that shows the same text again (:func:`date_cell`), so reading them as shown is unchanged.
   A batchUpdate is atomic: all of it is applied or nothing. A write too large for one request (a first
   import of thousands of answers) goes in
   several batches: headers first, ``Eingang`` (the record of which answers were taken) last, so a run that
   stops in between leaves those answers to the next run, which finds what is already written by ID.

Lost answers (timeout, 5xx after Google applied the batch): the batch carries a **commit marker**, a
developer metadata entry with an ID chosen for this write. It is sent again only after asking Google
whether the marker exists, and resending it unchanged cannot apply it twice: a second copy fails on the
marker ID that already exists, atomically. So new rows are never duplicated and a run never claims that
nothing was written when it was.

Rows people sort meanwhile: Sheets has no conditional write, and row developer metadata is documented to
move with inserted and deleted rows, not with a sort (nor would one entry per row fit the metadata limits).
So the batch asks for the ID columns as they are right after it (``includeSpreadsheetInResponse``) – an
atomic view of where every written cell landed. A cell whose row no longer carries its ID (a sort between
the re-read and the write) is put right at once: the row that got it gets back what it held, and the
intended value goes to the row that now has the ID – checked the same way, a few rounds at most.
What stays: between the re-read and the batch (a fraction of a second) an edit of the very cell the job
writes is not seen, and a cell put right gets its value as re-read (shown text; numbers as numbers).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
import secrets
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL, SPREADSHEET_URL

from automation.adapters.google.http import Transport, UnclearWrite, describe_status, error_detail, quote_tab
from automation.domain.cells import Cell, same_cell
from automation.domain.errors import GoogleApiError
from automation.domain.records import MODEL_BY_TAB, Hinweis, Kind, columns
from automation.domain.store import (
    ApplyResult,
    CellChange,
    ChangeSet,
    Conflict,
    Row,
    Snapshot,
    TabLayout,
    Table,
    find_header,
    header_key,
)

log = logging.getLogger("gespraechsrunde.google")

MIN_COLUMNS = 26
NEW_TAB_ROWS = 1000
MARKER_KEY = "gespraechsrunde-schreibvorgang"  # developer metadata: the commit marker of a write
REPAIR_ROUNDS = 3
MAX_BATCH_BYTES = 4_000_000  # a larger write is split into several atomic batches (Google limits a request's size)
LAST_TAB = "Eingang"  # in a split write, written last: it records which answers were taken


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def a1(tab: str, column: int, row: int) -> str:
    """``'Tab'!B5`` for 0-based ``column`` and 1-based ``row``."""
    return f"{quote_tab(tab)}!{column_letter(column)}{row}"


def json_value(value: Any) -> Any:
    """A cell value as sent with ``valueInputOption=RAW`` (text stays text, never a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def _cell(value: Any) -> Any:
    return None if value == "" else value


@dataclass
class SheetInfo:
    """A tab as the metadata describes it."""

    sheet_id: int
    title: str
    row_count: int
    column_count: int
    frozen_rows: int = 0
    protected: list[dict[str, Any]] = field(default_factory=list)
    validations: list[Any] = field(default_factory=list)
    basic_filter: bool = False  # set by »einrichten« together with widths and formats: the tab is readable
    conditional_formats: int = 0


class SheetsApi:
    """The few Sheets calls the store needs, on gspread's low-level client (one HTTP stack, see http.py)."""

    def __init__(self, http: HTTPClient, spreadsheet_id: str) -> None:
        self.http = http
        self.spreadsheet_id = spreadsheet_id
        self.markers: list[int] = []  # IDs of this tool's commit markers, as last seen

    def _call(self, what: str, func: Any, *args: Any) -> Any:
        try:
            return func(self.spreadsheet_id, *args)
        except APIError as exc:
            status = exc.response.status_code
            raise GoogleApiError(describe_status(status, what, error_detail(exc.response))) from exc

    def sheets(self, with_validation_row: bool = False) -> dict[str, SheetInfo]:
        """Every tab's properties (one GET); optionally the data validation rules of row 2."""
        params: dict[str, Any] = {
            "includeGridData": "false",
            "fields": "developerMetadata(metadataId,metadataKey),"
            "sheets(properties(sheetId,title,index,gridProperties),protectedRanges)",
        }
        if with_validation_row:
            first = self._call("das Lesen der Tabellenstruktur", self.http.fetch_sheet_metadata, params)
            ranges = [f"{quote_tab(s['properties']['title'])}!2:2" for s in first.get("sheets", [])]
            params = {
                "includeGridData": "true",
                "ranges": ranges,
                "fields": "sheets(properties(sheetId,title,index,gridProperties),protectedRanges,"
                "basicFilter(range),conditionalFormats(ranges),data(rowData(values(dataValidation))))",
            }
        data = self._call("das Lesen der Tabellenstruktur", self.http.fetch_sheet_metadata, params)
        if "developerMetadata" in data or not with_validation_row:
            self.markers = _markers(data)
        result: dict[str, SheetInfo] = {}
        for sheet in data.get("sheets", []):
            props = sheet["properties"]
            grid = props.get("gridProperties", {})
            validations: list[Any] = []
            for block in sheet.get("data", []):
                for row in block.get("rowData", [])[:1]:
                    validations = [v.get("dataValidation") for v in row.get("values", [])]
            result[props["title"]] = SheetInfo(
                sheet_id=int(props.get("sheetId", 0)),
                title=props["title"],
                row_count=int(grid.get("rowCount", NEW_TAB_ROWS)),
                column_count=int(grid.get("columnCount", MIN_COLUMNS)),
                frozen_rows=int(grid.get("frozenRowCount", 0)),
                protected=list(sheet.get("protectedRanges", [])),
                validations=validations,
                basic_filter="basicFilter" in sheet,
                conditional_formats=len(sheet.get("conditionalFormats", [])),
            )
        return result

    def values(self, ranges: list[str], render: str = "FORMATTED_VALUE") -> list[list[list[Any]]]:
        """The cells of several ranges in one ``values:batchGet`` (as shown: FORMATTED_VALUE, unless ``render``)."""
        if not ranges:
            return []
        params = {"valueRenderOption": render, "majorDimension": "ROWS"}
        data = self._call("das Lesen der Tabelle", self.http.values_batch_get, ranges, params)
        return [list(vr.get("values", [])) for vr in data.get("valueRanges", [])]

    def update_values(self, data: list[dict[str, Any]]) -> None:
        """One ``values:batchUpdate``; RAW only: text like ``=1+1`` stays text."""
        if data:
            body = {"valueInputOption": "RAW", "data": data}
            self._call("das Schreiben in die Tabelle", self.http.values_batch_update, body)

    def commit(self, requests: list[dict[str, Any]], ranges: list[str]) -> dict[str, Any] | None:
        """One atomic ``spreadsheets:batchUpdate`` with a commit marker, sent until Google confirms it.

        Returns the answer with the spreadsheet right after the batch (tab properties, this tool's
        markers, and the columns ``ranges``), or None when the batch was applied but its answer was lost.
        The batch is resent only when the marker is not there; a resent copy cannot be applied twice (its
        marker ID exists once it was applied). Earlier markers are removed in the same batch.
        """
        marker = secrets.randbelow(2**31 - 2) + 1
        create = {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataId": marker,
                    "metadataKey": MARKER_KEY,
                    "metadataValue": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "location": {"spreadsheet": True},
                    "visibility": "DOCUMENT",
                }
            }
        }
        old = [
            {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataId": m}}}}
            for m in self.markers
        ]
        body = {
            "requests": [create, *old, *requests],
            "includeSpreadsheetInResponse": True,
            "responseRanges": ranges,
            "responseIncludeGridData": bool(ranges),
        }
        params: dict[str, str | int | bool | float | list[str] | None] = {
            "fields": "updatedSpreadsheet(developerMetadata(metadataId,metadataKey),"
            "sheets(properties(sheetId,title,index,gridProperties),data(startRow,startColumn,"
            "rowData(values(formattedValue)))))"
        }
        url = SPREADSHEET_BATCH_UPDATE_URL % self.spreadsheet_id
        transport: Transport | None = getattr(self.http, "transport", None)
        attempts = transport.retries + 1 if transport is not None else 1
        unclear: UnclearWrite | None = None
        for attempt in range(attempts):
            if attempt and transport is not None:
                transport.sleep(transport.delay(attempt - 1, None))
            try:
                with transport.single_attempt() if transport is not None else nullcontext():
                    answer: dict[str, Any] = self.http.request("post", url, params=params, json=body).json()
                return answer
            except UnclearWrite as exc:
                unclear = exc
            except APIError as exc:
                if attempt and self._marker_exists(marker, exc):
                    return None  # an earlier attempt was applied; this copy was refused as a repetition
                status = exc.response.status_code
                detail = error_detail(exc.response)
                raise GoogleApiError(
                    describe_status(status, "das Schreiben in die Tabelle", detail)
                    + " Diese Änderungen wurden nicht geschrieben (Google übernimmt sie nur ganz oder gar nicht)."
                ) from exc
            if self._marker_exists(marker, unclear):
                return None  # applied; only the answer was lost
        raise GoogleApiError(
            f"Google hat das Schreiben nach {attempts} Versuchen nicht bestätigt ({unclear}). Geschrieben wurde "
            "davon bei der letzten Prüfung nichts (die Markierung des Schreibvorgangs fehlt in der Tabelle); "
            "übernimmt Google eine verspätete Anfrage doch noch, erkennt der nächste Lauf das: es entstehen keine "
            "doppelten Zeilen. Bitte später erneut starten; bleibt der Fehler, Internetverbindung und die "
            "Einstellungen [google] prüfen."
        )

    def _marker_exists(self, marker: int, cause: Exception | None) -> bool:
        """Whether the commit marker ``marker`` is in the spreadsheet (i.e. its batch was applied)."""
        url = f"{SPREADSHEET_URL % self.spreadsheet_id}/developerMetadata/{marker}"
        try:
            self.http.request("get", url)
            return True
        except APIError as exc:
            if exc.response.status_code == 404:
                return False
            raise self._unknown(cause) from exc
        except GoogleApiError as exc:
            raise self._unknown(cause) from exc

    @staticmethod
    def _unknown(cause: Exception | None) -> GoogleApiError:
        return GoogleApiError(
            f"Google hat das Schreiben nicht bestätigt ({cause}), und ob es übernommen wurde, ließ sich nicht "
            "prüfen. Der nächste Lauf liest die Tabelle neu und schreibt nur, was fehlt: es entstehen keine "
            "doppelten Zeilen. Bitte später erneut starten."
        )

    def batch_update(self, requests: list[dict[str, Any]]) -> dict[str, Any]:
        if not requests:
            return {}
        result: dict[str, Any] = self._call(
            "eine Änderung der Tabellenstruktur", self.http.batch_update, {"requests": requests}
        )
        return result


@dataclass
class _TabPlan:
    """One touched tab during ``apply``: its current cells and headers, and what is to be written."""

    name: str
    info: SheetInfo | None
    grid: list[list[Any]]
    headers: list[str]
    original_width: int
    rows_needed: int = 0
    created: bool = False  # a new tab: added by this batch (``info`` holds the ID chosen for it)
    _indexes: dict[str, dict[str, int]] = field(default_factory=dict)
    _columns: dict[str, int] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return max([len(self.headers), *(len(r) for r in self.grid)])

    def need(self, names: Iterable[str]) -> None:
        for name in names:
            if name and find_header(self.headers, name) is None:
                self.headers.append(name)

    def column(self, name: str) -> int:
        index = self._columns.get(name)
        if index is None:
            index = find_header(self.headers, name)
            assert index is not None
            self._columns[name] = index  # headers only grow at the end: a position stays valid
        return index

    def current(self, row: int, column: int) -> Any:
        line = self.grid[row - 1] if row - 1 < len(self.grid) else []
        return _cell(line[column]) if column < len(line) else None

    def index(self, key_column: str) -> dict[str, int]:
        """ID → 1-based row number in the re-read (first occurrence); computed once per column."""
        known = self._indexes.get(key_column)
        if known is not None:
            return known
        column = find_header(self.headers, key_column)
        result: dict[str, int] = {}
        if column is not None:
            for number in range(2, len(self.grid) + 1):
                value = self.current(number, column)
                if value not in (None, ""):
                    result.setdefault(str(value).strip(), number)
        self._indexes[key_column] = result
        return result


class GoogleSheetsStore:
    """Tabs of a Google spreadsheet."""

    def __init__(self, api: SheetsApi) -> None:
        self.api = api
        self._sheets: dict[str, SheetInfo] | None = None  # tabs as last seen (read or last write)
        self._headers: dict[str, list[str]] = {}  # header rows as last read

    def deferred(self) -> AbstractContextManager[None]:
        """Each ``apply`` is already one batch of requests; nothing to collect."""
        return nullcontext()

    def describe(self) -> str:
        return f"Google-Tabelle {self.api.spreadsheet_id}"

    # -- reading ---------------------------------------------------------------------------------

    def read(self) -> Snapshot:
        sheets = self.api.sheets()
        names = list(sheets)
        grids = self.api.values([quote_tab(n) for n in names])
        snapshot = {name: _table(name, grid) for name, grid in zip(names, grids, strict=True)}
        self._sheets = sheets
        self._headers = {name: table.headers for name, table in snapshot.items()}
        return snapshot

    # -- writing ---------------------------------------------------------------------------------

    def _structure(self, plans: Iterable[_TabPlan]) -> list[dict[str, Any]]:
        """addSheet / appendDimension requests so that every header and row fits the grid."""
        requests: list[dict[str, Any]] = []
        for plan in plans:
            width = plan.width
            rows = max(plan.rows_needed, len(plan.grid), 1)
            if plan.info is None or plan.created:
                chosen = {"sheetId": plan.info.sheet_id} if plan.info is not None else {}
                requests.append(
                    {
                        "addSheet": {
                            "properties": {
                                **chosen,
                                "title": plan.name,
                                "gridProperties": {
                                    "rowCount": max(NEW_TAB_ROWS, rows + 1),
                                    "columnCount": max(MIN_COLUMNS, width),
                                    "frozenRowCount": 1,
                                },
                            }
                        }
                    }
                )
                continue
            if width > plan.info.column_count:
                requests.append(_append_dimension(plan.info.sheet_id, "COLUMNS", width - plan.info.column_count))
            if rows > plan.info.row_count:
                requests.append(_append_dimension(plan.info.sheet_id, "ROWS", rows - plan.info.row_count))
        return requests

    def _finding_links(
        self, plan: _TabPlan, rows: list[dict[str, Cell]], sheets: dict[str, SheetInfo]
    ) -> dict[tuple[int, int], str]:
        """(row index in the body, column) → link to the cell each row of ``Hinweise`` is about."""
        from automation.domain.layout import finding_target

        column = plan.column("Tabelle")
        links: dict[tuple[int, int], str] = {}
        for index, values in enumerate(rows):
            target = finding_target(values, lambda tab: self._headers.get(tab) if tab in sheets else None)
            if target is not None:
                tab, number, col = target
                links[(index, column)] = f"#gid={sheets[tab].sheet_id}&range={column_letter(col)}{number}"
        return links

    def apply(self, changes: ChangeSet) -> ApplyResult:
        """Write ``changes`` in one atomic ``spreadsheets:batchUpdate`` (see the module docstring)."""
        result = ApplyResult()
        if not changes:
            return result
        names = list(
            dict.fromkeys(
                [c.tab for c in changes.cells]
                + [r.tab for r in changes.replaces]
                + [a.tab for a in changes.appends]
                + [d.tab for d in changes.deletes]
            )
        )
        keyed = {c.tab for c in changes.cells} | {a.tab for a in changes.appends} | {d.tab for d in changes.deletes}
        sheets = self._infos()
        if any(name not in sheets for name in names):  # added since the last look (ensure_tabs)? ask again
            sheets = self._sheets = self.api.sheets()
        needed: dict[str, set[str]] = {tab: set() for tab in keyed}
        for change in changes.cells:
            needed[change.tab] |= {change.key_column, change.column}
        for append in changes.appends:
            model = MODEL_BY_TAB.get(append.tab)
            if model is not None and model.ID is not None:
                needed[append.tab].add(model.ID)
        for delete in changes.deletes:
            needed[delete.tab] = set()  # the whole tab: a row deleted by mistake is put back as it was
        plans = self._reread(names, needed, sheets)
        for change in changes.cells:
            plans[change.tab].need([change.key_column, change.column])
        for replace in changes.replaces:
            plans[replace.tab].need(replace.headers)
            for values in replace.rows:
                plans[replace.tab].need(values)
        for append in changes.appends:
            plans[append.tab].need(append.values)
        used_ids = {info.sheet_id for info in sheets.values()}
        for plan in plans.values():
            if plan.info is None:
                plan.info = SheetInfo(_new_sheet_id(used_ids), plan.name, NEW_TAB_ROWS, MIN_COLUMNS)
                plan.created = True

        batch = _Batch()
        for plan in plans.values():
            if len(plan.headers) > plan.original_width:
                batch.cells(plan, 1, plan.original_width, [plan.headers[plan.original_width :]])

        for change in changes.cells:
            plan = plans[change.tab]
            number = plan.index(change.key_column).get(change.key)
            if number is None:
                result.conflicts.append(Conflict(change.tab, change.key, "", change.old, None))
                continue
            column = plan.column(change.column)
            found = plan.current(number, column)
            if same_cell(found, change.new) and not same_cell(found, change.old):
                result.written_cells += 1  # already there (an earlier run's write whose answer was lost)
                continue
            if not same_cell(found, change.old):
                result.conflicts.append(Conflict(change.tab, change.key, change.column, change.old, found))
                continue
            batch.write(plan, change.key_column, change.key, number, column, change.new)
            result.written_cells += 1

        for replace in changes.replaces:
            plan = plans[replace.tab]
            body = [self._line(plan, values, len(plan.headers)) for values in replace.rows]
            plan.rows_needed = 1 + len(body)
            links = self._finding_links(plan, replace.rows, sheets) if replace.tab == Hinweis.TAB else None
            batch.replace(plan, body, links)

        for delete in changes.deletes:
            plan = plans[delete.tab]
            number = plan.index(delete.key_column).get(delete.key)
            if number is not None and not plan.created:
                batch.delete(plan, delete.key_column, delete.key, number)

        for append in changes.appends:
            plan = plans[append.tab]
            model = MODEL_BY_TAB.get(append.tab)
            id_column = model.ID if model is not None else None
            key = None
            if id_column is not None and append.values.get(id_column) not in (None, ""):
                key = str(append.values[id_column]).strip()
                existing = plan.index(id_column)
                if key in existing or key in batch.appended_keys(plan.name):
                    where = f"Zeile {existing[key]}" if key in existing else "eine neue Zeile dieses Laufs"
                    result.conflicts.append(Conflict(append.tab, key, id_column, None, f"{where} hat schon diese ID"))
                    continue
            batch.append(plan, id_column, key, _trim(self._line(plan, append.values, len(plan.headers))))
            result.appended_rows += 1

        structure = self._structure(plans.values())
        pieces = batch.split(MAX_BATCH_BYTES)
        if not structure and batch.empty():
            return result
        moved, new_rows = False, dict[str, list[int]]()
        for number, piece in enumerate(pieces):
            try:
                after, shifted = self._write_piece((structure if number == 0 else []) + piece.requests(), piece, plans)
            except GoogleApiError as exc:
                if number:
                    raise GoogleApiError(
                        f"{exc} Geschrieben sind {number} von {len(pieces)} Teilen dieses großen Schreibschritts; "
                        "der nächste Lauf erkennt sie und schreibt nur den Rest."
                    ) from exc
                raise
            if number == 0:
                for plan in plans.values():
                    self._headers[plan.name] = list(plan.headers)  # headers this batch added are there now
            moved = moved or shifted
            rows = piece.new_rows(after)
            for tab, numbers in (rows or {}).items():
                new_rows.setdefault(tab, []).extend(numbers)
            if rows is None:
                moved = True  # not known: the caller reads again
        result.deleted_rows = batch.deleted
        if not moved and not (len(pieces) > 1 and batch.deletes):
            result.new_rows = new_rows
        return result

    def _write_piece(
        self, requests: list[dict[str, Any]], batch: _Batch, plans: dict[str, _TabPlan]
    ) -> tuple[dict[str, list[Any]], bool]:
        """One atomic batch, then put right what a concurrent sort moved; returns the ID columns after it."""
        after = self._commit(requests, batch.key_ranges(plans))
        moved = False
        for _round in range(REPAIR_ROUNDS):
            wrong = batch.misplaced(after)
            if not wrong:
                return after, moved
            moved = True
            log.warning(
                "Google-Tabelle: Zeilen wurden während des Schreibens verschoben (z. B. sortiert); %d Zellen werden "
                "an die Zeile ihrer ID gesetzt.",
                len(wrong),
            )
            batch = batch.repair(wrong, after)
            after = self._commit(batch.requests(), batch.key_ranges(plans))
        if batch.misplaced(after):
            raise GoogleApiError(
                "Die Google-Tabelle wurde während des Schreibens mehrfach umsortiert; nicht alle Zellen konnten "
                "sicher ihrer Zeile zugeordnet werden. Bitte die Tabelle nicht sortieren, solange der Job läuft, "
                "und »gespraechsrunde sync« erneut starten."
            )
        return after, moved

    def _infos(self) -> dict[str, SheetInfo]:
        """The tabs as last seen (by ``read`` or the last write's answer), else one metadata GET."""
        if self._sheets is None:
            self._sheets = self.api.sheets()
        return self._sheets

    def _reread(
        self, names: list[str], needed: dict[str, set[str]], sheets: dict[str, SheetInfo]
    ) -> dict[str, _TabPlan]:
        """Current cells of the tabs whose rows are found by ID, in one ``values:batchGet``; headers for the rest.

        ``needed`` names, per tab, the columns the write compares or finds rows by (an empty set: the whole
        tab, e.g. to put back a row deleted by mistake). Only those columns and the header row are fetched
        when the header row is still the one last read; otherwise the whole tab.
        """
        fresh = [n for n in names if n in sheets and (n in needed or n not in self._headers)]
        ranges: dict[str, list[str]] = {}
        for name in fresh:
            cached = self._headers.get(name, [])
            columns = [find_header(cached, c) for c in needed.get(name, set())]
            if cached and columns and None not in columns:
                letters = [column_letter(c) for c in sorted({c for c in columns if c is not None})]
                ranges[name] = [f"{quote_tab(name)}!1:1"] + [f"{quote_tab(name)}!{x}:{x}" for x in letters]
            else:
                ranges[name] = [quote_tab(name)]
        flat = [r for name in fresh for r in ranges[name]]
        answers = iter(self.api.values(flat))
        grids: dict[str, list[list[Any]]] = {}
        whole: list[str] = []
        for name in fresh:
            parts = [next(answers) for _ in ranges[name]]
            if len(parts) == 1:
                grids[name] = parts[0]
                continue
            header = [str(h).strip() for h in parts[0][0]] if parts[0] else []
            if _trim(list(header)) != _trim([str(h).strip() for h in self._headers[name]]):
                whole.append(name)  # the header row changed since the read: positions may have moved
                continue
            grids[name] = _sparse(header, ranges[name][1:], parts[1:])
        if whole:
            grids.update(zip(whole, self.api.values([quote_tab(n) for n in whole]), strict=True))
        plans = {}
        for name in names:
            if name in grids:
                grid = grids[name]
                headers = [str(h).strip() for h in grid[0]] if grid else []
            else:
                headers = list(self._headers.get(name, [])) if name in sheets else []
                grid = [list(headers)] if headers else []
            plans[name] = _TabPlan(name, sheets.get(name), grid, headers, len(headers))
        return plans

    def _commit(self, requests: list[dict[str, Any]], ranges: list[str]) -> dict[str, list[Any]]:
        """Send one atomic batch; returns the key columns as they are right after it (range → values by row)."""
        answer = self.api.commit(requests, ranges)
        if answer is None:  # applied, but the answer was lost: read what the verification needs
            self._sheets = self.api.sheets()
            return dict(zip(ranges, [_column(grid) for grid in self.api.values(ranges)], strict=True))
        sheets = answer.get("updatedSpreadsheet", {})
        self._sheets = _infos(sheets) if sheets.get("sheets") else None
        self.api.markers = _markers(sheets)
        found: dict[str, list[Any]] = {}
        data = [(s["properties"]["title"], d) for s in sheets.get("sheets", []) for d in s.get("data", [])]
        for text in ranges:
            title, column = _key_range(text)
            for name, block in data:
                if name == title and int(block.get("startColumn", 0)) == column and "rowData" in block:
                    found[text] = _grid_column(block)
        missing = [text for text in ranges if text not in found]
        if missing:  # never judge where a write landed without seeing it: read those columns
            found.update(zip(missing, [_column(grid) for grid in self.api.values(missing)], strict=True))
        return found

    @staticmethod
    def _line(plan: _TabPlan, values: dict[str, Cell], width: int) -> list[Any]:
        line: list[Any] = [""] * width
        for header, value in values.items():
            line[plan.column(header)] = json_value(value)
        return line

    # -- setting up ------------------------------------------------------------------------------

    def ensure_tabs(self, tabs: dict[str, list[str]]) -> list[str]:
        sheets = self.api.sheets()
        names = list(tabs)
        present = [n for n in names if n in sheets]
        firsts = dict(zip(present, self.api.values([f"{quote_tab(n)}!1:1" for n in present]), strict=True))
        plans = []
        data: list[dict[str, Any]] = []
        for name in names:
            grid = firsts.get(name, [])
            headers = [str(h).strip() for h in grid[0]] if grid else []
            plan = _TabPlan(name, sheets.get(name), grid[:1], headers, len(headers))
            plan.need(tabs[name])
            plans.append(plan)
            if len(plan.headers) > plan.original_width:
                new = plan.headers[plan.original_width :]
                data.append({"range": a1(name, plan.original_width, 1), "values": [new]})
        self.api.batch_update(self._structure(plans))
        self.api.update_values(data)
        return [n for n in names if n not in sheets]

    def format_tabs(self, layouts: list[TabLayout]) -> list[str]:
        """Dropdowns, frozen header rows, warning-only protection of job tabs (see ``sheet_setup``)."""
        from automation.adapters.google.sheet_setup import format_tabs

        return format_tabs(self.api, layouts) + self._dates_from_text(layouts)

    def _dates_from_text(self, layouts: list[TabLayout]) -> list[str]:
        """Dates, times and timestamps an earlier version wrote as text in the job's form (``01.02.2027 09:00:00``)
        become real date cells with the same value, written like any change (found by ID; a cell changed
        meanwhile is left alone). Text is told from numbers by reading the tabs unformatted; anything else a
        person typed stays as it is."""
        sheets = self.api.sheets()
        wanted: list[tuple[TabLayout, str]] = []
        for layout in layouts:
            model = MODEL_BY_TAB.get(layout.name)
            if layout.name in sheets and model is not None and model.ID and layout.number_formats:
                wanted.append((layout, model.ID))
        grids = self.api.values([quote_tab(layout.name) for layout, _ in wanted], render="UNFORMATTED_VALUE")
        changes = ChangeSet()
        counts: dict[str, int] = {}
        for (layout, id_column), grid in zip(wanted, grids, strict=True):
            headers = [str(h).strip() for h in grid[0]] if grid else []
            key_index = find_header(headers, id_column)
            targets = [i for i in (find_header(headers, h) for h in layout.number_formats) if i is not None]
            if key_index is None or not targets:
                continue
            seen: set[str] = set()
            for line in grid[1:]:
                key = _text(line[key_index]) if key_index < len(line) else ""
                if not key or key in seen:
                    continue  # rows are found by their ID's first row (as apply finds them)
                seen.add(key)
                for index in targets:
                    value = line[index] if index < len(line) else ""
                    if isinstance(value, str) and date_cell(layout.name, headers[index], value) is not None:
                        changes.cells.append(CellChange(layout.name, id_column, key, headers[index], value, value))
                        counts[layout.name] = counts.get(layout.name, 0) + 1
        if not changes:
            return []
        result = self.apply(changes)
        for conflict in result.conflicts:
            counts[conflict.tab] -= 1  # changed meanwhile: left as it is now
        return [
            f"»{tab}«: 1 als Text geschriebene Datumsangabe ist jetzt ein echter Datumswert"
            if count == 1
            else f"»{tab}«: {count} als Text geschriebene Datumsangaben sind jetzt echte Datumswerte"
            for tab, count in counts.items()
            if count > 0
        ]


def _append_dimension(sheet_id: int, dimension: str, length: int) -> dict[str, Any]:
    return {"appendDimension": {"sheetId": sheet_id, "dimension": dimension, "length": length}}


def _trim(line: list[Any]) -> list[Any]:
    while line and line[-1] == "":
        line.pop()
    return line


def _table(name: str, grid: list[list[Any]]) -> Table:
    headers = [str(h).strip() for h in grid[0]] if grid else []
    table = Table(name, headers)
    for number, line in enumerate(grid[1:], start=2):
        if not any(v not in (None, "") for v in line):
            continue
        values = {h: _cell(line[i]) if i < len(line) else None for i, h in enumerate(headers) if h}
        table.rows.append(Row(number, values))
    return table


@dataclass(frozen=True)
class _Write:
    """One cell the batch writes, and whose row it must land on."""

    tab: str
    key_column: str
    key: str
    row: int  # 1-based, in the re-read
    column: int
    value: Any


_Deletion = tuple[_TabPlan, str, str, int]  # tab, ID column, ID, row in the re-read


@dataclass
class _Batch:
    """The requests of one atomic write, and what it takes to check afterwards that each landed on its row."""

    _cells: list[dict[str, Any]] = field(default_factory=list)
    writes: list[_Write] = field(default_factory=list)
    deletes: list[_Deletion] = field(default_factory=list)
    appends: dict[str, tuple[_TabPlan, str | None, list[tuple[str | None, list[Any]]]]] = field(default_factory=dict)
    plans: dict[str, _TabPlan] = field(default_factory=dict)
    _targets: set[tuple[str, int, int]] = field(default_factory=set)
    _appended: dict[str, set[str]] = field(default_factory=dict)

    def empty(self) -> bool:
        return not (self._cells or self.writes or self.deletes or self.appends)

    @property
    def deleted(self) -> int:
        return len({(plan.name, number) for plan, _c, _k, number in self.deletes})

    def cells(self, plan: _TabPlan, row: int, column: int, rows: list[list[Any]]) -> None:
        assert plan.info is not None
        self._cells.append(
            {
                "updateCells": {
                    "rows": [{"values": [cell_data(v) for v in line]} for line in rows],
                    "fields": "userEnteredValue",
                    "start": {"sheetId": plan.info.sheet_id, "rowIndex": row - 1, "columnIndex": column},
                }
            }
        )

    def write(self, plan: _TabPlan, key_column: str, key: str, row: int, column: int, value: Any) -> None:
        if (plan.name, row, column) in self._targets:
            return
        self._targets.add((plan.name, row, column))
        self.plans[plan.name] = plan
        self.writes.append(_Write(plan.name, key_column, key, row, column, value))

    def replace(self, plan: _TabPlan, body: list[list[Any]], links: dict[tuple[int, int], str] | None = None) -> None:
        """The whole body below the header; cells of the old body beyond it are cleared (unbounded range).
        ``links``: (row index, column) → a link on that cell's text (the old body's links go)."""
        assert plan.info is not None
        rows = [{"values": [typed_cell(plan, j, v) for j, v in enumerate(line)]} for line in body]
        for (index, column), uri in (links or {}).items():
            cell = rows[index]["values"][column]
            if cell:
                cell["textFormatRuns"] = [{"startIndex": 0, "format": {"link": {"uri": uri}}}]
        self._cells.append(
            {
                "updateCells": {
                    "rows": rows,
                    "fields": _fields(rows, "" if links is None else ",textFormatRuns"),
                    "range": {
                        "sheetId": plan.info.sheet_id,
                        "startRowIndex": 1,
                        "startColumnIndex": 0,
                        "endColumnIndex": max(1, len(plan.headers)),
                    },
                }
            }
        )

    def delete(self, plan: _TabPlan, key_column: str, key: str, number: int) -> None:
        self.plans[plan.name] = plan
        self.deletes.append((plan, key_column, key, number))

    def append(self, plan: _TabPlan, id_column: str | None, key: str | None, line: list[Any]) -> None:
        self.plans[plan.name] = plan
        self.appends.setdefault(plan.name, (plan, id_column, []))[2].append((key, line))
        if key:
            self._appended.setdefault(plan.name, set()).add(key)

    def appended_keys(self, tab: str) -> set[str]:
        return self._appended.get(tab, set())

    def size(self) -> int:
        """About how many bytes the requests take (to keep a batch under Google's request size limit)."""
        cells = sum(len(json.dumps(c, ensure_ascii=False)) for c in self._cells)
        writes = sum(_cost([w.value]) + 80 for w in self.writes)
        rows = sum(_cost(line) for _plan, _column, lines in self.appends.values() for _key, line in lines)
        return cells + writes + rows + 120 * len(self.deletes)

    def split(self, limit: int) -> list[_Batch]:
        """This batch as several, each about ``limit`` bytes at most: headers and generated bodies first, then
        cell writes and new rows (``Eingang`` last), deletes in the last one (row positions stay valid)."""
        if self.size() <= limit:
            return [self]
        current = _Batch(_cells=list(self._cells))
        pieces, used = [current], sum(len(json.dumps(c, ensure_ascii=False)) for c in self._cells)

        def room(cost: int) -> _Batch:
            nonlocal current, used
            if used + cost > limit and (current.writes or current.appends):
                current = _Batch()
                pieces.append(current)
                used = 0
            used += cost
            return current

        writes = sorted(self.writes, key=lambda w: w.tab == LAST_TAB)
        appends = sorted(self.appends.values(), key=lambda a: a[0].name == LAST_TAB)
        for w in (w for w in writes if w.tab != LAST_TAB):
            room(_cost([w.value]) + 80).write(self.plans[w.tab], w.key_column, w.key, w.row, w.column, w.value)
        for plan, id_column, lines in appends:
            if plan.name == LAST_TAB:
                for w in (w for w in writes if w.tab == LAST_TAB):
                    room(_cost([w.value]) + 80).write(plan, w.key_column, w.key, w.row, w.column, w.value)
            for key, line in lines:
                room(_cost(line)).append(plan, id_column, key, line)
        if LAST_TAB not in self.appends:
            for w in (w for w in writes if w.tab == LAST_TAB):
                room(_cost([w.value]) + 80).write(self.plans[w.tab], w.key_column, w.key, w.row, w.column, w.value)
        for deletion in self.deletes:
            current.delete(*deletion)
        return pieces

    def requests(self) -> list[dict[str, Any]]:
        """Header and body cells, the cell writes, deletes (descending), then the new rows."""
        result = list(self._cells)
        for w in self.writes:
            info = self.plans[w.tab].info
            assert info is not None
            cell_rows = [{"values": [typed_cell(self.plans[w.tab], w.column, w.value)]}]
            result.append(
                {
                    "updateCells": {
                        "rows": cell_rows,
                        "fields": _fields(cell_rows),
                        "start": {"sheetId": info.sheet_id, "rowIndex": w.row - 1, "columnIndex": w.column},
                    }
                }
            )
        done: set[tuple[int, int]] = set()
        for plan, _column, _key, number in sorted(self.deletes, key=lambda d: (d[0].name, -d[3])):
            assert plan.info is not None
            if (plan.info.sheet_id, number) in done:
                continue
            done.add((plan.info.sheet_id, number))
            dimension = {"sheetId": plan.info.sheet_id, "dimension": "ROWS", "startIndex": number - 1}
            result.append({"deleteDimension": {"range": {**dimension, "endIndex": number}}})
        for plan, _id_column, rows in self.appends.values():
            assert plan.info is not None
            new_rows = [{"values": [typed_cell(plan, j, v) for j, v in enumerate(line)]} for _key, line in rows]
            result.append(
                {
                    "appendCells": {
                        "sheetId": plan.info.sheet_id,
                        "rows": new_rows,
                        "fields": _fields(new_rows),
                    }
                }
            )
        return result

    def key_ranges(self, plans: dict[str, _TabPlan]) -> list[str]:
        """The ID columns to get back with the answer (to check where the writes landed)."""
        wanted = [(w.tab, w.key_column) for w in self.writes]
        wanted += [(plan.name, column) for plan, column, _k, _n in self.deletes]
        wanted += [(name, column) for name, (_p, column, _rows) in self.appends.items() if column is not None]
        return list(dict.fromkeys(key_range(plans[tab], column) for tab, column in wanted))

    def _shift(self, tab: str, row: int) -> int:
        """Where a row of the re-read is after this batch's deletes."""
        return row - len({n for plan, _c, _k, n in self.deletes if plan.name == tab and n < row})

    def misplaced(self, after: dict[str, list[Any]]) -> list[_Write | _Deletion]:
        """Writes that did not land on the row of their ID, and deletes whose ID is still there."""
        wrong: list[_Write | _Deletion] = []
        for w in self.writes:
            column = after.get(key_range(self.plans[w.tab], w.key_column), [])
            row = self._shift(w.tab, w.row)
            if _key_at(column, row) != w.key:
                wrong.append(w)
        for delete in self.deletes:
            plan, key_column, key, _number = delete
            if key in {_text(v) for v in after.get(key_range(plan, key_column), [])}:
                wrong.append(delete)
        return wrong

    def repair(self, wrong: list[_Write | _Deletion], after: dict[str, list[Any]]) -> _Batch:
        """A batch that puts misplaced cells right, by the rows the IDs have now (``after``).

        A cell that got another row's value gets back what that row held (its value as re-read, or what
        this run writes there); the intended value goes to the row that now holds the ID. A row deleted by
        mistake is appended again as it was re-read, and the row with the ID is deleted.
        """
        repair = _Batch()
        intended = {(w.tab, w.key, w.column): w.value for w in self.writes}
        deleted = {(plan.name, key) for plan, _c, key, _n in self.deletes}
        for item in wrong:
            if isinstance(item, _Write):
                plan = self.plans[item.tab]
                column = after.get(key_range(plan, item.key_column), [])
                now = _positions(column)
                row = self._shift(item.tab, item.row)
                owner = _key_at(column, row)
                if owner != item.key:
                    before = plan.index(item.key_column).get(owner) if owner else None
                    value = intended.get((item.tab, owner, item.column)) if owner else None
                    if value is None and before is not None:
                        value = as_written(plan, item.column, plan.current(before, item.column))
                    if value is None and before is None:
                        header = plan.headers[item.column] if item.column < len(plan.headers) else ""
                        log.warning(
                            "Google-Tabelle »%s«, Zeile %d, Spalte »%s«: ein Wert des Jobs landete in einer Zeile, "
                            "die beim Schreiben neu war (eingefügt, ohne bekannte ID); er wurde dort wieder "
                            "gelöscht. Bitte prüfen, ob in dieser Zelle vorher etwas stand.",
                            item.tab, row, header,
                        )  # fmt: skip
                    repair.write(plan, item.key_column, owner, row, item.column, value)
                if item.key in now:
                    repair.write(plan, item.key_column, item.key, now[item.key], item.column, item.value)
            else:
                plan, key_column, key, _number = item
                column = after.get(key_range(plan, key_column), [])
                now = _positions(column)
                present = set(now)
                for other, number in plan.index(key_column).items():
                    if other not in present and (plan.name, other) not in deleted:
                        line = plan.grid[number - 1] if number - 1 < len(plan.grid) else []
                        values = [json_value(as_written(plan, i, _cell(v))) for i, v in enumerate(line)]
                        repair.append(plan, key_column, other, _trim(values))
                if key in now:
                    repair.delete(plan, key_column, key, now[key])
        return repair

    def new_rows(self, after: dict[str, list[Any]]) -> dict[str, list[int]] | None:
        """Where the appended rows landed (from the ID column after the write); None when not known."""
        result: dict[str, list[int]] = {}
        for name, (plan, column, rows) in self.appends.items():
            if column is None:
                continue
            now = _positions(after.get(key_range(plan, column), []), last=True)
            numbers = [now.get(key or "") for key, _line in rows]
            if any(n is None for n in numbers):
                return None
            result[name] = [n for n in numbers if n is not None]
        return result


def as_written(plan: _TabPlan, column: int, shown: Any) -> Any:
    """A value as re-read (formatted text) back in the type the job writes it: numbers of number columns."""
    model = MODEL_BY_TAB.get(plan.name)
    if model is None or not isinstance(shown, str) or column >= len(plan.headers):
        return shown
    kinds = {header_key(c.header): c.kind for c in columns(model)}
    if kinds.get(header_key(plan.headers[column])) is Kind.INT and shown.strip().lstrip("-").isdigit():
        return int(shown)
    return shown


def _cost(values: list[Any]) -> int:
    """About the bytes of these cells in an ``updateCells``/``appendCells`` request (a date with its format)."""
    return 20 + sum(40 + len(str(v)) + (80 if isinstance(v, str) and _DATE_TEXT.fullmatch(v) else 0) for v in values)


# The number formats of the dates, times and timestamps the job writes (real date cells, sortable). Read back as
# shown (FORMATTED_VALUE), a cell gives exactly the text the job wrote before as text (seconds included), so the
# record layer reads old text cells and new date cells alike and a quiet sync finds nothing to change.
DATE_CELL_FORMATS: dict[Kind, dict[str, str]] = {
    Kind.DATETIME: {"type": "DATE_TIME", "pattern": "dd.mm.yyyy hh:mm:ss"},
    Kind.DATE: {"type": "DATE", "pattern": "dd.mm.yyyy"},
    Kind.TIME: {"type": "TIME", "pattern": "hh:mm"},
}
_SHOWN = {Kind.DATETIME: "%d.%m.%Y %H:%M:%S", Kind.DATE: "%d.%m.%Y", Kind.TIME: "%H:%M"}
# the job's own text of these (``automation.domain.cells.to_cell``)
_JOB_TEXT = {
    Kind.DATETIME: re.compile(r"(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})"),
    Kind.DATE: re.compile(r"(\d{2})\.(\d{2})\.(\d{4})"),
    Kind.TIME: re.compile(r"(\d{2}):(\d{2})"),
}
_DATE_TEXT = re.compile("|".join(p.pattern for p in _JOB_TEXT.values()))
_EPOCH = dt.datetime(1899, 12, 30)  # day 0 of Sheets' serial numbers
NUMBER_FORMAT_FIELD = "userEnteredFormat.numberFormat"


@cache
def _date_kind(tab: str, header: str) -> Kind | None:
    """The kind of a date, time or timestamp column of a known tab; None for every other column."""
    model = MODEL_BY_TAB.get(tab)
    if model is None:
        return None
    kinds = {header_key(c.header): c.kind for c in columns(model)}
    kind = kinds.get(header_key(header))
    return kind if kind in DATE_CELL_FORMATS else None


def serial(value: dt.datetime | dt.time) -> float:
    """Sheets' serial number of a timestamp (days since 30.12.1899) or a time (fraction of a day); never a hair
    below the exact second, so showing it with seconds gives that second whether Sheets rounds or cuts off."""
    if isinstance(value, dt.datetime):
        delta = value.replace(microsecond=0) - _EPOCH
        seconds = delta.days * 86400 + delta.seconds
    else:
        seconds = value.hour * 3600 + value.minute * 60 + value.second
    result = seconds / 86400
    numerator, denominator = result.as_integer_ratio()
    return math.nextafter(result, math.inf) if numerator * 86400 < seconds * denominator else result


def date_cell(tab: str, header: str, value: Any) -> dict[str, Any] | None:
    """A date the job wrote as German text (``01.02.2027 09:00:00``) in a date column, as a real date cell: a
    serial number with a number format that shows exactly that text again. None for anything else (other
    columns, empty cells, text that is no date or not in the job's form: it is written as text, as typed)."""
    kind = _date_kind(tab, header)
    if kind is None or not isinstance(value, str) or not value.strip():
        return None
    match = _JOB_TEXT[kind].fullmatch(value)
    if match is None:
        return None  # not the job's own form (e.g. typed by a person): written as text, as it is
    numbers = [int(part) for part in match.groups()]
    typed: dt.datetime | dt.time
    try:
        if kind is Kind.TIME:
            typed = dt.time(numbers[0], numbers[1])
        else:
            day, month, year, *clock = numbers
            hour, minute, second = clock or [0, 0, 0]
            typed = dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    if typed.strftime(_SHOWN[kind]) != value:
        return None  # the same text would not come back
    return {
        "userEnteredValue": {"numberValue": serial(typed)},
        "userEnteredFormat": {"numberFormat": dict(DATE_CELL_FORMATS[kind])},
    }


def _fields(rows: list[dict[str, Any]], extra: str = "") -> str:
    """The field mask for these cells: their number format too when one of them is a date (the mask applies to
    every cell in the range; text shows the same under any number format)."""
    dated = any("userEnteredFormat" in cell for row in rows for cell in row.get("values", []))
    return "userEnteredValue" + extra + (f",{NUMBER_FORMAT_FIELD}" if dated else "")


def typed_cell(plan: _TabPlan, column: int, value: Any) -> dict[str, Any]:
    """A cell of ``plan`` in ``column`` for ``updateCells``/``appendCells``: a date the job wrote as a real date
    cell (:func:`date_cell`), anything else as :func:`cell_data`."""
    if column < len(plan.headers):
        dated = date_cell(plan.name, plan.headers[column], json_value(value))
        if dated is not None:
            return dated
        kind = _date_kind(plan.name, plan.headers[column])
        if kind is not None:  # empty or text: keeps the column's date format (the mask may cover this cell)
            return {**cell_data(value), "userEnteredFormat": {"numberFormat": dict(DATE_CELL_FORMATS[kind])}}
    return cell_data(value)


def cell_data(value: Any) -> dict[str, Any]:
    """A cell for ``updateCells``/``appendCells``: text is a ``stringValue`` (never a formula, like RAW)."""
    value = json_value(value)
    if value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def key_range(plan: _TabPlan, key_column: str) -> str:
    """``'Tab'!C:C`` for the ID column of a plan."""
    letter = column_letter(plan.column(key_column))
    return f"{quote_tab(plan.name)}!{letter}:{letter}"


def _key_range(text: str) -> tuple[str, int]:
    """``'Tab'!C:C`` → (``Tab``, 2)."""
    tab, _, cells = text.rpartition("!")
    letters = cells.split(":")[0]
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return tab[1:-1].replace("''", "'"), number - 1


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _key_at(column: list[Any], row: int) -> str:
    return _text(column[row - 1]) if 0 < row <= len(column) else ""


def _positions(column: list[Any], last: bool = False) -> dict[str, int]:
    """ID → 1-based row (first occurrence, or the last with ``last``); the header row is skipped."""
    result: dict[str, int] = {}
    for number, value in enumerate(column[1:], start=2):
        key = _text(value)
        if key and (last or key not in result):
            result[key] = number
    return result


def _sparse(header: list[str], ranges: list[str], parts: list[list[list[Any]]]) -> list[list[Any]]:
    """A tab's grid from its header row and some of its columns (``'Tab'!C:C`` each); other cells empty."""
    height = max([1, *(len(part) for part in parts)])
    grid: list[list[Any]] = [list(header)] + [[""] * len(header) for _ in range(height - 1)]
    for text, part in zip(ranges, parts, strict=True):
        _title, column = _key_range(text)
        for number, line in enumerate(part[1:], start=1):
            if line and column < len(grid[number]):
                grid[number][column] = line[0]
    return grid


def _column(grid: list[list[Any]]) -> list[Any]:
    """The values of a one-column ``values:batchGet`` range, by row."""
    return [line[0] if line else "" for line in grid]


def _grid_column(block: dict[str, Any]) -> list[Any]:
    """The values of one column of ``GridData`` (as in a batchUpdate answer), by row from row 1."""
    values: list[Any] = [""] * int(block.get("startRow", 0))
    for row in block.get("rowData", []):
        cells = row.get("values", [])
        values.append(cells[0].get("formattedValue", "") if cells else "")
    return values


def _infos(spreadsheet: dict[str, Any]) -> dict[str, SheetInfo]:
    result: dict[str, SheetInfo] = {}
    for sheet in spreadsheet.get("sheets", []):
        props = sheet["properties"]
        grid = props.get("gridProperties", {})
        result[props["title"]] = SheetInfo(
            sheet_id=int(props.get("sheetId", 0)),
            title=props["title"],
            row_count=int(grid.get("rowCount", NEW_TAB_ROWS)),
            column_count=int(grid.get("columnCount", MIN_COLUMNS)),
            frozen_rows=int(grid.get("frozenRowCount", 0)),
            protected=list(sheet.get("protectedRanges", [])),
        )
    return result


def _markers(spreadsheet: dict[str, Any]) -> list[int]:
    """IDs of this tool's commit markers (spreadsheet developer metadata)."""
    return [
        int(m["metadataId"])
        for m in spreadsheet.get("developerMetadata", [])
        if m.get("metadataKey") == MARKER_KEY and "metadataId" in m
    ]


def _new_sheet_id(used: set[int]) -> int:
    while True:
        candidate = secrets.randbelow(2**31 - 2) + 1
        if candidate not in used:
            used.add(candidate)
            return candidate
