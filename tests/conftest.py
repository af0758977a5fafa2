"""Shared fixtures: a small local workspace built from records, and CSV answers in Google's format."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from automation.adapters.xlsx import WorkbookStore
from automation.cli import main
from automation.domain.dataset import Dataset
from automation.domain.form_options import termin_option_text
from automation.domain.forms import load_forms
from automation.domain.records import Kommune, Kontakt, Record, Termin, Verein

TODAY = dt.date(2027, 2, 1)

TERMIN = Termin(
    termin_id="T-2027-1", titel="Markt der Möglichkeiten", datum=dt.date(2027, 3, 13),
    beginn=dt.time(14), ende=dt.time(17), ort="Bürgerhaus Adorf", adresse="Lindenstraße 1, 12345 Adorf",
    kommunen=["Adorf", "Bergheim"], anmeldeschluss=dt.date(2027, 3, 6), plaetze=10, runden=3,
    plaetze_pro_tisch=4, status="Anmeldung offen",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's settings or secrets."""
    import os

    for name in list(os.environ):
        if name.startswith("GESPRAECHSRUNDE_") or name == "GOOGLE_APPLICATION_CREDENTIALS":
            monkeypatch.delenv(name)


def base_records() -> list[Record]:
    return [
        Kommune(name="Adorf", kuerzel="AD"),
        Kommune(name="Bergheim", kuerzel="BH"),
        TERMIN,
        Verein(vereins_id="V-01", name="TSV Adorf", themen=["Sport"], email="tsv@verein.example", termine=["T-2027-1"]),
        Verein(vereins_id="V-02", name="Chor Bergheim", themen=["Musik", "Kultur"], email="chor@verein.example"),
        Kontakt(
            kontakt_id="K-BEKANNT1", vorname="Erika", nachname="Beispiel", email="erika@beispiel.example",
            kommune="Adorf", gruppe="Einheimisch", einwilligung_speicherung=True, einwilligung_einladungen=True,
        ),
    ]  # fmt: skip


class WorkspaceFactory:
    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, records: list[Record] | None = None, settings: str = "") -> Path:
        from tests.factory import BASE_SETTINGS, build_workspace

        records = base_records() if records is None else records
        return build_workspace(self.root / "arbeitsordner", records, settings=BASE_SETTINGS + settings)


@pytest.fixture
def make_workspace(tmp_path: Path) -> WorkspaceFactory:
    return WorkspaceFactory(tmp_path)


def registration(
    vorname: str = "Max", nachname: str = "Muster", email: str = "max@beispiel.example", **extra: str
) -> dict[str, str]:
    """A registration answer by question key, as a person would fill it in."""
    answer = {
        "vorname": vorname, "nachname": nachname, "email": email, "kommune": "Adorf",
        "gruppe": "Ich wohne zeitweise hier (z. B. Zweitwohnung, Wochenenden, Saison)",
        "termin": termin_option_text(TERMIN), "interessen": "Sport, Musik", "personen": "1",
        "einwilligung_speicherung": "Ja, meine Angaben dürfen für diese Gesprächsrunde gespeichert werden.",
        "einwilligung_einladungen": "Ja, bitte laden Sie mich auch zu künftigen Gesprächsrunden ein.",
    }  # fmt: skip
    answer.update(extra)
    return {k: v for k, v in answer.items() if v is not None}


def write_answers(folder: Path, form_id: str, rows: list[tuple[str, dict[str, str]]], name: str = "") -> Path:
    """Rows (time stamp, answers by key) as Google Forms' CSV export with the questions' titles."""
    form = load_forms()[form_id]
    path = folder / "antworten" / f"{name or form_id}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Zeitstempel", *(q.titel for q in form.fragen)])
        for stamp, answer in rows:
            writer.writerow([stamp, *(answer.get(q.schluessel, "") for q in form.fragen)])
    return path


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def read_dataset(folder: Path) -> Dataset:
    return Dataset.from_snapshot(WorkbookStore(folder / "gespraechsrunde.xlsx").read())


@pytest.fixture
def cli() -> Iterator[Callable[..., Result]]:
    yield run_cli


def cells(folder: Path, tab: str) -> list[dict[str, Any]]:
    snapshot = WorkbookStore(folder / "gespraechsrunde.xlsx").read()
    return [row.values for row in snapshot[tab].rows] if tab in snapshot else []


@pytest.fixture(params=["lokal", "google"])
def backend(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Each ``sync`` behaviour test once per store (tests/backends.py): workbook + CSV, and Google (fake)."""
    from tests.backends import LocalBackend, google_backend

    if request.param == "lokal":
        yield LocalBackend(tmp_path)
        return
    with google_backend(tmp_path / "arbeitsordner", monkeypatch) as gb:
        yield gb
