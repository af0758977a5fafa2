"""Google writes that stay right when the network or people get in the way.

A reply lost after Google applied a write (503 or a timeout) must not duplicate rows; a person sorting or
inserting rows between the job's re-read and its write must not make the job change another person's row.
The real gspread code runs against the stand-in (tests/google/fake_google.py); the fake's ``before`` hook is
the person acting in that window, ``lose_reply`` answers an error after the request was applied.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation.domain.dataset import Dataset
from automation.domain.errors import GoogleApiError
from automation.domain.records import TABS, Anmeldung, Kontakt, headers
from automation.domain.store import ChangeSet
from tests.google.conftest import GoogleWorkspace
from tests.google.fake_google import Call, FakeGoogle
from tests.google.test_sheets_requests import seeded
from tests.google.test_store_contract import kontakt

ANMELDUNG = headers(Anmeldung)


def with_registrations(
    make: Callable[..., GoogleWorkspace], count: int = 6, fake: FakeGoogle | None = None
) -> GoogleWorkspace:
    fake = fake or FakeGoogle()
    fake.sheets, fake.metadata, fake.before = [], {}, None
    for spec in TABS:
        fake.add_sheet(spec.name, [headers(spec.model)], frozen_rows=1)
    rows = []
    for n in range(1, count + 1):
        values = {"Anmelde-ID": f"A-{n}", "Termin-ID": "T-1", "Kontakt-ID": f"K-{n}", "Personen": "1",
                  "Status": "angemeldet", "Bemerkung": f"Notiz {n}"}  # fmt: skip
        rows.append([values.get(h, "") for h in ANMELDUNG])
    fake.sheet("Anmeldungen").rows += rows
    return make(fake=fake)


def by_id(fake: FakeGoogle, tab: str = "Anmeldungen", key: str = "Anmelde-ID") -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in fake.sheet(tab).records()}


def once(kind: str, action: Callable[[FakeGoogle], None], fake: FakeGoogle) -> Callable[[Call], None]:
    """A ``before`` hook: ``action`` (a person's edit) right before the first request of ``kind`` is handled."""
    done: list[bool] = []

    def hook(call: Call) -> None:
        if call.kind == kind and not done:
            done.append(True)
            action(fake)

    return hook


def sort_descending(fake: FakeGoogle) -> None:
    sheet = fake.sheet("Anmeldungen")
    column = sheet.header_index("Anmelde-ID")
    sheet.rows[1:] = sorted(sheet.rows[1:], key=lambda r: r[column], reverse=True)


def insert_at_top(fake: FakeGoogle) -> None:
    sheet = fake.sheet("Anmeldungen")
    sheet.rows.insert(1, [""] * ANMELDUNG.index("Bemerkung") + ["von Hand eingefügt"])
    sheet.row_count += 1


@pytest.mark.parametrize("person", [sort_descending, insert_at_top], ids=["sortiert", "Zeile eingefügt"])
def test_a_person_moving_rows_between_reread_and_write_changes_no_other_row(
    google_workspace: Callable[..., GoogleWorkspace], person: Callable[[FakeGoogle], None]
) -> None:
    gw = with_registrations(google_workspace)
    before = by_id(gw.fake)
    store = gw.workspace().store()
    ds = Dataset.from_snapshot(store.read())
    for key, update in (("A-2", {"status": "abgesagt"}), ("A-5", {"bemerkung": "kommt später"})):
        record = ds.get(Anmeldung, key)
        assert record is not None
        ds.put(record.model_copy(update=update))
    gw.fake.before = once("spreadsheets:batchUpdate", person, gw.fake)

    result = store.apply(ds.changes())

    assert result.written_cells == 2 and not result.conflicts
    after = by_id(gw.fake)
    expected = {k: dict(v) for k, v in before.items()}
    expected["A-2"]["Status"] = "abgesagt"
    expected["A-5"]["Bemerkung"] = "kommt später"
    assert {k: after[k] for k in expected} == expected  # the right rows changed, every other row as it was
    if person is insert_at_top:
        assert [r for r in gw.fake.sheet("Anmeldungen").records() if not r["Anmelde-ID"]] == [
            {h: ("von Hand eingefügt" if h == "Bemerkung" else "") for h in ANMELDUNG}
        ]
    assert [c.kind for c in gw.fake.writes()].count("spreadsheets:batchUpdate") == 2  # the write, the repair


def test_a_sort_before_a_delete_deletes_only_the_right_row(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    gw = with_registrations(google_workspace)
    before = by_id(gw.fake)
    store = gw.workspace().store()
    ds = Dataset.from_snapshot(store.read())
    ds.delete(Anmeldung, "A-2")
    gw.fake.before = once("spreadsheets:batchUpdate", sort_descending, gw.fake)
    result = store.apply(ds.changes())
    assert result.deleted_rows == 1
    after = by_id(gw.fake)
    assert set(after) == set(before) - {"A-2"}
    shown = {k: {h: str(v) for h, v in row.items()} for k, row in after.items()}
    assert all(shown[k] == before[k] for k in after)  # the row deleted by mistake is back, as it was shown


def test_without_interference_one_write_and_no_repair(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    gw = with_registrations(google_workspace)
    store = gw.workspace().store()
    ds = Dataset.from_snapshot(store.read())
    record = ds.get(Anmeldung, "A-3")
    assert record is not None
    ds.put(record.model_copy(update={"status": "abgesagt"}))
    start = len(gw.fake.calls)
    store.apply(ds.changes())
    assert [k for k in gw.fake.kinds(start) if k != "token"] == ["values:batchGet", "spreadsheets:batchUpdate"]
    assert by_id(gw.fake)["A-3"]["Status"] == "abgesagt"


def new_contacts_and_a_change(gw: GoogleWorkspace) -> tuple[Any, ChangeSet]:
    store = gw.workspace().store()
    ds = Dataset.from_snapshot(store.read())
    record = ds.get(Kontakt, "K-00001")
    assert record is not None
    ds.put(record.model_copy(update={"sprache": "Deutsch"}))
    for n in range(16, 20):  # the recipe of the issue: Kontakte rows 16–19 appeared twice
        ds.put(kontakt(n))
    return store, ds.changes()


def contact_ids(fake: FakeGoogle) -> list[str]:
    return [r["Kontakt-ID"] for r in fake.sheet("Kontakte").records()]


@pytest.mark.parametrize("lost", [503, requests.Timeout("Zeitlimit")], ids=["503", "Zeitlimit"])
def test_a_reply_lost_after_google_applied_the_write_duplicates_nothing(
    google_workspace: Callable[..., GoogleWorkspace], lost: int | Exception
) -> None:
    gw = seeded(google_workspace, 3)
    store, changes = new_contacts_and_a_change(gw)
    gw.fake.lose_reply["spreadsheets:batchUpdate"] = [lost]
    start = len(gw.fake.calls)
    result = store.apply(changes)
    assert result.appended_rows == 4 and result.written_cells == 1
    ids = contact_ids(gw.fake)
    assert ids == ["K-00000", "K-00001", "K-00002", "K-00016", "K-00017", "K-00018", "K-00019"]
    # asked whether the write went through (its marker is there), then read where the rows landed; no resend
    kinds = [k for k in gw.fake.kinds(start) if k != "token"]
    assert kinds == ["values:batchGet", "spreadsheets:batchUpdate", "developerMetadata.get", "spreadsheets.get",
                     "values:batchGet"]  # fmt: skip
    assert result.new_rows == {"Kontakte": [5, 6, 7, 8]}


def test_a_resent_copy_of_a_write_that_was_applied_late_is_refused(
    google_workspace: Callable[..., GoogleWorkspace],
) -> None:
    """The check for the marker may come before a slow write is applied; the resent copy must then fail."""
    gw = seeded(google_workspace, 3)
    store, changes = new_contacts_and_a_change(gw)
    gw.fake.lose_reply["spreadsheets:batchUpdate"] = [503]
    gw.fake.fail_kind["developerMetadata.get"] = [404]  # "not there (yet)"
    result = store.apply(changes)
    assert result.appended_rows == 4
    assert contact_ids(gw.fake).count("K-00016") == 1
    writes = [c for c in gw.fake.calls if c.kind == "spreadsheets:batchUpdate"]
    assert len(writes) == 2 and writes[0].body == writes[1].body  # the same batch, refused the second time


def test_unverifiable_write_says_so_and_the_next_run_completes_without_duplicates(
    google_workspace: Callable[..., GoogleWorkspace],
) -> None:
    gw = seeded(google_workspace, 3)
    store, changes = new_contacts_and_a_change(gw)
    gw.fake.lose_reply["spreadsheets:batchUpdate"] = [503]
    gw.fake.fail_kind["developerMetadata.get"] = [503, 503, 503]
    with pytest.raises(GoogleApiError) as caught:
        store.apply(changes)
    message = str(caught.value)
    assert "ließ sich nicht prüfen" in message and "keine doppelten Zeilen" in message
    assert "nichts" not in message  # it was in fact written: no claim that nothing was

    store, changes = new_contacts_and_a_change(gw)  # the next run, from a fresh read
    result = store.apply(changes)
    assert not result.conflicts and result.appended_rows == 0 and result.written_cells == 0
    assert contact_ids(gw.fake).count("K-00016") == 1


def test_the_same_change_set_twice_is_harmless(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    """A write applied but not confirmed, repeated from the old read: cells already right, no new rows twice."""
    gw = seeded(google_workspace, 3)
    store, changes = new_contacts_and_a_change(gw)
    store.apply(changes)
    result = store.apply(changes)
    assert result.written_cells == 1 and not [c for c in result.conflicts if c.column != "Kontakt-ID"]
    assert result.appended_rows == 0
    assert len(contact_ids(gw.fake)) == 7


def test_a_write_refused_by_google_says_nothing_was_written(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    gw = seeded(google_workspace, 3)
    store, changes = new_contacts_and_a_change(gw)
    before = [list(r) for r in gw.fake.sheet("Kontakte").rows]
    gw.fake.fail_kind["spreadsheets:batchUpdate"] = [400]
    with pytest.raises(GoogleApiError, match="Diese Änderungen wurden nicht geschrieben"):
        store.apply(changes)
    assert gw.fake.sheet("Kontakte").rows == before


def test_markers_do_not_pile_up(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    gw = seeded(google_workspace, 3)
    for n in range(3):
        store = gw.workspace().store()
        ds = Dataset.from_snapshot(store.read())
        ds.put(kontakt(100 + n))
        store.apply(ds.changes())
    assert len(gw.fake.metadata) == 1


def test_generated_tab_written_twice_in_one_run_keeps_every_new_header(
    google_workspace: Callable[..., GoogleWorkspace],
) -> None:
    from automation.domain.store import Replace

    gw = seeded(google_workspace, 1)
    store = gw.workspace().store()
    store.read()
    for text, extra in (("erster", "Extra"), ("zweiter", "Noch eine")):
        start = len(gw.fake.calls)
        rows = [{"Tabelle": text, extra: "x"}]
        store.apply(ChangeSet(replaces=[Replace("Hinweise", ["Tabelle", extra], rows)]))
        assert [k for k in gw.fake.kinds(start) if k != "token"] == ["spreadsheets:batchUpdate"]  # no re-read
    header = gw.fake.sheet("Hinweise").rows[0]
    assert header.count("Extra") == 1 and header.count("Noch eine") == 1
    (row,) = gw.fake.sheet("Hinweise").records()
    assert (row["Tabelle"], row["Extra"], row["Noch eine"]) == ("zweiter", "", "x")


ONE_FAKE: dict[int, FakeGoogle] = {}  # one stand-in per test: ``responses`` answers from the first installed


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    count=st.integers(min_value=2, max_value=8),
    data=st.data(),
)
def test_any_reordering_in_the_window_leaves_every_row_right(
    google_workspace: Callable[..., GoogleWorkspace], count: int, data: st.DataObject
) -> None:
    """Property: whatever order people put the rows in (and rows they insert) between the job's re-read and
    its write, afterwards each row holds what it held, plus exactly the job's changes to it."""
    gw = with_registrations(google_workspace, count, ONE_FAKE.setdefault(id(google_workspace), FakeGoogle()))
    before = by_id(gw.fake)
    keys = sorted(before)
    changed = data.draw(st.lists(st.sampled_from(keys), unique=True, max_size=count), label="geändert")
    order = data.draw(st.permutations(range(count)), label="Reihenfolge")
    inserted = data.draw(st.integers(min_value=0, max_value=2), label="eingefügte Zeilen")
    store = gw.workspace().store()
    ds = Dataset.from_snapshot(store.read())
    for key in changed:
        record = ds.get(Anmeldung, key)
        assert record is not None
        ds.put(record.model_copy(update={"bemerkung": f"neu {key}", "status": "abgesagt"}))

    def person(fake: FakeGoogle) -> None:
        sheet = fake.sheet("Anmeldungen")
        body = sheet.rows[1:]
        sheet.rows[1:] = [body[i] for i in order]
        for n in range(inserted):
            sheet.rows.insert(1, [""] * ANMELDUNG.index("Bemerkung") + [f"von Hand {n}"])
            sheet.row_count += 1

    gw.fake.before = once("spreadsheets:batchUpdate", person, gw.fake)
    result = store.apply(ds.changes())
    assert not result.conflicts
    after = by_id(gw.fake)
    for key, row in before.items():
        wanted = dict(row)
        if key in changed:
            wanted.update({"Bemerkung": f"neu {key}", "Status": "abgesagt"})
        assert after[key] == wanted, key
    # rows people inserted hold nothing of the job's (a cell it hit by mistake is emptied again and reported)
    hand = [r for r in gw.fake.sheet("Anmeldungen").records() if not r["Anmelde-ID"]]
    allowed = {""} | {f"von Hand {n}" for n in range(inserted)}
    assert all(set(r.values()) <= allowed for r in hand), [{k: v for k, v in r.items() if v} for r in hand]


def test_a_real_timeout_over_loopback_after_google_applied_the_write(tmp_path: Path) -> None:
    """The stand-in as an HTTP server: it applies the write and answers after the job's time limit."""
    from automation.adapters.google import wiring
    from automation.services.wiring import Workspace
    from tests.google.conftest import write_google_settings
    from tests.google.fake_google import serve

    fake = FakeGoogle()
    for spec in TABS:
        fake.add_sheet(spec.name, [headers(spec.model)], frozen_rows=1)
    with serve(fake) as base, pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(wiring, "SLEEP", lambda seconds: None)
        folder = tmp_path / "arbeitsordner"
        write_google_settings(
            folder, sheets_url=base, forms_url=base, drive_url=base, token_url=f"{base}/token", zeitlimit_sekunden=1
        )
        store = Workspace.open(folder).store()
        ds = Dataset.from_snapshot(store.read())
        for n in range(16, 20):
            ds.put(kontakt(n))
        fake.slow_reply["spreadsheets:batchUpdate"] = [2.0]
        result = store.apply(ds.changes())
    assert result.appended_rows == 4
    assert contact_ids(fake) == ["K-00016", "K-00017", "K-00018", "K-00019"]
    assert [c.kind for c in fake.calls].count("spreadsheets:batchUpdate") == 1  # not sent again


def large_write(gw: GoogleWorkspace) -> tuple[Any, ChangeSet]:
    from automation.domain.records import Eingang

    store = gw.workspace().store()
    ds = Dataset.from_snapshot(store.read())
    for n in range(40):
        ds.put(kontakt(1000 + n))
        ds.put(Eingang(antwort_id=f"R-{n}", formular="anmeldung", daten="{}", status="verarbeitet"))
    record = ds.get(Kontakt, "K-00001")
    assert record is not None
    ds.put(record.model_copy(update={"sprache": "Deutsch"}))
    return store, ds.changes()


def test_a_write_larger_than_a_request_may_be_goes_in_several_batches_eingang_last(
    google_workspace: Callable[..., GoogleWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    from automation.adapters.google import sheets_store

    monkeypatch.setattr(sheets_store, "MAX_BATCH_BYTES", 4000)
    gw = seeded(google_workspace, 3)
    store, changes = large_write(gw)
    result = store.apply(changes)
    assert result.appended_rows == 80 and result.written_cells == 1 and not result.conflicts
    batches = [c for c in gw.fake.calls if c.kind == "spreadsheets:batchUpdate"]
    assert len(batches) > 2
    sheet_ids = {s.title: s.sheet_id for s in gw.fake.sheets}

    def tabs(call: Call) -> set[int]:
        return {r["appendCells"]["sheetId"] for r in call.body["requests"] if "appendCells" in r}

    eingang = [n for n, call in enumerate(batches) if sheet_ids["Eingang"] in tabs(call)]
    kontakte = [n for n, call in enumerate(batches) if sheet_ids["Kontakte"] in tabs(call)]
    assert min(eingang) >= max(kontakte)  # what was taken is recorded after what was made of it
    assert len(contact_ids(gw.fake)) == 43 and len(gw.fake.sheet("Eingang").records()) == 40
    assert result.new_rows is not None and result.new_rows["Kontakte"] == list(range(5, 45))


def test_a_split_write_that_fails_midway_says_how_far_it_got_and_the_next_run_completes(
    google_workspace: Callable[..., GoogleWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    from automation.adapters.google import sheets_store

    monkeypatch.setattr(sheets_store, "MAX_BATCH_BYTES", 4000)
    gw = seeded(google_workspace, 3)
    store, changes = large_write(gw)
    seen: list[int] = []

    def fail_second(call: Call) -> int | None:
        if call.kind == "spreadsheets:batchUpdate":
            seen.append(1)
            return 400 if len(seen) == 2 else None
        return None

    gw.fake.fail_when = fail_second
    with pytest.raises(GoogleApiError, match="Geschrieben sind 1 von"):
        store.apply(changes)
    gw.fake.fail_when = None
    assert gw.fake.sheet("Eingang").records() == []  # nothing recorded as taken yet
    store, changes = large_write(gw)  # the next run, from a fresh read
    store.apply(changes)
    ids = contact_ids(gw.fake)
    assert len(ids) == len(set(ids)) == 43 and len(gw.fake.sheet("Eingang").records()) == 40


def test_a_tab_created_by_ensure_tabs_after_the_read_is_not_added_twice(
    google_workspace: Callable[..., GoogleWorkspace],
) -> None:
    from automation.domain.records import TischplanZeile
    from automation.domain.store import Replace

    fake = FakeGoogle()
    fake.add_sheet("Kontakte", [headers(Kontakt)])
    gw = google_workspace(fake=fake)
    store = gw.workspace().store()
    store.read()
    store.ensure_tabs({"Tischplan": headers(TischplanZeile)})  # as »tischplan --termin« does before writing
    rows = [{"Termin-ID": "T-1", "Runde": 1, "Tisch": 1}]
    store.apply(ChangeSet(replaces=[Replace("Tischplan", headers(TischplanZeile), rows)]))
    assert [s.title for s in fake.sheets].count("Tischplan") == 1
    assert fake.sheet("Tischplan").records()[0]["Termin-ID"] == "T-1"


def change_language(gw: GoogleWorkspace) -> tuple[Any, ChangeSet]:
    store = gw.workspace().store()
    ds = Dataset.from_snapshot(store.read())
    record = ds.get(Kontakt, "K-00001")
    assert record is not None
    ds.put(record.model_copy(update={"sprache": "Deutsch"}))
    return store, ds.changes()


def test_the_reread_fetches_only_the_header_row_and_the_columns_it_compares(
    google_workspace: Callable[..., GoogleWorkspace],
) -> None:
    gw = seeded(google_workspace, 5)
    store, changes = change_language(gw)
    start = len(gw.fake.calls)
    store.apply(changes)
    (reread,) = [c for c in gw.fake.calls[start:] if c.kind == "values:batchGet"]
    language = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[headers(Kontakt).index("Sprache")]
    assert reread.params["ranges"] == ["'Kontakte'!1:1", "'Kontakte'!A:A", f"'Kontakte'!{language}:{language}"]
    assert by_id(gw.fake, "Kontakte", "Kontakt-ID")["K-00001"]["Sprache"] == "Deutsch"


def test_a_column_inserted_after_the_read_makes_the_reread_take_the_whole_tab(
    google_workspace: Callable[..., GoogleWorkspace],
) -> None:
    gw = seeded(google_workspace, 5)
    before = by_id(gw.fake, "Kontakte", "Kontakt-ID")
    store, changes = change_language(gw)
    sheet = gw.fake.sheet("Kontakte")
    for number, line in enumerate(sheet.rows):
        line.insert(0, "Notiz" if number == 0 else f"von Hand {number}")  # a person adds a column at the front
    start = len(gw.fake.calls)
    result = store.apply(changes)
    assert result.written_cells == 1 and not result.conflicts
    assert [k for k in gw.fake.kinds(start) if k != "token"] == [
        "values:batchGet", "values:batchGet", "spreadsheets:batchUpdate"
    ]  # fmt: skip
    after = by_id(gw.fake, "Kontakte", "Kontakt-ID")
    for key, row in before.items():
        wanted = {**row, "Sprache": "Deutsch"} if key == "K-00001" else row
        assert {h: after[key][h] for h in row} == wanted, key


def test_an_answer_without_the_id_columns_is_checked_by_reading_them(
    google_workspace: Callable[..., GoogleWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    """If Google's answer lacked the columns asked for, the job must not take every write for misplaced."""
    gw = with_registrations(google_workspace)
    store = gw.workspace().store()
    ds = Dataset.from_snapshot(store.read())
    record = ds.get(Anmeldung, "A-3")
    assert record is not None
    ds.put(record.model_copy(update={"status": "abgesagt"}))
    original = gw.fake._batch_update

    def without_grid(call: Call) -> Any:
        answer = original(call)
        for sheet in answer.get("updatedSpreadsheet", {}).get("sheets", []):
            sheet.pop("data", None)
        return answer

    monkeypatch.setattr(gw.fake, "_batch_update", without_grid)
    start = len(gw.fake.calls)
    result = store.apply(ds.changes())
    assert result.written_cells == 1
    assert by_id(gw.fake)["A-3"]["Status"] == "abgesagt"
    assert [k for k in gw.fake.kinds(start) if k != "token"] == [
        "values:batchGet", "spreadsheets:batchUpdate", "values:batchGet"
    ]  # fmt: skip
