"""Dates, times and timestamps the job writes are real date cells on Google too (issue 12 item 3).

They go in as serial numbers with a number format that shows them as before (``01.02.2027 09:00:00``), so a
Google user can sort and filter by them, the job reads them back as shown (nothing rewritten by a quiet sync),
and text a person typed – also text that looks like a date or a formula – stays text.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.domain.dataset import Dataset
from automation.domain.records import Anmeldung
from automation.services.wiring import Workspace
from tests.backends import GoogleBackend, assert_no_formula_written, google_backend, request_counts
from tests.conftest import registration
from tests.google.fake_google import TOKEN, Call, FakeGoogle, FakeSheet, Formatted, render_number, unformatted

TIMESTAMP = {"type": "DATE_TIME", "pattern": "dd.mm.yyyy hh:mm:ss"}
DATE = {"type": "DATE", "pattern": "dd.mm.yyyy"}


def serial_of(moment: dt.datetime) -> float:
    return (moment - dt.datetime(1899, 12, 30)).total_seconds() / 86400


def sent_cells(calls: list[Call]) -> list[dict[str, Any]]:
    """Every cell the job sent in ``updateCells``/``appendCells`` requests."""
    cells = []
    for call in calls:
        if call.kind != "spreadsheets:batchUpdate":
            continue
        for request in call.body.get("requests", []):
            (name, spec), *_ = request.items()
            if name in ("updateCells", "appendCells"):
                cells += [c for row in spec.get("rows", []) for c in row.get("values", [])]
    return cells


def cell_of(sheet: FakeSheet, key_column: str, key: str, column: str) -> Any:
    return sheet.cell(sheet.find_row(key_column, key), sheet.header_index(column))


def two_registrations(gb: GoogleBackend) -> None:
    gb.create()
    gb.answer("anmeldung", dt.datetime(2027, 2, 1, 9, 15, 7), registration())
    gb.answer("anmeldung", dt.datetime(2027, 1, 20, 18, 0, 59), registration("Erika", "Beispiel", "erika@x.example"))


def test_a_sync_writes_timestamps_as_numbers_with_a_date_format_and_a_second_sync_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with google_backend(tmp_path / "arbeitsordner", monkeypatch) as gb:
        two_registrations(gb)
        start = len(gb.fake.calls)
        assert gb.sync().exit_code == 0

        anmeldungen = gb.fake.sheet("Anmeldungen")
        column = anmeldungen.header_index("Eingegangen")
        stamps = [row[column] for row in anmeldungen.rows[1:] if len(row) > column and row[column] != ""]
        assert len(stamps) == 2 and all(isinstance(s, Formatted) for s in stamps)
        assert {dict(s.number_format)["pattern"] for s in stamps} == {TIMESTAMP["pattern"]}
        # the number is the moment itself (sortable), to the second
        assert sorted(round(unformatted(s) * 86400) for s in stamps) == [
            round(serial_of(dt.datetime(2027, 1, 20, 18, 0, 59)) * 86400),
            round(serial_of(dt.datetime(2027, 2, 1, 9, 15, 7)) * 86400),
        ]
        assert sorted(str(s) for s in stamps) == ["01.02.2027 09:15:07", "20.01.2027 18:00:59"]
        dated = [c for c in sent_cells(gb.fake.calls[start:]) if "userEnteredFormat" in c]
        assert dated and all(c["userEnteredFormat"]["numberFormat"] in (TIMESTAMP, DATE) for c in dated)
        assert all(isinstance(c["userEnteredValue"]["numberValue"], float) for c in dated)
        # every job tab's timestamps alike, e.g. when a Kontakt was created
        erstellt = gb.fake.sheet("Kontakte").header_index("Erstellt")
        assert any(isinstance(row[erstellt], Formatted) for row in gb.fake.sheet("Kontakte").rows[1:] if row)

        # read back as the job wrote them: the records carry the seconds
        eingegangen = {a.eingegangen for a in gb.dataset().all(Anmeldung)}
        assert dt.datetime(2027, 2, 1, 9, 15, 7) in eingegangen

        start = len(gb.fake.calls)
        assert gb.sync().exit_code == 0
        assert gb.fake.writes(start) == []
        assert request_counts(gb.fake, start)[0] <= 2


def test_sorting_by_a_date_column_keeps_every_row_right(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with google_backend(tmp_path / "arbeitsordner", monkeypatch) as gb:
        two_registrations(gb)
        assert gb.sync().exit_code == 0
        anmeldungen = gb.fake.sheet("Anmeldungen")
        column = anmeldungen.header_index("Eingegangen")
        before = {r["Anmelde-ID"]: {h: str(v) for h, v in r.items()} for r in anmeldungen.records()}

        # the coordinator sorts by »Eingegangen«, oldest first, as Sheets sorts: by the number, not the text
        order = sorted(anmeldungen.rows[1:], key=lambda r: unformatted(r[column]) if len(r) > column else 0)
        assert [str(r[column]) for r in order if len(r) > column] == ["20.01.2027 18:00:59", "01.02.2027 09:15:07"]
        anmeldungen.rows[1:] = order

        start = len(gb.fake.calls)
        assert gb.sync().exit_code == 0
        assert gb.fake.writes(start) == []  # nothing to put right, nothing rewritten

        # a change afterwards lands on the row of its ID, and the other rows keep their dates
        first = min(before)
        store = Workspace.open(gb.folder).store()
        data = Dataset.from_snapshot(store.read())
        record = data.get(Anmeldung, first)
        assert record is not None
        data.put(record.model_copy(update={"bemerkung": "kommt später"}))
        assert not store.apply(data.changes()).conflicts
        after = {r["Anmelde-ID"]: {h: str(v) for h, v in r.items()} for r in anmeldungen.records()}
        expected = {k: dict(v) for k, v in before.items()}
        expected[first]["Bemerkung"] = "kommt später"
        assert after == expected


def test_resident_text_that_looks_like_a_date_or_a_formula_stays_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = ["01.02.2027 09:15:07", "=DATUM(2027;2;1)", '=HYPERLINK("http://x.example";"klick")']
    with google_backend(tmp_path / "arbeitsordner", monkeypatch) as gb:
        gb.create()
        for number, text in enumerate(typed):
            answer = registration(f"Vor{number}", text, f"p{number}@x.example", bemerkung=text)
            gb.answer("anmeldung", dt.datetime(2027, 2, 1, 9, number), answer)
        start = len(gb.fake.calls)
        assert gb.sync().exit_code == 0
        cells = sent_cells(gb.fake.calls[start:])
        for text in typed:
            sent = [c for c in cells if text in c.get("userEnteredValue", {}).values()]
            assert sent and all(c["userEnteredValue"] == {"stringValue": text} for c in sent), text
            assert all("userEnteredFormat" not in c for c in sent)
        anmeldungen = gb.fake.sheet("Anmeldungen")
        bemerkungen = {r["Bemerkung"] for r in anmeldungen.records()}
        assert set(typed) <= bemerkungen and all(isinstance(b, str) for b in bemerkungen)
        assert {r["Nachname"] for r in gb.fake.sheet("Kontakte").records()} >= set(typed)
        assert_no_formula_written(gb.fake)


def test_old_text_dates_and_dates_typed_by_hand_are_read_as_before_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with google_backend(tmp_path / "arbeitsordner", monkeypatch) as gb:
        two_registrations(gb)
        assert gb.sync().exit_code == 0
        anmeldungen = gb.fake.sheet("Anmeldungen")
        column = anmeldungen.header_index("Eingegangen")
        key = anmeldungen.records()[0]["Anmelde-ID"]
        number = anmeldungen.find_row("Anmelde-ID", key)
        anmeldungen.set(number, column, "03.02.2027 10:00:00")  # as an earlier version wrote it: text
        termine = gb.fake.sheet("Termine")
        datum = termine.header_index("Datum")
        termin_row = next(n for n in range(2, len(termine.rows) + 1) if termine.cell(n, datum) not in ("", None))
        shown = str(termine.cell(termin_row, datum))
        day = dt.datetime.strptime(shown, "%d.%m.%Y") if "." in shown else None
        assert day is not None
        by_hand = f"{day.day}.{day.month}.{day:%y}"  # typed by the coordinator, e.g. 6.3.27
        termine.set(termin_row, datum, by_hand)

        start = len(gb.fake.calls)
        assert gb.sync().exit_code == 0
        assert gb.fake.writes(start) == []
        assert anmeldungen.cell(number, column) == "03.02.2027 10:00:00" and termine.cell(termin_row, datum) == by_hand
        record = gb.dataset().get(Anmeldung, key)
        assert record is not None and record.eingegangen == dt.datetime(2027, 2, 3, 10)


def test_einrichten_after_a_sync_keeps_the_seconds_so_the_next_sync_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with google_backend(tmp_path / "arbeitsordner", monkeypatch) as gb:
        two_registrations(gb)
        assert gb.sync().exit_code == 0
        result = CliRunner().invoke(main, ["-C", str(gb.folder), "einrichten"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        anmeldungen = gb.fake.sheet("Anmeldungen")
        column = anmeldungen.header_index("Eingegangen")
        assert sorted(str(r[column]) for r in anmeldungen.rows[1:] if len(r) > column and r[column] != "") == [
            "01.02.2027 09:15:07", "20.01.2027 18:00:59",
        ]  # fmt: skip
        start = len(gb.fake.calls)
        assert gb.sync().exit_code == 0
        assert gb.fake.writes(start) == []


def test_a_coordinator_shortening_the_date_format_gets_nothing_sent_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the seconds the job reads the answers' times a little earlier: it takes the answers once more
    (same data: nothing changes, nothing is sent), puts the seconds back where it needs them, and is quiet."""
    with google_backend(tmp_path / "arbeitsordner", monkeypatch) as gb:
        two_registrations(gb)
        assert gb.sync().exit_code == 0
        mails = sorted(p.name for p in (gb.folder / "ausgang").glob("*.eml"))
        versand = gb.fake.sheet("Versand").records()
        assert mails and versand
        short = (("pattern", "dd.mm.yyyy hh:mm"), ("type", "DATE_TIME"))
        for sheet in gb.fake.sheets:
            for row in sheet.rows:
                for index, value in enumerate(row):
                    if isinstance(value, Formatted) and value.pattern == TIMESTAMP["pattern"]:
                        row[index] = Formatted(value.number, short)

        start = len(gb.fake.calls)
        assert gb.sync().exit_code == 0
        cells = sent_cells(gb.fake.calls[start:])
        assert all(c.get("userEnteredFormat", {}).get("numberFormat") == TIMESTAMP for c in cells)
        assert sorted(p.name for p in (gb.folder / "ausgang").glob("*.eml")) == mails
        assert [{k: unformatted(v) for k, v in r.items()} for r in gb.fake.sheet("Versand").records()] == [
            {k: unformatted(v) for k, v in r.items()} for r in versand
        ]  # the same messages, each once, with the same times
        start = len(gb.fake.calls)
        assert gb.sync().exit_code == 0
        assert gb.fake.writes(start) == []


