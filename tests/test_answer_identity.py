"""Issue 9 item 6: the same CSV answer keeps its identity when the export is re-saved by German Excel.

Excel writes semicolons, Windows-1252 (or UTF-8 with BOM), time stamps without seconds, and people reorder
columns. None of this may add an answer twice, bring back an erased person, or replace a stored character.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from automation.adapters.csv_source import parse_csv
from automation.domain.answers.identity import legacy_answer_id
from automation.domain.forms import load_forms
from automation.domain.records import Anmeldung, Eingang, Hinweis, Kontakt
from tests.conftest import read_dataset, registration, run_cli, write_answers

PEOPLE = [
    ("01.02.2027 10:00:17", registration("Ayşe", "Şahin", "a.sahin@beispiel.example")),
    ("01.02.2027 10:05:42", registration("Jörg", "Weiß", "joerg@beispiel.example")),
    ("01.02.2027 11:30:05", registration("Max", "Muster", "max@beispiel.example")),
]


def excel_resave(path: Path, encoding: str = "cp1252", delimiter: str = ";", reorder: bool = True) -> None:
    """What German Excel does when a person opens the export and saves it as CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    body = [[row[0][:16], *row[1:]] for row in rows[1:]]  # dd.mm.yyyy hh:mm, seconds dropped
    table = [rows[0], *body]
    if reorder:  # e.g. sorted or moved columns: last question first, time stamp in the middle
        table = [[*row[:0:-1][:3], row[0], *row[:0:-1][3:]] for row in table]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(table)
    path.write_bytes(out.getvalue().encode(encoding, errors="replace"))


def mails(folder: Path) -> list[Path]:
    return sorted((folder / "ausgang").glob("*.eml")) if (folder / "ausgang").exists() else []


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("cp1252", ";"), ("utf-8-sig", ";"), ("utf-8", "\t"), ("cp1252", ","), ("utf-16", "\t")],
)
def test_a_re_saved_export_adds_nothing_and_loses_no_character(make_workspace, encoding, delimiter) -> None:
    folder = make_workspace()
    path = write_answers(folder, "anmeldung", PEOPLE)
    assert run_cli("-C", str(folder), "sync").exit_code in (0, 1)
    before = read_dataset(folder)
    sent = mails(folder)
    assert len(before.all(Eingang)) == 3 and len(before.all(Kontakt)) == 4

    excel_resave(path, encoding, delimiter)
    result = run_cli("-C", str(folder), "sync")
    assert result.exit_code in (0, 1), result.output
    after = read_dataset(folder)
    assert sorted(e.antwort_id for e in after.all(Eingang)) == sorted(e.antwort_id for e in before.all(Eingang))
    assert len(after.all(Kontakt)) == 4 and len(after.all(Anmeldung)) == 3
    assert {k.nachname for k in after.all(Kontakt)} == {"Beispiel", "Şahin", "Weiß", "Muster"}
    assert mails(folder) == sent  # nobody mailed again
    lost = [h for h in after.all(Hinweis) if "fehlen Zeichen" in h.hinweis]
    if encoding == "cp1252":  # Ş is not in Windows-1252: reported, the stored name kept
        assert len(lost) == 1 and "Nachname" in lost[0].hinweis and lost[0].tabelle == "Eingang"
    else:
        assert lost == []


def test_an_erased_person_is_not_imported_from_a_re_export(make_workspace) -> None:
    folder = make_workspace()
    path = write_answers(folder, "anmeldung", PEOPLE)
    run_cli("-C", str(folder), "sync")
    max_id = next(k.kontakt_id for k in read_dataset(folder).all(Kontakt) if k.vorname == "Max")
    assert run_cli("-C", str(folder), "person", "loeschen", max_id, "--ja").exit_code == 0
    sent = mails(folder)

    excel_resave(path)
    write_answers(folder, "anmeldung", PEOPLE, name="anmeldung-kopie")  # and the original once more
    run_cli("-C", str(folder), "sync")
    data = read_dataset(folder)
    assert "max@beispiel.example" not in {k.email for k in data.all(Kontakt)}
    assert len(data.all(Eingang)) == 3
    assert mails(folder) == sent


