"""Exactly which Sheets requests the store sends: few, batched, RAW, and the same number for 10 or 5,000 rows."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from automation.domain.dataset import Dataset
from automation.domain.errors import GoogleApiError
from automation.domain.records import TABS, Kontakt, headers, tab_headers
from tests.google.conftest import GoogleWorkspace
from tests.google.fake_google import Call, FakeGoogle
from tests.google.test_store_contract import kontakt

ALL_TABS = tab_headers()


def seeded(make: Callable[..., GoogleWorkspace], rows: int) -> GoogleWorkspace:
    fake = FakeGoogle()
    header = headers(Kontakt)
    from automation.domain.cells import write_row

    body = [[write_row(kontakt(n)).get(h) or "" for h in header] for n in range(rows)]
    for spec in TABS:
        fake.add_sheet(spec.name, [headers(spec.model)], frozen_rows=1)
    fake.sheet("Kontakte").rows = [header, *body]
    fake.sheet("Kontakte").row_count = rows + 1
    return make(fake=fake)


def sync_like(gw: GoogleWorkspace, changed: int = 3, new: int = 2) -> tuple[list[str], float]:
    """read → change some records, add some → apply; returns the request kinds and the seconds taken."""
    store = gw.workspace().store()
    start = len(gw.fake.calls)
    began = time.perf_counter()
    ds = Dataset.from_snapshot(store.read())
    for record in ds.all(Kontakt)[:changed]:
        ds.put(record.model_copy(update={"sprache": "Deutsch"}))
    for n in range(new):
        ds.put(kontakt(900000 + n))
    result = store.apply(ds.changes())
    seconds = time.perf_counter() - began
    assert not result.conflicts
    return [k for k in gw.fake.kinds(start) if k != "token"], seconds


# read (metadata, every tab); write: re-read of the touched tab, one atomic batchUpdate
EXPECTED = ["spreadsheets.get", "values:batchGet", "values:batchGet", "spreadsheets:batchUpdate"]


@pytest.mark.parametrize("rows", [10, 5000])
def test_request_count_does_not_grow_with_rows(google_workspace: Callable[..., GoogleWorkspace], rows: int) -> None:
    gw = seeded(google_workspace, rows)
    kinds, _ = sync_like(gw, changed=min(rows, 500), new=3)
    assert kinds == EXPECTED
    assert len(gw.fake.sheet("Kontakte").records()) == rows + 3


def test_writes_are_raw_and_batched(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    gw = seeded(google_workspace, 5)
    store = gw.workspace().store()
    ds = Dataset.from_snapshot(store.read())
    record = ds.get(Kontakt, "K-00001")
    assert record is not None
    ds.put(record.model_copy(update={"vorname": '=HYPERLINK("http://böse")'}))
    ds.put(kontakt(77, nachname="=1+1"))
    start = len(gw.fake.calls)
    store.apply(ds.changes())
    (write,) = gw.fake.writes(start)
    assert write.kind == "spreadsheets:batchUpdate"
    cells = [
        v.get("userEnteredValue", {})
        for r in write.body["requests"]
        for spec in (r.get("updateCells") or r.get("appendCells") or {},)
        for row in spec.get("rows", [])
        for v in row["values"]
    ]
    assert all("formulaValue" not in c for c in cells)  # text is a stringValue: like RAW, never a formula
    assert {"stringValue": "=1+1"} in cells
    sheet = gw.fake.sheet("Kontakte")
    assert sheet.cell(3, sheet.header_index("Vorname")) == '=HYPERLINK("http://böse")'  # text, no Formula
    assert sheet.records()[-1]["Nachname"] == "=1+1"


def test_read_asks_for_formatted_values_in_one_batch_get(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    gw = seeded(google_workspace, 3)
    gw.workspace().store().read()
    gets = [c for c in gw.fake.calls if c.kind == "values:batchGet"]
    assert len(gets) == 1
    assert gets[0].params["valueRenderOption"] == ["FORMATTED_VALUE"]
    assert len(gets[0].params["ranges"]) == len(TABS)


def test_no_op_apply_sends_nothing(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    gw = seeded(google_workspace, 3)
    store = gw.workspace().store()
    ds = Dataset.from_snapshot(store.read())
    start = len(gw.fake.calls)
    store.apply(ds.changes())
    assert gw.fake.calls[start:] == []


def test_deletes_descending_from_re_read_positions(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    gw = seeded(google_workspace, 6)
    store = gw.workspace().store()
    ds = Dataset.from_snapshot(store.read())
    ds.delete(Kontakt, "K-00001")
    ds.delete(Kontakt, "K-00004")
    sheet = gw.fake.sheet("Kontakte")
    sheet.rows.insert(1, ["K-NEU", "von Hand"])  # a person inserts a row at the top meanwhile
    sheet.row_count += 1
    start = len(gw.fake.calls)
    result = store.apply(ds.changes())
    assert result.deleted_rows == 2
    (update,) = [c for c in gw.fake.calls[start:] if c.kind == "spreadsheets:batchUpdate"]
    starts = [r["deleteDimension"]["range"]["startIndex"] for r in update.body["requests"] if "deleteDimension" in r]
    assert starts == [6, 3]  # rows 7 and 4 (0-based 6, 3) after the insertion, descending
    ids = [r["Kontakt-ID"] for r in sheet.records()]
    assert ids == ["K-NEU", "K-00000", "K-00002", "K-00003", "K-00005"]


def test_new_tab_and_columns_get_room_in_the_grid(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    fake = FakeGoogle()
    fake.add_sheet("Kontakte", [["Kontakt-ID"], ["K-1"]], row_count=2, column_count=1)
    gw = google_workspace(fake=fake)
    store = gw.workspace().store()
    created = store.ensure_tabs({"Kontakte": headers(Kontakt), "Eingang": ["Antwort-ID", "Formular"]})
    assert created == ["Eingang"]
    assert fake.sheet("Kontakte").rows[0] == headers(Kontakt)
    assert fake.sheet("Eingang").frozen_rows == 1
    assert fake.sheet("Kontakte").rows[1] == ["K-1"]


def test_append_of_an_id_that_exists_is_not_duplicated(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    gw = seeded(google_workspace, 2)
    store = gw.workspace().store()
    ds = Dataset.from_snapshot(store.read())
    ds.put(kontakt(50))
    sheet = gw.fake.sheet("Kontakte")
    sheet.rows.append(["K-00050", "schon da"])  # an interrupted earlier run wrote it
    sheet.row_count += 1
    result = store.apply(ds.changes())
    assert result.appended_rows == 0 and [c.key for c in result.conflicts] == ["K-00050"]
    assert [r["Kontakt-ID"] for r in gw.fake.sheet("Kontakte").records()].count("K-00050") == 1


def test_retries_are_bounded_then_german_error_and_nothing_written(
    google_workspace: Callable[..., GoogleWorkspace],
) -> None:
    gw = seeded(google_workspace, 3)
    store = gw.workspace().store()
    ds = Dataset.from_snapshot(store.read())
    record = ds.get(Kontakt, "K-00000")
    assert record is not None
    ds.put(record.model_copy(update={"sprache": "Deutsch"}))
    before = [list(r) for r in gw.fake.sheet("Kontakte").rows]
    gw.sleeps.clear()
    start = len(gw.fake.calls)
    gw.fake.fail_next = [503, 503, 503]  # wiederholungen = 2: three attempts in all
    with pytest.raises(GoogleApiError, match="nach 3 Versuchen"):
        store.apply(ds.changes())
    assert gw.fake.count(start) == 3
    assert gw.fake.sheet("Kontakte").rows == before
    backoffs = [s for s in gw.sleeps if s >= 0.5]
    assert len(backoffs) == 2 and backoffs[1] >= backoffs[0] * 0.5  # exponential with jitter
    # the next run completes the work
    result = store.apply(ds.changes())
    assert result.written_cells == 1


def test_retry_succeeds_after_429_and_connection_error(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    import requests

    gw = seeded(google_workspace, 2)
    store = gw.workspace().store()
    gw.fake.fail_next = [429, requests.ConnectionError("weg")]
    snapshot = store.read()
    assert len(snapshot["Kontakte"].rows) == 2


def test_forbidden_is_a_german_hint_without_retry(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    gw = seeded(google_workspace, 2)
    store = gw.workspace().store()
    gw.fake.fail_next = [403]
    start = len(gw.fake.calls)
    with pytest.raises(GoogleApiError, match="Dienstkontos"):
        store.read()
    assert gw.fake.count(start) == 1


def test_calls_carry_the_service_account_token(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    gw = seeded(google_workspace, 1)
    gw.workspace().store().read()
    token_calls: list[Call] = [c for c in gw.fake.calls if c.kind == "token"]
    assert len(token_calls) == 1
    assert token_calls[0].body["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
