"""``formulare`` and ``einrichten`` through the CLI, against the fake; the stand-in API over plain HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from automation.adapters.form_state import load_form_states
from automation.adapters.google import wiring
from automation.adapters.xlsx import WorkbookStore
from automation.cli import main
from automation.domain.dataset import Dataset
from automation.domain.form_options import options_from_data, termin_id_from_option, termin_option_text
from automation.domain.forms import load_forms
from automation.domain.records import TABS, Termin, Verein, headers
from automation.services.einrichten import layouts
from tests.google.conftest import GoogleWorkspace, write_google_settings
from tests.google.fake_google import FakeGoogle, serve


def run(folder: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(folder), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def with_data(fake: FakeGoogle) -> None:
    for spec in TABS:
        fake.add_sheet(spec.name, [headers(spec.model)])
    termine = fake.sheet("Termine")
    termine.rows += [
        ["T-2027-1", "Markt der Möglichkeiten", "13.03.2027", "14:00", "", "Bürgerhaus"]
        + [""] * 6
        + ["Anmeldung offen"],
        ["T-2027-2", "Herbstrunde", "11.09.2027", "", "", ""] + [""] * 6 + ["geplant"],
    ]
    vereine = fake.sheet("Vereine")
    vereine.rows += [["V-1", "Sportverein", "", "", "", "", "Sport, Kultur"], ["V-2", "Chor", "", "", "", "", "kultur"]]
    fake.sheet("Kommunen").rows += [["Seedorf", "SD"], ["Am Bach", "AB"]]


def test_termin_option_text_round_trip() -> None:
    termin = Termin(termin_id="T-2027-1", titel="Markt", datum=dt.date(2027, 3, 13), beginn=dt.time(14), ort="Halle")
    text = termin_option_text(termin)
    assert text == "Sa 13.03.2027, 14:00 Uhr – Markt, Halle [T-2027-1]"
    assert termin_id_from_option(text) == "T-2027-1"
    assert termin_id_from_option("irgendwas") is None


def test_formulare_creates_publishes_and_second_run_writes_nothing(
    google_workspace: Callable[..., GoogleWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GESPRAECHSRUNDE_DARSTELLUNG__FORMULAR_SPRACHEN", '["de", "en", "tr", "uk", "ar"]')
    gw = google_workspace()
    with_data(gw.fake)
    output = run(gw.folder, "formulare")
    assert "neu angelegt" in output
    states = load_form_states(gw.folder)
    forms = ("anmeldung", "feedback", "abmeldung", "nachfrage")
    assert set(states) == {f if s == "de" else f"{f}.{s}" for f in forms for s in ("de", "en", "tr", "uk", "ar")}
    follow_up = gw.fake.forms[states["nachfrage"].form_id]  # the follow-up form, created on the stand-in
    assert [i["questionItem"]["question"]["questionId"] for i in follow_up["items"]] == [
        q.frage_id for q in load_forms()["nachfrage"].fragen
    ]
    assert follow_up["publishSettings"]["publishState"]["isPublished"] is True
    form = gw.fake.forms[states["anmeldung"].form_id]
    definition = load_forms()["anmeldung"]
    assert [i["questionItem"]["question"]["questionId"] for i in form["items"]] == [
        q.frage_id for q in definition.fragen
    ]
    assert form["publishSettings"]["publishState"] == {"isPublished": True, "isAcceptingResponses": True}
    termin_item = next(i for i in form["items"] if i["questionItem"]["question"]["questionId"] == "0a000007")
    options = [o["value"] for o in termin_item["questionItem"]["question"]["choiceQuestion"]["options"]]
    assert options == ["Sa 13.03.2027, 14:00 Uhr – Markt der Möglichkeiten, Bürgerhaus [T-2027-1]"]
    themen = next(i for i in form["items"] if i["questionItem"]["question"]["questionId"] == "0a000008")
    assert [o["value"] for o in themen["questionItem"]["question"]["choiceQuestion"]["options"]] == ["Kultur", "Sport"]
    creates = [c for c in gw.fake.calls if c.kind == "forms.create"]
    assert all(set(c.body) == {"info"} for c in creates)

    start = len(gw.fake.calls)
    output = run(gw.folder, "formulare")
    assert output.count("unverändert") == 20  # four forms in five languages
    assert gw.fake.writes(start) == []

    # the next sync maps answers with what »formulare« sent: no forms.get
    gw.fake.add_form_response(
        states["anmeldung"].form_id,
        {"responseId": "r1", "createTime": "2027-03-01T09:00:00Z", "lastSubmittedTime": "2027-03-01T09:00:00Z",
         "answers": {"0a000001": {"questionId": "0a000001", "textAnswers": {"answers": [{"value": "Anna"}]}}}},
    )  # fmt: skip
    start = len(gw.fake.calls)
    (answer,) = gw.workspace().answer_source().fetch({"anmeldung": definition}, {"anmeldung": None})
    assert answer.werte == {"vorname": ["Anna"]}
    assert [k for k in gw.fake.kinds(start) if k != "token"] == ["responses.list"] * 5  # one per language

    # a new club changes the choices of the forms listing clubs (feedback, nachfrage): one batchUpdate each,
    # in every language
    gw.fake.sheet("Vereine").rows.append(["V-3", "Feuerwehr"])
    start = len(gw.fake.calls)
    run(gw.folder, "formulare")
    writes = gw.fake.writes(start)
    assert [w.kind for w in writes] == ["forms.batchUpdate"] * 10
    assert all({next(iter(r)) for r in w.body["requests"]} == {"updateItem"} for w in writes)


def test_formulare_repairs_hand_edits(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    gw = google_workspace()
    with_data(gw.fake)
    run(gw.folder, "formulare")
    form_id = load_form_states(gw.folder)["feedback"].form_id
    items = gw.fake.forms[form_id]["items"]
    items.reverse()  # someone reordered the questions
    del items[0]  # and deleted one
    run(gw.folder, "formulare")
    definition = load_forms()["feedback"]
    ids = [i["questionItem"]["question"]["questionId"] for i in gw.fake.forms[form_id]["items"]]
    assert ids == [q.frage_id for q in definition.fragen]


def test_einrichten_google_is_idempotent_and_keeps_data(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    gw = google_workspace()
    gw.fake.add_sheet("Kontakte", [["Kontakt-ID", "Meine Spalte", "E-Mail"], ["K-1", "bleibt", "a@b.de"]])
    output = run(gw.folder, "einrichten")
    assert "Tabellenblatt »Termine« angelegt." in output
    kontakte = gw.fake.sheet("Kontakte")
    assert kontakte.rows[1][:3] == ["K-1", "bleibt", "a@b.de"]
    assert kontakte.rows[0][:3] == ["Kontakt-ID", "Meine Spalte", "E-Mail"]
    assert kontakte.frozen_rows == 1
    gruppe = kontakte.header_index("Gruppe")
    assert kontakte.validations[gruppe][2]["condition"]["values"][0] == {"userEnteredValue": "Incoming"}
    assert kontakte.protected and kontakte.protected[0]["warningOnly"] is True
    assert not gw.fake.sheet("Vereine").protected
    start = len(gw.fake.calls)
    output = run(gw.folder, "einrichten")
    assert "nichts zu tun" in output
    assert gw.fake.writes(start) == []


def test_einrichten_local_workbook(tmp_path: Path) -> None:
    (tmp_path / "gespraechsrunde.toml").write_text('speicher = "lokal"\n', encoding="utf-8")
    run(tmp_path, "einrichten")
    snapshot = WorkbookStore(tmp_path / "gespraechsrunde.xlsx").read()
    assert set(snapshot) == {t.name for t in layouts()}
    assert "nichts zu tun" in run(tmp_path, "einrichten")


def test_stand_in_api_over_loopback_http(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole stack (token, gspread, google-api-python-client) against a real HTTP server on 127.0.0.1."""
    fake = FakeGoogle()
    monkeypatch.setattr(wiring, "SLEEP", lambda seconds: None)
    monkeypatch.delenv("GESPRAECHSRUNDE_GOOGLE_DIENSTKONTO_JSON", raising=False)
    with serve(fake) as base:
        write_google_settings(
            tmp_path, sheets_url=base, forms_url=base, drive_url=base, token_url=f"{base}/token",
            anfragen_pro_minute=100000,
        )  # fmt: skip
        run(tmp_path, "einrichten")
        with_data_rows = fake.sheet("Vereine")
        with_data_rows.rows.append(["V-1", "Sportverein", "", "", "", "", "Sport"])
        run(tmp_path, "formulare")
        states = load_form_states(tmp_path)
        assert states["anmeldung"].responder_url.endswith("/viewform")
        from automation.services.wiring import Workspace

        ws = Workspace.open(tmp_path)
        ds = Dataset.from_snapshot(ws.store().read())
        assert [v.name for v in ds.all(Verein)] == ["Sportverein"]
        assert options_from_data(ds)["themen"] == ["Sport"]
        forms = load_forms()
        assert ws.answer_source().fetch(forms, dict.fromkeys(forms)) == []
    assert {c.kind for c in fake.calls} >= {"token", "values:batchGet", "forms.create", "responses.list"}
