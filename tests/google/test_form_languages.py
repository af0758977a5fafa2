"""Forms in several languages, against the Google stand-in with the real googleapiclient and gspread code.

``formulare`` creates one Google Form per form and language; a Turkish answer lands through a real ``sync``
in the same columns with the same values as a German one; an invitation links the form in the person's
language.
"""

from __future__ import annotations

import datetime as dt
import email
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from automation.adapters.form_state import load_form_states
from automation.domain.form_options import termin_option_text
from automation.domain.forms import FormDefinition, load_forms, load_variants
from automation.domain.records import Anmeldung, Eingang, Hinweis, Kontakt
from automation.domain.resources import formulare_dir
from tests.backends import GoogleBackend, google_backend, zulu
from tests.conftest import TERMIN, base_records

LANGUAGES = ("de", "en", "tr", "uk", "ar")


def titles_and_ids(form: dict[str, Any]) -> list[tuple[str, str]]:
    return [(i["title"], i["questionItem"]["question"]["questionId"]) for i in form["items"]]


def choices(form: dict[str, Any], question_id: str) -> list[str]:
    item = next(i for i in form["items"] if i["questionItem"]["question"]["questionId"] == question_id)
    return [o["value"] for o in item["questionItem"]["question"]["choiceQuestion"]["options"]]


def response(definition: FormDefinition, rid: str, when: dt.datetime, answers: dict[str, list[str]]) -> Any:
    """A ``responses.list`` item as Google sends it: the texts the person saw, keyed by question ID."""
    return {
        "responseId": rid,
        "createTime": zulu(when),
        "lastSubmittedTime": zulu(when),
        "answers": {
            definition.question(key).frage_id: {
                "questionId": definition.question(key).frage_id,
                "textAnswers": {"answers": [{"value": v} for v in values]},
            }
            for key, values in answers.items()
        },
    }


def filled(definition: FormDefinition, vorname: str, mail: str, **extra: list[str]) -> dict[str, list[str]]:
    """A registration as a person ticks it in ``definition`` (first option of each choice, by position)."""
    option = {q.schluessel: [o.text for o in q.optionen] for q in definition.fragen}
    answers = {
        "vorname": [vorname], "nachname": ["Yılmaz"], "email": [mail], "kommune": ["Adorf"],
        "gruppe": [option["gruppe"][0]], "termin": [termin_option_text(TERMIN)], "interessen": ["Sport"],
        "personen": ["2"], "anwesenheit": [option["anwesenheit"][1], option["anwesenheit"][2]],
        "kinderbetreuung": [option["kinderbetreuung"][0]], "begleitung": [option["begleitung"][0]],
        "einwilligung_speicherung": option["einwilligung_speicherung"],
        "einwilligung_einladungen": option["einwilligung_einladungen"],
    }  # fmt: skip
    answers.update(extra)
    return answers


@pytest.fixture
def gb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("GESPRAECHSRUNDE_MAIL__SENDEN_BEI_SYNC", "false")
    monkeypatch.setenv("GESPRAECHSRUNDE_DARSTELLUNG__FORMULAR_SPRACHEN", '["de", "en", "tr", "uk", "ar"]')
    with google_backend(tmp_path / "arbeitsordner", monkeypatch) as backend:
        backend.create()
        (backend.folder / "formulare.json").unlink()  # no forms yet: »formulare« creates them
        yield backend


def test_formulare_creates_one_published_form_per_language(gb: GoogleBackend) -> None:
    result = gb.run("formulare")
    assert result.exit_code == 0, result.output
    assert "Kayıt" not in result.output and "Anmeldung zur Gesprächsrunde (Türkisch): neu angelegt" not in result.output
    assert "Gesprächsrunde'ye kayıt (Türkisch): neu angelegt." in result.output
    states = load_form_states(gb.folder)
    german = load_forms()
    variants = load_variants(german)
    for form_id in german:
        ids = set()
        for sprache in LANGUAGES:
            state = states[form_id if sprache == "de" else f"{form_id}.{sprache}"]
            form = gb.fake.forms[state.form_id]
            ids.add(state.form_id)
            definition = variants[form_id][sprache]
            assert form["info"]["title"] == definition.titel
            # same question IDs in every language, the texts of that language
            assert titles_and_ids(form) == [(q.titel, q.frage_id) for q in definition.fragen]
            assert form["publishSettings"]["publishState"] == {"isPublished": True, "isAcceptingResponses": True}
        assert len(ids) == len(LANGUAGES)  # five different Google Forms
    turkish = gb.fake.forms[states["anmeldung.tr"].form_id]
    assert choices(turkish, "0a00000c") == ["Evet", "Hayır"]  # Kinderbetreuung
    # the date written in Turkish, the Termin-ID in brackets as in German
    assert choices(turkish, "0a000007") == [
        "13 Mart 2027 Cumartesi, 14:00 – Markt der Möglichkeiten, Bürgerhaus Adorf [T-2027-1]"
    ]
    assert choices(gb.fake.forms[states["anmeldung.en"].form_id], "0a000007") == [
        "Saturday, March 13, 2027, 2:00\u202fPM – Markt der Möglichkeiten, Bürgerhaus Adorf [T-2027-1]"
    ]
    arabic = gb.fake.forms[states["anmeldung.ar"].form_id]
    assert arabic["info"]["title"] == "التسجيل في Gesprächsrunde"
    creates = [c for c in gb.fake.calls if c.kind == "forms.create"]
    assert len(creates) == 4 * len(LANGUAGES)
    assert {c.body["info"]["documentTitle"] for c in creates} >= {"Gesprächsrunde'ye kayıt (Türkisch)"}

    start = len(gb.fake.calls)
    result = gb.run("formulare")  # nothing changed: nothing written, in no language
    assert result.output.count("unverändert") == 4 * len(LANGUAGES)
    assert gb.fake.writes(start) == []


