"""What people do to the spreadsheet by hand, for both stores: rename a tab or header, insert a column,
type into a cell. Local: the workbook through openpyxl; Google: the fake's cells directly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from tests.backends import Backend, GoogleBackend


def _workbook(backend: Backend) -> tuple[Path, Any]:
    path = backend.folder / "gespraechsrunde.xlsx"
    return path, openpyxl.load_workbook(path)


def tab_names(backend: Backend) -> list[str]:
    if isinstance(backend, GoogleBackend):
        return [s.title for s in backend.fake.sheets]
    return list(_workbook(backend)[1].sheetnames)


def header_row(backend: Backend, tab: str) -> list[str]:
    if isinstance(backend, GoogleBackend):
        row = list(backend.fake.sheet(tab).rows[0])
    else:
        row = [c.value for c in _workbook(backend)[1][tab][1]]
    while row and row[-1] in (None, ""):
        row.pop()
    return ["" if v is None else str(v) for v in row]


def rename_tab(backend: Backend, old: str, new: str) -> None:
    if isinstance(backend, GoogleBackend):
        backend.fake.sheet(old).title = new
        return
    path, wb = _workbook(backend)
    wb[old].title = new
    wb.save(path)


def rename_header(backend: Backend, tab: str, old: str, new: str) -> None:
    if isinstance(backend, GoogleBackend):
        sheet = backend.fake.sheet(tab)
        sheet.rows[0][sheet.header_index(old)] = new
        return
    path, wb = _workbook(backend)
    for cell in wb[tab][1]:
        if cell.value == old:
            cell.value = new
    wb.save(path)


def insert_blank_column(backend: Backend, tab: str) -> None:
    """A blank column before the data (column A), as people do to make room for notes."""
    if isinstance(backend, GoogleBackend):
        sheet = backend.fake.sheet(tab)
        sheet.rows = [["", *line] for line in sheet.rows]
        return
    path, wb = _workbook(backend)
    wb[tab].insert_cols(1)
    wb.save(path)


def set_cell(backend: Backend, tab: str, key_column: str, key: str, column: str, value: Any) -> None:
    if isinstance(backend, GoogleBackend):
        sheet = backend.fake.sheet(tab)
        sheet.set(sheet.find_row(key_column, key), sheet.header_index(column), value)
        return
    path, wb = _workbook(backend)
    ws = wb[tab]
    head = [c.value for c in ws[1]]
    for number in range(2, ws.max_row + 1):
        if ws.cell(number, head.index(key_column) + 1).value == key:
            ws.cell(number, head.index(column) + 1).value = value
    wb.save(path)


def mails(folder: Path) -> list[Path]:
    return sorted((folder / "ausgang").glob("*.eml")) if (folder / "ausgang").exists() else []
