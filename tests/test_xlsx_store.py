"""The local workbook: round trip, users' columns kept, lock files respected, crash-safe saving."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation.adapters.xlsx import WorkbookStore
from automation.adapters.xlsx_parts import Package
from automation.domain import normalize
from automation.domain.dataset import Dataset
from automation.domain.errors import WorkbookLockedError
from automation.domain.records import Anmeldung, Kontakt, headers, tab_headers
from automation.domain.store import Append, CellChange, ChangeSet


def _store(tmp_path: Path) -> WorkbookStore:
    store = WorkbookStore(tmp_path / "daten.xlsx")
    store.ensure_tabs(tab_headers())
    return store


def _patch_writers(monkeypatch: pytest.MonkeyPatch, crash: object) -> None:
    """Make both ways of writing the file fail: openpyxl's full save and the part writer."""

    def parts(self: Package, out: object, replaced: object) -> None:
        crash(None, getattr(out, "name", "/dev/null"))  # type: ignore[operator]

    monkeypatch.setattr(openpyxl.Workbook, "save", crash)
    monkeypatch.setattr(Package, "write", parts)


def _contact(**extra: object) -> Kontakt:
    base: dict[str, object] = {
        "kontakt_id": "K-1", "vorname": "Jürgen", "nachname": "Groß-Öztürk", "email": "j@beispiel.example",
        "telefon": "+49 171 2345678", "gruppe": "Outgoing", "interessen": ["Sport", "Natur & Umwelt"],
        "einwilligung_speicherung": True, "erstellt": dt.datetime(2027, 1, 2, 3, 4, 5),
    }  # fmt: skip
    return Kontakt.model_validate(base | extra)


def test_round_trip(tmp_path: Path) -> None:
    store = _store(tmp_path)
    dataset = Dataset.from_snapshot(store.read())
    contact = _contact()
    dataset.put(contact)
    store.apply(dataset.changes())
    again = Dataset.from_snapshot(store.read())
    assert again.all(Kontakt) == [contact]
    assert again.findings == []
    assert not again.changes()  # nothing to write after reading back


def test_users_extra_columns_and_rows_survive(tmp_path: Path) -> None:
    store = _store(tmp_path)
    dataset = Dataset.from_snapshot(store.read())
    dataset.put(_contact())
    store.apply(dataset.changes())
    wb = openpyxl.load_workbook(store.path)
    ws = wb["Kontakte"]
    ws.cell(1, ws.max_column + 1, "Notiz der Koordination")
    ws.cell(2, ws.max_column, "kommt mit Hund")
    wb.create_sheet("Eigene Liste")["A1"] = "bleibt"
    wb.save(store.path)

    dataset = Dataset.from_snapshot(store.read())
    dataset.put(dataset.all(Kontakt)[0].model_copy(update={"nachname": "Neu"}))
    dataset.put(_contact(kontakt_id="K-2", email="zwei@beispiel.example"))
    store.apply(dataset.changes())

    wb = openpyxl.load_workbook(store.path)
    rows = list(wb["Kontakte"].iter_rows(values_only=True))
    header = list(rows[0])
    assert rows[1][header.index("Notiz der Koordination")] == "kommt mit Hund"
    assert rows[1][header.index("Nachname")] == "Neu"
    assert rows[2][header.index("Kontakt-ID")] == "K-2"
    assert wb["Eigene Liste"]["A1"].value == "bleibt"


