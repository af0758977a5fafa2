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
from collections.abc import Iterator
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

# a whole sync with new answers: read (metadata, every tab); per form the answers since the watermark and,
# for the two forms with answers, their definition (not cached yet); one write: a re-read of the touched
# tabs and one atomic batchUpdate, whose answer tells where the new rows landed (no read for the Hinweise)
WHOLE_SYNC = [
    "spreadsheets.get", "values:batchGet",
    "responses.list", "forms.get", "responses.list", "forms.get", "responses.list",
    "values:batchGet", "spreadsheets:batchUpdate",
]  # fmt: skip
# nothing new: one read of the sheet, one list per form; no definitions (cached), no writes
QUIET_SYNC = ["spreadsheets.get", "values:batchGet", "responses.list", "responses.list", "responses.list"]


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
        assert request_counts(gb.fake, start) == (4, 5)  # Sheets, Forms (before: 11, 6)
        data = gb.dataset()
        assert len(data.all(Kontakt)) == contacts + 1 + 2
        assert len(data.all(Anmeldung)) == 4

        start = len(gb.fake.calls)
        assert gb.sync().exit_code == 0
        assert [k for k in gb.fake.kinds(start) if k != "token"] == QUIET_SYNC
        assert request_counts(gb.fake, start) == (2, 3)  # (before: 2, 6)
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
    assert "Google hat das Schreiben nach 3 Versuchen nicht bestätigt" in result.output
    assert "Antwort 503" in result.output
    assert "Geschrieben wurde davon bei der letzten Prüfung nichts" in result.output  # the marker is not there
    assert "Bitte später erneut starten" in result.output
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
    assert len(list((gb.folder / "ausgang").glob("*.eml"))) == 2  # two confirmations (sync never invites)
    for sheet in ("Kontakte", "Anmeldungen", "Eingang", "Versand"):
        ids = [r[0] for r in gb.fake.sheet(sheet).rows[1:] if r]
        assert len(ids) == len(set(ids)), sheet


def test_lost_reply_after_the_write_was_applied_duplicates_no_row(gb: GoogleBackend) -> None:
    """The issue's recipe: Google applied the write, the answer got lost (503); the retry duplicated rows."""
    gb.answer("anmeldung", dt_at(10), registration())
    gb.answer("anmeldung", dt_at(11), registration("Eva", "Zwei", "eva@beispiel.example"))
    gb.fake.lose_reply["spreadsheets:batchUpdate"] = [503]
    result = gb.sync()
    assert result.exit_code == 0, result.output
    assert gb.sync().exit_code == 0
    for sheet in ("Kontakte", "Anmeldungen", "Eingang", "Versand"):
        ids = [r[0] for r in gb.fake.sheet(sheet).rows[1:] if r]
        assert len(ids) == len(set(ids)), sheet
    data = gb.dataset()
    assert len(data.all(Anmeldung)) == 2 and len(data.all(Eingang)) == 2
    assert (
        len(list((gb.folder / "ausgang").glob("*.eml"))) == 2
    )  # each confirmation once (invitations wait for »einladen«)


def test_sorting_anmeldungen_while_sync_writes_changes_only_the_right_row(gb: GoogleBackend) -> None:
    """The issue's recipe: a person sorts ``Anmeldungen`` between the job's re-read and its write."""
    gb.answer("anmeldung", dt_at(10), registration())
    handle = gb.answer("anmeldung", dt_at(11), registration("Eva", "Zwei", "eva@beispiel.example"))
    gb.answer("anmeldung", dt_at(12), registration("Otto", "Drei", "otto@beispiel.example"))
    assert gb.sync().exit_code == 0
    sheet = gb.fake.sheet("Anmeldungen")
    before = {r["Anmelde-ID"]: r for r in sheet.records()}
    eva = next(k.kontakt_id for k in gb.dataset().all(Kontakt) if k.email == "eva@beispiel.example")
    (eva_anmeldung,) = [key for key, row in before.items() if row["Kontakt-ID"] == eva]
    gb.edit(handle, dt_at(13), registration("Eva", "Zwei", "eva@beispiel.example", personen="3"))

    def sort_anmeldungen(call: Call) -> None:
        if call.kind == "spreadsheets:batchUpdate" and not sorted_once:
            sorted_once.append(True)
            column = sheet.header_index("Anmelde-ID")
            sheet.rows[1:] = sorted(sheet.rows[1:], key=lambda r: r[column] if column < len(r) else "", reverse=True)

    sorted_once: list[bool] = []
    gb.fake.before = sort_anmeldungen
    result = gb.sync()
    assert result.exit_code == 0, result.output
    assert sorted_once
    after = {r["Anmelde-ID"]: r for r in gb.fake.sheet("Anmeldungen").records()}
    expected = {key: dict(row) for key, row in before.items()}
    expected[eva_anmeldung]["Personen"] = after[eva_anmeldung]["Personen"]
    assert str(after[eva_anmeldung]["Personen"]) == "3"
    for key in expected:
        assert after[key] == expected[key], key  # every other row exactly as it was
