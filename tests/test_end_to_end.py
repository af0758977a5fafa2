"""The coordinator's first day, through the command line: demo → pruefen → sync → sync."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest

from automation.adapters.xlsx import WorkbookStore
from automation.domain.dataset import Dataset
from automation.domain.records import Anmeldung, Eingang, Hinweis, Kontakt, Versand
from tests.conftest import run_cli


def _data(folder: Path) -> Dataset:
    return Dataset.from_snapshot(WorkbookStore(folder / "gespraechsrunde.xlsx").read())


def _tabs_except_hinweise(folder: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = openpyxl.load_workbook(folder / "gespraechsrunde.xlsx")
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets if ws.title != "Hinweise"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("e2e") / "demo"
    assert run_cli("demo", str(folder)).exit_code == 0
    return folder


def test_first_day(demo: Path) -> None:
    before = _data(demo)
    contacts_before = len(before.all(Kontakt))
    registrations_before = len(before.all(Anmeldung))
    tabs_before = _tabs_except_hinweise(demo)

    checked = run_cli("-C", str(demo), "pruefen", "--json")
    assert checked.exit_code == 1  # the demo has errors on purpose
    report = json.loads(checked.output)
    assert any(h["Tabelle"] == "Vereine" and h["Spalte"] == "Telefon" for h in report["hinweise"])
    assert any(h["Tabelle"] == "Eingang" and h["Schwere"] == "Fehler" for h in report["hinweise"])
    # pruefen writes the Hinweise tab and nothing else
    assert _tabs_except_hinweise(demo) == tabs_before
    assert len(_data(demo).all(Hinweis)) == len(report["hinweise"])

    synced = run_cli("-C", str(demo), "sync", "--json")
    assert synced.exit_code == 1
    counts = json.loads(synced.output)["zaehler"]
    after = _data(demo)
    assert len(after.all(Kontakt)) == contacts_before + counts["Kontakte neu"]
    assert counts["Kontakte neu"] > 30 and counts["Anmeldungen neu"] > 40
    assert len(after.all(Anmeldung)) == registrations_before + counts["Anmeldungen neu"]
    assert {e.status for e in after.all(Eingang)} == {"verarbeitet", "fehlerhaft", "gelöscht"}
    sent = [v for v in after.all(Versand) if v.status == "gesendet"]
    assert len(sent) == counts["Nachrichten gesendet"] == len(list((demo / "ausgang").glob("*.eml")))
    hinweise = after.all(Hinweis)
    assert {h.schwere for h in hinweise} >= {"Fehler", "Warnung"}
    assert all(h.hinweis and h.tabelle for h in hinweise)

    digest = hashlib.sha256((demo / "gespraechsrunde.xlsx").read_bytes()).hexdigest()
    again = run_cli("-C", str(demo), "sync", "--json")
    assert again.exit_code == 1
    counts = json.loads(again.output)["zaehler"]
    assert counts.get("Antworten neu oder geändert", 0) == 0 and counts.get("Nachrichten gesendet", 0) == 0
    assert hashlib.sha256((demo / "gespraechsrunde.xlsx").read_bytes()).hexdigest() == digest
    assert len(list((demo / "ausgang").glob("*.eml"))) == len(sent)
