"""Answers from Google Forms through the real google-api-python-client, against the fake."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from automation.adapters.form_state import FormState, save_form_states
from automation.adapters.google.forms_source import filter_since
from automation.adapters.google.wiring import open_answer_source
from automation.domain.forms import load_forms
from tests.google.conftest import GoogleWorkspace
from tests.google.fake_google import FakeGoogle


def response(rid: str, submitted: str, answers: dict[str, list[str]], created: str | None = None) -> dict[str, object]:
    return {
        "formId": "formular-a",
        "responseId": rid,
        "createTime": created or submitted,
        "lastSubmittedTime": submitted,
        "answers": {
            qid: {"questionId": qid, "textAnswers": {"answers": [{"value": v} for v in values]}}
            for qid, values in answers.items()
        },
    }


def anmeldung_form(fake: FakeGoogle) -> None:
    forms = load_forms()
    items = [
        {"itemId": f"1{q.frage_id[1:]}", "title": q.titel, "questionItem": {"question": {"questionId": q.frage_id}}}
        for q in forms["anmeldung"].fragen
    ]
    # a question the coordinator added by hand in the Forms editor
    items.append({"itemId": "2000aaaa", "title": "Wie haben Sie von uns erfahren?", "questionItem": {
        "question": {"questionId": "3000bbbb"}}})  # fmt: skip
    fake.forms["formular-a"] = {"formId": "formular-a", "info": {"title": "Anmeldung"}, "items": items}


@pytest.fixture
def gw(google_workspace: Callable[..., GoogleWorkspace]) -> GoogleWorkspace:
    gw = google_workspace()
    anmeldung_form(gw.fake)
    save_form_states(gw.folder, {"anmeldung": FormState(form_id="formular-a", responder_url="https://x/viewform")})
    return gw


def test_answers_are_mapped_by_question_id(gw: GoogleWorkspace) -> None:
    gw.fake.add_form_response(
        "formular-a",
        response(
            "ACYDBNi-1",
            "2027-03-01T09:15:32.123Z",
            {
                "0a000001": ["Anna"],
                "0a000006": ["Ich bin neu hierher gezogen"],
                "0a00000a": ["am Wochenende", "in den Ferien"],
                "0a00000e": ["Ja, meine Angaben dürfen für diese Gesprächsrunde gespeichert werden."],
                "3000bbbb": ["Zeitung"],
            },
            created="2027-02-28T23:30:00Z",
        ),
    )
    source = gw.workspace().answer_source()
    forms = load_forms()
    (answer,) = source.fetch({"anmeldung": forms["anmeldung"]}, {"anmeldung": None})
    assert answer.antwort_id == "ACYDBNi-1"
    assert answer.formular == "anmeldung"
    assert answer.eingegangen == dt.datetime(2027, 3, 1, 0, 30)  # Europe/Berlin, naive
    assert answer.geaendert == dt.datetime(2027, 3, 1, 10, 15, 32)
    assert answer.werte["vorname"] == ["Anna"]
    assert answer.werte["gruppe"] == ["Neu zugezogen"]  # option text → value
    assert answer.werte["anwesenheit"] == ["am Wochenende", "in den Ferien"]
    assert answer.werte["einwilligung_speicherung"] == [
        "Ja, meine Angaben dürfen für diese Gesprächsrunde gespeichert werden."
    ]
    assert answer.unbekannt == {"Wie haben Sie von uns erfahren?": ["Zeitung"]}
    kinds = [k for k in gw.fake.kinds() if k != "token"]
    assert kinds == ["responses.list", "forms.get"]


def fetch_kinds(gw: GoogleWorkspace, since: dt.datetime | None = None) -> tuple[list[str], list[object]]:
    """One fetch of the Anmeldung form by a fresh source (as a new cron run would); request kinds and answers."""
    start = len(gw.fake.calls)
    forms = load_forms()
    answers = gw.workspace().answer_source().fetch({"anmeldung": forms["anmeldung"]}, {"anmeldung": since})
    return [k for k in gw.fake.kinds(start) if k != "token"], list(answers)


def test_definitions_are_fetched_once_and_then_only_when_they_may_have_changed(gw: GoogleWorkspace) -> None:
    gw.fake.forms["formular-a"]["revisionId"] = "00000007"
    gw.fake.add_form_response("formular-a", response("r1", "2027-03-01T09:00:00Z", {"0a000001": ["Anna"]}))
    kinds, _ = fetch_kinds(gw)
    assert kinds == ["responses.list", "forms.get"]
    assert (gw.folder / ".formulare-cache.json").exists()

    # an idle run (nothing new since the watermark): one list request, no definition
    kinds, answers = fetch_kinds(gw, dt.datetime(2027, 3, 2, 12, 0))
    assert (kinds, answers) == (["responses.list"], [])

    # a new answer to known questions: mapped from the cache, still no definition
    gw.fake.add_form_response("formular-a", response("r2", "2027-03-03T09:00:00Z", {"0a000001": ["Bernd"]}))
    kinds, answers = fetch_kinds(gw, dt.datetime(2027, 3, 2, 12, 0))
    assert kinds == ["responses.list"]
    assert [a.werte for a in answers] == [{"vorname": ["Bernd"]}]  # type: ignore[attr-defined]

    # a question added by hand in the Forms editor: its ID is unknown, so the definition is fetched again
    gw.fake.forms["formular-a"]["items"].append(
        {"itemId": "2000cccc", "title": "Noch etwas?", "questionItem": {"question": {"questionId": "3000dddd"}}}
    )
    gw.fake.forms["formular-a"]["revisionId"] = "00000008"
    gw.fake.add_form_response("formular-a", response("r3", "2027-03-04T09:00:00Z", {"3000dddd": ["Ja"]}))
    kinds, answers = fetch_kinds(gw, dt.datetime(2027, 3, 3, 12, 0))
    assert kinds == ["responses.list", "forms.get"]
    assert [a.unbekannt for a in answers] == [{"Noch etwas?": ["Ja"]}]  # type: ignore[attr-defined]


def test_a_new_revision_from_formulare_refreshes_the_cached_definition(gw: GoogleWorkspace) -> None:
    gw.fake.add_form_response("formular-a", response("r1", "2027-03-01T09:00:00Z", {"0a000001": ["Anna"]}))
    assert fetch_kinds(gw)[0] == ["responses.list", "forms.get"]
    assert fetch_kinds(gw)[0] == ["responses.list"]
    # »formulare« changed the form: formulare.json names another revision than the cache
    state = FormState(form_id="formular-a", responder_url="https://x/viewform", revision_id="00000009")
    save_form_states(gw.folder, {"anmeldung": state})
    assert fetch_kinds(gw)[0] == ["responses.list", "forms.get"]


def test_a_broken_cache_is_ignored(gw: GoogleWorkspace) -> None:
    (gw.folder / ".formulare-cache.json").write_text("{kaputt", encoding="utf-8")
    gw.fake.add_form_response("formular-a", response("r1", "2027-03-01T09:00:00Z", {"0a000001": ["Anna"]}))
    kinds, answers = fetch_kinds(gw)
    assert kinds == ["responses.list", "forms.get"] and len(answers) == 1


def test_title_is_the_fallback_when_question_ids_differ(gw: GoogleWorkspace) -> None:
    gw.fake.forms["formular-a"]["items"][0]["questionItem"]["question"]["questionId"] = "7abcdef0"
    gw.fake.add_form_response("formular-a", response("r1", "2027-03-01T09:00:00Z", {"7abcdef0": ["Berta"]}))
    forms = load_forms()
    (answer,) = gw.workspace().answer_source().fetch({"anmeldung": forms["anmeldung"]}, {"anmeldung": None})
    assert answer.werte == {"vorname": ["Berta"]}


def test_filter_subtracts_margin_and_converts_to_utc() -> None:
    assert filter_since(dt.datetime(2027, 3, 1, 10, 0, 0)) == "timestamp >= 2027-03-01T08:58:00Z"
    assert filter_since(dt.datetime(2027, 7, 1, 10, 0, 0)) == "timestamp >= 2027-07-01T07:58:00Z"


def test_no_answer_lost_at_page_or_watermark_boundaries(gw: GoogleWorkspace) -> None:
    # five answers with the same second, around the watermark, across pages of two
    same = "2027-03-01T09:00:00Z"
    for i in range(5):
        gw.fake.add_form_response("formular-a", response(f"gleich-{i}", same, {"0a000001": [f"P{i}"]}))
    gw.fake.add_form_response("formular-a", response("frueher", "2027-03-01T08:50:00Z", {}))
    gw.fake.add_form_response("formular-a", response("knapp", "2027-03-01T08:59:30Z", {}))
    gw.fake.add_form_response("formular-a", response("spaeter", "2027-03-01T09:00:01Z", {}))
    source = gw.workspace().answer_source()
    source.page_size = 2  # type: ignore[attr-defined]
    forms = load_forms()
    watermark = dt.datetime(2027, 3, 1, 10, 0, 0)  # = max(Geändert) in Eingang, Berlin time of "same"
    answers = source.fetch({"anmeldung": forms["anmeldung"]}, {"anmeldung": watermark})
    ids = {a.antwort_id for a in answers}
    assert ids == {f"gleich-{i}" for i in range(5)} | {"knapp", "spaeter"}
    lists = [c for c in gw.fake.calls if c.kind == "responses.list"]
    assert len(lists) == 4
    assert all(c.params["filter"] == ["timestamp >= 2027-03-01T08:58:00Z"] for c in lists)
    assert [c.params.get("pageToken") for c in lists][1:] == [
        ["timestamp >= 2027-03-01T08:58:00Z|2"],
        ["timestamp >= 2027-03-01T08:58:00Z|4"],
        ["timestamp >= 2027-03-01T08:58:00Z|6"],
    ]


def test_forms_calls_go_through_the_same_retrying_stack(gw: GoogleWorkspace) -> None:
    gw.fake.add_form_response("formular-a", response("r1", "2027-03-01T09:00:00Z", {}))
    gw.fake.fail_next = [500]
    forms = load_forms()
    answers = open_answer_source(gw.workspace()).fetch({"anmeldung": forms["anmeldung"]}, {"anmeldung": None})
    assert [a.antwort_id for a in answers] == ["r1"]
    assert any(s >= 0.5 for s in gw.sleeps)


def test_missing_form_state_says_what_to_run(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    from automation.domain.errors import ConfigError

    gw = google_workspace()
    forms = load_forms()
    with pytest.raises(ConfigError, match="gespraechsrunde formulare"):
        gw.workspace().answer_source().fetch(forms, dict.fromkeys(forms))
