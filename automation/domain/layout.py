"""A workbook people can read: column widths, wrapping, date formats and colours per tab (issue 12).

Pure rules, applied by the stores (``format_tabs`` of the local workbook and of Google, run by ``einrichten``,
``anlegen`` and ``demo``). Dates the job writes are real date cells in the local workbook: :func:`typed_value`
turns the German text of :func:`automation.domain.cells.to_cell` back into a date, which the store writes with
the column's number format; reading the cell gives the same value again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache

from automation.domain import normalize
from automation.domain.cells import Cell
from automation.domain.dataset import Dataset
from automation.domain.names import full_name
from automation.domain.normalize import CellError
from automation.domain.records import (
    MODEL_BY_TAB,
    TABS,
    Anmeldung,
    Kind,
    Kontakt,
    Record,
    Termin,
    Versand,
    columns,
    headers,
)
from automation.domain.store import TabLayout, find_header

# Excel's codes; Excel and LibreOffice show them in German as TT.MM.JJJJ and TT.MM.JJJJ hh:mm.
NUMBER_FORMATS: dict[Kind, str] = {Kind.DATE: "DD.MM.YYYY", Kind.DATETIME: "DD.MM.YYYY HH:MM", Kind.TIME: "HH:MM"}
# Google's patterns for the same formats.
GOOGLE_PATTERNS: dict[str, tuple[str, str]] = {
    "DD.MM.YYYY": ("DATE", "dd.mm.yyyy"),
    "DD.MM.YYYY HH:MM": ("DATE_TIME", "dd.mm.yyyy hh:mm:ss"),  # seconds: the job reads them back (sheets_store)
    "HH:MM": ("TIME", "hh:mm"),
}

_WIDTHS: dict[Kind, float] = {
    Kind.TEXT: 18, Kind.LONG_TEXT: 48, Kind.BOOL: 11, Kind.INT: 9, Kind.DATE: 12, Kind.TIME: 8,
    Kind.DATETIME: 17, Kind.LIST: 26, Kind.EMAIL: 30, Kind.PHONE: 18, Kind.URL: 30, Kind.CHOICE: 16,
    Kind.CONSENT: 12, Kind.OPT_OUT: 12,
}  # fmt: skip
_MAX_WIDTH = 60

# Background colours for values with a meaning (the text stays: no information by colour alone).
RED, ORANGE, YELLOW, GREEN, BLUE, GREY = "F8CBCB", "FCE4C4", "FFF2B3", "D4EDD4", "DCE9F7", "E6E6E6"
COLOURS: dict[str, dict[str, dict[str, str]]] = {
    "Versand": {
        "Status": {
            "gesendet": GREEN, "gedruckt": GREEN, "angerufen": GREEN, "fehlgeschlagen": RED, "unklar": ORANGE,
            "nicht erreicht": ORANGE, "geplant": YELLOW, "wird gesendet": YELLOW, "anzurufen": YELLOW,
        }
    },
    "Hinweise": {"Schwere": {"Fehler": RED, "Warnung": ORANGE, "Info": BLUE}},
    "Anmeldungen": {
        "Status": {"angemeldet": GREEN, "teilgenommen": GREEN, "Warteliste": YELLOW, "abgesagt": GREY,
                   "nicht erschienen": GREY}
    },
}  # fmt: skip


def width(header: str, kind: Kind) -> float:
    """A column's width in characters: by what it holds, never narrower than its header."""
    return min(max(_WIDTHS[kind], len(header) + 3), _MAX_WIDTH)


@cache
def _kinds(tab: str) -> dict[str, Kind]:
    model = MODEL_BY_TAB.get(tab)
    return {} if model is None else {c.header: c.kind for c in columns(model)}


