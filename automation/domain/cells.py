"""Row ↔ record: read a sheet row (header → raw cell) into a record, and a record back into cells.

Reading never raises for one bad cell: it collects :class:`~automation.domain.records.Hinweis` findings that
name the tab, row, ID and column, and says how to fix it. A row that lacks a required value yields no
record (and an error finding); every other problem leaves the field empty or at its default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import ValidationError

from automation.domain import normalize
from automation.domain.normalize import CellError, CellWarning
from automation.domain.records import SYNONYMS, Column, Hinweis, Kind, Record, columns

Cell = str | int | float | bool | dt.datetime | dt.date | dt.time | None


# kinds a coordinator might fill with a formula (free text starting with »=« stays text)
_CALCULABLE = (Kind.INT, Kind.DATE, Kind.TIME, Kind.DATETIME, Kind.BOOL, Kind.CONSENT)


def read_cell(column: Column, raw: Any) -> tuple[Any, CellWarning | None]:
    """Parse one raw cell by its column's kind; raises CellError for unreadable input."""
    kind = column.kind
    if kind in (Kind.TEXT, Kind.LONG_TEXT):
        return normalize.text(raw), None
    if kind in _CALCULABLE and isinstance(raw, str) and raw.startswith("="):
        # a formula typed into the local workbook: openpyxl keeps it as text and cannot calculate it
        raise CellError(
            f"»{raw}« ist eine Formel; sie wird beim Abgleich nicht ausgerechnet.",
            "Bitte den Wert selbst eintragen (z. B. 60 statt =10*6).",
        )
    if kind is Kind.BOOL:
        return normalize.boolean(raw), None
    if kind is Kind.CONSENT:
        return normalize.consent(raw), None
    if kind is Kind.OPT_OUT:
        return normalize.opt_out(raw), None
    if kind is Kind.INT:
        return normalize.integer(raw), None
    if kind is Kind.DATE:
        return normalize.date(raw), None
    if kind is Kind.TIME:
        return normalize.time(raw), None
    if kind is Kind.DATETIME:
        return normalize.timestamp(raw), None
    if kind is Kind.LIST:
        return normalize.text_list(raw), None
    if kind is Kind.EMAIL:
        return normalize.email(raw)
    if kind is Kind.PHONE:
        return normalize.phone(raw), None
    if kind is Kind.URL:
        return normalize.url(raw), None
    if kind is Kind.CHOICE:
        return normalize.choice(raw, column.choices, SYNONYMS)
    raise AssertionError(kind)


def read_row(
    model: type[Record], row: Mapping[str, Any], row_number: int | None
) -> tuple[Record | None, list[Hinweis]]:
    """Build a record from a row; collect a finding for every cell that needs attention."""
    findings: list[Hinweis] = []
    values: dict[str, Any] = {}
    complete = True
    id_value = normalize.text(row.get(model.ID)) if model.ID else None

    def finding(column: str | None, message: str, suggestion: str = "", severity: str = "Fehler") -> None:
        findings.append(
            Hinweis(
                tabelle=model.TAB,
                zeile=row_number,
                id=id_value,
                spalte=column,
                schwere=severity,
                hinweis=message,
                vorschlag=suggestion or None,
            )
        )

    for column in columns(model):
        raw = row.get(column.header)
        try:
            value, warning = read_cell(column, raw)
        except CellError as exc:
            finding(column.header, exc.message, exc.suggestion)
            value, warning = None, None
        if warning is not None:
            finding(column.header, warning.message, warning.suggestion, "Warnung")
        if value is None or value == []:
            if column.required:
                if normalize.is_empty(raw):
                    finding(column.header, f"Pflichtfeld »{column.header}« ist leer.", "Bitte ausfüllen.")
                complete = False
            continue
        values[column.field] = value
    if not complete:
        return None, findings
    try:
        return _lean(model.model_validate(values)), findings
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            header = next((c.header for c in columns(model) if c.field == field), None)
            message, suggestion = _german(error)
            finding(header, f"Ungültiger Wert »{row.get(header or '', '')}«: {message}.", suggestion)
            values.pop(field, None)
        try:
            return _lean(model.model_validate(values)), findings
        except ValidationError:
            return None, findings


