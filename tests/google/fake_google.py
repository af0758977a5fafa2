"""A stateful in-memory stand-in for the Sheets, Forms and token endpoints the Google backend uses.

The real gspread and google-api-python-client code runs against it: behind ``responses`` callbacks
(:meth:`FakeGoogle.install`) or as a loopback HTTP server (:func:`serve`). Response shapes follow Google's
(a ValueRange has ``majorDimension``; trailing empty cells and rows are left out; list results omit
``formId``). Every request is logged in ``calls``; ``fail_next`` queues error answers (``fail_kind`` per kind
of request, ``fail_when`` by a test of the request); ``before`` runs a callback before a request is handled
(a person editing the sheet between the job's read and write).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import http.server
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "fake-zugangstoken"


class FakeError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Formula:
    """What USER_ENTERED makes of text starting with ``=`` (the job must never cause this)."""

    text: str


_EPOCH = dt.datetime(1899, 12, 30)
_TOKENS = re.compile(r"yyyy|yy|dd|d|hh|h|mm|m|ss|s")


@dataclass(frozen=True)
class Formatted:
    """A number in a cell with a number format of its own (as Sheets keeps ``userEnteredFormat.numberFormat``):
    UNFORMATTED_VALUE gives ``number``, FORMATTED_VALUE the number shown by the pattern (``str``)."""

    number: float
    number_format: tuple[tuple[str, str], ...]  # the NumberFormat's items, e.g. (("pattern", …), ("type", "DATE"))

    @property
    def pattern(self) -> str:
        return dict(self.number_format).get("pattern", "")

    def __str__(self) -> str:
        return _render(self.number, self.number_format)

    def __deepcopy__(self, memo: dict[int, Any]) -> Formatted:
        return self  # immutable, like the text in other cells (the fake copies whole tabs per batch)


@functools.lru_cache(maxsize=65536)
def _render(number: float, number_format: tuple[tuple[str, str], ...]) -> str:
    return render_number(number, dict(number_format))


def render_number(number: float, number_format: dict[str, str]) -> str:
    """A serial number shown by a date/time pattern (tokens as Google's format guide lists them: ``mm`` is the
    minute after an hour or before seconds, else the month; seconds rounded to the nearest); other types are
    left as plain numbers."""
    if number_format.get("type") not in ("DATE", "TIME", "DATE_TIME"):
        return _formatted(number)
    moment = _EPOCH + dt.timedelta(seconds=round(number * 86400))
    pattern = number_format.get("pattern") or {"DATE": "dd.mm.yyyy", "TIME": "hh:mm:ss"}.get(
        number_format["type"], "dd.mm.yyyy hh:mm:ss"
    )
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKENS.finditer(pattern)]
    out, last = [], 0
    for index, (start, end, token) in enumerate(tokens):
        out.append(pattern[last:start])
        last = end
        before = tokens[index - 1][2] if index else ""
        after = tokens[index + 1][2] if index + 1 < len(tokens) else ""
        if token in ("m", "mm"):
            minute = before.startswith("h") or after.startswith("s")
            value = moment.minute if minute else moment.month
            out.append(f"{value:02d}" if token == "mm" else str(value))
            continue
        value = {"y": moment.year, "d": moment.day, "h": moment.hour, "s": moment.second}[token[0]]
        out.append(str(value) if token == "yyyy" else f"{value % 100 if token == 'yy' else value:0{len(token)}d}")
    out.append(pattern[last:])
    return "".join(out)


def _number_format(spec: dict[str, Any] | None) -> tuple[tuple[str, str], ...] | None:
    return tuple(sorted(spec.items())) if spec else None


def unformatted(value: Any) -> Any:
    """A cell as UNFORMATTED_VALUE gives it (a formatted number as its number)."""
    return value.number if isinstance(value, Formatted) else value


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, list[str]]
    body: Any

    @property
    def kind(self) -> str:
        """A short name: ``values:batchGet``, ``spreadsheets:batchUpdate``, ``forms.get`` …"""
        p = self.path
        if p.endswith("/token"):
            return "token"
        if p.startswith("/v4/spreadsheets/"):
            if "/developerMetadata/" in p:
                return "developerMetadata.get"
            if p.endswith("values:batchGet"):
                return "values:batchGet"
            if p.endswith("values:batchUpdate"):
                return "values:batchUpdate"
            if p.endswith("values:batchClear"):
                return "values:batchClear"
            if p.endswith(":append"):
                return "values:append"
            if p.endswith(":batchUpdate"):
                return "spreadsheets:batchUpdate"
            if "/values/" in p:
                return "values:get"
            return "spreadsheets.get"
        if p == "/v1/forms":
            return "forms.create"
        if p.endswith("/responses"):
            return "responses.list"
        if p.endswith(":batchUpdate"):
            return "forms.batchUpdate"
        if p.endswith(":setPublishSettings"):
            return "forms.setPublishSettings"
        return "forms.get"


@dataclass
class FakeSheet:
    sheet_id: int
    title: str
    rows: list[list[Any]] = field(default_factory=list)
    row_count: int = 1000
    column_count: int = 26
    frozen_rows: int = 0
    validations: dict[int, tuple[int, int, dict[str, Any]]] = field(default_factory=dict)
    protected: list[dict[str, Any]] = field(default_factory=list)
    # formatting (issue 12): the basic filter, conditional format rules, column widths in pixels, cell formats
    basic_filter: dict[str, Any] | None = None
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)
    column_widths: dict[int, int] = field(default_factory=dict)
    formats: dict[int, dict[str, Any]] = field(default_factory=dict)  # 0-based column → userEnteredFormat below row 1
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # (1-based row, 0-based column) → link of its text

    def cell(self, row: int, column: int) -> Any:
        """1-based row, 0-based column; "" when empty."""
        if row - 1 < len(self.rows) and column < len(self.rows[row - 1]):
            return self.rows[row - 1][column]
        return ""

    def set(self, row: int, column: int, value: Any) -> None:
        if row > self.row_count or column >= self.column_count:
            raise FakeError(400, f"Range ('{self.title}'!R{row}C{column + 1}) exceeds grid limits.")
        while len(self.rows) < row:
            self.rows.append([])
        line = self.rows[row - 1]
        while len(line) <= column:
            line.append("")
        line[column] = value

    def last_row(self) -> int:
        for number in range(len(self.rows), 0, -1):
            if any(v not in ("", None) for v in self.rows[number - 1]):
                return number
        return 0

    def header_index(self, header: str) -> int:
        return list(self.rows[0]).index(header)

    def find_row(self, column_header: str, value: str) -> int:
        col = self.header_index(column_header)
        for number in range(2, len(self.rows) + 1):
            if str(self.cell(number, col)) == value:
                return number
        raise KeyError(value)

    def records(self) -> list[dict[str, Any]]:
        """Non-empty rows as header → value (for assertions)."""
        headers = list(self.rows[0]) if self.rows else []
        result = []
        for line in self.rows[1:]:
            if any(v not in ("", None) for v in line):
                result.append({h: (line[i] if i < len(line) else "") for i, h in enumerate(headers) if h})
        return result


_RANGE = re.compile(r"^(?:'((?:[^']|'')*)'|([^!']+))(?:!(.*))?$")
_CELLS = re.compile(r"^([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?$")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def parse_range(text: str) -> tuple[str, int, int, int | None, int | None]:
    """``'Tab'!B2:C`` → (tab, first row (1-based), first column (0-based), last row, last column)."""
    match = _RANGE.match(text)
    if not match:
        raise FakeError(400, f"Unable to parse range: {text}")
    title = match.group(1).replace("''", "'") if match.group(1) is not None else match.group(2)
    part = match.group(3) or ""
    cells = _CELLS.match(part)
    if not cells:
        raise FakeError(400, f"Unable to parse range: {text}")
    c1, r1, c2, r2 = cells.groups()
    first_row = int(r1) if r1 else 1
    first_col = _col(c1) if c1 else 0
    if part and ":" not in part:
        return title, first_row, first_col, (int(r1) if r1 else None), (_col(c1) if c1 else None)
    return title, first_row, first_col, (int(r2) if r2 else None), (_col(c2) if c2 else None)


def _formatted(value: Any) -> str:
    if isinstance(value, Formula):
        return "#FORMEL"
    if isinstance(value, Formatted):
        return str(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value).replace(".", ",")
    return str(value)


def _zulu(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class FakeGoogle:
    """One spreadsheet and any number of forms, in memory."""

    def __init__(self, spreadsheet_id: str = "tabelle-test") -> None:
        self.spreadsheet_id = spreadsheet_id
        self.sheets: list[FakeSheet] = []
        self.forms: dict[str, dict[str, Any]] = {}
        self.form_responses: dict[str, list[dict[str, Any]]] = {}
        self.calls: list[Call] = []
        self.fail_next: list[int | Exception] = []
        self.fail_kind: dict[str, list[int]] = {}  # kind → error statuses for the next requests of that kind
        self.fail_when: Callable[[Call], int | None] | None = None  # an error status for matching requests
        self.before: Callable[[Call], None] | None = None
        # kind → statuses answered AFTER the request was applied (Google did the work, the answer got lost)
        self.lose_reply: dict[str, list[int | Exception]] = {}
        self.metadata: dict[int, dict[str, Any]] = {}  # developer metadata by ID (spreadsheet location only)
        # kind → seconds the loopback server (:func:`serve`) waits before answering, after applying the request
        self.slow_reply: dict[str, list[float]] = {}
        self.require_auth = True
        self._next_sheet_id = 100
        self._next_form = 1
        self._lock = threading.RLock()

    # -- helpers for tests -----------------------------------------------------------------------

    def add_sheet(self, title: str, rows: list[list[Any]] | None = None, **kwargs: Any) -> FakeSheet:
        sheet = FakeSheet(self._next_sheet_id, title, [list(r) for r in rows or []], **kwargs)
        sheet.row_count = max(sheet.row_count, len(sheet.rows))
        self._next_sheet_id += 1
        self.sheets.append(sheet)
        return sheet

    def sheet(self, title: str) -> FakeSheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise FakeError(400, f"Unable to parse range: '{title}'")

    def kinds(self, since: int = 0) -> list[str]:
        return [c.kind for c in self.calls[since:]]

    def count(self, since: int = 0, exclude: tuple[str, ...] = ("token",)) -> int:
        return sum(1 for kind in self.kinds(since) if kind not in exclude)

    def writes(self, since: int = 0) -> list[Call]:
        return [c for c in self.calls[since:] if c.method != "GET" and c.kind != "token"]

    def add_form_response(self, form_id: str, response: dict[str, Any]) -> None:
        self.form_responses.setdefault(form_id, []).append(response)

    # -- dispatch --------------------------------------------------------------------------------

    def handle(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> tuple[int, str]:
        parts = urlsplit(url)
        path = unquote(parts.path)
        params = parse_qs(parts.query, keep_blank_values=True)
        data: Any = None
        if body:
            text = body.decode("utf-8") if isinstance(body, bytes) else str(body)
            try:
                data = json.loads(text)
            except json.JSONDecodeError:
                data = parse_qs(text)
        call = Call(method.upper(), path, params, data)
        with self._lock:
            self.calls.append(call)
            if self.fail_next and call.kind != "token":
                failure = self.fail_next.pop(0)
                if isinstance(failure, Exception):
                    raise failure
                return failure, json.dumps({"error": {"code": failure, "message": "simulierter Fehler"}})
            if self.fail_kind.get(call.kind):
                status = self.fail_kind[call.kind].pop(0)
                return status, json.dumps({"error": {"code": status, "message": "simulierter Fehler"}})
            chosen = self.fail_when(call) if self.fail_when is not None and call.kind != "token" else None
            if chosen:
                return chosen, json.dumps({"error": {"code": chosen, "message": "simulierter Fehler"}})
            if self.before is not None:
                self.before(call)
            try:
                if call.kind != "token" and self.require_auth:
                    auth = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
                    if auth != f"Bearer {TOKEN}":
                        raise FakeError(401, "Request had invalid authentication credentials.")
                result = self._route(call)
                if self.lose_reply.get(call.kind):
                    lost = self.lose_reply[call.kind].pop(0)
                    if isinstance(lost, Exception):
                        raise lost
                    return lost, json.dumps({"error": {"code": lost, "message": "simulierter Fehler"}})
                return 200, json.dumps(result)
            except FakeError as exc:
                return exc.status, json.dumps({"error": {"code": exc.status, "message": exc.message}})

    def _route(self, call: Call) -> Any:
        kind = call.kind
        if kind == "token":
            return {"access_token": TOKEN, "expires_in": 3600, "token_type": "Bearer"}
        if call.path.startswith("/v4/spreadsheets/"):
            sid = call.path.split("/")[3].split(":")[0]
            if sid != self.spreadsheet_id:
                raise FakeError(404, "Requested entity was not found.")
            handler = {
                "developerMetadata.get": self._metadata_get,
                "spreadsheets.get": self._metadata,
                "values:batchGet": self._batch_get,
                "values:batchUpdate": self._values_batch_update,
                "values:append": self._append,
                "values:batchClear": self._batch_clear,
                "spreadsheets:batchUpdate": self._batch_update,
            }.get(kind)
            if handler is None:
                raise FakeError(400, f"nicht nachgebildet: {kind}")
            return handler(call)
        return self._forms(call)

    # -- Sheets ----------------------------------------------------------------------------------

    def _sheet_json(self, sheet: FakeSheet, index: int) -> dict[str, Any]:
        return {
            "properties": {
                "sheetId": sheet.sheet_id,
                "title": sheet.title,
                "index": index,
                "sheetType": "GRID",
                "gridProperties": {
                    "rowCount": sheet.row_count,
                    "columnCount": sheet.column_count,
                    **({"frozenRowCount": sheet.frozen_rows} if sheet.frozen_rows else {}),
                },
            },
            **({"protectedRanges": copy.deepcopy(sheet.protected)} if sheet.protected else {}),
            **({"basicFilter": copy.deepcopy(sheet.basic_filter)} if sheet.basic_filter else {}),
            **({"conditionalFormats": copy.deepcopy(sheet.conditional_formats)} if sheet.conditional_formats else {}),
        }

    def _metadata(self, call: Call) -> Any:
        sheets = []
        grid = call.params.get("includeGridData", ["false"])[0] == "true"
        wanted = [parse_range(r) for r in call.params.get("ranges", [])] if grid else []
        for index, sheet in enumerate(self.sheets):
            item = self._sheet_json(sheet, index)
            for title, row, _c, _r2, _c2 in wanted:
                if title != sheet.title:
                    continue
                values = []
                for column in range(sheet.column_count):
                    rule = sheet.validations.get(column)
                    values.append({"dataValidation": rule[2]} if rule and rule[0] <= row - 1 < rule[1] else {})
                while values and not values[-1]:
                    values.pop()
                item.setdefault("data", []).append({"startRow": row - 1, "rowData": [{"values": values}]})
            sheets.append(item)
        result = {"spreadsheetId": self.spreadsheet_id, "properties": {"title": "Gesprächsrunde"}, "sheets": sheets}
        if self.metadata:
            result["developerMetadata"] = [copy.deepcopy(m) for m in self.metadata.values()]
        return result

    def _metadata_get(self, call: Call) -> Any:
        wanted = int(call.path.rsplit("/", 1)[1])
        if wanted not in self.metadata:
            raise FakeError(404, f"No developer metadata with ID: {wanted}")
        return copy.deepcopy(self.metadata[wanted])

    def _grid_data(self, text: str) -> tuple[str, dict[str, Any]]:
        """``GridData`` of a range as a batchUpdate answer with grid data shows it (formatted values)."""
        title, r1, c1, r2, c2 = parse_range(text)
        sheet = self.sheet(title)
        last = min(r2 or sheet.row_count, len(sheet.rows))
        rows = []
        for number in range(r1, last + 1):
            line = sheet.rows[number - 1][c1 : (c2 + 1) if c2 is not None else None]
            values = [{"formattedValue": _formatted(v)} if v not in ("", None) else {} for v in line]
            while values and not values[-1]:
                values.pop()
            rows.append({"values": values} if values else {})
        while rows and not rows[-1]:
            rows.pop()
        block: dict[str, Any] = {"rowData": rows}
        if r1 > 1:
            block["startRow"] = r1 - 1
        if c1:
            block["startColumn"] = c1
        return title, block

    def _batch_get(self, call: Call) -> Any:
        render = call.params.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
        out = []
        for text in call.params.get("ranges", []):
            title, r1, c1, r2, c2 = parse_range(text)
            sheet = self.sheet(title)
            last_row = min(r2 or sheet.row_count, len(sheet.rows))
            values = []
            for number in range(r1, last_row + 1):
                line = sheet.rows[number - 1][c1 : (c2 + 1) if c2 is not None else None]
                line = [unformatted(v) if render != "FORMATTED_VALUE" else _formatted(v) for v in line]
                while line and line[-1] in ("", None):
                    line.pop()
                values.append(line)
            while values and not values[-1]:
                values.pop()
            vr: dict[str, Any] = {"range": text, "majorDimension": "ROWS"}
            if values:
                vr["values"] = values
            out.append(vr)
        return {"spreadsheetId": self.spreadsheet_id, "valueRanges": out}

    def _input(self, value: Any, option: str) -> Any:
        if option == "USER_ENTERED" and isinstance(value, str) and value.startswith("="):
            return Formula(value)
        return value

    def _write(self, text: str, values: list[list[Any]], option: str) -> int:
        title, r1, c1, _r2, _c2 = parse_range(text)
        sheet = self.sheet(title)
        count = 0
        for i, line in enumerate(values):
            for j, value in enumerate(line):
                sheet.set(r1 + i, c1 + j, self._formatted_like(sheet, r1 + i, c1 + j, self._input(value, option)))
                count += 1
        return count

    def _atomic(self, func: Callable[[], Any]) -> Any:
        saved = copy.deepcopy(self.sheets)
        try:
            return func()
        except FakeError:
            self.sheets = saved
            raise

    def _values_batch_update(self, call: Call) -> Any:
        option = call.body.get("valueInputOption")
        if option not in ("RAW", "USER_ENTERED"):
            raise FakeError(400, "Invalid valueInputOption")
        data = call.body.get("data", [])
        total = self._atomic(lambda: sum(self._write(d["range"], d["values"], option) for d in data))
        return {"spreadsheetId": self.spreadsheet_id, "totalUpdatedCells": total}

    def _append(self, call: Call) -> Any:
        text = call.path.split("/values/", 1)[1].rsplit(":append", 1)[0]
        option = call.params.get("valueInputOption", [""])[0]
        if option not in ("RAW", "USER_ENTERED"):
            raise FakeError(400, "Invalid valueInputOption")
        title, *_ = parse_range(text)
        sheet = self.sheet(title)
        rows = call.body.get("values", [])
        end = sheet.last_row()
        if call.params.get("insertDataOption", ["OVERWRITE"])[0] == "INSERT_ROWS":
            for offset, _ in enumerate(rows):
                sheet.rows.insert(end + offset, [])
            sheet.row_count += len(rows)
        for i, line in enumerate(rows):
            for j, value in enumerate(line):
                sheet.set(end + 1 + i, j, self._formatted_like(sheet, end + 1 + i, j, self._input(value, option)))
        return {"spreadsheetId": self.spreadsheet_id, "updates": {"updatedRows": len(rows)}}

    def _batch_clear(self, call: Call) -> Any:
        for text in call.body.get("ranges", []):
            title, r1, c1, r2, c2 = parse_range(text)
            sheet = self.sheet(title)
            for number in range(r1, min(r2 or len(sheet.rows), len(sheet.rows)) + 1):
                line = sheet.rows[number - 1]
                for j in range(c1, min((c2 + 1) if c2 is not None else len(line), len(line))):
                    line[j] = ""
        return {"spreadsheetId": self.spreadsheet_id}

    def _by_id(self, sheet_id: int) -> FakeSheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise FakeError(400, f"No grid with id: {sheet_id}")

    def _batch_update(self, call: Call) -> Any:
        saved_metadata = copy.deepcopy(self.metadata)
        try:
            result = self._atomic(lambda: {"replies": [self._one_update(r) for r in call.body.get("requests", [])]})
        except FakeError:
            self.metadata = saved_metadata
            raise
        if call.body.get("includeSpreadsheetInResponse"):
            spreadsheet = self._metadata(Call("GET", "", {}, None))
            if call.body.get("responseIncludeGridData"):
                for text in call.body.get("responseRanges", []):
                    title, block = self._grid_data(text)
                    for item in spreadsheet["sheets"]:
                        if item["properties"]["title"] == title:
                            item.setdefault("data", []).append(block)
            result["updatedSpreadsheet"] = spreadsheet
        return result

    def _formatted_like(self, sheet: FakeSheet, row: int, column: int, value: Any) -> Any:
        """A number written through the values API keeps the cell's number format (its own, else its column's)."""
        if not isinstance(value, int | float) or isinstance(value, bool):
            return value
        return self._cell_value({"userEnteredValue": {"numberValue": value}}, "userEnteredValue", sheet, row, column)

    def _cell_value(
        self,
        cell: dict[str, Any],
        fields: str = "userEnteredValue",
        sheet: FakeSheet | None = None,
        row: int = 0,
        column: int = 0,
    ) -> Any:
        """The value a cell holds after an ``updateCells``/``appendCells`` with this field mask: a number keeps the
        number format the cell had (its own, else its column's) unless the mask sets the format (then the
        request's, or none when the cell gives none)."""
        entered = cell.get("userEnteredValue", {})
        value: Any = ""
        if "formulaValue" in entered:
            return Formula(entered["formulaValue"])
        for kind in ("stringValue", "numberValue", "boolValue"):
            if kind in entered:
                value = entered[kind]
        if not isinstance(value, int | float) or isinstance(value, bool):
            return value
        if any(f in fields.split(",") for f in ("userEnteredFormat", "userEnteredFormat.numberFormat")):
            wanted = _number_format(cell.get("userEnteredFormat", {}).get("numberFormat"))
        elif sheet is not None:
            before = sheet.cell(row, column)
            column_format = sheet.formats.get(column, {}).get("numberFormat") if row > 1 else None
            wanted = before.number_format if isinstance(before, Formatted) else _number_format(column_format)
        else:
            wanted = None
        return Formatted(value, wanted) if wanted else value

    def _update_cells(self, spec: dict[str, Any]) -> None:
        if "userEnteredValue" not in spec.get("fields", ""):
            raise FakeError(400, "nicht nachgebildet: fields ohne userEnteredValue")
        rows = spec.get("rows", [])
        if "start" in spec:
            start = spec["start"]
            sheet = self._by_id(start["sheetId"])
            top, left = start.get("rowIndex", 0), start.get("columnIndex", 0)
            for i, row in enumerate(rows):
                for j, cell in enumerate(row.get("values", [])):
                    number = top + i + 1
                    sheet.set(number, left + j, self._cell_value(cell, spec["fields"], sheet, number, left + j))
            return
        rng = spec["range"]
        sheet = self._by_id(rng["sheetId"])
        top, left = rng.get("startRowIndex", 0), rng.get("startColumnIndex", 0)
        bottom = rng.get("endRowIndex", max(len(sheet.rows), top + len(rows)))
        right = rng.get("endColumnIndex", max([sheet.column_count, *(len(r.get("values", [])) for r in rows)]))
        for i in range(bottom - top):
            values = rows[i].get("values", []) if i < len(rows) else []
            if i >= len(rows) and top + i >= len(sheet.rows):
                break
            for j in range(right - left):
                number = top + i + 1
                value = self._cell_value(values[j], spec["fields"], sheet, number, left + j) if j < len(values) else ""
                if value != "" or sheet.cell(top + i + 1, left + j) != "":
                    sheet.set(top + i + 1, left + j, value)
                if "textFormatRuns" in spec.get("fields", ""):
                    runs = values[j].get("textFormatRuns", []) if j < len(values) else []
                    uri = next((r["format"]["link"]["uri"] for r in runs if "link" in r.get("format", {})), None)
                    if uri is None:
                        sheet.links.pop((top + i + 1, left + j), None)
                    else:
                        sheet.links[(top + i + 1, left + j)] = uri

    def _append_cells(self, spec: dict[str, Any]) -> None:
        sheet = self._by_id(spec["sheetId"])
        end = sheet.last_row()
        rows = spec.get("rows", [])
        sheet.row_count = max(sheet.row_count, end + len(rows))
        for i, row in enumerate(rows):
            sheet.set(end + 1 + i, 0, "")
            for j, cell in enumerate(row.get("values", [])):
                fields = spec.get("fields", "userEnteredValue")
                sheet.set(end + 1 + i, j, self._cell_value(cell, fields, sheet, end + 1 + i, j))

    def _one_update(self, request: dict[str, Any]) -> dict[str, Any]:
        (name, spec), *_ = request.items()
        if name == "updateCells":
            self._update_cells(spec)
            return {}
        if name == "appendCells":
            self._append_cells(spec)
            return {}
        if name == "createDeveloperMetadata":
            meta = copy.deepcopy(spec["developerMetadata"])
            if meta.get("location") != {"spreadsheet": True}:
                raise FakeError(400, "nicht nachgebildet: Metadaten nur an der Tabelle")
            wanted = int(meta.get("metadataId") or 1 + max(self.metadata, default=0))
            if wanted in self.metadata:  # IDs are unique in a spreadsheet: a second create fails
                raise FakeError(400, f"Developer metadata with ID {wanted} already exists.")
            meta["metadataId"] = wanted
            meta["location"] = {"locationType": "SPREADSHEET", "spreadsheet": True}
            self.metadata[wanted] = meta
            return {"createDeveloperMetadata": {"developerMetadata": copy.deepcopy(meta)}}
        if name == "deleteDeveloperMetadata":
            lookup = spec["dataFilter"]["developerMetadataLookup"]
            gone = [
                self.metadata.pop(mid)
                for mid in list(self.metadata)
                if all(self.metadata[mid].get(k) == v for k, v in lookup.items())
            ]
            return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": gone}}
        if name == "addSheet":
            props = spec.get("properties", {})
            if any(s.title == props["title"] for s in self.sheets):
                raise FakeError(400, f'A sheet with the name "{props["title"]}" already exists.')
            if "sheetId" in props and any(s.sheet_id == props["sheetId"] for s in self.sheets):
                raise FakeError(400, f"A sheet with the id {props['sheetId']} already exists.")
            grid = props.get("gridProperties", {})
            sheet = self.add_sheet(props["title"])
            if "sheetId" in props:
                sheet.sheet_id = props["sheetId"]
            sheet.row_count = grid.get("rowCount", 1000)
            sheet.column_count = grid.get("columnCount", 26)
            sheet.frozen_rows = grid.get("frozenRowCount", 0)
            return {"addSheet": self._sheet_json(sheet, len(self.sheets) - 1)}
        if name == "appendDimension":
            sheet = self._by_id(spec["sheetId"])
            if spec["dimension"] == "ROWS":
                sheet.row_count += spec["length"]
            else:
                sheet.column_count += spec["length"]
            return {}
        if name == "deleteDimension":
            rng = spec["range"]
            sheet = self._by_id(rng["sheetId"])
            if rng["dimension"] != "ROWS":
                raise FakeError(400, "nicht nachgebildet")
            del sheet.rows[rng["startIndex"] : rng["endIndex"]]
            sheet.row_count -= rng["endIndex"] - rng["startIndex"]
            return {}
        if name == "updateSheetProperties":
            props = spec["properties"]
            sheet = self._by_id(props["sheetId"])
            if "frozenRowCount" in props.get("gridProperties", {}):
                sheet.frozen_rows = props["gridProperties"]["frozenRowCount"]
            return {}
        if name == "setDataValidation":
            rng = spec["range"]
            sheet = self._by_id(rng["sheetId"])
            for column in range(rng["startColumnIndex"], rng["endColumnIndex"]):
                sheet.validations[column] = (rng.get("startRowIndex", 0), rng.get("endRowIndex", 10**9), spec["rule"])
            return {}
        if name == "addProtectedRange":
            pr = copy.deepcopy(spec["protectedRange"])
            sheet = self._by_id(pr["range"]["sheetId"])
            pr["protectedRangeId"] = 1000 + len(sheet.protected)
            sheet.protected.append(pr)
            return {"addProtectedRange": {"protectedRange": pr}}
        if name == "setBasicFilter":
            sheet = self._by_id(spec["filter"]["range"]["sheetId"])
            sheet.basic_filter = copy.deepcopy(spec["filter"])
            return {}
        if name == "addConditionalFormatRule":
            rule = copy.deepcopy(spec["rule"])
            sheet = self._by_id(rule["ranges"][0]["sheetId"])
            sheet.conditional_formats.insert(spec.get("index", len(sheet.conditional_formats)), rule)
            return {}
        if name == "updateDimensionProperties":
            rng = spec["range"]
            sheet = self._by_id(rng["sheetId"])
            if rng["dimension"] != "COLUMNS" or spec.get("fields") != "pixelSize":
                raise FakeError(400, "nicht nachgebildet")
            for column in range(rng["startIndex"], rng["endIndex"]):
                sheet.column_widths[column] = spec["properties"]["pixelSize"]
            return {}
        if name == "repeatCell":
            rng = spec["range"]
            sheet = self._by_id(rng["sheetId"])
            if not spec.get("fields", "").startswith("userEnteredFormat"):
                raise FakeError(400, "nicht nachgebildet: repeatCell nur für Formate")
            for column in range(rng["startColumnIndex"], rng["endColumnIndex"]):
                sheet.formats.setdefault(column, {}).update(copy.deepcopy(spec["cell"]["userEnteredFormat"]))
                column_format = _number_format(spec["cell"]["userEnteredFormat"].get("numberFormat"))
                if column_format is None:
                    continue
                first, end = rng.get("startRowIndex", 0) + 1, rng.get("endRowIndex", len(sheet.rows))
                for number in range(first, min(end, len(sheet.rows)) + 1):  # numbers already there take it too
                    value = sheet.cell(number, column)
                    if isinstance(value, Formatted) or (isinstance(value, int | float) and not isinstance(value, bool)):
                        sheet.set(number, column, Formatted(float(unformatted(value)), column_format))
            return {}
        raise FakeError(400, f"nicht nachgebildet: {name}")

    # -- Forms -----------------------------------------------------------------------------------

    def _form(self, form_id: str) -> dict[str, Any]:
        if form_id not in self.forms:
            raise FakeError(404, f"Requested entity was not found: {form_id}")
        return self.forms[form_id]

    def _public(self, form: dict[str, Any]) -> dict[str, Any]:
        out = copy.deepcopy(form)
        if not out.get("items"):
            out.pop("items", None)
        return out

    def _forms(self, call: Call) -> Any:
        kind = call.kind
        if kind == "forms.create":
            if set(call.body) - {"info"} or set(call.body.get("info", {})) - {"title", "documentTitle"}:
                raise FakeError(400, "Only info.title and info.documentTitle may be set on create.")
            form_id = f"formular-{self._next_form}"
            self._next_form += 1
            title = call.body["info"]["title"]
            self.forms[form_id] = {
                "formId": form_id,
                "info": {"title": title, "documentTitle": call.body["info"].get("documentTitle", title)},
                "revisionId": "00000001",
                "responderUri": f"https://docs.google.com/forms/d/e/{form_id}-antwort/viewform",
                "items": [],
                "publishSettings": {"publishState": {"isPublished": False, "isAcceptingResponses": False}},
            }
            return self._public(self.forms[form_id])
        form_id = call.path.split("/")[3].split(":")[0]
        form = self._form(form_id)
        if kind == "forms.get":
            return self._public(form)
        if kind == "forms.setPublishSettings":
            state = call.body["publishSettings"]["publishState"]
            if state.get("isAcceptingResponses") and not state.get("isPublished"):
                raise FakeError(400, "isAcceptingResponses needs isPublished")
            form["publishSettings"] = {"publishState": dict(state)}
            return {"formId": form_id, "publishSettings": form["publishSettings"]}
        if kind == "forms.batchUpdate":
            saved = copy.deepcopy(form)
            try:
                replies = [self._form_update(form, r) for r in call.body.get("requests", [])]
            except FakeError:
                self.forms[form_id] = saved
                raise
            form["revisionId"] = f"{int(form['revisionId']) + 1:08d}"
            return {"replies": replies, "writeControl": {"requiredRevisionId": form["revisionId"]}}
        if kind == "responses.list":
            return self._list_responses(form_id, call.params)
        raise FakeError(400, f"nicht nachgebildet: {kind}")

    def _check_item(self, form: dict[str, Any], item: dict[str, Any], ignore: dict[str, Any] | None) -> None:
        question = item.get("questionItem", {}).get("question")
        if question is None:
            raise FakeError(400, "nur questionItem nachgebildet")
        qid = question.get("questionId")
        if qid is not None:
            if not re.fullmatch(r"[0-9a-f]{8}", qid) or int(qid, 16) > 0x7FFFFFFF:
                raise FakeError(400, f"Invalid question ID: {qid}")
            for other in form["items"]:
                if other is not ignore and other["questionItem"]["question"].get("questionId") == qid:
                    raise FakeError(400, f"Question ID {qid} is already in use.")
        else:
            question["questionId"] = f"{0x10000000 + len(form['items']) * 7919:08x}"
        choice = question.get("choiceQuestion")
        if choice is not None and not choice.get("options"):
            raise FakeError(400, "choiceQuestion needs options")
        if not item.get("title"):
            raise FakeError(400, "item needs a title")

    def _form_update(self, form: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
        (name, spec), *_ = request.items()
        items = form["items"]
        if name == "updateFormInfo":
            mask = spec["updateMask"]
            fields = list(spec["info"]) if mask == "*" else mask.split(",")
            for key in fields:
                if key in spec["info"]:
                    form["info"][key] = spec["info"][key]
                else:
                    form["info"].pop(key, None)
            return {}
        if name == "createItem":
            index = spec["location"]["index"]
            if not 0 <= index <= len(items):
                raise FakeError(400, f"Index {index} out of range")
            item = copy.deepcopy(spec["item"])
            self._check_item(form, item, None)
            item.setdefault("itemId", f"{0x20000000 + len(items) * 104729 + index:08x}")
            items.insert(index, item)
            qid = item["questionItem"]["question"]["questionId"]
            return {"createItem": {"itemId": item["itemId"], "questionId": [qid]}}
        if name == "updateItem":
            index = spec["location"]["index"]
            if not 0 <= index < len(items):
                raise FakeError(400, f"Index {index} out of range")
            old = items[index]
            new = copy.deepcopy(spec["item"])
            mask = spec["updateMask"]
            fields = ["title", "description", "questionItem"] if mask == "*" else mask.split(",")
            merged = copy.deepcopy(old)
            for key in fields:
                if key in new:
                    merged[key] = new[key]
                else:
                    merged.pop(key, None)
            self._check_item(form, merged, old)
            items[index] = merged
            return {}
        if name == "deleteItem":
            index = spec["location"]["index"]
            if not 0 <= index < len(items):
                raise FakeError(400, f"Index {index} out of range")
            del items[index]
            return {}
        if name == "moveItem":
            src, dst = spec["originalLocation"]["index"], spec["newLocation"]["index"]
            if not (0 <= src < len(items) and 0 <= dst < len(items)):
                raise FakeError(400, "Index out of range")
            items.insert(dst, items.pop(src))
            return {}
        raise FakeError(400, f"nicht nachgebildet: {name}")

    def _list_responses(self, form_id: str, params: dict[str, list[str]]) -> Any:
        found = list(self.form_responses.get(form_id, []))
        text = params.get("filter", [""])[0]
        if text:
            match = re.fullmatch(r"timestamp\s*(>=|>)\s*(\S+)", text)
            if not match:
                raise FakeError(400, f"Invalid filter: {text}")
            op, when = match.group(1), _zulu(match.group(2))
            found = [
                r for r in found
                if (_zulu(r["lastSubmittedTime"]) >= when if op == ">=" else _zulu(r["lastSubmittedTime"]) > when)
            ]  # fmt: skip
        found.sort(key=lambda r: _zulu(r["lastSubmittedTime"]))
        size = int(params.get("pageSize", ["5000"])[0]) or 5000
        token = params.get("pageToken", [""])[0]
        start = 0
        if token:
            seen_filter, offset = token.split("|", 1)
            if seen_filter != text:
                raise FakeError(400, "pageToken belongs to another filter")
            start = int(offset)
        page = [{k: v for k, v in r.items() if k != "formId"} for r in found[start : start + size]]
        result: dict[str, Any] = {}
        if page:
            result["responses"] = page
        if start + size < len(found):
            result["nextPageToken"] = f"{text}|{start + size}"
        return result

    # -- wiring ----------------------------------------------------------------------------------

    def install(self, rsps: Any, bases: tuple[str, ...]) -> None:
        """Answer every request to these base addresses through ``responses`` callbacks."""

        def callback(request: Any) -> tuple[int, dict[str, str], str]:
            status, text = self.handle(request.method, request.url, dict(request.headers), request.body)
            return status, {"Content-Type": "application/json; charset=UTF-8"}, text

        for base in bases:
            pattern = re.compile("^" + re.escape(base.rstrip("/")) + "/.*")
            for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
                rsps.add_callback(method, pattern, callback=callback)


@contextmanager
def serve(fake: FakeGoogle) -> Iterator[str]:
    """Run the fake as an HTTP server on 127.0.0.1 (free port); yields its base address."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            status, text = fake.handle(self.command, self.path, dict(self.headers.items()), body)
            kind = fake.calls[-1].kind if fake.calls else ""
            if fake.slow_reply.get(kind):
                time.sleep(fake.slow_reply[kind].pop(0))  # applied; the answer comes too late
            payload = text.encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up waiting (a timeout test)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