def typed_value(tab: str, header: str, value: Cell) -> Cell:
    """The value as a real date cell takes it: the job's German text of a date column as a date, timestamp or
    time; anything else (and text that is no date: it stays as the person typed it) unchanged."""
    if not isinstance(value, str) or not value:
        return value
    kind = _kinds(tab).get(header)
    try:
        if kind is Kind.DATETIME:
            return normalize.timestamp(value)
        if kind is Kind.DATE:
            day = normalize.date(value)
            return dt.datetime.combine(day, dt.time()) if day is not None else value
        if kind is Kind.TIME:
            return normalize.time(value)
    except CellError:
        return value
    return value


def person_name(kontakt: Kontakt) -> str | None:
    return full_name(kontakt.vorname, kontakt.nachname, "") or None


def termin_text(termin: Termin) -> str:
    return f"{termin.datum:%d.%m.%Y} {termin.titel}".strip()


def display_names(dataset: Dataset) -> list[Record]:
    """Rows of ``Anmeldungen`` and ``Versand`` whose readable columns (*Name*, *Termin*) no longer say what
    their IDs stand for, with the current text. A person or date whose row is missing or unreadable leaves
    the text as it is (erasure empties it itself: :func:`automation.domain.privacy.erase_person`)."""
    kontakte = {k.kontakt_id.strip(): person_name(k) for k in dataset.all(Kontakt)}
    termine = {t.termin_id.strip(): termin_text(t) for t in dataset.all(Termin)}
    changed: list[Record] = []
    for anmeldung in dataset.all(Anmeldung):
        update: dict[str, str | None] = {}
        name = kontakte.get(anmeldung.kontakt_id.strip(), anmeldung.name)
        termin = termine.get(anmeldung.termin_id.strip(), anmeldung.termin)
        if name != anmeldung.name:
            update["name"] = name
        if termin != anmeldung.termin:
            update["termin"] = termin
        if update:
            changed.append(anmeldung.model_copy(update=update))
    for versand in dataset.all(Versand):
        if versand.kontakt_id:
            name = kontakte.get(versand.kontakt_id.strip(), versand.name)
            if name != versand.name:
                changed.append(versand.model_copy(update={"name": name}))
    return changed


YES_NO = ("ja", "nein")


def tab_layouts() -> list[TabLayout]:
    """Every tab of ``records.TABS`` as ``einrichten`` sets it up: headers, value sets (dropdowns), who keeps
    it, and how it reads (widths, date formats, wrapping, colours)."""
    result = []
    for spec in TABS:
        choices: dict[str, tuple[str, ...]] = {}
        for column in columns(spec.model):
            if column.kind is Kind.CHOICE:
                choices[column.header] = column.choices
            elif column.kind in (Kind.BOOL, Kind.CONSENT, Kind.OPT_OUT):
                choices[column.header] = YES_NO
        result.append(
            TabLayout(
                spec.name,
                headers(spec.model),
                choices,
                spec.owner == "job",
                widths={c.header: width(c.header, c.kind) for c in columns(spec.model)},
                number_formats={
                    c.header: NUMBER_FORMATS[c.kind] for c in columns(spec.model) if c.kind in NUMBER_FORMATS
                },
                wrap=tuple(c.header for c in columns(spec.model) if c.kind is Kind.LONG_TEXT),
                colours=COLOURS.get(spec.name, {}),
            )
        )
    return result


def finding_target(
    values: dict[str, Cell], headers_of: Callable[[str], list[str] | None]
) -> tuple[str, int, int] | None:
    """The cell a row of ``Hinweise`` is about: tab, 1-based row, 0-based column (the row's first cell when the
    column is not one of the tab's, e.g. a form field); None without a row or for a tab that is not there."""
    tab, number = values.get("Tabelle"), values.get("Zeile")
    if not isinstance(tab, str) or not tab or isinstance(number, bool) or not isinstance(number, int | float):
        return None
    headers = headers_of(tab)
    if headers is None or not 1 <= int(number) <= 1048576:
        return None
    spalte = values.get("Spalte")
    found = find_header(headers, spalte) if isinstance(spalte, str) and spalte else None
    return tab, int(number), found or 0
