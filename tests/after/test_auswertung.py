"""``auswertung``: figures computed independently from the tabs, no small groups, PDFs in Chromium."""

from __future__ import annotations

import json
import re
import shutil
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.after.conftest import held_records
from tests.conftest import WorkspaceFactory, cells

TERMIN = "T-2026-10"


def _split(value: Any) -> list[str]:
    return [p.strip() for p in re.split(r"[,;\n]", str(value or "")) if p.strip()]


def _expected(folder: Path) -> dict[str, Any]:
    """The figures, from the raw cells of the workbook (no code of the package)."""
    anmeldungen = [r for r in cells(folder, "Anmeldungen") if r["Termin-ID"] == TERMIN]
    kontakte = {r["Kontakt-ID"]: r for r in cells(folder, "Kontakte")}
    feedback = [r for r in cells(folder, "Feedback") if r["Termin-ID"] == TERMIN]
    plan = [r for r in cells(folder, "Tischplan") if r["Termin-ID"] == TERMIN]
    vereine = {r["Vereins-ID"]: r for r in cells(folder, "Vereine")}
    came = {r["Anmelde-ID"] for r in anmeldungen if r["Status"] == "teilgenommen"}
    groups: dict[str, int] = {}
    for r in anmeldungen:
        if r["Status"] == "teilgenommen":
            g = kontakte[r["Kontakt-ID"]]["Gruppe"] or "ohne Angabe"
            groups[g] = groups.get(g, 0) + 1
    clubs = {}
    for vid, verein in vereine.items():
        if TERMIN not in _split(verein["Termine (teilnehmend)"]):
            continue
        names = {verein["Name"], vid}
        seated = {
            p for r in plan if names & set(_split(r["Vereine"])) for p in _split(r["Teilnehmende"])
            if p.split("+")[0] in came
        }  # fmt: skip
        interested = [
            f for f in feedback if names & set(_split(f["Interessante Vereine"]) + _split(f["Kontaktwunsch"]))
        ]
        wishes = [f for f in feedback if names & set(_split(f["Kontaktwunsch"]))]
        ratings = [int(f["Bewertung"]) for f in interested if f["Bewertung"]]
        clubs[vid] = {
            "am_tisch": len(seated), "interessiert": len(interested), "kontaktwunsch": len(wishes),
            "bewertung_mittel": round(statistics.mean(ratings), 2) if ratings else None,
        }  # fmt: skip
    ratings = [int(f["Bewertung"]) for f in feedback if f["Bewertung"]]
    return {
        "teilgenommen": len(came),
        "nicht_erschienen": sum(1 for r in anmeldungen if r["Status"] == "nicht erschienen"),
        "feedback": len(feedback),
        "bewertung_mittel": round(statistics.mean(ratings), 2),
        "groups": groups,
        "clubs": clubs,
    }


def test_json_figures_match_the_tabs(make_workspace: WorkspaceFactory, cli: Callable[..., Result]) -> None:
    folder = make_workspace(held_records())
    result = cli("-C", str(folder), "auswertung", "--termin", TERMIN, "--json", "--ohne-pdf")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    expected = _expected(folder)
    assert data["teilgenommen"] == expected["teilgenommen"] == 21
    assert data["nicht_erschienen"] == expected["nicht_erschienen"]
    assert data["feedback"] == expected["feedback"]
    assert data["bewertung_mittel"] == expected["bewertung_mittel"]
    assert {g: c["teilgenommen"] for g, c in data["nach_gruppe"].items() if c["teilgenommen"]} == expected["groups"]
    by_club = {c["vereins_id"]: c for c in data["vereine"]}
    assert set(by_club) == set(expected["clubs"]) == {"V-01", "V-02", "V-03"}  # V-04 did not attend
    for vid, figures in expected["clubs"].items():
        for key, value in figures.items():
            assert by_club[vid][key] == value, (vid, key)
    assert by_club["V-01"]["am_tisch"] > 0 and by_club["V-03"]["am_tisch"] > 0  # club named by ID in the plan
    assert by_club["V-01"]["weitergegeben"] == 0  # nothing handed off yet
    # impact: six people came to the earlier date and again to this one
    earlier = next(w for w in data["wirkung"]["termine"] if w["termin_id"] == "T-2026-04")
    assert earlier["teilgenommen"] == 6 and earlier["wiedergekommen"] == 6


def test_plans_written_by_tischplan_count_the_same_seats(tmp_path: Path, cli: Callable[..., Result]) -> None:
    """A plan in the tab's current format (readable names, IDs beside them) counts the people at each
    club's table by their IDs, the same as a hand-made plan with Anmelde-IDs under »Teilnehmende«."""
    from automation.domain.records import TischplanZeile
    from tests.after.conftest import CLUBS
    from tests.factory import BASE_SETTINGS, build_workspace

    ids_of = {c.name: c.vereins_id for c in CLUBS} | {c.vereins_id: c.vereins_id for c in CLUBS}
    names_of = {c.vereins_id: c.name for c in CLUBS}
    records = []
    for record in held_records():
        if isinstance(record, TischplanZeile):
            club_ids = [ids_of[v] for v in record.vereine]
            record = record.model_copy(
                update={
                    "vereine": [names_of[v] for v in club_ids], "vereins_ids": club_ids,
                    "teilnehmende": [f"Person {i}." for i, _ in enumerate(record.teilnehmende)],
                    "teilnehmende_ids": record.teilnehmende,
                }
            )  # fmt: skip
        records.append(record)
    by_format = []
    for name, rows in (("alt", held_records()), ("neu", records)):
        folder = build_workspace(tmp_path / name, rows, settings=BASE_SETTINGS)
        result = cli("-C", str(folder), "auswertung", "--termin", TERMIN, "--json", "--ohne-pdf")
        assert result.exit_code == 0, result.output
        by_format.append({c["vereins_id"]: c["am_tisch"] for c in json.loads(result.output)["vereine"]})
    assert by_format[0] == by_format[1]
    assert all(by_format[1][v] > 0 for v in ("V-01", "V-02", "V-03"))