def test_turkish_answers_land_in_the_same_columns_and_values_as_german(gb: GoogleBackend) -> None:
    assert gb.run("formulare").exit_code == 0
    states = load_form_states(gb.folder)
    variants = load_variants(load_forms())["anmeldung"]
    de, tr = variants["de"], variants["tr"]
    when = dt.datetime(2027, 2, 1, 10)
    gb.fake.add_form_response(
        states["anmeldung"].form_id, response(de, "R-DE-1", when, filled(de, "Deniz", "d@x.example"))
    )
    termin_tr = choices(gb.fake.forms[states["anmeldung.tr"].form_id], "0a000007")  # the date as offered in Turkish
    gb.fake.add_form_response(
        states["anmeldung.tr"].form_id,
        response(tr, "R-TR-1", when, filled(tr, "Ayşe", "a@x.example", termin=termin_tr)),
    )
    result = gb.sync()
    assert result.exit_code == 0, result.output
    data = gb.dataset()
    assert {e.antwort_id: (e.formular, e.status) for e in data.all(Eingang)} == {
        "R-DE-1": ("anmeldung", "verarbeitet"), "R-TR-1": ("anmeldung", "verarbeitet"),
    }  # fmt: skip
    kontakte = {k.vorname: k for k in data.all(Kontakt)}
    deniz, ayse = kontakte["Deniz"], kontakte["Ayşe"]
    same = ("gruppe", "kommune", "anwesenheit", "interessen", "einwilligung_speicherung", "einwilligung_einladungen")
    assert {f: getattr(ayse, f) for f in same} == {f: getattr(deniz, f) for f in same}
    assert ayse.gruppe == "Incoming"  # »Burada zaman zaman yaşıyorum …« is the first option: Incoming
    assert ayse.anwesenheit == ["am Wochenende", "in den Ferien"]
    assert ayse.einwilligung_einladungen is True
    assert ayse.sprache == "Türkisch"  # filled the Turkish form and left the language open
    assert deniz.sprache in (None, "")
    anmeldungen = {a.kontakt_id: a for a in data.all(Anmeldung)}
    a_tr, a_de = anmeldungen[ayse.kontakt_id], anmeldungen[deniz.kontakt_id]
    assert a_tr.kinderbetreuung is True and a_de.kinderbetreuung is True  # »Evet« is »Ja«
    assert (a_tr.termin_id, a_tr.personen, a_tr.status) == (a_de.termin_id, a_de.personen, a_de.status)

    # the same person registers again in the German form: still one contact, one registration
    later = when + dt.timedelta(hours=2)
    again = filled(de, "Ayşe", "a@x.example", personen=["3"])
    gb.fake.add_form_response(states["anmeldung"].form_id, response(de, "R-DE-2", later, again))
    # and edits her Turkish answer (same response ID): updated in place, not a second answer
    edited = filled(tr, "Ayşe", "a@x.example", kinderbetreuung=["Hayır"], personen=["3"], termin=termin_tr)
    gb.fake.form_responses[states["anmeldung.tr"].form_id][0] = response(tr, "R-TR-1", later, edited)
    result = gb.sync()
    assert result.exit_code == 0, result.output
    data = gb.dataset()
    assert sorted(e.antwort_id for e in data.all(Eingang)) == ["R-DE-1", "R-DE-2", "R-TR-1"]
    assert [k.vorname for k in data.all(Kontakt)].count("Ayşe") == 1
    (registered,) = [a for a in data.all(Anmeldung) if a.kontakt_id == ayse.kontakt_id]
    assert registered.personen == 3

    # she cancels through the Turkish cancellation form: »Kaydımı iptal ediyorum.« is »absagen«
    cancel = load_variants(load_forms())["abmeldung"]["tr"]
    wish = {
        "anmelde_id": [registered.anmelde_id],
        "kontakt_id": [ayse.kontakt_id],
        "wunsch": ["Kaydımı iptal ediyorum."],
    }
    gb.fake.add_form_response(states["abmeldung.tr"].form_id, response(cancel, "R-TR-2", later, wish))
    result = gb.sync()
    assert result.exit_code == 0, result.output
    (registered,) = [a for a in gb.dataset().all(Anmeldung) if a.kontakt_id == ayse.kontakt_id]
    assert registered.status == "abgesagt"