def test_a_sort_during_the_write_puts_dates_back_as_dates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with google_backend(tmp_path / "arbeitsordner", monkeypatch) as gb:
        two_registrations(gb)
        assert gb.sync().exit_code == 0
        anmeldungen = gb.fake.sheet("Anmeldungen")
        column = anmeldungen.header_index("Eingegangen")
        before = {r["Anmelde-ID"]: {h: str(v) for h, v in r.items()} for r in anmeldungen.records()}
        store = Workspace.open(gb.folder).store()
        data = Dataset.from_snapshot(store.read())
        first = min(before)
        record = data.get(Anmeldung, first)
        assert record is not None
        data.put(record.model_copy(update={"bemerkung": "kommt später"}))

        def sort_by_date(call: Call) -> None:
            if call.kind == "spreadsheets:batchUpdate" and gb.fake.before is not None:
                gb.fake.before = None  # once: the coordinator sorts, newest first, right before the write
                anmeldungen.rows[1:] = sorted(
                    anmeldungen.rows[1:], key=lambda r: unformatted(r[column]) if len(r) > column else 0, reverse=True
                )

        gb.fake.before = sort_by_date
        assert not store.apply(data.changes()).conflicts
        after = {r["Anmelde-ID"]: {h: str(v) for h, v in r.items()} for r in anmeldungen.records()}
        expected = {k: dict(v) for k, v in before.items()}
        expected[first]["Bemerkung"] = "kommt später"
        assert after == expected
        assert all(isinstance(r[column], Formatted) for r in anmeldungen.rows[1:] if len(r) > column and r[column])