def test_rows_are_found_by_id_after_sorting(tmp_path: Path) -> None:
    store = _store(tmp_path)
    dataset = Dataset.from_snapshot(store.read())
    for n in range(3):
        dataset.put(_contact(kontakt_id=f"K-{n}", email=f"p{n}@beispiel.example", vorname=f"P{n}"))
    store.apply(dataset.changes())
    dataset = Dataset.from_snapshot(store.read())
    # someone sorts the sheet in reverse after we read it
    wb = openpyxl.load_workbook(store.path)
    ws = wb["Kontakte"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    for offset, row in enumerate(reversed(values)):
        for col, value in enumerate(row, start=1):
            ws.cell(2 + offset, col, value)
    wb.save(store.path)
    dataset.put(dataset.get(Kontakt, "K-0").model_copy(update={"nachname": "Null"}))  # type: ignore[union-attr]
    store.apply(dataset.changes())
    after = {k.kontakt_id: k for k in Dataset.from_snapshot(store.read()).all(Kontakt)}
    assert after["K-0"].nachname == "Null"
    assert after["K-2"].nachname == "Groß-Öztürk"


def test_concurrent_edit_is_not_overwritten(tmp_path: Path) -> None:
    store = _store(tmp_path)
    dataset = Dataset.from_snapshot(store.read())
    dataset.put(_contact())
    store.apply(dataset.changes())
    dataset = Dataset.from_snapshot(store.read())
    wb = openpyxl.load_workbook(store.path)
    wb["Kontakte"]["C2"] = "Handänderung"  # Nachname, edited by the coordinator meanwhile
    wb.save(store.path)
    dataset.put(dataset.all(Kontakt)[0].model_copy(update={"nachname": "Job", "sprache": "Deutsch"}))
    result = store.apply(dataset.changes())
    assert [c.column for c in result.conflicts] == ["Nachname"]
    after = Dataset.from_snapshot(store.read()).all(Kontakt)[0]
    assert after.nachname == "Handänderung" and after.sprache == "Deutsch"


@pytest.mark.parametrize("lock_name", ["~$daten.xlsx", ".~lock.daten.xlsx#"])
def test_open_in_office_refuses_and_changes_nothing(tmp_path: Path, lock_name: str) -> None:
    store = _store(tmp_path)
    before = store.path.read_bytes()
    (tmp_path / lock_name).write_text("gesperrt")
    with pytest.raises(WorkbookLockedError) as info:
        store.apply(ChangeSet(appends=[Append("Kontakte", {"Kontakt-ID": "K-9"})]))
    assert "geöffnet" in str(info.value) and "nichts geht verloren" in str(info.value)
    assert store.path.read_bytes() == before


def test_crash_while_saving_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(tmp_path)
    before = store.path.read_bytes()

    def crash(self: openpyxl.Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"halb geschrieben")
        raise OSError("Strom weg")

    _patch_writers(monkeypatch, crash)
    with pytest.raises(OSError):
        store.apply(ChangeSet(appends=[Append("Kontakte", {"Kontakt-ID": "K-9"})]))
    assert store.path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".speichern")] == []


def test_previous_version_is_kept_as_backup(tmp_path: Path) -> None:
    store = _store(tmp_path)
    before = store.path.read_bytes()
    store.apply(ChangeSet(appends=[Append("Kontakte", {"Kontakt-ID": "K-9"})]))
    assert store.backup_path.read_bytes() == before


def test_cell_change_for_a_deleted_row_is_a_conflict(tmp_path: Path) -> None:
    store = _store(tmp_path)
    result = store.apply(ChangeSet(cells=[CellChange("Kontakte", "Kontakt-ID", "K-weg", "Nachname", None, "x")]))
    assert result.conflicts and "nicht mehr gefunden" in result.conflicts[0].message()


names = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    vorname=names, bemerkung=st.text(min_size=1).filter(lambda s: s.strip() == s and "\x00" not in s),
    personen=st.integers(1, 20), eingegangen=st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1)),
)  # fmt: skip
def test_valid_record_survives_write_and_read(
    tmp_path_factory: pytest.TempPathFactory, vorname: str, bemerkung: str, personen: int, eingegangen: dt.datetime
) -> None:
    import unicodedata

    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    bemerkung = normalize.text(ILLEGAL_CHARACTERS_RE.sub("", bemerkung)) or "x"
    vorname = unicodedata.normalize("NFC", vorname)
    store = _store(tmp_path_factory.mktemp("rt"))
    dataset = Dataset.from_snapshot(store.read())
    record = Anmeldung(
        anmelde_id="A-1", termin_id="T-1", kontakt_id="K-1", personen=personen, bemerkung=bemerkung,
        eingegangen=eingegangen.replace(microsecond=0), interessen=normalize.text_list(vorname),
    )  # fmt: skip
    dataset.put(record)
    store.apply(dataset.changes())
    assert Dataset.from_snapshot(store.read()).all(Anmeldung) == [record]


def test_a_second_change_in_the_same_run_is_no_conflict(tmp_path: Path) -> None:
    """After one save, the cells as typed stay the baseline (phone as ``0171/2345678``)."""
    store = _store(tmp_path)
    dataset = Dataset.from_snapshot(store.read())
    dataset.put(_contact())
    store.apply(dataset.changes())
    wb = openpyxl.load_workbook(store.path)
    wb["Kontakte"]["E2"] = "0171/2345678"  # typed by a person, same number as the record
    wb.save(store.path)

    dataset = Dataset.from_snapshot(store.read())
    dataset.put(dataset.all(Kontakt)[0].model_copy(update={"nachname": "Eins"}))
    assert store.apply(dataset.changes()).conflicts == []
    dataset.commit()
    dataset.put(dataset.all(Kontakt)[0].model_copy(update={"telefon": "+49 30 1234567"}))
    result = store.apply(dataset.changes())
    assert result.conflicts == []
    assert Dataset.from_snapshot(store.read()).all(Kontakt)[0].telefon == "+49 30 1234567"


