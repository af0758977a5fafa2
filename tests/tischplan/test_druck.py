"""Print version: escaping, names, and (with chromium) one page per sign, card and briefing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from automation.tischplan import Instanz, solve
from automation.tischplan.ausgabe import anzeigename, plan_rows
from automation.tischplan.beispiele import markt
from automation.tischplan.druck import druckfassung, seitenzahl
from tests.tischplan.conftest import instanz_daten


def test_display_name_is_first_name_and_initial() -> None:
    assert anzeigename("Anna Maria Becker", "K1") == "Anna B."
    assert anzeigename(None, "K1") == "K1"
    assert anzeigename("  ", "K1") == "K1"


def test_html_escapes_and_shows_route_cards() -> None:
    daten = instanz_daten()
    daten["teilnehmende"][0]["name"] = "<script>alert(1)</script> Böse"
    daten["vereine"][0]["name"] = "Turn- & Sportverein"
    instanz = Instanz.model_validate(daten)
    html = druckfassung(instanz, solve(instanz, iterations=500).plan)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; B." in html
    assert "Turn- &amp; Sportverein" in html
    assert html.count('class="seite karte laufkarte"') == len(instanz.teilnehmende)
    assert "Laufkarte für K2" in html


def test_plan_rows_have_the_tab_columns() -> None:
    instanz = markt(1)
    plan = solve(instanz, iterations=500).plan
    rows = plan_rows(instanz, plan)
    assert len(rows) == instanz.runden * len(instanz.tische)
    assert all(list(r) == ["Runde", "Tisch", "Vereine", "Teilnehmende", "Lotsen"] for r in rows)
    lotsen = {p.id for p in instanz.teilnehmende if p.lotse}
    assert all(set(filter(None, r["Lotsen"].split(", "))) <= lotsen for r in rows)


@pytest.mark.browser
def test_print_version_has_one_page_per_card_in_chromium(tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("kein chromium installiert")
    pypdf = pytest.importorskip("pypdf")
    instanz = markt(4)
    for person in instanz.teilnehmende[:5]:
        person.name = "Maximiliane-Josefine Überlänge-Namenreich von Hohenzollern"
    html = tmp_path / "druck.html"
    html.write_text(druckfassung(instanz, solve(instanz, iterations=2000).plan), encoding="utf-8")
    pdf = tmp_path / "druck.pdf"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profil'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    seiten = len(pypdf.PdfReader(str(pdf)).pages)
    # a card or sign that overflowed its page would add a page
    assert seiten == seitenzahl(instanz)


def test_companions_are_grouped_with_their_person() -> None:
    daten = instanz_daten()
    daten["teilnehmende"][0]["id"] = "A-1"
    daten["teilnehmende"][0]["name"] = "Anna Berg"
    daten["teilnehmende"][1]["id"] = "A-1+1"
    daten["teilnehmende"][2]["id"] = "A-1+2"
    daten["zusammen"] = [["A-1", "A-1+1", "A-1+2"]]
    instanz = Instanz.model_validate(daten)
    namen = {"A-1+1": "Begleitung 1 von Anna B.", "A-1+2": "Begleitung 2 von Anna B."}
    html = druckfassung(instanz, solve(instanz, iterations=500).plan, namen)
    assert html.count("Anna B. +2") == 2  # one cell per round
    assert "Begleitung 1 von Anna B." not in html
    assert html.count('class="seite karte laufkarte"') == len(instanz.teilnehmende) - 2
    assert "Anna B. (mit 2 Begleitungen)" in html