def test_a_sorted_windows_copy_never_mixes_up_two_people_whose_names_it_damaged(make_workspace) -> None:
    """»Ayşe Şahin« and »Ayğe Ğahin« (same minute) both become »Ay?e ?ahin« in Windows-1252: after sorting, the
    copy cannot say which row is whose answer. Those rows are not read (a finding says why), never merged."""
    folder = make_workspace()
    twins = [
        ("01.02.2027 10:00:17", registration("Ayşe", "Şahin", "a.sahin@beispiel.example")),
        ("01.02.2027 10:00:48", registration("Ayğe", "Ğahin", "ayge@beispiel.example")),
    ]
    path = write_answers(folder, "anmeldung", [*twins, PEOPLE[2]])
    assert run_cli("-C", str(folder), "sync").exit_code in (0, 1)
    before = read_dataset(folder)
    sent = mails(folder)
    assert len(before.all(Eingang)) == 3

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows = [rows[0], rows[2], rows[1], rows[3]]  # sorted by e-mail address, say
    path.write_text("\n".join(",".join(f'"{c}"' for c in row) for row in rows) + "\n", encoding="utf-8")
    excel_resave(path)
    result = run_cli("-C", str(folder), "sync")
    assert result.exit_code == 1, result.output
    after = read_dataset(folder)
    assert {e.antwort_id: e.daten for e in after.all(Eingang)} == {e.antwort_id: e.daten for e in before.all(Eingang)}
    assert {(k.nachname, k.email) for k in after.all(Kontakt)} == {(k.nachname, k.email) for k in before.all(Kontakt)}
    assert mails(folder) == sent
    unsure = [h for h in after.all(Hinweis) if "nicht sicher zuordnen" in h.hinweis]
    assert sorted(h.zeile for h in unsure) == [2, 3] and all(h.tabelle == "antworten/anmeldung.csv" for h in unsure)


