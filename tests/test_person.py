"""DSGVO: export and erasure per person, through the command line, once per store."""

from __future__ import annotations

import contextlib
import datetime as dt
import json

from automation.domain.records import Anmeldung, Eingang, Kontakt
from tests.backends import Backend
from tests.conftest import registration, run_cli


def test_export_and_erase_a_person(backend: Backend) -> None:
    backend.create()
    erika = registration("Erika", "Beispiel", "erika@beispiel.example")
    handle = backend.answer("anmeldung", dt.datetime(2027, 2, 1, 10), erika)
    backend.sync()

    exported = json.loads(backend.run("person", "export", "ERIKA@beispiel.example").output)
    assert exported["Kontakte"][0]["Kontakt-ID"] == "K-BEKANNT1"
    assert len(exported["Anmeldungen"]) == 1 and len(exported["Eingang"]) == 1

    result = backend.run("person", "loeschen", "K-BEKANNT1", "--ja")
    assert result.exit_code == 0, result.output
    data = backend.dataset()
    assert data.get(Kontakt, "K-BEKANNT1") is None
    assert data.all(Anmeldung) == []
    assert [e.daten for e in data.all(Eingang)] == ["{}"]
    assert [e.status for e in data.all(Eingang)] == ["gelöscht"]

    # the answer is still in Google Forms / the CSV export: the next sync must not bring the person back
    backend.sync()
    assert "erika@beispiel.example" not in {k.email for k in backend.dataset().all(Kontakt)}
    if backend.name == "google":
        # not even when the person edits that same response later (same response ID)
        backend.edit(handle, dt.datetime(2027, 2, 2, 10), erika)
        backend.sync()
        data = backend.dataset()
        assert "erika@beispiel.example" not in {k.email for k in data.all(Kontakt)}
        assert [e.daten for e in data.all(Eingang)] == ["{}"]


def test_unknown_person_is_a_clear_message(make_workspace) -> None:
    folder = make_workspace()
    result = run_cli("-C", str(folder), "person", "export", "niemand@beispiel.example")
    assert result.exit_code == 1
    assert "Keine Person" in result.output


