"""``sync`` end to end on a local workspace: answers become contacts and registrations, exactly once."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

from automation.records import Anmeldung, Eingang, Kontakt
from tests.conftest import cells, read_dataset, registration, run_cli, write_answers


def _digest(folder: Path) -> str:
    return hashlib.sha256((folder / "gespraechsrunde.xlsx").read_bytes()).hexdigest()


def test_answers_become_contacts_and_registrations_once(make_workspace) -> None:
    folder = make_workspace()
    write_answers(folder, "anmeldung", [
        ("01.02.2027 10:00:00", registration()),
        # the same person again, later, with two people: updates, does not duplicate
        ("01.02.2027 12:00:00", registration(email=" MAX@Beispiel.example ", personen="2")),
        # a known contact by e-mail
        ("01.02.2027 13:00:00", registration("Erika", "Beispiel", "erika@beispiel.example")),
        # no consent to storage: nothing kept
        ("01.02.2027 14:00:00", registration("Nora", "Nein", "nora@beispiel.example", einwilligung_speicherung="")),
        # unreadable e-mail: kept in Eingang as fehlerhaft, reported
        ("01.02.2027 15:00:00", registration("Karl", "Kaputt", "karl(at)beispiel")),
    ])  # fmt: skip
    result = run_cli("-C", str(folder), "sync")
    assert result.exit_code == 1, result.output  # the bad e-mail is an error finding
    data = read_dataset(folder)
    kontakte = {k.email: k for k in data.all(Kontakt)}
    assert set(kontakte) == {"max@beispiel.example", "erika@beispiel.example"}
    anmeldungen = data.all(Anmeldung)
    assert len(anmeldungen) == 2
    max_anmeldung = next(a for a in anmeldungen if a.kontakt_id == kontakte["max@beispiel.example"].kontakt_id)
    assert max_anmeldung.personen == 2
    assert kontakte["erika@beispiel.example"].kontakt_id == "K-BEKANNT1"
    assert kontakte["max@beispiel.example"].gruppe == "Incoming"
    status = {e.status for e in data.all(Eingang)}
    assert status == {"verarbeitet", "fehlerhaft", "gelöscht"}
    nora = [e for e in data.all(Eingang) if "Nora" in e.daten or (e.hinweis and "Einwilligung" in e.hinweis)]
    assert len(nora) == 1 and nora[0].daten == "{}"
    hinweise = cells(folder, "Hinweise")
    assert any(h["Spalte"] == "E-Mail-Adresse" and h["Schwere"] == "Fehler" for h in hinweise)

    before = _digest(folder)
    again = run_cli("-C", str(folder), "sync")
    assert again.exit_code == 1
    assert _digest(folder) == before  # second run changes nothing


def test_failed_answer_is_retried_after_fix(make_workspace) -> None:
    folder = make_workspace()
    path = write_answers(folder, "anmeldung", [("01.02.2027 15:00:00", registration("Karl", "Kaputt", "karl(at)x"))])
    assert run_cli("-C", str(folder), "sync").exit_code == 1
    assert read_dataset(folder).all(Kontakt)[-1].kontakt_id == "K-BEKANNT1"
    path.write_text(path.read_text(encoding="utf-8").replace("karl(at)x", "karl@beispiel.example"), encoding="utf-8")
    assert run_cli("-C", str(folder), "sync").exit_code == 0
    assert "karl@beispiel.example" in {k.email for k in read_dataset(folder).all(Kontakt)}


def test_formula_like_text_stays_text(make_workspace) -> None:
    import openpyxl

    folder = make_workspace()
    hostile = '=HYPERLINK("http://evil.example","klick")'
    write_answers(folder, "anmeldung", [("01.02.2027 10:00:00", registration("+Plus", "@home", bemerkung=hostile))])
    run_cli("-C", str(folder), "sync")
    wb = openpyxl.load_workbook(folder / "gespraechsrunde.xlsx")
    texts = {c.value: c.data_type for row in wb["Anmeldungen"].iter_rows() for c in row if c.value}
    texts |= {c.value: c.data_type for row in wb["Kontakte"].iter_rows() for c in row if c.value}
    for value in (hostile, "+Plus", "@home"):
        assert texts[value] == "s"


class _Killed(BaseException):
    """Stands for the process dying (power cut, kill -9) in the middle of sending."""


def test_sync_writes_versand_rows_before_it_sends(make_workspace, monkeypatch) -> None:
    from automation.mail.senders import OutboxSender
    from automation.records import Versand

    folder = make_workspace()
    write_answers(folder, "anmeldung", [
        ("01.02.2027 10:00:00", registration()),
        ("01.02.2027 11:00:00", registration("Eva", "Zwei", "eva@beispiel.example")),
    ])  # fmt: skip
    original = OutboxSender.send
    seen_in_file: list[set[str]] = []

    def send_then_die(self: OutboxSender, message, key: str) -> None:
        # what is in the workbook on disk at the moment a message leaves
        seen_in_file.append({v.status for v in read_dataset(folder).all(Versand) if v.schluessel == key})
        original(self, message, key)
        raise _Killed

    monkeypatch.setattr(OutboxSender, "send", send_then_die)
    with contextlib.suppress(_Killed):
        run_cli("-C", str(folder), "sync")
    assert seen_in_file == [{"wird gesendet"}]
    monkeypatch.setattr(OutboxSender, "send", original)
    run_cli("-C", str(folder), "sync")
    statuses = sorted(v.status for v in read_dataset(folder).all(Versand))
    assert "unklar" in statuses  # the interrupted one is reported, never resent by itself
    sent = list((folder / "ausgang").glob("*.eml"))
    assert len(sent) == len({p.name for p in sent}) == statuses.count("gesendet") + statuses.count("unklar")
