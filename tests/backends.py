"""The two stores the ``sync`` behaviour tests run against, behind one small interface.

``lokal``: the workbook plus Google Forms' CSV exports in ``antworten/`` (as a coordinator without Google
works). ``google``: the fake spreadsheet and fake Google Forms (tests/google/fake_google.py) answering the
real gspread and google-api-python-client code through ``responses``.

A test creates a workspace with :func:`tests.conftest.base_records` (or its own records), adds answers by
question key (``backend.answer("anmeldung", when, registration())``), edits them later, runs the real
command line (``backend.sync()``) and reads back the dataset (``backend.dataset()``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import responses
from click.testing import Result

from automation.adapters.csv_source import _split
from automation.adapters.form_state import FormState, save_form_states
from automation.adapters.google import wiring
from automation.adapters.xlsx import WorkbookStore
from automation.domain.dataset import Dataset
from automation.domain.forms import load_forms
from automation.domain.records import Kontakt, Record
from automation.services.wiring import Workspace
from tests.conftest import WorkspaceFactory, base_records, run_cli, write_answers
from tests.factory import seed_store
from tests.google.conftest import DRIVE_URL, FORMS_URL, SHEETS_URL, TOKEN_URL, write_google_settings
from tests.google.fake_google import FakeGoogle, Formula

BERLIN = ZoneInfo("Europe/Berlin")
SETTINGS_TOP = 'titel = "Test-Gesprächsrunde"\n'
SETTINGS_MAIL = '[mail]\nabsender_adresse = "runde@kommune.example"\n'


class Backend:
    """What every backend offers the behaviour tests."""

    name: str
    folder: Path

    def create(self, records: list[Record] | None = None) -> Path:
        raise NotImplementedError

    def answer(self, form: str, when: dt.datetime, answers: dict[str, str]) -> str:
        """A new form answer (values by question key, as in a CSV export); returns a handle for edits."""
        raise NotImplementedError

    def edit(self, handle: str, when: dt.datetime, answers: dict[str, str]) -> None:
        """The person changes their answer later (Forms: same response; CSV: a later row)."""
        raise NotImplementedError

    def correct(self, handle: str, when: dt.datetime, answers: dict[str, str]) -> None:
        """A broken answer is fixed at its source (Forms: the person edits it; CSV: the row is corrected)."""
        self.edit(handle, when, answers)

    def run(self, *args: str) -> Result:
        return run_cli("-C", str(self.folder), *args)

    def sync(self) -> Result:
        return self.run("sync")

    def dataset(self) -> Dataset:
        return Dataset.from_snapshot(Workspace.open(self.folder).store().read())

    def mark(self) -> Any:
        """A mark of the stored state, for :meth:`unchanged_since`."""
        raise NotImplementedError

    def unchanged_since(self, mark: Any) -> bool:
        """True when nothing was written to the store since ``mark``."""
        raise NotImplementedError

    def assert_stored_as_text(self, texts: list[str]) -> None:
        """Each text is in the Kontakte or Anmeldungen tab as text (not as a formula or number)."""
        raise NotImplementedError


class LocalBackend(Backend):
    name = "lokal"

    def __init__(self, root: Path) -> None:
        self.factory = WorkspaceFactory(root)
        self.folder = root / "arbeitsordner"
        self.rows: dict[str, list[tuple[str, dict[str, str]]]] = {}

    def create(self, records: list[Record] | None = None) -> Path:
        return self.factory(records)

    def _write(self, form: str) -> None:
        write_answers(self.folder, form, self.rows[form])

    def answer(self, form: str, when: dt.datetime, answers: dict[str, str]) -> str:
        rows = self.rows.setdefault(form, [])
        rows.append((when.strftime("%d.%m.%Y %H:%M:%S"), dict(answers)))
        self._write(form)
        return f"{form}:{len(rows) - 1}"

    def edit(self, handle: str, when: dt.datetime, answers: dict[str, str]) -> None:
        form, _ = handle.split(":")
        self.answer(form, when, answers)  # Google's CSV export: the edited answer as a later row

    def correct(self, handle: str, when: dt.datetime, answers: dict[str, str]) -> None:
        form, index = handle.split(":")
        stamp, _ = self.rows[form][int(index)]
        self.rows[form][int(index)] = (stamp, dict(answers))  # the row fixed in the file, same time stamp
        self._write(form)

    def dataset(self) -> Dataset:
        return Dataset.from_snapshot(WorkbookStore(self.folder / "gespraechsrunde.xlsx").read())

    def mark(self) -> str:
        return hashlib.sha256((self.folder / "gespraechsrunde.xlsx").read_bytes()).hexdigest()

    def unchanged_since(self, mark: Any) -> bool:
        return bool(self.mark() == mark)

    def assert_stored_as_text(self, texts: list[str]) -> None:
        import openpyxl

        wb = openpyxl.load_workbook(self.folder / "gespraechsrunde.xlsx")
        found = {c.value: c.data_type for tab in ("Anmeldungen", "Kontakte") for r in wb[tab].iter_rows() for c in r}
        for text in texts:
            assert found.get(text) == "s", (text, found.get(text))


def install_forms(fake: FakeGoogle, folder: Path) -> dict[str, str]:
    """The three forms of the definitions in the fake (question IDs = ``frage_id``), and ``formulare.json``."""
    ids: dict[str, str] = {}
    states = {}
    for key, form in load_forms().items():
        form_id = f"formular-{key}"
        items = [
            {"itemId": f"1{q.frage_id[1:]}", "title": q.titel, "questionItem": {"question": {"questionId": q.frage_id}}}
            for q in form.fragen
        ]
        fake.forms[form_id] = {"formId": form_id, "info": {"title": form.titel}, "items": items}
        ids[key] = form_id
        states[key] = FormState(form_id=form_id, responder_url=f"https://docs.google.com/forms/d/e/{form_id}/viewform")
    save_form_states(folder, states)
    return ids


def zulu(when: dt.datetime) -> str:
    """A naive Europe/Berlin time as Google writes it (UTC, ``Z``)."""
    return when.replace(tzinfo=BERLIN).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def form_response(form: str, rid: str, created: dt.datetime, submitted: dt.datetime, answers: dict[str, str]) -> Any:
    """A ``responses.list`` item: answers keyed by question ID, one value per ticked checkbox."""
    definition = load_forms()[form]
    result: dict[str, Any] = {}
    for key, text in answers.items():
        question = definition.question(key)
        values = _split(question, text)
        if values:
            answer = {"questionId": question.frage_id, "textAnswers": {"answers": [{"value": v} for v in values]}}
            result[question.frage_id] = answer
    return {
        "formId": f"formular-{form}",
        "responseId": rid,
        "createTime": zulu(created),
        "lastSubmittedTime": zulu(submitted),
        "answers": result,
    }


@dataclass
class GoogleBackend(Backend):
    folder: Path
    fake: FakeGoogle
    sleeps: list[float] = field(default_factory=list)
    name: str = "google"

    def create(self, records: list[Record] | None = None, **google: Any) -> Path:
        """Settings (``[google]`` overrides in ``google``), the forms, every tab and the records."""
        write_google_settings(self.folder, **google)
        path = self.folder / "gespraechsrunde.toml"
        path.write_text(SETTINGS_TOP + path.read_text(encoding="utf-8") + "\n" + SETTINGS_MAIL, encoding="utf-8")
        install_forms(self.fake, self.folder)
        seed_store(Workspace.open(self.folder).store(), base_records() if records is None else records)
        return self.folder

    def answer(self, form: str, when: dt.datetime, answers: dict[str, str]) -> str:
        rid = f"ACYDBN-{form}-{len(self.fake.form_responses.get(f'formular-{form}', [])) + 1}"
        self.fake.add_form_response(f"formular-{form}", form_response(form, rid, when, when, answers))
        return f"{form}:{rid}"

    def edit(self, handle: str, when: dt.datetime, answers: dict[str, str]) -> None:
        form, rid = handle.split(":")
        responses_ = self.fake.form_responses[f"formular-{form}"]
        index = next(i for i, r in enumerate(responses_) if r["responseId"] == rid)
        created = dt.datetime.fromisoformat(responses_[index]["createTime"].replace("Z", "+00:00"))
        naive = created.astimezone(BERLIN).replace(tzinfo=None)
        responses_[index] = form_response(form, rid, naive, when, answers)

    def mark(self) -> int:
        return len(self.fake.calls)

    def unchanged_since(self, mark: Any) -> bool:
        return self.fake.writes(int(mark)) == []

    def assert_stored_as_text(self, texts: list[str]) -> None:
        found = {v for tab in ("Anmeldungen", "Kontakte") for row in self.fake.sheet(tab).rows for v in row}
        for text in texts:
            assert text in found, text
        assert_no_formula_written(self.fake)


def assert_no_formula_written(fake: FakeGoogle) -> None:
    """Every values write was RAW, and no cell of the fake holds a formula."""
    for call in fake.calls:
        if call.kind == "values:batchUpdate":
            assert call.body["valueInputOption"] == "RAW"
        if call.kind == "values:append":
            assert call.params["valueInputOption"] == ["RAW"]
    for sheet in fake.sheets:
        assert not [v for row in sheet.rows for v in row if isinstance(v, Formula)], sheet.title


@contextmanager
def google_backend(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[GoogleBackend]:
    """A Google workspace over a fresh fake (answered through ``responses``; nothing really sleeps)."""
    sleeps: list[float] = []
    monkeypatch.setattr(wiring, "SLEEP", sleeps.append)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeGoogle()
        fake.install(rsps, (SHEETS_URL, FORMS_URL, DRIVE_URL, TOKEN_URL.rsplit("/", 1)[0]))
        yield GoogleBackend(folder, fake, sleeps)


SHEETS_KINDS = ("spreadsheets.get", "values:batchGet", "values:batchUpdate", "values:append", "values:batchClear",
                "spreadsheets:batchUpdate", "values:get")  # fmt: skip
FORMS_KINDS = ("forms.get", "responses.list", "forms.create", "forms.batchUpdate", "forms.setPublishSettings")


def request_counts(fake: FakeGoogle, since: int = 0) -> tuple[int, int]:
    """Sheets requests and Forms requests since a position in ``fake.calls`` (token requests not counted)."""
    kinds = fake.kinds(since)
    return sum(k in SHEETS_KINDS for k in kinds), sum(k in FORMS_KINDS for k in kinds)


def many_contacts(count: int) -> list[Record]:
    """``count`` contacts with consent (besides :func:`base_records`), as after a few years of Gesprächsrunden."""
    return [
        Kontakt(
            kontakt_id=f"K-{n:06d}", vorname=f"Vorname{n}", nachname="Müller-Lüdenscheidt",
            email=f"person{n}@beispiel.example", telefon=None, kommune="Adorf" if n % 2 else "Bergheim",
            gruppe="Incoming", interessen=["Sport"], einwilligung_speicherung=True, einwilligung_einladungen=True,
            erstellt=dt.datetime(2026, 3, 1, 9, 30),
        )
        for n in range(count)
    ]  # fmt: skip


def typical_answers(backend: Backend) -> None:
    """What arrives between two runs: new people, a known person again, feedback and a cancellation."""
    from tests.conftest import registration

    day = dt.datetime(2027, 2, 1, 10)
    backend.answer("anmeldung", day, registration())
    backend.answer("anmeldung", day.replace(hour=11), registration("Eva", "Zwei", "eva@beispiel.example"))
    backend.answer("anmeldung", day.replace(hour=12), registration("Vorname1", "Müller-Lüdenscheidt",
                                                                   "person1@beispiel.example"))  # fmt: skip
    backend.answer("anmeldung", day.replace(hour=13), registration("Erika", "Beispiel", "erika@beispiel.example"))
    backend.answer("feedback", day.replace(hour=14), {"email": "erika@beispiel.example", "bewertung": "5"})
