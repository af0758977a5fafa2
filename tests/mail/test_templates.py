"""Golden files for every template, HTML escaping and header safety of hostile names.

Regenerate the golden files after a deliberate template change::

    GOLDEN_UPDATE=1 python3 -m pytest tests/mail/test_templates.py

then review the diff of ``tests/mail/golden/`` before committing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from automation.adapters.mail.render import Renderer, sample_context
from automation.domain.mail.kinds import Art
from automation.domain.settings import Settings
from tests.mail.conftest import TERMIN, anmeldung, kontakt, read_eml, termin

GOLDEN = Path(__file__).parent / "golden"
HOSTILE_FIRST = '<script>alert("x")</script>'
HOSTILE_LAST = 'O"Brien, Jr.\r\nBcc: opfer@example.net'


def _settings() -> Settings:
    return Settings.model_validate(
        {"darstellung": {"kommune": "Musterstadt & Umgebung", "logo": "https://musterstadt.example/logo.png"}}
    )


@pytest.mark.parametrize("art", list(Art), ids=lambda a: a.template)
@pytest.mark.parametrize("part", ["html", "txt"])
def test_golden(art: Art, part: str) -> None:
    rendered = Renderer().render(art, sample_context(_settings(), art))
    actual = rendered.html if part == "html" else f"Betreff: {rendered.subject}\n\n{rendered.text}"
    path = GOLDEN / f"{art.template}.{part}"
    if os.environ.get("GOLDEN_UPDATE"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path.name} fehlt: mit GOLDEN_UPDATE=1 erzeugen"
    assert actual == path.read_text(encoding="utf-8")


def test_every_kind_has_three_templates_and_html_is_escaped() -> None:
    env = Renderer().env
    for art in Art:
        for suffix in ("betreff.txt", "txt", "html"):
            env.get_template(f"mail/{art.template}.{suffix}")
    context = sample_context(_settings(), Art.BESTAETIGUNG)
    context["person"]["name"] = HOSTILE_FIRST
    rendered = Renderer().render(Art.BESTAETIGUNG, context)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in rendered.html
    assert HOSTILE_FIRST in rendered.text  # plain text is not HTML: shown as typed
    assert "Musterstadt &amp; Umgebung" in rendered.html


def test_workspace_template_overrides_packaged_one(tmp_path: Path) -> None:
    own = tmp_path / "vorlagen" / "mail"
    own.mkdir(parents=True)
    (own / "einladung.betreff.txt").write_text("Eigene Einladung nach {{ kommune }}\n", encoding="utf-8")
    rendered = Renderer(tmp_path).render(Art.EINLADUNG, sample_context(_settings(), Art.EINLADUNG))
    assert rendered.subject == "Eigene Einladung nach Musterstadt & Umgebung"
    assert "wir laden Sie herzlich ein" in rendered.text  # the other templates still come from the package


def test_hostile_names_never_reach_headers_raw(make_space: Any) -> None:
    space = make_space()
    space.add(
        termin(titel="Markt\r\nBcc: opfer@example.net"),
        kontakt(1, vorname=HOSTILE_FIRST, nachname=HOSTILE_LAST),
        anmeldung(1),
    )
    space.sync()
    [path] = space.outbox.glob("*.eml")
    raw = path.read_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in head and b"\nBcc:" not in head
    message = read_eml(raw)
    assert message["Bcc"] is None
    [to] = message["To"].addresses
    assert to.addr_spec == "person1@example.org"
    assert to.display_name == f'{HOSTILE_FIRST} O"Brien, Jr. Bcc: opfer@example.net'
    assert "\n" not in str(message["Subject"]) and "Markt Bcc: opfer@example.net" in str(message["Subject"])
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert space.versand()[f"Bestätigung|{TERMIN}|K-0001"].status == "gesendet"


def test_invalid_address_is_reported_and_skipped(make_space: Any) -> None:
    space = make_space()
    space.add(termin(), kontakt(1, email="jörg@example.org"), anmeldung(1), kontakt(2), anmeldung(2))
    ctx = space.sync()
    finding = next(f for f in ctx.report.findings if f.tabelle == "Kontakte")
    assert (finding.id, finding.spalte, finding.zeile) == ("K-0001", "E-Mail", 2)
    assert "jörg@example.org" in finding.hinweis and finding.vorschlag
    assert set(space.versand()) == {f"Bestätigung|{TERMIN}|K-0002"}
