"""The Google store: a shared spreadsheet, read and written in a small, fixed number of Sheets API calls.

Reading is one metadata GET (which tabs exist) and one ``values:batchGet`` of every tab, rendered as
people see it (FORMATTED_VALUE); the record layer parses German dates and numbers.

Writing (:meth:`GoogleSheetsStore.apply`) first re-reads the touched tabs (one ``values:batchGet``), then:

1. ``spreadsheets:batchUpdate`` only if a tab or grid columns/rows must be added (harmless on its own);
2. one ``values:batchUpdate`` with ``valueInputOption=RAW`` for cell changes, new headers and the bodies of
   replaced (generated) tabs – rows are found by ID in the re-read, and a cell that no longer holds the value
   the job read is skipped and reported as a :class:`Conflict`;
3. ``spreadsheets:batchUpdate`` with ``deleteDimension`` for deleted rows (descending, positions from the
   re-read);
4. one ``values:append`` (RAW, INSERT_ROWS) per tab with new rows: Google finds the end of the table itself,
   so a row a person adds meanwhile is never overwritten. A new row whose ID already exists (an earlier,
   interrupted run wrote it) is not appended twice.
5. last, the ``Eingang`` tab (its cell changes, then its new rows): it records which answers were taken, so
   it is written only after what was made of them. A failure before leaves the answers ``neu``/``fehlerhaft``
   (or not yet received) and the next run takes them again; contacts and registrations already written are
   found again by matching, so nothing is lost and nothing doubled.

Nothing is written before the re-read succeeded; a failure after step 2 leaves the rest for the next run,
which finds it again by comparing records with the sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from automation.adapters.google.http import describe_status, error_detail, quote_tab
from automation.domain.cells import Cell, same_cell
from automation.domain.errors import GoogleApiError
from automation.domain.records import MODEL_BY_TAB
from automation.domain.store import ApplyResult, ChangeSet, Conflict, Row, Snapshot, TabLayout, Table, find_header

MIN_COLUMNS = 26
NEW_TAB_ROWS = 1000
LAST_TAB = "Eingang"  # written after every other tab (see step 5 above)


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


class SheetsApi:
    """The few Sheets calls the store needs, on gspread's low-level client (one HTTP stack, see http.py)."""

    def __init__(self, http: HTTPClient, spreadsheet_id: str) -> None:
        self.http = http
        self.spreadsheet_id = spreadsheet_id

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
            "fields": "sheets(properties(sheetId,title,index,gridProperties),protectedRanges)",
        }
        if with_validation_row:
            first = self._call("das Lesen der Tabellenstruktur", self.http.fetch_sheet_metadata, params)
            ranges = [f"{quote_tab(s['properties']['title'])}!2:2" for s in first.get("sheets", [])]
            params = {
                "includeGridData": "true",
                "ranges": ranges,
                "fields": "sheets(properties(sheetId,title,index,gridProperties),protectedRanges,"
                "data(rowData(values(dataValidation))))",
            }
        data = self._call("das Lesen der Tabellenstruktur", self.http.fetch_sheet_metadata, params)
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
            )
        return result

    def values(self, ranges: list[str]) -> list[list[list[Any]]]:
        """The cells of several ranges in one ``values:batchGet`` (as shown: FORMATTED_VALUE)."""
        if not ranges:
            return []
        params = {"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"}
        data = self._call("das Lesen der Tabelle", self.http.values_batch_get, ranges, params)
        return [list(vr.get("values", [])) for vr in data.get("valueRanges", [])]

    def update_values(self, data: list[dict[str, Any]]) -> None:
        """One ``values:batchUpdate``; RAW only: text like ``=1+1`` stays text."""
        if data:
            body = {"valueInputOption": "RAW", "data": data}
            self._call("das Schreiben in die Tabelle", self.http.values_batch_update, body)

    def append(self, tab: str, rows: list[list[Any]]) -> None:
        """New rows after the table of ``tab`` (RAW, rows inserted, nothing overwritten)."""
        if rows:
            params = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS", "includeValuesInResponse": "false"}
            body = {"majorDimension": "ROWS", "values": rows}
            self._call("das Anfügen von Zeilen", self.http.values_append, f"{quote_tab(tab)}!A1", params, body)

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

    @property
    def width(self) -> int:
        return max([len(self.headers), *(len(r) for r in self.grid)])

    def need(self, names: Iterable[str]) -> None:
        for name in names:
            if name and find_header(self.headers, name) is None:
                self.headers.append(name)

    def column(self, name: str) -> int:
        index = find_header(self.headers, name)
        assert index is not None
        return index

    def current(self, row: int, column: int) -> Any:
        line = self.grid[row - 1] if row - 1 < len(self.grid) else []
        return _cell(line[column]) if column < len(line) else None

    def index(self, key_column: str) -> dict[str, int]:
        """ID → 1-based row number in the re-read (first occurrence)."""
        column = find_header(self.headers, key_column)
        result: dict[str, int] = {}
        if column is None:
            return result
        for number in range(2, len(self.grid) + 1):
            value = self.current(number, column)
            if value not in (None, ""):
                result.setdefault(str(value).strip(), number)
        return result


