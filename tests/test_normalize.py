"""Messy cells as people type them: each kind, table-driven, plus properties over arbitrary text."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from automation.domain import normalize
from automation.domain.cells import read_row
from automation.domain.normalize import CellError
from automation.domain.records import MODEL_BY_TAB


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ja", True), ("Ja", True), ("JA ", True), ("x", True), ("X", True), ("✓", True), ("✔", True), ("1", True),
     (1, True), (True, True), ("nein", False), ("Nein.", False), ("-", False), ("0", False), (0, False),
     ("", None), (None, None), ("   ", None)],
)  # fmt: skip
def test_boolean(raw: object, expected: bool | None) -> None:
    assert normalize.boolean(raw) == expected


def test_boolean_rejects_with_suggestion() -> None:
    with pytest.raises(CellError) as info:
        normalize.boolean("vielleicht")
    assert "ja" in info.value.suggestion and "nein" in info.value.suggestion


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12.03.2027", dt.date(2027, 3, 12)), ("12.3.27", dt.date(2027, 3, 12)), ("2027-03-12", dt.date(2027, 3, 12)),
     ("1.1.2027", dt.date(2027, 1, 1)), (46458, dt.date(2027, 3, 12)), (46458.0, dt.date(2027, 3, 12)),
     ("46458", dt.date(2027, 3, 12)), (dt.datetime(2027, 3, 12, 18, 30), dt.date(2027, 3, 12)),
     ("12/03/2027", dt.date(2027, 3, 12)), ("", None)],
)  # fmt: skip
def test_date(raw: object, expected: dt.date | None) -> None:
    assert normalize.date(raw) == expected


@pytest.mark.parametrize("raw", ["31.02.2027", "morgen", "12.13.2027", "2027"])
def test_date_errors_name_the_form(raw: str) -> None:
    with pytest.raises(CellError) as info:
        normalize.date(raw)
    assert "12.03.2027" in info.value.suggestion


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("20.11.2026 10:15:32", dt.datetime(2026, 11, 20, 10, 15, 32)),
     ("2026/11/20 10:15:32 PM", dt.datetime(2026, 11, 20, 22, 15, 32)),
     ("2026-11-20T09:15:32.123Z", dt.datetime(2026, 11, 20, 10, 15, 32)),  # UTC → Berlin (winter)
     ("2026-07-20T09:15:32Z", dt.datetime(2026, 7, 20, 11, 15, 32)),  # summer time
     ("12.03.2027 18:30", dt.datetime(2027, 3, 12, 18, 30))],
)  # fmt: skip
def test_timestamp(raw: str, expected: dt.datetime) -> None:
    assert normalize.timestamp(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("18:00", dt.time(18)), ("18.30", dt.time(18, 30)), ("18 Uhr", dt.time(18)), (0.75, dt.time(18)),
     ("9", dt.time(9))],
)  # fmt: skip
def test_time(raw: object, expected: dt.time) -> None:
    assert normalize.time(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0171 2345678", "+49 171 2345678"), ("0171/2345678", "+49 171 2345678"), ("+49 (0)171 2345678", "+49 171 2345678"),
     ("0049 171 2345678", "+49 171 2345678"), ("030-1234567", "+49 30 1234567"), ("(030) 123 45 67", "+49 30 1234567"),
     ("Tel.: 06221 12345", "+49 6221 12345"), (1712345678, "+49 171 2345678"), ("+43 1 5ellipsis", None)],
)  # fmt: skip
def test_phone(raw: object, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(CellError):
            normalize.phone(raw)
    else:
        assert normalize.phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected", "typo_of"),
    [(" Max.Muster@Example.ORG ", "Max.Muster@example.org", None), ("max@web.de.", "max@web.de", None),
     ("max @ gmx.de", "max@gmx.de", None), ("<max@gmx.de>", "max@gmx.de", None),
     ("max@gmial.com", "max@gmial.com", "gmail.com"), ("erika@web.dee", "erika@web.dee", "web.de"),
     ("a@t-onlien.de", "a@t-onlien.de", "t-online.de"), ("max(at)gmx.de", "max@gmx.de", None)],
)  # fmt: skip
def test_email(raw: str, expected: str, typo_of: str | None) -> None:
    address, warning = normalize.email(raw)
    assert address == expected
    if typo_of is None:
        assert warning is None
    else:
        assert warning is not None and typo_of in warning.suggestion


@pytest.mark.parametrize("raw", ["max", "max@", "@web.de", "max@@web.de", "max@web", "ma x@web de"])
def test_email_invalid(raw: str) -> None:
    with pytest.raises(CellError):
        normalize.email(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Sport, Kultur", ["Sport", "Kultur"]), ("Sport;Kultur", ["Sport", "Kultur"]), ("Sport\nKultur\n", ["Sport", "Kultur"]),
     ("- Sport\n- Kultur", ["Sport", "Kultur"]), ("Sport, sport, Kultur", ["Sport", "Kultur"]), ("", []),
     ("Müll & Umwelt | Soziales", ["Müll & Umwelt", "Soziales"])],
)  # fmt: skip
def test_text_list(raw: str, expected: list[str]) -> None:
    assert normalize.text_list(raw) == expected


def test_text_normalises_umlauts_typed_on_a_mac() -> None:
    assert normalize.text("Mu\u0308ller ") == "Müller"


def test_choice_typo_is_read_with_warning() -> None:
    value, warning = normalize.choice("Incomming", ("Incoming", "Outgoing"))
    assert value == "Incoming" and warning is not None
    with pytest.raises(CellError) as info:
        normalize.choice("Tourist", ("Incoming", "Outgoing"))
    assert "Incoming, Outgoing" in info.value.suggestion


def test_split_known_options_with_commas_inside() -> None:
    options = ["Sport, Bewegung", "Kultur"]
    assert normalize.split_known_options("Sport, Bewegung, Kultur", options) == ["Sport, Bewegung", "Kultur"]


cell_values = st.one_of(
    st.none(), st.text(), st.integers(-10**9, 10**9), st.floats(allow_nan=True), st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)), st.sampled_from(["ja", "x", "12.3.27", "=1+1", "@", "\r\n"]),
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(tab=st.sampled_from(sorted(MODEL_BY_TAB)), cells=st.dictionaries(st.text(max_size=30), cell_values))
def test_arbitrary_rows_never_crash_reading(tab: str, cells: dict[str, object]) -> None:
    model = MODEL_BY_TAB[tab]
    from automation.domain.records import headers

    row = dict(zip(headers(model), cells.values(), strict=False)) | cells
    record, findings = read_row(model, row, 7)
    assert record is not None or findings  # unreadable → always a finding that says why
    for finding in findings:
        assert finding.tabelle == tab and finding.zeile == 7 and finding.hinweis


def test_out_of_range_number_is_explained_in_german() -> None:
    from automation.domain.records import Verein

    record, findings = read_row(Verein, {"Vereins-ID": "V-1", "Name": "TSV", "Anzahl Tische": "9"}, 4)
    assert record is not None and record.anzahl_tische == 1
    assert [(f.spalte, f.hinweis, f.vorschlag) for f in findings] == [
        ("Anzahl Tische", "Ungültiger Wert »9«: darf höchstens 5 sein.", "Eine Zahl bis 5 eintragen.")
    ]