# One set of field names per combination: pydantic gives every record its own set of the fields it was
# built with, about 2 KB for a Kontakt: 200 MB of 100,000 contacts (issue 10). Nothing reads these sets
# (no ``exclude_unset``), records are replaced rather than changed, and equality does not look at them.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
R = TypeVar("R", bound=Record)


def _lean(record: R) -> R:
    """The record with its set of field names shared with every record built from the same fields."""
    names = frozenset(record.__pydantic_fields_set__)
    shared = _FIELDS_SETS.get(names)
    if shared is None:
        shared = _FIELDS_SETS[names] = set(names)
    object.__setattr__(record, "__pydantic_fields_set__", shared)
    return record


def _german(error: Any) -> tuple[str, str]:
    """A pydantic validation error in German, with a fix."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "greater_than_equal":
        return f"muss mindestens {ctx.get('ge')} sein", f"Eine Zahl ab {ctx.get('ge')} eintragen."
    if kind == "less_than_equal":
        return f"darf höchstens {ctx.get('le')} sein", f"Eine Zahl bis {ctx.get('le')} eintragen."
    if kind == "literal_error":
        return "ist kein erlaubter Wert", f"Erlaubt sind: {ctx.get('expected', '')}."
    return "passt nicht in diese Spalte", "Bitte den Wert prüfen und korrigieren."


def _format_date(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def to_cell(column: Column, value: Any) -> Cell:
    """The value as it is written to a sheet: German dates, ``ja``/``nein``, lists with ``, ``.

    Text is returned unchanged; stores write it as a plain value, never as a formula.
    """
    if value is None:
        return None
    kind = column.kind
    if kind in (Kind.BOOL, Kind.CONSENT, Kind.OPT_OUT):
        return "ja" if value else "nein"
    if kind is Kind.INT:
        return int(value)
    if kind is Kind.DATETIME:
        return f"{_format_date(value)} {value.strftime('%H:%M:%S')}"
    if kind is Kind.DATE:
        return _format_date(value)
    if kind is Kind.TIME:
        return str(value.strftime("%H:%M"))
    if kind is Kind.LIST:
        return ", ".join(value) if value else None
    return str(value)


def write_row(record: Record) -> dict[str, Cell]:
    """Header → cell value for every column of the record's tab."""
    return {c.header: to_cell(c, getattr(record, c.field)) for c in columns(type(record))}


def same_cell(a: Any, b: Any) -> bool:
    """Whether two cell values show the same thing (``3`` and ``"3"``; empty and ``None``)."""
    if normalize.is_empty(a) and normalize.is_empty(b):
        return True
    moment = _same_moment(a, b)
    if moment is not None:
        return moment
    if isinstance(a, float) and a.is_integer():
        a = int(a)
    if isinstance(b, float) and b.is_integer():
        b = int(b)
    return str(a).strip() == str(b).strip()


def _same_moment(a: Any, b: Any) -> bool | None:
    """A date cell and the German text the job wrote for it (``12.03.2027 18:00:00``) show the same thing;
    None when neither is a date, time or timestamp beside text."""
    for moment, other in ((a, b), (b, a)):
        if isinstance(moment, dt.date | dt.time) and isinstance(other, str):
            try:
                if isinstance(moment, dt.time):
                    return normalize.time(other) == moment.replace(microsecond=0)
                whole = moment if isinstance(moment, dt.datetime) else dt.datetime.combine(moment, dt.time())
                return normalize.timestamp(other) == whole.replace(microsecond=0, tzinfo=None)
            except CellError:
                return False
    return None
