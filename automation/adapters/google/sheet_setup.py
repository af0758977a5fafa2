"""Dropdowns, frozen header rows, warning-only protection and a readable layout (filter, column widths, date
formats, wrapping, colours for statuses) for the Google spreadsheet (``einrichten``).

Reads what is there (two metadata GETs, one ``values:batchGet`` of the header rows) and sends one
``spreadsheets:batchUpdate`` with only what is missing, so a second run writes nothing.
"""

from __future__ import annotations

from typing import Any, Protocol

from automation.adapters.google.http import quote_tab
from automation.domain.layout import GOOGLE_PATTERNS
from automation.domain.store import TabLayout, find_header


class SheetsCalls(Protocol):
    """What formatting needs of the Sheets API (``automation.adapters.google.sheets_store.SheetsApi`` has it)."""

    def sheets(self, with_validation_row: bool = False) -> dict[str, Any]: ...

    def values(self, ranges: list[str]) -> list[list[list[Any]]]: ...

    def batch_update(self, requests: list[dict[str, Any]]) -> dict[str, Any]: ...


PROTECTION = "gespraechsrunde: wird vom Job gepflegt – bitte nur mit Bedacht ändern"


def rule(values: tuple[str, ...]) -> dict[str, Any]:
    return {
        "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in values]},
        "strict": False,
        "showCustomUi": True,
    }


def _same_rule(found: Any, wanted: dict[str, Any]) -> bool:
    if not isinstance(found, dict):
        return False
    condition = found.get("condition", {})
    return (
        condition.get("type") == wanted["condition"]["type"]
        and [v.get("userEnteredValue") for v in condition.get("values", [])]
        == [v["userEnteredValue"] for v in wanted["condition"]["values"]]
        and bool(found.get("strict")) == wanted["strict"]
        and bool(found.get("showCustomUi")) == wanted["showCustomUi"]
    )


def format_tabs(api: SheetsCalls, layouts: list[TabLayout]) -> list[str]:
    sheets = api.sheets(with_validation_row=True)
    present = [t for t in layouts if t.name in sheets]
    header_rows = api.values([f"{quote_tab(t.name)}!1:1" for t in present])
    requests: list[dict[str, Any]] = []
    lines: list[str] = []
    for layout, grid in zip(present, header_rows, strict=True):
        info = sheets[layout.name]
        header = [str(h).strip() for h in grid[0]] if grid else []
        if info.frozen_rows < 1:
            requests.append(
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": info.sheet_id, "gridProperties": {"frozenRowCount": 1}},
                        "fields": "gridProperties.frozenRowCount",
                    }
                }
            )
            lines.append(f"»{layout.name}«: Kopfzeile fixiert.")
        added = []
        for column_name, values in layout.choices.items():
            column = find_header(header, column_name)
            if column is None:
                continue
            wanted = rule(values)
            found = info.validations[column] if column < len(info.validations) else None
            if not _same_rule(found, wanted):
                requests.append(
                    {
                        "setDataValidation": {
                            "range": {
                                "sheetId": info.sheet_id,
                                "startRowIndex": 1,
                                "startColumnIndex": column,
                                "endColumnIndex": column + 1,
                            },
                            "rule": wanted,
                        }
                    }
                )
                added.append(column_name)
        if added:
            lines.append(f"»{layout.name}«: Auswahllisten für {', '.join(added)}.")
        if layout.job_owned and not any(p.get("description") == PROTECTION for p in info.protected):
            requests.append(
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": info.sheet_id},
                            "description": PROTECTION,
                            "warningOnly": True,
                        }
                    }
                }
            )
            lines.append(f"»{layout.name}«: Warnhinweis beim Bearbeiten (vom Job gepflegt).")
        readable = _readable(info.sheet_id, layout, header, bool(info.basic_filter), int(info.conditional_formats))
        requests += readable[0]
        if readable[1]:
            lines.append(f"»{layout.name}«: {', '.join(readable[1])}.")
    api.batch_update(requests)
    return lines


def _colour(hex_colour: str) -> dict[str, float]:
    red, green, blue = (int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": round(red, 3), "green": round(green, 3), "blue": round(blue, 3)}


def _columns(sheet_id: int, column: int) -> dict[str, int]:
    """The cells of one column below the header row."""
    return {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": column, "endColumnIndex": column + 1}


def _readable(
    sheet_id: int, layout: TabLayout, header: list[str], has_filter: bool, rules: int
) -> tuple[list[dict[str, Any]], list[str]]:
    """Filter, column widths, date formats and wrapping (once: the filter marks a tab as done, so widths the
    user changes later stay), and colour rules for statuses (when the tab has no conditional formats yet)."""
    requests: list[dict[str, Any]] = []
    done: list[str] = []
    if not has_filter and header:
        requests.append({"setBasicFilter": {"filter": {"range": {"sheetId": sheet_id}}}})
        for column, name in enumerate(header):
            width = layout.widths.get(name)
            if width is not None:
                requests.append(
                    {
                        "updateDimensionProperties": {
                            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": column,
                                      "endIndex": column + 1},
                            "properties": {"pixelSize": round(width * 7 + 5)},
                            "fields": "pixelSize",
                        }
                    }
                )  # fmt: skip
            number_format = layout.number_formats.get(name)
            if number_format in GOOGLE_PATTERNS:
                kind, pattern = GOOGLE_PATTERNS[number_format]
                requests.append(
                    {
                        "repeatCell": {
                            "range": _columns(sheet_id, column),
                            "cell": {"userEnteredFormat": {"numberFormat": {"type": kind, "pattern": pattern}}},
                            "fields": "userEnteredFormat.numberFormat",
                        }
                    }
                )
            if name in layout.wrap:
                requests.append(
                    {
                        "repeatCell": {
                            "range": _columns(sheet_id, column),
                            "cell": {"userEnteredFormat": {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}},
                            "fields": "userEnteredFormat(wrapStrategy,verticalAlignment)",
                        }
                    }
                )
        done.append("Filter, Spaltenbreiten, Datumsformat und Zeilenumbruch")
    if rules == 0:
        coloured = []
        for name, colours in layout.colours.items():
            found = find_header(header, name)
            if found is None:
                continue
            for value, colour in colours.items():
                rule = {
                    "ranges": [_columns(sheet_id, found)],
                    "booleanRule": {
                        "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": value}]},
                        "format": {"backgroundColor": _colour(colour)},
                    },
                }
                requests.append({"addConditionalFormatRule": {"rule": rule, "index": 0}})
            coloured.append(name)
        if coloured:
            done.append("Farben für " + ", ".join(coloured))
    return requests, done
