"""The real ``sync`` against the Google stand-in: request counts, a subprocess over loopback, and failures.

The behaviour of ``sync`` itself is tested once per store in tests/test_sync.py; here is what only the
Google backend has: how many requests a run sends, the whole program in its own process against a stand-in
API on 127.0.0.1, and what 503 answers from Google do to a run.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from automation.domain.records import Anmeldung, Eingang, Kontakt
from tests.backends import (
    FORMS_KINDS,
    GoogleBackend,
    google_backend,
    many_contacts,
    request_counts,
    typical_answers,
)
from tests.conftest import base_records, registration
from tests.google.conftest import service_account_json
from tests.google.fake_google import Call, FakeGoogle, serve

REPO = Path(__file__).resolve().parents[2]

# a whole sync with new answers: read; per form get + list; one write (re-read, cells, one append per tab
# with new rows: Kontakte, Anmeldungen, Feedback, Eingang); the Hinweise are computed from a fresh read
WHOLE_SYNC = [
    "spreadsheets.get", "values:batchGet",
    "forms.get", "responses.list", "forms.get", "responses.list", "forms.get", "responses.list",
    "spreadsheets.get", "values:batchGet", "values:batchUpdate",
    "values:append", "values:append", "values:append", "values:append",
    "spreadsheets.get", "values:batchGet",
]  # fmt: skip
QUIET_SYNC = WHOLE_SYNC[:8]  # reads only: one read of the sheet, the forms; no re-read when nothing was written


@pytest.mark.parametrize("contacts", [10, 5000])
def test_request_count_of_a_whole_sync_does_not_grow_with_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, contacts: int
) -> None:
    monkeypatch.setenv("GESPRAECHSRUNDE_MAIL__SENDEN_BEI_SYNC", "false")
    with google_backend(tmp_path / "arbeitsordner", monkeypatch) as gb:
        gb.create([*base_records(), *many_contacts(contacts)])
        typical_answers(gb)
        start = len(gb.fake.calls)
        result = gb.sync()
        assert result.exit_code == 0, result.output
        assert [k for k in gb.fake.kinds(start) if k != "token"] == WHOLE_SYNC
        assert request_counts(gb.fake, start) == (11, 6)  # Sheets, Forms
        data = gb.dataset()
        assert len(data.all(Kontakt)) == contacts + 1 + 2
        assert len(data.all(Anmeldung)) == 4

        start = len(gb.fake.calls)
        assert gb.sync().exit_code == 0
        assert [k for k in gb.fake.kinds(start) if k != "token"] == QUIET_SYNC
        assert request_counts(gb.fake, start) == (2, 6)
        assert gb.fake.writes(start) == []


def test_real_sync_command_in_a_subprocess_against_loopback_stand_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeGoogle()
    with serve(fake) as base:
        gb = GoogleBackend(tmp_path / "arbeitsordner", fake)
        gb.create(
            sheets_url=base, forms_url=base, drive_url=base, token_url=f"{base}/token", anfragen_pro_minute=100000
        )
        (gb.folder / "dienstkonto.json").unlink()  # the key comes from the environment only
        gb.answer("anmeldung", dt_at(10), registration())
        gb.answer("anmeldung", dt_at(11), registration("Erika", "Beispiel", "erika@beispiel.example"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("GESPRAECHSRUNDE_")}
        env.pop("GOOGLE_APPLICATION_CREDENTIALS", None)
        env["GESPRAECHSRUNDE_GOOGLE_DIENSTKONTO_JSON"] = service_account_json()
        command = [sys.executable, "-m", "automation", "-C", str(gb.folder), "sync"]

        start = len(fake.calls)
        first = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
        assert first.returncode == 0, first.stdout + first.stderr
        kinds = fake.kinds(start)
        # real JWT grants against the stand-in's token address (store and forms each have their transport)
        assert 1 <= kinds.count("token") <= 2
        kontakte = fake.sheet("Kontakte").records()
        assert {k["E-Mail"] for k in kontakte} == {"max@beispiel.example", "erika@beispiel.example"}
        anmeldungen = fake.sheet("Anmeldungen").records()
        assert len(anmeldungen) == 2
        max_id = next(k["Kontakt-ID"] for k in kontakte if k["E-Mail"] == "max@beispiel.example")
        assert {a["Kontakt-ID"] for a in anmeldungen} == {max_id, "K-BEKANNT1"}
        assert {e["Status"] for e in fake.sheet("Eingang").records()} == {"verarbeitet"}
        assert len(list((gb.folder / "ausgang").glob("*.eml"))) == len(fake.sheet("Versand").records()) > 0

        start = len(fake.calls)
        second = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stdout + second.stderr
        assert fake.writes(start) == []
        assert any(k in FORMS_KINDS for k in fake.kinds(start))


def dt_at(hour: int) -> dt.datetime:
    return dt.datetime(2027, 2, 1, hour)


@pytest.fixture
def gb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[GoogleBackend]:
    with google_backend(tmp_path / "arbeitsordner", monkeypatch) as backend:
        backend.create()
        yield backend


def test_503_on_the_read_is_retried_a_bounded_number_of_times(gb: GoogleBackend) -> None:
    gb.answer("anmeldung", dt_at(10), registration())
    gb.fake.fail_kind["values:batchGet"] = [503]
    start = len(gb.fake.calls)
    result = gb.sync()
    assert result.exit_code == 0, result.output
    kinds = [k for k in gb.fake.kinds(start) if k != "token"]
    assert kinds[:3] == ["spreadsheets.get", "values:batchGet", "values:batchGet"]  # the 503, then success
    backoffs = [s for s in gb.sleeps if s >= 0.5]  # the pace waits are far shorter
    assert len(backoffs) == 1 and backoffs[0] <= 1.0
    assert "max@beispiel.example" in {k.email for k in gb.dataset().all(Kontakt)}


def test_persistent_503_on_the_write_writes_nothing_and_the_next_run_does_it_once(gb: GoogleBackend) -> None:
    gb.answer("anmeldung", dt_at(10), registration())
    gb.answer("anmeldung", dt_at(11), registration("Eva", "Zwei", "eva@beispiel.example"))
    before = {s.title: [list(r) for r in s.rows] for s in gb.fake.sheets}
    gb.fake.fail_when = lambda call: 503 if call.method != "GET" else None
    result = gb.sync()
    assert result.exit_code == 3  # could not run
    assert "Google war nach 3 Versuchen nicht erreichbar (Antwort 503" in result.output
    assert "bitte später erneut starten" in result.output
    assert {s.title: s.rows for s in gb.fake.sheets} == before  # nothing half-written
    assert not list((gb.folder / "ausgang").glob("*.eml"))  # and nothing sent

    gb.fake.fail_when = None
    assert gb.sync().exit_code == 0
    assert gb.sync().exit_code == 0
    data = gb.dataset()
    assert sorted(k.email or "" for k in data.all(Kontakt)) == [
        "erika@beispiel.example", "eva@beispiel.example", "max@beispiel.example"
    ]  # fmt: skip
    assert len(data.all(Anmeldung)) == 2
    assert len(data.all(Eingang)) == 2
    assert len(list((gb.folder / "ausgang").glob("*.eml"))) == 3  # two confirmations, Erika's invitation
    for sheet in ("Kontakte", "Anmeldungen", "Eingang", "Versand"):
        ids = [r[0] for r in gb.fake.sheet(sheet).rows[1:] if r]
        assert len(ids) == len(set(ids)), sheet


def _fails_on_append_to(tab: str) -> Callable[[Call], int | None]:
    def check(call: Call) -> int | None:
        return 503 if call.kind == "values:append" and f"'{tab}'" in call.path else None

    return check


def test_failure_between_two_writes_loses_no_answer(gb: GoogleBackend) -> None:
    """A run that dies after some of its writes: the answers are taken again, exactly once."""
    handle = gb.answer("anmeldung", dt_at(10), registration("Karl", "Kaputt", "karl(at)x"))
    assert gb.sync().exit_code == 1  # fehlerhaft: kept in Eingang
    gb.correct(handle, dt_at(11), registration("Karl", "Kaputt", "karl@beispiel.example"))
    gb.answer("anmeldung", dt_at(12), registration())
    gb.fake.fail_when = _fails_on_append_to("Anmeldungen")
    result = gb.sync()
    assert result.exit_code == 3  # could not run
    assert "nicht erreichbar" in result.output
    # Kontakte may already be written; Eingang (the record of what was taken) must not be
    statuses = {e["Antwort-ID"]: e["Status"] for e in gb.fake.sheet("Eingang").records()}
    assert list(statuses.values()) == ["fehlerhaft"]

    gb.fake.fail_when = None
    assert gb.sync().exit_code == 0
    data = gb.dataset()
    emails = sorted(k.email or "" for k in data.all(Kontakt))
    assert emails == ["erika@beispiel.example", "karl@beispiel.example", "max@beispiel.example"]
    assert len(data.all(Anmeldung)) == 2
    assert {e.status for e in data.all(Eingang)} == {"verarbeitet"} and len(data.all(Eingang)) == 2
