"""Route cards in each participant's language (``Kontakte.Sprache``), Arabic right to left."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from automation.adapters.printouts.tischplan_druck import Veranstaltung, druckfassung, rundenzeiten
from automation.domain.tischplan import Instanz, solve
from tests.tischplan.conftest import instanz_daten

EVENT = Veranstaltung(
    titel="Markt im Tal",
    datum=dt.date(2027, 3, 13),
    ort="Bürgerhaus",
    rundenzeiten=rundenzeiten(dt.time(14), dt.time(17), 2),
)


def _html() -> str:
    daten = instanz_daten()
    for person, (name, sprache) in zip(
        daten["teilnehmende"],
        [("Zora Ziegler", "ar"), ("Anna Becker", "tr"), ("Olena Koval", "uk"), ("Max Mut", "")],
        strict=False,
    ):
        person["name"], person["sprache"] = name, sprache
    instanz = Instanz.model_validate(daten)
    return druckfassung(instanz, solve(instanz, iterations=500).plan, veranstaltung=EVENT)


def _cards() -> dict[str, str]:
    cards = re.findall(r'<article class="a6 laufkarte"(.*?)</article>', _html(), re.S)
    return {re.search(r"<h2>(.*?)</h2>", card).group(1): card for card in cards}  # type: ignore[union-attr]


def test_each_route_card_speaks_its_reader_s_language() -> None:
    cards = _cards()
    assert cards["Zora Z."].startswith(' lang="ar" dir="rtl"')
    assert "الجولة" in cards["Zora Z."] and "السبت، 13 مارس 2027" in cards["Zora Z."]
    assert cards["Anna B."].startswith(' lang="tr" dir="ltr"') and "Masa" in cards["Anna B."]
    assert "13 Mart 2027 Cumartesi" in cards["Anna B."]
    assert cards["Olena K."].startswith(' lang="uk" dir="ltr"') and "Хто там буде" in cards["Olena K."]
    german = cards["Max M."]
    assert german.startswith(' lang="de" dir="ltr"') and "Dort sind" in german and "Samstag, 13.03.2027" in german
    assert "14:15–15:35" in cards["Zora Z."]  # round times stay as digits everyone reads


_PROBE = """<script>
const card = document.querySelector('article[lang=ar]');
const [first, , last] = card.querySelectorAll('th');
const time = card.querySelector('.zeit'), range = document.createRange();
range.setStart(time.firstChild, 0); range.setEnd(time.firstChild, 2);  // »14« of 14:15–15:35
const all = document.createRange(); all.selectNodeContents(time);
const hours = range.getBoundingClientRect(), whole = all.getBoundingClientRect();
document.documentElement.setAttribute('data-richtung', getComputedStyle(card).direction);
document.documentElement.setAttribute('data-runde-rechts', first.getBoundingClientRect().left > last.getBoundingClientRect().left);
document.documentElement.setAttribute('data-zeit-vorn', Math.round(hours.left - whole.left) < Math.round(whole.width / 2));
</script></body>"""


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="kein chromium installiert")
def test_arabic_route_card_runs_right_to_left_in_chromium(tmp_path: Path) -> None:
    page = tmp_path / "druck.html"
    page.write_text(_html().replace("</body>", _PROBE), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profil'}"]
    dom = subprocess.run(
        ["chromium", *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    attributes = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', dom.split(">", 2)[1]))
    assert attributes["richtung"] == "rtl"
    assert attributes["runde-rechts"] == "true"  # the first column (round) is the rightmost one
    assert attributes["zeit-vorn"] == "true"  # a round's time still reads 14:15–15:35, not reversed


def test_table_signs_carry_the_second_language_of_the_setting() -> None:
    instanz = Instanz.model_validate(instanz_daten())
    plan = solve(instanz, iterations=500).plan
    arabic = druckfassung(instanz, plan, veranstaltung=Veranstaltung(titel="Markt", zweite_sprache="Arabisch"))
    signs = re.findall(r'<section class="seite schild">(.*?)</section>', arabic, re.S)
    assert len(signs) == len(instanz.tische)
    for sign, tisch in zip(signs, instanz.tische, strict=True):
        assert f'<div class="tisch">Tisch {tisch.id}</div>' in sign
        assert f'<div class="tisch zweite" lang="ar" dir="rtl">الطاولة {tisch.id}</div>' in sign
    german_only = druckfassung(instanz, plan, veranstaltung=Veranstaltung(titel="Markt"))
    assert "zweite" not in "".join(re.findall(r'<section class="seite schild">(.*?)</section>', german_only, re.S))
