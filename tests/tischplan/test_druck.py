"""Print version: escaping, names, and (with chromium) one page per sign, card and briefing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from automation.adapters.printouts.tischplan_ausgabe import anzeigename
from automation.adapters.printouts.tischplan_druck import Veranstaltung, druckfassung, rundenzeiten, seitenzahl
from automation.domain.tischplan import Instanz, solve
from automation.domain.tischplan.beispiele import markt
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
    assert html.count('class="a6 laufkarte"') == len(instanz.teilnehmende)
    assert "<h2>K2</h2>" in html


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
    reader = pypdf.PdfReader(str(pdf))
    # a card or sign that overflowed its page would add a page
    assert len(reader.pages) == seitenzahl(instanz)
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    overview = -(-len(instanz.tische) // 5)
    assert sizes[:overview] == [(842, 595)] * overview  # the overview in landscape, the rest upright A4
    assert set(sizes[overview:]) == {(595, 842)}
    cards = sum(1 for p in instanz.teilnehmende if "+" not in p.id)
    card_pages = [i for i, page in enumerate(reader.pages) if "Dort sind" in (page.extract_text() or "")]
    assert len(card_pages) == -(-cards // 4)  # four A6 route cards to an A4 sheet


def test_route_cards_are_alphabetical_with_event_and_round_times() -> None:
    daten = instanz_daten()
    for person, name in zip(
        daten["teilnehmende"], ["Zora Ziegler", "Anna Becker", "anna Adler", "Max Mut"], strict=False
    ):
        person["name"] = name
    instanz = Instanz.model_validate(daten)
    event = Veranstaltung(
        titel="Markt im Tal",
        datum=__import__("datetime").date(2027, 3, 13),
        ort="Bürgerhaus",
        rundenzeiten=rundenzeiten(__import__("datetime").time(14), __import__("datetime").time(17), 2),
    )
    html = druckfassung(instanz, solve(instanz, iterations=500).plan, veranstaltung=event)
    names = [part.split("</h2>")[0] for part in html.split("<h2>")[1:]]
    cards = [n for n in names if n in {"Zora Z.", "Anna B.", "anna A.", "Max M."}]
    assert cards == sorted(cards, key=str.casefold) and len(cards) == 4
    assert html.count("Markt im Tal") >= len(instanz.teilnehmende)  # on every card
    assert "Samstag, 13.03.2027" in html and "14:15–15:35" in html and "15:40–17:00" in html


def test_two_people_with_the_same_short_name_are_told_apart() -> None:
    daten = instanz_daten()
    daten["teilnehmende"][0]["name"] = "Anna Becker"
    daten["teilnehmende"][1]["name"] = "Anna Brandt"
    daten["teilnehmende"][2]["name"] = "Otto Lang"
    daten["teilnehmende"][3]["name"] = "Otto Lang"
    instanz = Instanz.model_validate(daten)
    html = druckfassung(instanz, solve(instanz, iterations=500).plan)
    assert "<h2>Anna Becker</h2>" in html and "<h2>Anna Brandt</h2>" in html
    assert "<h2>Otto Lang (1)</h2>" in html and "<h2>Otto Lang (2)</h2>" in html
    assert "Anna B.<" not in html


def test_round_times_split_the_afternoon() -> None:
    import datetime as dt

    assert rundenzeiten(dt.time(14), dt.time(17), 4) == {
        1: "14:15–14:52",
        2: "14:57–15:34",
        3: "15:39–16:16",
        4: "16:21–16:58",
    }
    assert rundenzeiten(None, dt.time(17), 4) == {}
    assert rundenzeiten(dt.time(14), dt.time(14, 20), 4) == {}  # too short to be sensible: no times


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
    assert html.count('class="a6 laufkarte"') == len(instanz.teilnehmende) - 2
    assert "Anna B. (mit 2 Begleitungen)" in html
