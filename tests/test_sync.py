"""``sync`` end to end, once per store: answers become contacts and registrations, exactly once.

``backend`` (tests/conftest.py, tests/backends.py) is the local workbook with CSV exports, or the Google
spreadsheet with Google Forms (the fake behind ``responses``); both run the real command line.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from automation.domain.mail.kinds import Art
from automation.domain.records import Anmeldung, Eingang, Hinweis, Kontakt, Versand
from tests.backends import Backend, assert_no_formula_written
from tests.conftest import TERMIN, base_records, registration


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, 2, 1, hour, minute)


def errors(backend: Backend) -> list[Hinweis]:
    return [h for h in backend.dataset().all(Hinweis) if h.schwere == "Fehler"]


def test_answers_become_contacts_and_registrations_once(backend: Backend) -> None:
    backend.create()
    backend.answer("anmeldung", at(10), registration())
    # the same person again, later, with two people: updates, does not duplicate
    backend.answer("anmeldung", at(12), registration(email=" MAX@Beispiel.example ", personen="2"))
    # a known contact by e-mail
    backend.answer("anmeldung", at(13), registration("Erika", "Beispiel", "erika@beispiel.example"))
    # no consent to storage: nothing kept
    backend.answer(
        "anmeldung", at(14), registration("Nora", "Nein", "nora@beispiel.example", einwilligung_speicherung="")
    )
    # unreadable e-mail: kept in Eingang as fehlerhaft, reported
    backend.answer("anmeldung", at(15), registration("Karl", "Kaputt", "karl(at)beispiel"))
    result = backend.sync()
    assert result.exit_code == 1, result.output  # the bad e-mail is an error finding
    data = backend.dataset()
    kontakte = {k.email: k for k in data.all(Kontakt)}
    assert set(kontakte) == {"max@beispiel.example", "erika@beispiel.example"}
    anmeldungen = data.all(Anmeldung)
    assert len(anmeldungen) == 2
    max_anmeldung = next(a for a in anmeldungen if a.kontakt_id == kontakte["max@beispiel.example"].kontakt_id)
    assert max_anmeldung.personen == 2
    assert kontakte["erika@beispiel.example"].kontakt_id == "K-BEKANNT1"
    assert kontakte["max@beispiel.example"].gruppe == "Incoming"
    eingang = data.all(Eingang)
    assert len(eingang) == 5
    assert {e.status for e in eingang} == {"verarbeitet", "fehlerhaft", "gelöscht"}
    nora = [e for e in eingang if "Nora" in e.daten or (e.hinweis and "Einwilligung" in e.hinweis)]
    assert len(nora) == 1 and nora[0].daten == "{}" and nora[0].status == "gelöscht"
    assert "nora" not in str([k.model_dump() for k in data.all(Kontakt)]).casefold()
    karl = next(e for e in eingang if "Kaputt" in e.daten)
    assert karl.status == "fehlerhaft"
    assert any(h.spalte == "E-Mail-Adresse" and h.id == karl.antwort_id for h in errors(backend))

    mark = backend.mark()
    again = backend.sync()
    assert again.exit_code == 1
    assert backend.unchanged_since(mark)  # second run writes nothing (Google: not one write request)


def test_edited_answer_updates_rather_than_duplicates(backend: Backend) -> None:
    backend.create()
    handle = backend.answer("anmeldung", at(10), registration())
    assert backend.sync().exit_code == 0
    backend.edit(handle, at(11), registration(kommune="Bergheim", personen="3"))
    result = backend.sync()
    assert result.exit_code == 0, result.output
    data = backend.dataset()
    (max_,) = [k for k in data.all(Kontakt) if k.email == "max@beispiel.example"]
    assert max_.kommune == "Bergheim"
    (anmeldung,) = data.all(Anmeldung)
    assert anmeldung.kontakt_id == max_.kontakt_id and anmeldung.personen == 3
    # Google Forms keeps one response (same ID, newer time); the CSV export shows the edit as a later row
    assert len(data.all(Eingang)) == (1 if backend.name == "google" else 2)
    assert {e.status for e in data.all(Eingang)} == {"verarbeitet"}
    mark = backend.mark()
    assert backend.sync().exit_code == 0
    assert backend.unchanged_since(mark)


def test_failed_answer_is_retried_after_fix(backend: Backend) -> None:
    backend.create()
    handle = backend.answer("anmeldung", at(15), registration("Karl", "Kaputt", "karl(at)x"))
    assert backend.sync().exit_code == 1
    data = backend.dataset()
    assert [k.kontakt_id for k in data.all(Kontakt)] == ["K-BEKANNT1"]
    (entry,) = data.all(Eingang)
    assert entry.status == "fehlerhaft" and entry.hinweis and "E-Mail" in entry.hinweis
    assert [h.spalte for h in errors(backend)] == ["E-Mail-Adresse"]
    # reported again in every run until fixed
    assert backend.sync().exit_code == 1
    assert backend.dataset().get(Eingang, entry.antwort_id) == entry

    backend.correct(handle, at(16), registration("Karl", "Kaputt", "karl@beispiel.example"))
    result = backend.sync()
    assert result.exit_code == 0, result.output
    data = backend.dataset()
    assert "karl@beispiel.example" in {k.email for k in data.all(Kontakt)}
    assert len(data.all(Anmeldung)) == 1
    assert {e.status for e in data.all(Eingang)} == {"verarbeitet"}
    assert errors(backend) == []
    mark = backend.mark()
    assert backend.sync().exit_code == 0
    assert backend.unchanged_since(mark)


def test_formula_like_text_stays_text(backend: Backend) -> None:
    backend.create()
    hostile = '=HYPERLINK("http://evil.example","klick")'
    backend.answer("anmeldung", at(10), registration("+Plus", "@home", telefon="+49 30 1234567", bemerkung=hostile))
    backend.sync()
    data = backend.dataset()
    (kontakt,) = [k for k in data.all(Kontakt) if k.kontakt_id != "K-BEKANNT1"]
    assert (kontakt.vorname, kontakt.nachname) == ("+Plus", "@home")
    assert kontakt.telefon is not None and kontakt.telefon.startswith("+49")
    (anmeldung,) = data.all(Anmeldung)
    assert anmeldung.bemerkung == hostile
    backend.assert_stored_as_text([hostile, "+Plus", "@home", kontakt.telefon])
    if backend.name == "google":
        assert_no_formula_written(backend.fake)  # type: ignore[attr-defined]


def test_no_invitation_without_consent(backend: Backend) -> None:
    later = TERMIN.model_copy(
        update={"termin_id": "T-2027-2", "datum": dt.date(2027, 4, 10), "anmeldeschluss": None, "kommunen": []}
    )
    ohne = Kontakt(
        kontakt_id="K-OHNE0001", vorname="Otto", nachname="Ohne", email="otto@beispiel.example", kommune="Adorf",
        einwilligung_speicherung=True, einwilligung_einladungen=False,
    )  # fmt: skip
    backend.create([*base_records(), later, ohne])
    backend.answer("anmeldung", at(10), registration(einwilligung_einladungen=""))
    result = backend.sync()
    assert result.exit_code == 0, result.output
    for termin_id in ("T-2027-1", "T-2027-2"):  # invitations go out only when released (issue 9.4)
        assert backend.run("einladen", "--termin", termin_id).exit_code == 0
    data = backend.dataset()
    (max_,) = [k for k in data.all(Kontakt) if k.email == "max@beispiel.example"]
    assert max_.einwilligung_einladungen is False
    sent = {v.schluessel for v in data.all(Versand)}
    assert f"{Art.BESTAETIGUNG.value}|T-2027-1|{max_.kontakt_id}" in sent
    invitations = {s for s in sent if s.startswith(Art.EINLADUNG.value)}
    assert invitations == {f"{Art.EINLADUNG.value}|T-2027-1|K-BEKANNT1", f"{Art.EINLADUNG.value}|T-2027-2|K-BEKANNT1"}
    assert {v.status for v in data.all(Versand)} == {"gesendet"}
    assert backend.sync().exit_code == 0  # the hint about uninvited contacts goes from Hinweise
    mark = backend.mark()
    assert backend.sync().exit_code == 0
    assert backend.unchanged_since(mark)  # nothing sent or written twice


class _Killed(BaseException):
    """Stands for the process dying (power cut, kill -9) in the middle of sending."""


def test_sync_writes_versand_rows_before_it_sends(backend: Backend, monkeypatch) -> None:
    from automation.adapters.mail.senders import OutboxSender

    folder = backend.create()
    backend.answer("anmeldung", at(10), registration())
    backend.answer("anmeldung", at(11), registration("Eva", "Zwei", "eva@beispiel.example"))
    original = OutboxSender.send
    seen_in_store: list[set[str]] = []

    def send_then_die(self: OutboxSender, message, key: str) -> None:
        # what is in the store at the moment a message leaves
        seen_in_store.append({v.status for v in backend.dataset().all(Versand) if v.schluessel == key})
        original(self, message, key)
        raise _Killed

    monkeypatch.setattr(OutboxSender, "send", send_then_die)
    with contextlib.suppress(_Killed):
        backend.sync()
    assert seen_in_store == [{"wird gesendet"}]
    monkeypatch.setattr(OutboxSender, "send", original)
    backend.sync()
    statuses = sorted(v.status for v in backend.dataset().all(Versand))
    # the interrupted one was written: the outbox proves it (issue 9.11), so it is »gesendet«, never resent
    assert statuses == ["gesendet", "gesendet"]
    sent = list((folder / "ausgang").glob("*.eml"))
    assert len(sent) == len({p.name for p in sent}) == statuses.count("gesendet") + statuses.count("unklar")
    assert len(backend.dataset().all(Anmeldung)) == 2