def _body(message: Message) -> str:
    parts = [p for p in message.walk() if p.get_content_type() == "text/plain"]
    return "".join(str(p.get_payload(decode=True), "utf-8") for p in parts)  # type: ignore[arg-type]


def test_invitation_links_the_form_in_the_persons_language(gb: GoogleBackend) -> None:
    records = [r for r in base_records() if not isinstance(r, Kontakt)]
    people = [
        Kontakt(kontakt_id="K-ENGLISH1", vorname="Jane", nachname="Doe", email="jane@beispiel.example",
                kommune="Adorf", sprache="Englisch", einwilligung_speicherung=True, einwilligung_einladungen=True),
        Kontakt(kontakt_id="K-DEUTSCH1", vorname="Erika", nachname="Beispiel", email="erika@beispiel.example",
                kommune="Adorf", sprache="", einwilligung_speicherung=True, einwilligung_einladungen=True),
    ]  # fmt: skip
    gb.create([*records, *people])
    (gb.folder / "formulare.json").unlink()
    assert gb.run("formulare").exit_code == 0
    states = load_form_states(gb.folder)
    assert gb.run("einladen", "--termin", TERMIN.termin_id).exit_code == 0
    bodies = {}
    for path in (gb.folder / "ausgang").glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        bodies[str(message["To"])] = _body(message)
    english = next(text for to, text in bodies.items() if "jane@" in to)
    german = next(text for to, text in bodies.items() if "erika@" in to)
    english_form = states["anmeldung.en"].responder_url.split("?")[0]
    german_form = states["anmeldung"].responder_url.split("?")[0]
    assert english_form in english and german_form not in english
    assert german_form in german and english_form not in german
    # the unsubscribe link goes to the English cancellation form, its choice preselected in English
    assert states["abmeldung.en"].responder_url.split("?")[0] in english
    assert "I%20do%20not%20want%20any%20more%20invitations." in english


def test_placeholders_for_empty_choices_are_in_the_forms_language() -> None:
    from automation.services.formulare import choices

    termin = load_forms()["anmeldung"].question("termin")
    assert choices(termin, {"termine": []}, "tr") == ["Şu anda kayıt için açık bir tarih yok"]
    assert choices(termin, {"termine": []}) == ["Zurzeit ist kein Termin zur Anmeldung offen"]


def test_an_unfitting_translation_holds_back_that_form_until_fixed_and_loses_nothing(gb: GoogleBackend) -> None:
    assert gb.run("formulare").exit_code == 0
    states = load_form_states(gb.folder)
    variants = load_variants(load_forms())["anmeldung"]
    de, tr = variants["de"], variants["tr"]
    when = dt.datetime(2027, 2, 1, 10)
    termin_tr = choices(gb.fake.forms[states["anmeldung.tr"].form_id], "0a000007")
    gb.fake.add_form_response(
        states["anmeldung"].form_id, response(de, "R-DE-1", when, filled(de, "Deniz", "d@x.example"))
    )
    gb.fake.add_form_response(
        states["anmeldung.tr"].form_id,
        response(tr, "R-TR-1", when, filled(tr, "Ayşe", "a@x.example", termin=termin_tr)),
    )
    own = gb.folder / "formulare" / "anmeldung.tr.yaml"
    own.parent.mkdir(exist_ok=True)
    packaged = (formulare_dir() / "anmeldung.tr.yaml").read_text(encoding="utf-8")
    own.write_text(packaged.replace("      - Evet\n", ""), encoding="utf-8")  # someone deleted a choice
    result = gb.sync()
    assert result.exit_code == 1, result.output  # a finding, no traceback; the rest of the run went on
    data = gb.dataset()
    assert data.all(Eingang) == []  # neither language read: the one watermark of »anmeldung« stays put
    (finding,) = [h for h in data.all(Hinweis) if "anmeldung.tr.yaml" in h.hinweis]
    assert "kinderbetreuung" in finding.hinweis and "keine verloren" in finding.hinweis

    own.unlink()  # fixed
    result = gb.sync()
    assert result.exit_code == 0, result.output
    assert sorted(e.antwort_id for e in gb.dataset().all(Eingang)) == ["R-DE-1", "R-TR-1"]