def _to_legacy_ids(folder: Path, path: Path) -> dict[str, str]:
    """Rewrite the workbook as an earlier version stored it: Antwort-IDs of the earlier scheme."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    legacy = [legacy_answer_id("anmeldung", row[0], row[1:3]) for row in rows[1:]]
    data = read_dataset(folder)
    entries = sorted(data.all(Eingang), key=lambda e: e.eingegangen or 0)
    mapping = {e.antwort_id: old for e, old in zip(entries, legacy, strict=True)}
    wb = openpyxl.load_workbook(folder / "gespraechsrunde.xlsx")
    for tab in ("Eingang", "Anmeldungen"):
        ws = wb[tab]
        col = [c.value for c in ws[1]].index("Antwort-ID") + 1
        for number in range(2, ws.max_row + 1):
            cell = ws.cell(number, col)
            cell.value = mapping.get(str(cell.value), cell.value)
    wb.save(folder / "gespraechsrunde.xlsx")
    return mapping


def test_answers_stored_under_the_earlier_id_scheme_are_recognised(make_workspace) -> None:
    folder = make_workspace()
    path = write_answers(folder, "anmeldung", PEOPLE)
    run_cli("-C", str(folder), "sync")
    max_id = next(k.kontakt_id for k in read_dataset(folder).all(Kontakt) if k.vorname == "Max")
    mapping = _to_legacy_ids(folder, path)
    stored = set(mapping.values())

    run_cli("-C", str(folder), "sync")  # the original export: matched by the earlier ID
    assert {e.antwort_id for e in read_dataset(folder).all(Eingang)} == stored
    run_cli("-C", str(folder), "person", "loeschen", max_id, "--ja")
    sent = mails(folder)

    excel_resave(path, reorder=False)  # re-saved: matched through the stored data (the tombstone: not)
    write_answers(folder, "anmeldung", PEOPLE, name="anmeldung-original")  # with the original beside it
    run_cli("-C", str(folder), "sync")
    data = read_dataset(folder)
    assert {e.antwort_id for e in data.all(Eingang)} == stored
    assert "max@beispiel.example" not in {k.email for k in data.all(Kontakt)}
    assert len(data.all(Kontakt)) == 3 and mails(folder) == sent

    (folder / "antworten" / "anmeldung-original.csv").unlink()  # only the Excel copy is left: the tombstone
    run_cli("-C", str(folder), "sync")  # names its stable ID, so Max stays erased
    data = read_dataset(folder)
    assert "max@beispiel.example" not in {k.email for k in data.all(Kontakt)}
    assert {e.antwort_id for e in data.all(Eingang)} == stored and mails(folder) == sent


def test_answers_stored_under_the_previous_stable_id_are_recognised(make_workspace) -> None:
    """The previous scheme normalised to NFC before replacing: »Gurpreet ਖ਼alsa« had another ID there."""
    folder = make_workspace()
    people = [("01.02.2027 09:00:05", registration("Gurpreet", "\u0a59alsa", "gurpreet@beispiel.example")), *PEOPLE]
    path = write_answers(folder, "anmeldung", people)
    run_cli("-C", str(folder), "sync")
    form = load_forms()["anmeldung"]
    previous = {a.antwort_id: a.fruehere_ids[1] for a in parse_csv(form, path)}
    assert len(set(previous.values()) - set(previous)) == 2  # names with characters beyond Windows-1252
    wb = openpyxl.load_workbook(folder / "gespraechsrunde.xlsx")  # as the previous version stored it
    for tab in ("Eingang", "Anmeldungen"):
        ws = wb[tab]
        col = [c.value for c in ws[1]].index("Antwort-ID") + 1
        for number in range(2, ws.max_row + 1):
            cell = ws.cell(number, col)
            cell.value = previous.get(str(cell.value), cell.value)
    wb.save(folder / "gespraechsrunde.xlsx")
    sent = mails(folder)

    run_cli("-C", str(folder), "sync")  # the original export
    excel_resave(path)  # and a Windows copy (one »?« where NFC had two)
    run_cli("-C", str(folder), "sync")
    data = read_dataset(folder)
    assert {e.antwort_id for e in data.all(Eingang)} == set(previous.values())
    assert len(data.all(Kontakt)) == 5 and len(data.all(Anmeldung)) == 4 and mails(folder) == sent


def test_a_tombstone_of_an_earlier_version_learns_its_stable_id(make_workspace) -> None:
    folder = make_workspace()
    path = write_answers(folder, "anmeldung", PEOPLE)
    run_cli("-C", str(folder), "sync")
    mapping = _to_legacy_ids(folder, path)
    wb = openpyxl.load_workbook(folder / "gespraechsrunde.xlsx")  # erased by an earlier version:
    ws = wb["Eingang"]  # only »{}« and the note remain, no stable ID
    head = [c.value for c in ws[1]]
    for number in range(2, ws.max_row + 1):
        if "Max" in str(ws.cell(number, head.index("Daten") + 1).value):
            ws.cell(number, head.index("Daten") + 1).value = "{}"
            ws.cell(number, head.index("Status") + 1).value = "gelöscht"
            ws.cell(number, head.index("Hinweis") + 1).value = "gelöscht auf Wunsch der Person"
    for tab in ("Kontakte", "Anmeldungen"):
        ws = wb[tab]
        for number in range(ws.max_row, 1, -1):
            if any("max@" in str(c.value) or c.value == "Max" for c in ws[number]):
                ws.delete_rows(number)
    wb.save(folder / "gespraechsrunde.xlsx")

    run_cli("-C", str(folder), "sync")  # the original export is still there: the tombstone learns
    excel_resave(path)  # then the export is replaced by an Excel copy
    run_cli("-C", str(folder), "sync")
    data = read_dataset(folder)
    assert "max@beispiel.example" not in {k.email for k in data.all(Kontakt)}
    assert {e.antwort_id for e in data.all(Eingang)} == set(mapping.values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(
            st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2028, 1, 1)),
            st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12),
            st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12),
        ),
        min_size=1,
        max_size=6,
    ),
    encoding=st.sampled_from(["cp1252", "utf-8-sig", "utf-8"]),
    delimiter=st.sampled_from([";", ",", "\t"]),
    reorder=st.booleans(),
)
@example(rows=[(dt.datetime(2026, 1, 1), "0", "İ")], encoding="cp1252", delimiter=";", reorder=False)
@example(  # »ਖ਼« is one code point as typed, two after NFC: Excel writes one »?«
    rows=[
        (dt.datetime(2026, 1, 1), "0", "0"),
        (dt.datetime(2026, 1, 1), "0", "0"),
        (dt.datetime(2026, 1, 1), "0", "\u0a59"),
    ],
    encoding="cp1252",
    delimiter=";",
    reorder=False,
)
def test_every_re_save_gives_the_same_answer_ids(tmp_path_factory, rows, encoding, delimiter, reorder) -> None:
    """Property: whatever the names and times, a re-saved export maps to the same IDs, in the same order."""
    folder = tmp_path_factory.mktemp("ws")
    (folder / "antworten").mkdir()
    answers = [(when.strftime("%d.%m.%Y %H:%M:%S"), registration(vor, nach)) for when, vor, nach in rows]
    form = load_forms()["anmeldung"]
    path = write_answers(folder, "anmeldung", answers)
    original = [a.antwort_id for a in parse_csv(form, path)]
    excel_resave(path, encoding, delimiter, reorder)
    unsure: list[Hinweis] = []
    again = [a.antwort_id for a in parse_csv(form, path, findings=unsure)]
    # rows a Windows-1252 copy cannot tell apart (same minute, same names after »?«, other data differing)
    # are left out and reported, never given a guessed ID; every other row keeps its ID
    skipped = {h.zeile for h in unsure}
    assert again == [i for line, i in enumerate(original, start=2) if line not in skipped]
    assert not skipped or encoding == "cp1252"
