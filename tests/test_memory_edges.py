"""The in-package fakes (memory store, answer list, recording sender) run the real job in-process."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from automation.adapters.csv_source import _split
from automation.adapters.memory import ListAnswerSource, MemoryStore, RecordingSender
from automation.domain.answers.base import RawAnswer
from automation.domain.dataset import Dataset
from automation.domain.forms import load_forms
from automation.domain.records import Anmeldung, Kontakt
from automation.services.sync import run_check, run_sync
from automation.services.wiring import Workspace
from tests.conftest import TERMIN, base_records, registration
from tests.factory import build_workspace

NOW = dt.datetime(2027, 2, 1, 12, 0)


def _answer(n: int, **values: str) -> RawAnswer:
    form = load_forms()["anmeldung"]
    questions = {q.schluessel: q for q in form.fragen}
    stamp = dt.datetime(2027, 2, 1, 10, n)
    werte = {k: _split(questions.get(k), v) for k, v in values.items()}
    return RawAnswer(antwort_id=f"mem-{n}", formular="anmeldung", eingegangen=stamp, geaendert=stamp, werte=werte)


def _workspace(tmp_path: Path) -> tuple[Workspace, MemoryStore, ListAnswerSource, RecordingSender]:
    store, answers, sender = MemoryStore(), ListAnswerSource(), RecordingSender()
    build_workspace(tmp_path, base_records(), store=store)
    return Workspace.open(tmp_path, store=store, answers=answers, sender=sender), store, answers, sender


def test_sync_runs_in_process_against_the_fakes(tmp_path: Path) -> None:
    workspace, store, answers, sender = _workspace(tmp_path)
    answers.add(_answer(1, **registration()))
    answers.add(_answer(2, **registration("Eva", "Zwei", "eva@beispiel.example")))

    report = run_sync(workspace, now=NOW)
    assert report.counts["Antworten verarbeitet"] == 2
    data = Dataset.from_snapshot(store.read())
    emails = {k.email: k.kontakt_id for k in data.all(Kontakt)}
    assert {"max@beispiel.example", "eva@beispiel.example"} <= set(emails)
    assert {a.kontakt_id for a in data.all(Anmeldung)} == {
        emails["max@beispiel.example"],
        emails["eva@beispiel.example"],
    }
    confirmations = [k for k in sender.sent_keys() if k.startswith("Bestätigung")]
    assert sorted(confirmations) == sorted(
        f"Bestätigung|{TERMIN.termin_id}|{emails[e]}" for e in ("max@beispiel.example", "eva@beispiel.example")
    )
    assert not list(tmp_path.glob("*.xlsx")) and not (tmp_path / "ausgang").exists()  # nothing touched the disk

    sent = len(sender.sent)
    again = run_sync(Workspace.open(tmp_path, store=store, answers=answers, sender=sender), now=NOW)
    assert again.counts.get("Antworten neu oder geändert", 0) == 0
    assert len(sender.sent) == sent  # exactly once


def test_a_cell_edited_meanwhile_is_a_conflict_in_memory_too(tmp_path: Path) -> None:
    _, store, _, _ = _workspace(tmp_path)
    data = Dataset.from_snapshot(store.read())
    store.tabs["Kontakte"].rows[0]["Nachname"] = "Von Hand"
    kontakt = data.get(Kontakt, "K-BEKANNT1")
    assert kontakt is not None
    data.put(kontakt.model_copy(update={"nachname": "Job"}))
    result = store.apply(data.changes())
    assert [c.column for c in result.conflicts] == ["Nachname"]
    assert store.tabs["Kontakte"].rows[0]["Nachname"] == "Von Hand"


def test_pruefen_writes_findings_into_the_memory_store(tmp_path: Path) -> None:
    workspace, store, answers, _ = _workspace(tmp_path)
    answers.add(_answer(1, **registration(email="kaputt(at)beispiel")))
    report = run_check(workspace, now=NOW)
    assert report.errors
    assert store.cells("Hinweise")
    assert not store.cells("Anmeldungen")  # pruefen writes only Hinweise
