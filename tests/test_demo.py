"""``gespraechsrunde demo ZIEL``: an invented workspace that the other commands can work with."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from automation.adapters.csv_source import parse_csv
from automation.adapters.xlsx import WorkbookStore
from automation.cli import main
from automation.domain.dataset import Dataset
from automation.domain.form_options import termin_id_from_option
from automation.domain.forms import load_forms
from automation.domain.records import TABS, Anmeldung, Feedback, Kommune, Kontakt, Termin, Verein
from automation.domain.settings import load_settings
from automation.domain.store import header_key
from automation.services.demo import create_demo

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "beispiel"
    create_demo(folder, today=TODAY)
    return folder


def _dataset(folder: Path) -> Dataset:
    return Dataset.from_snapshot(WorkbookStore(folder / "gespraechsrunde.xlsx").read())


def test_command_creates_workspace(tmp_path: Path) -> None:
    target = tmp_path / "beispiel"
    result = CliRunner().invoke(main, ["demo", str(target), "--seed", "3"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for name in ("gespraechsrunde.toml", "gespraechsrunde.xlsx", "antworten/anmeldung.csv", "antworten/feedback.csv"):
        assert (target / name).is_file(), name
    assert not (target / "gespraechsrunde.vorher.xlsx").exists()
    assert "Kontakte: 150 Zeilen" in result.output
    assert f"gespraechsrunde -C {target} pruefen" in result.output
    assert f"gespraechsrunde -C {target} sync" in result.output


def test_settings_are_accepted(demo_folder: Path) -> None:
    settings = load_settings(demo_folder)
    assert settings.speicher == "lokal"
    assert settings.mail.versand == "ausgang"
    assert settings.mail.absender_adresse == "gespraechsrunde@adorf.example"
    assert settings.darstellung.kontakt_adresse == "gespraechsrunde@adorf.example"


def test_workbook_has_every_tab_and_the_expected_rows(demo_folder: Path) -> None:
    snapshot = WorkbookStore(demo_folder / "gespraechsrunde.xlsx").read()
    assert set(snapshot) == {spec.name for spec in TABS}
    dataset = _dataset(demo_folder)
    assert len(dataset.all(Kommune)) == 3
    assert len(dataset.all(Kontakt)) == 150
    assert 20 <= len(dataset.all(Verein)) <= 30
    termine = dataset.all(Termin)
    assert sorted(t.status for t in termine) == ["Anmeldung offen", "durchgeführt"]
    opened = next(t for t in termine if t.status == "Anmeldung offen")
    past = next(t for t in termine if t.status == "durchgeführt")
    assert opened.datum > TODAY > past.datum
    assert (opened.plaetze, opened.runden, opened.plaetze_pro_tisch) == (60, 4, 6)
    assert {a.termin_id for a in dataset.all(Anmeldung)} == {past.termin_id}
    assert {f.termin_id for f in dataset.all(Feedback)} == {past.termin_id}
    assert {k.gruppe for k in dataset.all(Kontakt)} >= {"Incoming", "Outgoing", "Neu zugezogen", "Einheimisch"}
    assert any(k.lotse for k in dataset.all(Kontakt))
    assert any(k.abgemeldet for k in dataset.all(Kontakt))
    assert any(not k.einwilligung_einladungen for k in dataset.all(Kontakt))


def test_invented_contact_data_only(demo_folder: Path) -> None:
    allowed = ("example.org", "example.net", "example.com", ".example")
    for kontakt in _dataset(demo_folder).all(Kontakt):
        assert kontakt.email is None or kontakt.email.endswith(allowed), kontakt.email


def test_club_rows_are_messy_enough_for_pruefen(demo_folder: Path) -> None:
    dataset = _dataset(demo_folder)
    columns = {(f.tabelle, f.spalte) for f in dataset.findings}
    assert ("Vereine", "Telefon") in columns
    assert ("Angebote", "Zeitaufwand") in columns
    raw = [row.values for row in WorkbookStore(demo_folder / "gespraechsrunde.xlsx").read()["Vereine"].rows]
    booleans = {row.get("Barrierefreier Platz nötig") for row in raw} | {row.get("Strom nötig") for row in raw}
    assert {"x", "✓", "Ja"} <= booleans
    assert any(";" in str(row.get("Termine (teilnehmend)") or "") for row in raw)
    assert any(str(row.get("Webseite") or "").startswith("www.") for row in raw)


def test_answers_parse_and_every_column_is_a_question(demo_folder: Path) -> None:
    forms = load_forms()
    termine = _dataset(demo_folder).all(Termin)
    opened = next(t for t in termine if t.status == "Anmeldung offen")
    for form_id, expected in (("anmeldung", 60), ("feedback", 20)):
        path = demo_folder / "antworten" / f"{form_id}.csv"
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith("Zeitstempel,")
        answers = parse_csv(forms[form_id], path)
        assert len(answers) == expected
        assert all(not a.unbekannt for a in answers)
        titles = {header_key(q.titel) for q in forms[form_id].fragen}
        assert all(header_key(title) in titles for title in next(csv.reader([header]))[1:])
        assert all(a.eingegangen.year > 1970 for a in answers)
        if form_id == "anmeldung":
            assert {termin_id_from_option(a.first("termin") or "", termine) for a in answers} == {opened.termin_id}
            emails = [(a.first("email") or "") for a in answers]
            assert any(e.endswith("@gmial.com") for e in emails)
            assert "max.mustermann(at)web" in emails
            assert any(" " in e and e != e.lower() for e in emails)  # typed on a phone
            assert any(not a.werte.get("einwilligung_speicherung") for a in answers)
            assert any((a.first("bemerkung") or "").startswith("=") for a in answers)
            folded = ["".join(e.split()).lower() for e in emails]
            assert len(set(folded)) < len(folded)  # a person registered twice


def test_feedback_refers_to_past_registrations(demo_folder: Path) -> None:
    dataset = _dataset(demo_folder)
    known = {a.anmelde_id for a in dataset.all(Anmeldung)}
    answers = parse_csv(load_forms()["feedback"], demo_folder / "antworten" / "feedback.csv")
    by_id = [a.first("anmelde_id") for a in answers if a.first("anmelde_id")]
    assert by_id and all((i or "").strip().upper() in known for i in by_id)
    assert any(a.first("email") and not a.first("anmelde_id") for a in answers)


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    create_demo(first, today=TODAY)
    create_demo(second, today=TODAY)
    create_demo(other, seed=8, today=TODAY)
    for name in ("antworten/anmeldung.csv", "antworten/feedback.csv", "gespraechsrunde.toml"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (first / "antworten/anmeldung.csv").read_bytes() != (other / "antworten/anmeldung.csv").read_bytes()
    assert WorkbookStore(first / "gespraechsrunde.xlsx").read() == WorkbookStore(second / "gespraechsrunde.xlsx").read()


def test_refuses_non_empty_target(tmp_path: Path) -> None:
    target = tmp_path / "belegt"
    target.mkdir()
    (target / "notizen.txt").write_text("meins", encoding="utf-8")
    result = CliRunner().invoke(main, ["demo", str(target)])
    assert result.exit_code == 2
    assert "nicht leer" in result.output and "--ueberschreiben" in result.output
    assert sorted(p.name for p in target.iterdir()) == ["notizen.txt"]

    result = CliRunner().invoke(main, ["demo", str(target), "--ueberschreiben"])
    assert result.exit_code == 0, result.output
    assert (target / "notizen.txt").read_text(encoding="utf-8") == "meins"
    assert len(_dataset(target).all(Kontakt)) == 150  # replaced, not appended to


def test_sizes_are_parameters(tmp_path: Path) -> None:
    summary = create_demo(tmp_path / "klein", contacts=40, registrations=12, feedback=5, today=TODAY)
    assert summary.rows["Kontakte"] == 40
    assert summary.answers == {"anmeldung": 12, "feedback": 5}


def test_a_second_demo_sends_its_messages_afresh(tmp_path: Path) -> None:
    """The memo of »Versand« rows (.versand-stand.json) belongs to the earlier demo's workbook: a new demo in
    the same folder starts without it, so its confirmations go out again instead of being »put back«."""
    target = tmp_path / "demo"
    for _ in range(2):
        assert CliRunner().invoke(main, ["demo", str(target)]).exit_code == 0
        assert not (target / ".versand-stand.json").exists()
        CliRunner().invoke(main, ["-C", str(target), "sync"])
        assert (target / ".versand-stand.json").exists()
        assert len(list((target / "ausgang").glob("*.eml"))) > 0