def test_erasure_waits_for_no_running_sync(tmp_path) -> None:
    """While another run holds the workspace, writing commands refuse instead of overwriting its work."""
    import os
    import subprocess
    import sys
    import textwrap

    from tests.backends import LocalBackend

    backend = LocalBackend(tmp_path)
    backend.create()
    folder = backend.folder
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from automation.adapters.lock import workspace_lock
            with workspace_lock(Path({str(folder)!r})):
                print("gesperrt", flush=True)
                time.sleep(30)
        """)],
        stdout=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=os.getcwd()),
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "gesperrt"
        from tests.conftest import run_cli

        result = run_cli("-C", str(folder), "person", "loeschen", "K-BEKANNT1", "--ja")
        assert result.exit_code == 3  # could not run
        assert "läuft" in result.output or "gesperrt" in result.output.lower()
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def test_interrupted_erasure_is_completed_by_running_it_again(make_workspace, monkeypatch) -> None:
    from automation.adapters.xlsx import WorkbookStore
    from tests.conftest import read_dataset, run_cli, write_answers

    folder = make_workspace()
    write_answers(
        folder, "anmeldung", [("01.02.2027 10:00:00", registration("Erika", "Beispiel", "erika@beispiel.example"))]
    )
    run_cli("-C", str(folder), "sync")
    original = WorkbookStore.apply
    calls: list[int] = []

    def fail_second(self: WorkbookStore, changes):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise OSError("Festplatte voll")
        return original(self, changes)

    monkeypatch.setattr(WorkbookStore, "apply", fail_second)
    with contextlib.suppress(OSError):
        run_cli("-C", str(folder), "person", "loeschen", "K-BEKANNT1", "--ja")
    data = read_dataset(folder)
    assert [e.status for e in data.all(Eingang)] == ["gelöscht"]  # the answers are emptied first
    assert data.get(Kontakt, "K-BEKANNT1") is not None  # so the person can still be found …
    monkeypatch.setattr(WorkbookStore, "apply", original)
    assert run_cli("-C", str(folder), "person", "loeschen", "K-BEKANNT1", "--ja").exit_code == 0
    data = read_dataset(folder)  # … and the second run completes the erasure
    assert data.get(Kontakt, "K-BEKANNT1") is None and data.all(Anmeldung) == []


def test_erasure_refuses_while_a_tab_it_edits_has_a_renamed_header(backend: Backend) -> None:
    """A renamed header in a tab the erasure must edit: refused with a German message, nothing half-erased."""
    from tests.sheet_edits import rename_header

    backend.create()
    backend.answer(
        "anmeldung", dt.datetime(2027, 2, 1, 10), registration("Erika", "Beispiel", "erika@beispiel.example")
    )
    backend.sync()
    rename_header(backend, "Anmeldungen", "Kontakt-ID", "Kontakt ID alt")
    before = backend.mark()

    result = backend.run("person", "loeschen", "K-BEKANNT1", "--ja")

    assert result.exit_code == 1, result.output
    assert "Löschen von K-BEKANNT1 ist nicht möglich" in result.output
    assert "Anmeldungen" in result.output and "Kontakt-ID" in result.output
    assert "Traceback" not in result.output
    assert backend.unchanged_since(before)  # nothing erased anywhere: not the Kontakt, not the answers

    rename_header(backend, "Anmeldungen", "Kontakt ID alt", "Kontakt-ID")
    assert backend.run("person", "loeschen", "K-BEKANNT1", "--ja").exit_code == 0
    data = backend.dataset()
    assert data.get(Kontakt, "K-BEKANNT1") is None and data.all(Anmeldung) == []


def test_unsubscribe_by_form_is_confirmed_exactly_once(backend: Backend) -> None:
    """The abmeldung form (Google or CSV export): one Abmelde-Bestätigung, never a second one."""
    from automation.domain.records import Versand
    from tests.sheet_edits import mails

    backend.create()
    backend.answer(
        "anmeldung", dt.datetime(2027, 2, 1, 10), registration("Erika", "Beispiel", "erika@beispiel.example")
    )
    backend.sync()
    before = len(mails(backend.folder))
    wish = {"kontakt_id": "K-BEKANNT1", "wunsch": "Ich möchte keine Einladungen mehr erhalten."}
    backend.answer("abmeldung", dt.datetime(2027, 2, 2, 10), wish)
    backend.sync()
    backend.answer("abmeldung", dt.datetime(2027, 2, 3, 10), wish)  # sent twice by the person
    backend.sync()

    data = backend.dataset()
    kontakt = data.get(Kontakt, "K-BEKANNT1")
    assert kontakt is not None and kontakt.abgemeldet
    rows = [v for v in data.all(Versand) if v.art == "Abmelde-Bestätigung"]
    assert [(v.schluessel, v.status) for v in rows] == [("Abmelde-Bestätigung|-|K-BEKANNT1", "gesendet")]
    assert len(mails(backend.folder)) == before + 1


def test_erasure_asked_for_in_the_form_waits_while_a_tab_drifted(backend: Backend) -> None:
    """The »loeschen« wish of the abmeldung form: not half done while »Versand« has a renamed header."""
    from tests.sheet_edits import rename_header

    backend.create()
    backend.answer(
        "anmeldung", dt.datetime(2027, 2, 1, 10), registration("Erika", "Beispiel", "erika@beispiel.example")
    )
    backend.sync()
    rename_header(backend, "Versand", "Adresse", "Adresse (alt)")
    wish = {"kontakt_id": "K-BEKANNT1", "wunsch": "Bitte löschen Sie alle meine Daten."}
    backend.answer("abmeldung", dt.datetime(2027, 2, 2, 10), wish)

    result = backend.sync()

    data = backend.dataset()
    assert data.get(Kontakt, "K-BEKANNT1") is not None and len(data.all(Anmeldung)) == 1  # nothing erased
    waiting = [e for e in data.all(Eingang) if e.formular == "abmeldung"]
    assert [e.status for e in waiting] == ["fehlerhaft"], result.output
    assert "Löschen von K-BEKANNT1 wartet" in (waiting[0].hinweis or "") and "Adresse" in (waiting[0].hinweis or "")

    rename_header(backend, "Versand", "Adresse (alt)", "Adresse")
    backend.sync()  # the next run after the fix erases the person completely
    data = backend.dataset()
    assert data.get(Kontakt, "K-BEKANNT1") is None and data.all(Anmeldung) == []
