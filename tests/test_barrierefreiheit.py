"""Accessibility of what residents read: axe-core (npm, installed by ``.ci/run``) in headless Chromium.

Zero serious or critical WCAG 2.1 A/AA violations in the HTML mails (German, Arabic, Ukrainian) and in
the print version of the table plan with Arabic route cards.
"""

from __future__ import annotations

import html as html_module
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from automation.adapters.mail.render import Renderer, sample_context
from automation.domain.mail.kinds import Art
from automation.domain.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
AXE = Path(os.environ.get("GESPRAECHSRUNDE_AXE", ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="kein chromium installiert"),
    pytest.mark.skipif(not AXE.is_file(), reason="axe-core fehlt (.ci/run installiert es mit npm)"),
]

_RUN = """<script>
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(r => {
  const bad = r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.html.slice(0, 120))}));
  document.documentElement.setAttribute('data-axe', JSON.stringify({checked: r.passes.length, bad}));
});
</script></body>"""


def _axe(page_html: str, tmp_path: Path) -> dict[str, object]:
    page = tmp_path / "seite.html"
    page.write_text(page_html.replace("</body>", f'<script src="{AXE.as_uri()}"></script>{_RUN}'), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profil'}"]
    done = subprocess.run(
        ["chromium", *flags, "--allow-file-access-from-files", "--virtual-time-budget=20000", "--dump-dom",
         page.as_uri()],
        capture_output=True, text=True, timeout=180, check=True,
    )  # fmt: skip
    found = re.search(r'data-axe="([^"]*)"', done.stdout)
    assert found, "axe-core lief nicht"
    result: dict[str, object] = json.loads(html_module.unescape(found.group(1)))
    return result


@pytest.mark.parametrize(
    ("art", "sprache"), [(Art.EINLADUNG, "de"), (Art.BESTAETIGUNG, "ar"), (Art.ERINNERUNG, "uk")],
    ids=["einladung-de", "bestaetigung-ar", "erinnerung-uk"],
)  # fmt: skip
def test_mail_has_no_serious_accessibility_violations(art: Art, sprache: str, tmp_path: Path) -> None:
    settings = Settings.model_validate({"darstellung": {"kommune": "Musterstadt"}})
    html = Renderer().render(art, sample_context(settings, art, sprache)).html
    result = _axe(html, tmp_path)
    assert result["bad"] == []
    assert isinstance(result["checked"], int) and result["checked"] > 5  # axe really looked at the page


def test_a_missing_language_is_found(tmp_path: Path) -> None:
    """The check can fail: a page without ``lang`` is a serious violation."""
    result = _axe("<!DOCTYPE html><html><head><title>x</title></head><body><p>Hallo</p></body></html>", tmp_path)
    assert [v["id"] for v in result["bad"]] == ["html-has-lang"]  # type: ignore[attr-defined]


def test_print_version_with_arabic_route_cards_has_no_serious_violations(tmp_path: Path) -> None:
    from tests.tischplan.test_druck_sprachen import _html

    result = _axe(_html(), tmp_path)
    assert result["bad"] == []
