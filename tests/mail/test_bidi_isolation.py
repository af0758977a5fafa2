"""Issue 15: what residents typed is isolated (``<bdi>``) in HTML mails and printouts.

A German remark in an Arabic mail keeps its full stop at its end (right of »später«), an Arabic remark in a
German mail keeps its full stop at its end (left of the Arabic words). Without isolation the surrounding
direction pulls the full stop to the wrong side. Checked where it shows: in headless Chromium.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from automation.adapters.mail.render import Renderer, sample_context
from automation.adapters.printouts.tischplan_druck import druckfassung
from automation.domain.mail.kinds import Art
from automation.domain.settings import Settings
from automation.domain.tischplan import Instanz, solve
from tests.tischplan.conftest import instanz_daten

GERMAN_REMARK = "Wir kommen etwas später."
ARABIC_REMARK = "سنصل متأخرين قليلاً."

# The left edge of the remark's first letter and of its full stop, as the browser lays them out.
_PROBE = """<script>
const wanted = document.documentElement.getAttribute('data-suche');
const root = document.querySelector(document.documentElement.getAttribute('data-wurzel') || 'body');
const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
let node;
while ((node = walk.nextNode()) && !node.data.includes(wanted)) {}
const start = node.data.indexOf(wanted), stop = start + wanted.length - 1;
function left(i) { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                   return r.getBoundingClientRect().left; }
document.documentElement.setAttribute('data-lage', JSON.stringify({erstes: left(start), punkt: left(stop)}));
</script></body>"""


def _settings() -> Settings:
    return Settings.model_validate({"darstellung": {"kommune": "Musterstadt"}})


def _mail(code: str, remark: str, name: str = "Jördis Müller-Lüdenscheidt") -> str:
    context: dict[str, Any] = sample_context(_settings(), Art.BESTAETIGUNG, code)
    context["anmeldung"] = {**context["anmeldung"], "bemerkung": remark}
    context["person"] = {"name": name, "vorname": name}
    return Renderer().render(Art.BESTAETIGUNG, context).html


def _layout(html: str, wanted: str, tmp_path: Path, root: str = "body") -> dict[str, float]:
    page = tmp_path / "seite.html"
    html = html.replace("<html ", f'<html data-suche="{wanted}" data-wurzel="{root}" ', 1).replace("</body>", _PROBE)
    page.write_text(html, encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profil'}"]
    dom = subprocess.run(
        ["chromium", *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    found = re.search(r'data-lage="([^"]*)"', dom)
    assert found, "Die Messung lief nicht"
    result: dict[str, float] = json.loads(found.group(1).replace("&quot;", '"'))
    return result


def test_remark_and_name_are_isolated_in_html_and_plain_in_text() -> None:
    html = _mail("ar", GERMAN_REMARK, name="Amira <K.>")
    assert f"<bdi>{GERMAN_REMARK}</bdi>" in html
    assert "<bdi>Amira &lt;K.&gt;</bdi>" in html  # escaped inside the isolation
    assert "<bdi>Rollstuhl</bdi>" in html and "<bdi>Sport, Kultur &amp; Musik</bdi>" in html
    context = sample_context(_settings(), Art.BESTAETIGUNG, "ar")
    assert "<bdi>" not in Renderer().render(Art.BESTAETIGUNG, context).text


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="kein chromium installiert")
@pytest.mark.parametrize(
    ("code", "remark", "stop_right_of_start"),
    [("ar", GERMAN_REMARK, True), ("de", ARABIC_REMARK, False)],
    ids=["deutsch-in-arabisch", "arabisch-in-deutsch"],
)
def test_full_stop_stays_at_the_end_of_the_remark(
    code: str, remark: str, stop_right_of_start: bool, tmp_path: Path
) -> None:
    lage = _layout(_mail(code, remark), remark, tmp_path)
    assert (lage["punkt"] > lage["erstes"]) is stop_right_of_start, lage


def _route_cards() -> str:
    """The print version of a small plan: clubs named »… e.V.«, the first person reads Arabic."""
    daten = instanz_daten()
    for verein, name in zip(daten["vereine"], ["TSV Adorf e.V.", "Chor e.V.", "Tafel <Bedorf> e.V."], strict=True):
        verein["name"] = name
    daten["teilnehmende"][0].update(name="Zora Ziegler", sprache="ar")
    instanz = Instanz.model_validate(daten)
    return druckfassung(instanz, solve(instanz, iterations=200).plan)


def test_club_names_are_isolated_on_route_cards_signs_and_overview() -> None:
    html = _route_cards()
    assert html.count("<bdi>Tafel &lt;Bedorf&gt; e.V.</bdi>") >= 3  # overview head, table sign, cards


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="kein chromium installiert")
def test_club_name_on_an_arabic_route_card_keeps_its_full_stop(tmp_path: Path) -> None:
    html = _route_cards()
    card = html.split('<article class="a6 laufkarte" lang="ar"', 1)[1].split("</article>", 1)[0]
    club = next(name for name in ("TSV Adorf e.V.", "Chor e.V.") if name in card)
    lage = _layout(html, club, tmp_path, root="article[lang=ar] tbody")
    assert lage["punkt"] > lage["erstes"], lage  # »e.V.« reads left to right inside the right-to-left card