def test_missing_columns_are_added_and_saved(tmp_path: Path) -> None:
    store = WorkbookStore(tmp_path / "daten.xlsx")
    store.ensure_tabs({"Kontakte": ["Kontakt-ID", "Vorname"]})
    assert store.ensure_tabs({"Kontakte": headers(Kontakt)}) == []
    assert WorkbookStore(store.path).read()["Kontakte"].headers == headers(Kontakt)


def test_failed_save_leaves_nothing_half_written_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(tmp_path)
    store.read()  # the store now keeps the workbook in memory

    def crash(self: openpyxl.Workbook, filename: str) -> None:
        raise OSError("Platte voll")

    with monkeypatch.context() as patched:
        _patch_writers(patched, crash)
        with pytest.raises(OSError):
            store.apply(ChangeSet(appends=[Append("Kontakte", {"Kontakt-ID": "K-9"})]))
    assert store.read()["Kontakte"].rows == []  # the unsaved row is not served from memory


def test_deferred_writes_save_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(tmp_path)
    saves: list[str] = []
    original, original_parts = openpyxl.Workbook.save, Package.write
    monkeypatch.setattr(openpyxl.Workbook, "save", lambda self, f: (saves.append(str(f)), original(self, f))[1])
    monkeypatch.setattr(Package, "write", lambda self, o, r: (saves.append(str(o)), original_parts(self, o, r))[1])
    with store.deferred():
        store.apply(ChangeSet(appends=[Append("Kontakte", {"Kontakt-ID": "K-1"})]))
        assert [r.values["Kontakt-ID"] for r in store.read()["Kontakte"].rows] == ["K-1"]
        store.apply(ChangeSet(appends=[Append("Kontakte", {"Kontakt-ID": "K-2"})]))
        assert saves == []
    assert len(saves) == 1
    assert [r.values["Kontakt-ID"] for r in WorkbookStore(store.path).read()["Kontakte"].rows] == ["K-1", "K-2"]


def test_missing_required_column_is_one_clear_finding(tmp_path: Path) -> None:
    store = WorkbookStore(tmp_path / "daten.xlsx")
    store.ensure_tabs({"Vereine": ["Vereins-ID", "Kommune"]})  # no column »Name«
    store.apply(ChangeSet(appends=[Append("Vereine", {"Vereins-ID": "V-1", "Kommune": "Adorf"})]))
    dataset = Dataset.from_snapshot(store.read())
    findings = [f for f in dataset.findings if f.tabelle == "Vereine"]
    assert len(findings) == 1
    assert findings[0].spalte == "Name" and "fehlt" in findings[0].hinweis
    assert findings[0].vorschlag and "Überschrift »Name«" in findings[0].vorschlag


def test_headers_are_found_by_name_not_position(tmp_path: Path) -> None:
    path = tmp_path / "daten.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kontakte"
    ws.append(["Notizen", " e-mail ", "Kontakt-ID", "VORNAME"])  # other order, case and blanks
    ws.append(["x", "Anna@Beispiel.example", "K-1", "Anna"])
    wb.save(path)
    contact = Dataset.from_snapshot(WorkbookStore(path).read()).get(Kontakt, "K-1")
    assert contact is not None and contact.vorname == "Anna" and contact.email == "Anna@beispiel.example"


def test_a_formula_in_a_number_cell_is_explained(tmp_path: Path) -> None:
    from automation.domain.records import Termin

    store = _store(tmp_path)
    wb = openpyxl.load_workbook(store.path)
    ws = wb["Termine"]
    header = [c.value for c in ws[1]]
    row = {"Termin-ID": "T-1", "Titel": "Markt", "Datum": "13.03.2027", "Plätze": "=10*6"}
    ws.append([row.get(str(h)) for h in header])
    wb.save(store.path)
    dataset = Dataset.from_snapshot(WorkbookStore(store.path).read())
    termin = dataset.get(Termin, "T-1")
    assert termin is not None and termin.plaetze is None  # the rest of the row is read
    [finding] = [f for f in dataset.findings if f.spalte == "Plätze"]
    assert "Formel" in finding.hinweis and finding.zeile == 2 and "60" in (finding.vorschlag or "")