def test_the_fake_shows_numbers_as_sheets_does_by_their_number_format() -> None:
    """The stand-in itself: a number with a date format is the number unformatted and the pattern's text as shown;
    a column format set afterwards (``repeatCell``) changes how numbers already there are shown, not text."""
    fake = FakeGoogle()
    sheet = fake.add_sheet("Tab", [["Zeit", "Datum", "Uhrzeit"], ["01.02.2027 09:15:07"]])
    cells = [
        {"userEnteredValue": {"numberValue": serial_of(dt.datetime(2027, 2, 1, 9, 15, 7))},
         "userEnteredFormat": {"numberFormat": TIMESTAMP}},
        {"userEnteredValue": {"numberValue": 46419.0}, "userEnteredFormat": {"numberFormat": DATE}},
        {"userEnteredValue": {"numberValue": 0.75}, "userEnteredFormat": {"numberFormat": {"type": "TIME",
                                                                                          "pattern": "hh:mm"}}},
    ]  # fmt: skip
    fields = "userEnteredValue,userEnteredFormat.numberFormat"
    update = {"updateCells": {"rows": [{"values": cells}], "fields": fields, "start": {"sheetId": sheet.sheet_id,
              "rowIndex": 2, "columnIndex": 0}}}  # fmt: skip
    base = "https://sheets.googleapis.com/v4/spreadsheets/tabelle-test"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    status, _ = fake.handle("POST", f"{base}:batchUpdate", auth, json.dumps({"requests": [update]}).encode())
    assert status == 200

    def read(render: str) -> list[Any]:
        status, text = fake.handle(
            "GET", f"{base}/values:batchGet?ranges=Tab!A2:C3&valueRenderOption={render}", auth, None
        )
        assert status == 200
        return list(json.loads(text)["valueRanges"][0]["values"])

    assert read("FORMATTED_VALUE") == [["01.02.2027 09:15:07"], ["01.02.2027 09:15:07", "01.02.2027", "18:00"]]
    unformatted_row = read("UNFORMATTED_VALUE")[1]
    assert unformatted_row[1:] == [46419.0, 0.75] and abs(unformatted_row[0] - 46419.385497685) < 1e-8
    assert read("UNFORMATTED_VALUE")[0] == ["01.02.2027 09:15:07"]  # text stays text

    short = {"repeatCell": {"range": {"sheetId": sheet.sheet_id, "startRowIndex": 1, "startColumnIndex": 0,
             "endColumnIndex": 1}, "cell": {"userEnteredFormat": {"numberFormat": {"type": "DATE_TIME",
             "pattern": "dd.mm.yyyy hh:mm"}}}, "fields": "userEnteredFormat.numberFormat"}}  # fmt: skip
    fake.handle("POST", f"{base}:batchUpdate", auth, json.dumps({"requests": [short]}).encode())
    assert [row[0] for row in read("FORMATTED_VALUE")] == ["01.02.2027 09:15:07", "01.02.2027 09:15"]