def test_unknown_date_is_a_clear_error(make_workspace: WorkspaceFactory, cli: Callable[..., Result]) -> None:
    folder = make_workspace(held_records())
    result = cli("-C", str(folder), "auswertung", "--termin", "T-GIBTSNICHT", "--ohne-pdf")
    assert result.exit_code == 2
    assert "T-GIBTSNICHT" in result.output and "T-2026-10" in result.output


def _visible_text(html: str) -> str:
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_club_reports_never_show_groups_below_three(
    make_workspace: WorkspaceFactory, cli: Callable[..., Result]
) -> None:
    folder = make_workspace(held_records())
    assert cli("-C", str(folder), "auswertung", "--termin", TERMIN, "--ohne-pdf").exit_code == 0
    out = folder / "ausgabe" / f"auswertung-{TERMIN}"
    reports = sorted(out.glob("verein-*.html"))
    assert [p.name for p in reports] == ["verein-V-01.html", "verein-V-02.html", "verein-V-03.html"]
    for page in [*reports, out / "uebersicht.html"]:
        html = page.read_text(encoding="utf-8")
        # every number in a table cell or figure box is 0 or at least 3 (or a rating like 3,1)
        for cell in re.findall(r'<td class="zahl">([^<]*)</td>|<div class="wert">([^<]*)</div>', html):
            value = (cell[0] or cell[1]).strip()
            assert value not in ("1", "2"), (page.name, value)
        # chart labels: bars of 1 or 2 are drawn as "< 3"
        for svg in re.findall(r"<svg.*?</svg>", html, flags=re.S):
            labels = {t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)}
            assert labels and not {"1", "2"} & labels, (page.name, labels)
    v01 = _visible_text((out / "verein-V-01.html").read_text(encoding="utf-8"))
    assert "weniger als 3" in v01
    assert "&lt; 3" in (out / "verein-V-01.html").read_text(encoding="utf-8")  # the masked bar's label
    assert "sind nur am Wochenende hier; Ihre Angebote sind alle werktags" in v01
    # free texts only from people who consented and asked this club to contact them (K-000, K-012, K-018)
    assert "Freitext von Person 0" in v01 and "Freitext von Person 12" in v01
    v02 = _visible_text((out / "verein-V-02.html").read_text(encoding="utf-8"))
    assert "Freitext" not in v02 and "Verbesserung" not in v02  # improvement texts stay with the coordination
    assert "Verbesserung 0" in _visible_text((out / "uebersicht.html").read_text(encoding="utf-8"))


def test_club_names_are_escaped_in_reports(make_workspace: WorkspaceFactory, cli: Callable[..., Result]) -> None:
    records = held_records()
    from automation.domain.records import Verein

    records = [
        r.model_copy(update={"name": "<script>x</script> $Kasse$"})
        if isinstance(r, Verein) and r.vereins_id == "V-03"
        else r
        for r in records
    ]
    folder = make_workspace(records)
    assert cli("-C", str(folder), "auswertung", "--termin", TERMIN, "--ohne-pdf").exit_code == 0
    html = (folder / "ausgabe" / f"auswertung-{TERMIN}" / "uebersicht.html").read_text(encoding="utf-8")
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


@pytest.mark.browser
def test_reports_render_as_pdf_in_chromium(make_workspace: WorkspaceFactory, cli: Callable[..., Result]) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("kein chromium installiert")
    pypdf = pytest.importorskip("pypdf")
    folder = make_workspace(held_records())
    result = cli("-C", str(folder), "auswertung", "--termin", TERMIN)
    assert result.exit_code == 0, result.output
    out = folder / "ausgabe" / f"auswertung-{TERMIN}"
    club = pypdf.PdfReader(out / "verein-V-01.pdf")
    assert 1 <= len(club.pages) <= 3
    text = " ".join(page.extract_text() for page in club.pages)
    assert "Rückmeldung für TSV Adorf" in text and "weniger als 3" in text
    assert len(pypdf.PdfReader(out / "uebersicht.pdf").pages) >= 2


def test_missing_chromium_is_a_german_message(
    make_workspace: WorkspaceFactory, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    folder = make_workspace(held_records())
    result = cli("-C", str(folder), "auswertung", "--termin", TERMIN)
    assert result.exit_code == 1
    assert "Chromium" in result.output and "apt-get install chromium" in result.output
    assert (folder / "ausgabe" / f"auswertung-{TERMIN}" / "verein-V-01.html").is_file()