class GoogleSheetsStore:
    """Tabs of a Google spreadsheet."""

    def __init__(self, api: SheetsApi) -> None:
        self.api = api

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
        return {name: _table(name, grid) for name, grid in zip(names, grids, strict=True)}

    # -- writing ---------------------------------------------------------------------------------

    def _plans(self, names: list[str]) -> tuple[dict[str, SheetInfo], dict[str, _TabPlan]]:
        sheets = self.api.sheets()
        present = [n for n in names if n in sheets]
        grids = dict(zip(present, self.api.values([quote_tab(n) for n in present]), strict=True))
        plans = {}
        for name in names:
            grid = grids.get(name, [])
            headers = [str(h).strip() for h in grid[0]] if grid else []
            plans[name] = _TabPlan(name, sheets.get(name), grid, headers, len(headers))
        return sheets, plans

    def _structure(self, plans: Iterable[_TabPlan]) -> list[dict[str, Any]]:
        """addSheet / appendDimension requests so that every header and row fits the grid."""
        requests: list[dict[str, Any]] = []
        for plan in plans:
            width = plan.width
            rows = max(plan.rows_needed, len(plan.grid), 1)
            if plan.info is None:
                requests.append(
                    {
                        "addSheet": {
                            "properties": {
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

    def apply(self, changes: ChangeSet) -> ApplyResult:
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
        _, plans = self._plans(names)
        for change in changes.cells:
            plans[change.tab].need([change.key_column, change.column])
        for replace in changes.replaces:
            plans[replace.tab].need(replace.headers)
            for values in replace.rows:
                plans[replace.tab].need(values)
        for append in changes.appends:
            plans[append.tab].need(append.values)

        data: list[dict[str, Any]] = []
        for plan in plans.values():
            if len(plan.headers) > plan.original_width:
                new = plan.headers[plan.original_width :]
                data.append({"range": a1(plan.name, plan.original_width, 1), "values": [new]})

        indexes: dict[tuple[str, str], dict[str, int]] = {}
        written: set[tuple[str, int, int]] = set()
        last: list[dict[str, Any]] = []  # cell changes of LAST_TAB
        for change in changes.cells:
            plan = plans[change.tab]
            index = indexes.setdefault((change.tab, change.key_column), plan.index(change.key_column))
            number = index.get(change.key)
            if number is None:
                result.conflicts.append(Conflict(change.tab, change.key, "", change.old, None))
                continue
            column = plan.column(change.column)
            found = plan.current(number, column)
            if not same_cell(found, change.old):
                result.conflicts.append(Conflict(change.tab, change.key, change.column, change.old, found))
                continue
            if (change.tab, number, column) not in written:
                written.add((change.tab, number, column))
                target = last if change.tab == LAST_TAB else data
                target.append({"range": a1(change.tab, column, number), "values": [[json_value(change.new)]]})
            result.written_cells += 1

        for replace in changes.replaces:
            plan = plans[replace.tab]
            width = plan.width
            body = [self._line(plan, values, width) for values in replace.rows]
            body += [[""] * width for _ in range(max(0, len(plan.grid) - 1 - len(body)))]
            plan.rows_needed = 1 + len(body)
            if body:
                data.append({"range": a1(replace.tab, 0, 2), "values": body})

        appends: dict[str, list[list[Any]]] = {}
        for append in changes.appends:
            plan = plans[append.tab]
            model = MODEL_BY_TAB.get(append.tab)
            id_column = model.ID if model is not None else None
            if id_column is not None and append.values.get(id_column) not in (None, ""):
                key = str(append.values[id_column]).strip()
                existing = indexes.setdefault((append.tab, id_column), plan.index(id_column))
                if key in existing:
                    result.conflicts.append(
                        Conflict(append.tab, key, id_column, None, f"Zeile {existing[key]} hat schon diese ID")
                    )
                    continue
                existing[key] = -1  # appended in this run
            appends.setdefault(append.tab, []).append(_trim(self._line(plan, append.values, len(plan.headers))))
            result.appended_rows += 1

        self.api.batch_update(self._structure(plans.values()))
        self.api.update_values(data)

        deletes: list[tuple[int, int]] = []
        for delete in changes.deletes:
            plan = plans[delete.tab]
            number = indexes.setdefault((delete.tab, delete.key_column), plan.index(delete.key_column)).get(delete.key)
            if number is not None and number > 0 and plan.info is not None:
                deletes.append((plan.info.sheet_id, number))
        deletes = sorted(set(deletes), key=lambda d: (d[0], -d[1]))
        self.api.batch_update(
            [
                {
                    "deleteDimension": {
                        "range": {"sheetId": sheet, "dimension": "ROWS", "startIndex": number - 1, "endIndex": number}
                    }
                }
                for sheet, number in deletes
            ]
        )
        result.deleted_rows = len(deletes)

        for tab, rows in appends.items():
            if tab != LAST_TAB:
                self.api.append(tab, rows)
        self.api.update_values(last)
        if appends.get(LAST_TAB):
            self.api.append(LAST_TAB, appends[LAST_TAB])
        return result

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

        return format_tabs(self.api, layouts)


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
