"""The same store behaviour for the local workbook and the Google spreadsheet (through the fake)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from automation.adapters.xlsx import WorkbookStore
from automation.domain.dataset import Dataset
from automation.domain.records import Hinweis, Kontakt, headers, tab_headers
from automation.domain.store import Append, CellChange, ChangeSet, Delete, Replace, Store
from tests.google.conftest import GoogleWorkspace
from tests.google.fake_google import FakeGoogle

ALL_TABS = tab_headers()


@dataclass
class Backend:
    """A store plus ways to play the person who edits the sheet while the job runs."""

    name: str
    store: Store
    cell: Callable[[str, str, str, str], Any]  # tab, id column, id, column → value
    edit: Callable[[str, str, str, str, Any], None]  # … , new value
    rows: Callable[[str], list[list[Any]]]  # every row of a tab, header first
    set_rows: Callable[[str, list[list[Any]]], None]


def _xlsx_backend(path: Path) -> Backend:
    store = WorkbookStore(path)

    def rows(tab: str) -> list[list[Any]]:
        wb = openpyxl.load_workbook(path)
        return [list(r) for r in wb[tab].iter_rows(values_only=True)]

    def find(ws: Any, id_column: str, key: str, column: str) -> tuple[int, int]:
        header = [c.value for c in ws[1]]
        id_index, col_index = header.index(id_column), header.index(column)
        for number in range(2, ws.max_row + 1):
            if str(ws.cell(number, id_index + 1).value) == key:
                return number, col_index + 1
        raise KeyError(key)

    def cell(tab: str, id_column: str, key: str, column: str) -> Any:
        wb = openpyxl.load_workbook(path)
        return wb[tab].cell(*find(wb[tab], id_column, key, column)).value

    def edit(tab: str, id_column: str, key: str, column: str, value: Any) -> None:
        wb = openpyxl.load_workbook(path)
        wb[tab].cell(*find(wb[tab], id_column, key, column)).value = value
        wb.save(path)

    def set_rows(tab: str, new_rows: list[list[Any]]) -> None:
        wb = openpyxl.load_workbook(path)
        ws = wb[tab]
        ws.delete_rows(1, ws.max_row)
        for line in new_rows:
            ws.append(line)
        wb.save(path)

    return Backend("xlsx", store, cell, edit, rows, set_rows)


def _google_backend(gw: GoogleWorkspace) -> Backend:
    fake = gw.fake
    store = gw.workspace().store()

    def cell(tab: str, id_column: str, key: str, column: str) -> Any:
        sheet = fake.sheet(tab)
        value = sheet.cell(sheet.find_row(id_column, key), sheet.header_index(column))
        return None if value == "" else value

    def edit(tab: str, id_column: str, key: str, column: str, value: Any) -> None:
        sheet = fake.sheet(tab)
        sheet.set(sheet.find_row(id_column, key), sheet.header_index(column), value)

    def rows(tab: str) -> list[list[Any]]:
        return [list(r) for r in fake.sheet(tab).rows]

    def set_rows(tab: str, new_rows: list[list[Any]]) -> None:
        fake.sheet(tab).rows = [list(r) for r in new_rows]

    return Backend("google", store, cell, edit, rows, set_rows)


@pytest.fixture(params=["xlsx", "google"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "xlsx":
        yield _xlsx_backend(tmp_path / "daten.xlsx")
    else:
        make = request.getfixturevalue("google_workspace")
        yield _google_backend(make(fake=FakeGoogle()))


def kontakt(n: int, **extra: Any) -> Kontakt:
    values: dict[str, Any] = {
        "kontakt_id": f"K-{n:05d}",
        "vorname": f"Vorname{n}",
        "nachname": "Müller-Lüdenscheidt",
        "email": f"person{n}@example.org",
        "gruppe": "Incoming",
        "interessen": ["Sport", "Kultur"],
        "einwilligung_speicherung": True,
        "erstellt": dt.datetime(2027, 3, 1, 9, 30),
    }
    return Kontakt(**(values | extra))


def fill(store: Store, count: int) -> Dataset:
    store.ensure_tabs(ALL_TABS)
    ds = Dataset.from_snapshot(store.read())
    for n in range(count):
        ds.put(kontakt(n))
    result = store.apply(ds.changes())
    assert result.appended_rows == count and not result.conflicts
    return Dataset.from_snapshot(store.read())


def test_round_trip_through_dataset(backend: Backend) -> None:
    ds = fill(backend.store, 3)
    assert [k.kontakt_id for k in ds.all(Kontakt)] == ["K-00000", "K-00001", "K-00002"]
    again = ds.get(Kontakt, "K-00001")
    assert again == kontakt(1)
    assert not ds.changes()  # what was written reads back identically: nothing to write
    assert not [f for f in ds.findings if f.schwere == "Fehler"]


def test_ensure_tabs_is_idempotent_and_keeps_data(backend: Backend) -> None:
    created = backend.store.ensure_tabs(ALL_TABS)
    assert set(created) == set(ALL_TABS)
    fill(backend.store, 2)
    assert backend.store.ensure_tabs(ALL_TABS) == []
    assert len(Dataset.from_snapshot(backend.store.read()).all(Kontakt)) == 2


def test_extra_user_columns_survive(backend: Backend) -> None:
    fill(backend.store, 2)
    rows = backend.rows("Kontakte")
    width = len(rows[0])
    rows[0] = [*rows[0], "Notiz der Koordination"]
    rows[1] = [*rows[1], *([None] * (width - len(rows[1]))), "ruft zurück"]
    backend.set_rows("Kontakte", rows)
    ds = Dataset.from_snapshot(backend.store.read())
    record = ds.get(Kontakt, "K-00000")
    assert record is not None
    ds.put(record.model_copy(update={"sprache": "Deutsch"}))
    ds.put(kontakt(7))
    result = backend.store.apply(ds.changes())
    assert result.written_cells == 1 and result.appended_rows == 1
    assert backend.cell("Kontakte", "Kontakt-ID", "K-00000", "Notiz der Koordination") == "ruft zurück"
    assert backend.cell("Kontakte", "Kontakt-ID", "K-00000", "Sprache") == "Deutsch"


def test_user_edit_between_read_and_write_is_never_overwritten(backend: Backend) -> None:
    ds = fill(backend.store, 3)
    record = ds.get(Kontakt, "K-00001")
    assert record is not None
    ds.put(record.model_copy(update={"telefon": "+49 30 1234567", "sprache": "Deutsch"}))
    backend.edit("Kontakte", "Kontakt-ID", "K-00001", "Telefon", "0171 999")  # a person types meanwhile
    result = backend.store.apply(ds.changes())
    assert [(c.key, c.column) for c in result.conflicts] == [("K-00001", "Telefon")]
    assert "von Hand geändert" in result.conflicts[0].message()
    assert backend.cell("Kontakte", "Kontakt-ID", "K-00001", "Telefon") == "0171 999"
    assert backend.cell("Kontakte", "Kontakt-ID", "K-00001", "Sprache") == "Deutsch"


def test_row_moved_between_read_and_write_gets_only_its_own_values(backend: Backend) -> None:
    ds = fill(backend.store, 3)
    for n in range(3):
        record = ds.get(Kontakt, f"K-{n:05d}")
        assert record is not None
        ds.put(record.model_copy(update={"sprache": f"Sprache {n}"}))
    rows = backend.rows("Kontakte")
    backend.set_rows("Kontakte", [rows[0], rows[3], rows[1], rows[2]])  # sorted descending meanwhile
    result = backend.store.apply(ds.changes())
    assert result.written_cells == 3 and not result.conflicts
    for n in range(3):
        key = f"K-{n:05d}"
        assert backend.cell("Kontakte", "Kontakt-ID", key, "Sprache") == f"Sprache {n}"
        assert backend.cell("Kontakte", "Kontakt-ID", key, "Vorname") == f"Vorname{n}"


def test_row_deleted_meanwhile_is_a_conflict(backend: Backend) -> None:
    ds = fill(backend.store, 2)
    rows = backend.rows("Kontakte")
    backend.set_rows("Kontakte", [rows[0], rows[2]])
    record = ds.get(Kontakt, "K-00000")
    assert record is not None
    ds.put(record.model_copy(update={"sprache": "Deutsch"}))
    result = backend.store.apply(ds.changes())
    assert [(c.key, c.column) for c in result.conflicts] == [("K-00000", "")]


def test_formula_like_text_stays_text(backend: Backend) -> None:
    fill(backend.store, 1)
    ds = Dataset.from_snapshot(backend.store.read())
    ds.put(kontakt(9, vorname="=1+1", nachname="+49 Test", sprache="@hallo"))
    backend.store.apply(ds.changes())
    assert backend.cell("Kontakte", "Kontakt-ID", "K-00009", "Vorname") == "=1+1"
    again = Dataset.from_snapshot(backend.store.read()).get(Kontakt, "K-00009")
    assert again is not None and again.vorname == "=1+1" and again.nachname == "+49 Test"


def test_append_replace_delete(backend: Backend) -> None:
    store = backend.store
    fill(store, 3)
    first = [{"Tabelle": "Kontakte", "Schwere": "Fehler", "Hinweis": f"Hinweis {i}"} for i in range(4)]
    store.apply(ChangeSet(replaces=[Replace("Hinweise", headers(Hinweis), first)]))  # type: ignore[arg-type]
    second = [{"Tabelle": "Vereine", "Schwere": "Warnung", "Hinweis": "nur noch einer"}]
    store.apply(
        ChangeSet(
            replaces=[Replace("Hinweise", headers(Hinweis), second)],  # type: ignore[arg-type]
            deletes=[Delete("Kontakte", "Kontakt-ID", "K-00001"), Delete("Kontakte", "Kontakt-ID", "K-00002")],
            appends=[Append("Kontakte", {"Kontakt-ID": "K-00100", "Vorname": "Neu"})],
        )
    )
    ds = Dataset.from_snapshot(store.read())
    assert [h.hinweis for h in ds.all(Hinweis)] == ["nur noch einer"]
    assert [k.kontakt_id for k in ds.all(Kontakt)] == ["K-00000", "K-00100"]


def test_cell_change_of_new_column_adds_header(backend: Backend) -> None:
    fill(backend.store, 1)
    change = CellChange("Kontakte", "Kontakt-ID", "K-00000", "Rückruf", None, "ja")
    result = backend.store.apply(ChangeSet(cells=[change]))
    assert result.written_cells == 1
    assert backend.cell("Kontakte", "Kontakt-ID", "K-00000", "Rückruf") == "ja"