def test_einrichten_turns_the_jobs_old_text_dates_into_date_cells_and_leaves_typed_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with google_backend(tmp_path / "arbeitsordner", monkeypatch) as gb:
        two_registrations(gb)
        assert gb.sync().exit_code == 0
        anmeldungen = gb.fake.sheet("Anmeldungen")
        column, bemerkung = anmeldungen.header_index("Eingegangen"), anmeldungen.header_index("Bemerkung")
        rows = [n for n in range(2, len(anmeldungen.rows) + 1) if anmeldungen.cell(n, column) != ""]
        for number in rows:  # as an earlier version wrote them: text
            anmeldungen.set(number, column, str(anmeldungen.cell(number, column)))
        anmeldungen.set(rows[0], bemerkung, "01.02.2027 09:15:07")  # a person's note that looks like a date
        anmeldungen.set(rows[1], column, "1.2.27 9:15")  # typed by hand
        termine = gb.fake.sheet("Termine")
        datum = termine.header_index("Datum")
        termin_row = next(n for n in range(2, len(termine.rows) + 1) if termine.cell(n, datum) not in ("", None))
        old_text = str(termine.cell(termin_row, datum))
        termine.set(termin_row, datum, old_text)

        result = CliRunner().invoke(main, ["-C", str(gb.folder), "einrichten"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "»Anmeldungen«: 1 als Text geschriebene Datumsangabe ist jetzt ein echter Datumswert" in result.output
        assert "»Termine«: 1 als Text geschriebene Datumsangabe ist jetzt ein echter Datumswert" in result.output
        converted = anmeldungen.cell(rows[0], column)
        assert isinstance(converted, Formatted) and converted.pattern == TIMESTAMP["pattern"]
        assert anmeldungen.cell(rows[1], column) == "1.2.27 9:15"
        assert anmeldungen.cell(rows[0], bemerkung) == "01.02.2027 09:15:07"
        dated = termine.cell(termin_row, datum)
        assert isinstance(dated, Formatted) and str(dated) == old_text and dated.pattern == DATE["pattern"]

        start = len(gb.fake.calls)
        again = CliRunner().invoke(main, ["-C", str(gb.folder), "einrichten"], catch_exceptions=False)
        assert "Datumsangabe" not in again.output and gb.fake.writes(start) == []
        start = len(gb.fake.calls)
        assert gb.sync().exit_code == 0
        assert gb.fake.writes(start) == []


def test_einrichten_leaves_a_text_date_a_person_changes_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with google_backend(tmp_path / "arbeitsordner", monkeypatch) as gb:
        two_registrations(gb)
        assert gb.sync().exit_code == 0
        anmeldungen = gb.fake.sheet("Anmeldungen")
        column = anmeldungen.header_index("Eingegangen")
        rows = [n for n in range(2, len(anmeldungen.rows) + 1) if anmeldungen.cell(n, column) != ""]
        for number in rows:
            anmeldungen.set(number, column, str(anmeldungen.cell(number, column)))
        seen: list[str] = []

        def person_edits(call: Call) -> None:
            if call.kind != "values:batchGet":
                return
            render = call.params.get("valueRenderOption", [""])[0]
            if render == "FORMATTED_VALUE" and "UNFORMATTED_VALUE" in seen and "edited" not in seen:
                anmeldungen.set(rows[0], column, "02.02.2027 10:00:00")  # between einrichten's look and its write
                seen.append("edited")
            seen.append(render)

        gb.fake.before = person_edits
        result = CliRunner().invoke(main, ["-C", str(gb.folder), "einrichten"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "edited" in seen
        assert anmeldungen.cell(rows[0], column) == "02.02.2027 10:00:00"  # the person's value, untouched
        assert isinstance(anmeldungen.cell(rows[1], column), Formatted)
        assert "»Anmeldungen«: 1 als Text geschriebene Datumsangabe ist jetzt ein echter Datumswert" in result.output


@pytest.mark.parametrize("cut_off", [False, True], ids=["Sheets rundet", "Sheets schneidet ab"])
def test_every_job_timestamp_shows_its_own_text_again(cut_off: bool) -> None:
    """Whether Sheets rounds the seconds of a serial number or cuts them off, the shown text is the job's text."""
    from automation.adapters.google.sheets_store import date_cell

    moment = dt.datetime(1990, 1, 1)
    for step in range(20000):
        moment += dt.timedelta(seconds=7919 * step % 86399 + 86400 * (step % 97))
        text = f"{moment:%d.%m.%Y %H:%M:%S}"
        cell = date_cell("Anmeldungen", "Eingegangen", text)
        assert cell is not None
        number = cell["userEnteredValue"]["numberValue"]
        numerator, denominator = number.as_integer_ratio()  # exactly, without a float multiplication's rounding
        seconds = numerator * 86400 // denominator if cut_off else round(number * 86400)
        shown = dt.datetime(1899, 12, 30) + dt.timedelta(seconds=seconds)
        assert f"{shown:%d.%m.%Y %H:%M:%S}" == text
        assert render_number(number, cell["userEnteredFormat"]["numberFormat"]) == text
    for text in ("1.2.2027 09:15:07", "31.02.2027 09:15:07", "01.02.2027 24:00:00", "01.02.2027", "=JETZT()", ""):
        assert date_cell("Anmeldungen", "Eingegangen", text) is None, text
    assert date_cell("Anmeldungen", "Bemerkung", "01.02.2027 09:15:07") is None  # a text column


def test_every_cell_of_a_date_column_keeps_its_date_format_when_the_mask_covers_it() -> None:
    """A request with a date cell sends the number-format field for the whole range: an empty cell or a text a
    person typed in a date column must not lose the column's date format (a date typed there later shows as a
    date); other columns get no format."""
    from automation.adapters.google.sheets_store import _TabPlan, typed_cell

    headers = ["Anmelde-ID", "Termin-ID", "Kontakt-ID", "Eingegangen", "Personen"]
    plan = _TabPlan(name="Anmeldungen", info=None, grid=[headers], headers=headers, original_width=len(headers))
    stamp = typed_cell(plan, 3, "01.02.2027 09:15:07")
    empty = typed_cell(plan, 3, "")
    typed = typed_cell(plan, 3, "1.2.27 9:15")
    assert stamp["userEnteredFormat"]["numberFormat"] == TIMESTAMP and "numberValue" in stamp["userEnteredValue"]
    assert empty == {"userEnteredFormat": {"numberFormat": TIMESTAMP}}
    assert typed == {
        "userEnteredValue": {"stringValue": "1.2.27 9:15"},
        "userEnteredFormat": {"numberFormat": TIMESTAMP},
    }
    assert "userEnteredFormat" not in typed_cell(plan, 4, 2) and "userEnteredFormat" not in typed_cell(plan, 0, "A-1")
