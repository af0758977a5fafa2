"""``einrichten`` on Google makes the tabs readable with formatting requests (issue 12 item 3), once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from automation.cli import main
from tests.backends import google_backend
from tests.conftest import registration
from tests.google.conftest import GoogleWorkspace


def test_einrichten_sends_filter_widths_date_formats_and_colours_once(
    google_workspace: Callable[..., GoogleWorkspace],
) -> None:
    gw = google_workspace()
    gw.fake.add_sheet("Kontakte", [["Kontakt-ID", "Meine Spalte", "E-Mail"], ["K-1", "bleibt", "a@b.de"]])
    first = CliRunner().invoke(main, ["-C", str(gw.folder), "einrichten"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "»Versand«: Filter, Spaltenbreiten, Datumsformat und Zeilenumbruch" in first.output

    kontakte, versand, hinweise = gw.fake.sheet("Kontakte"), gw.fake.sheet("Versand"), gw.fake.sheet("Hinweise")
    assert kontakte.basic_filter == {"range": {"sheetId": kontakte.sheet_id}} and kontakte.frozen_rows == 1
    email, mine = kontakte.header_index("E-Mail"), kontakte.header_index("Meine Spalte")
    assert kontakte.column_widths[email] >= 200 and mine not in kontakte.column_widths  # the user's column: as it was
    zeit = versand.header_index("Zeit")
    assert versand.formats[zeit]["numberFormat"] == {"type": "DATE_TIME", "pattern": "dd.mm.yyyy hh:mm:ss"}
    termine = gw.fake.sheet("Termine")
    assert termine.formats[termine.header_index("Datum")]["numberFormat"]["pattern"] == "dd.mm.yyyy"
    assert hinweise.formats[hinweise.header_index("Hinweis")]["wrapStrategy"] == "WRAP"
    status = versand.header_index("Status")
    coloured = {
        r["booleanRule"]["condition"]["values"][0]["userEnteredValue"]: r["booleanRule"]["format"]["backgroundColor"]
        for r in versand.conditional_formats
        if r["ranges"][0]["startColumnIndex"] == status and r["ranges"][0]["startRowIndex"] == 1
    }
    assert coloured["fehlgeschlagen"] != coloured["gesendet"] and "unklar" in coloured
    assert {r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in hinweise.conditional_formats} == {
        "Fehler", "Warnung", "Info",
    }  # fmt: skip
    assert not gw.fake.sheet("Vereine").conditional_formats  # no statuses there

    # the coordinator narrows a column afterwards: a second run changes nothing
    kontakte.column_widths[email] = 90
    start = len(gw.fake.calls)
    second = CliRunner().invoke(main, ["-C", str(gw.folder), "einrichten"], catch_exceptions=False)
    assert "nichts zu tun" in second.output, second.output
    assert gw.fake.writes(start) == [] and kontakte.column_widths[email] == 90


def test_findings_on_google_link_to_the_cell_they_are_about(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with google_backend(tmp_path / "arbeitsordner", monkeypatch) as backend:
        backend.create()
        backend.answer("anmeldung", dt.datetime(2027, 2, 1, 9), registration("Karl", "Kaputt", "karl(at)x"))
        kontakte = backend.fake.sheet("Kontakte")
        kontakte.set(2, kontakte.header_index("Einwilligung Einladungen"), "ja, aber nicht per Mail")
        backend.sync()
        hinweise = backend.fake.sheet("Hinweise")
        tabelle, zeile, spalte = (hinweise.header_index(h) for h in ("Tabelle", "Zeile", "Spalte"))
        rows = {n: hinweise.rows[n - 1] for n in range(2, len(hinweise.rows) + 1)}
        about = next(n for n, r in rows.items() if r[tabelle] == "Kontakte" and r[spalte] == "Einwilligung Einladungen")
        column = kontakte.header_index("Einwilligung Einladungen")
        letter = chr(ord("A") + column)
        assert hinweise.links[(about, tabelle)] == f"#gid={kontakte.sheet_id}&range={letter}{rows[about][zeile]}"
        assert all(uri.startswith("#gid=") for uri in hinweise.links.values())
        assert all(rows[n][zeile] not in ("", None) for n, _ in hinweise.links)  # a row without a place: no link
