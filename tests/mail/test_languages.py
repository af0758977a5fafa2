"""Messages in the reader's language (``Kontakte.Sprache``): catalogs, golden files, overrides, right-to-left.

Regenerate the golden files of the translated messages after a deliberate change::

    GOLDEN_UPDATE=1 python3 -m pytest tests/mail/test_languages.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from automation.adapters.mail import ics, render
from automation.adapters.mail.render import CATALOGS, TRANSLATED, Renderer, sample_context
from automation.adapters.printouts import tischplan_druck, zweite_sprache
from automation.domain.mail.kinds import Art
from automation.domain.resources import vorlagen_dir
from automation.domain.settings import Settings
from automation.domain.sprachen import SPRACHEN, language_code
from tests.mail.conftest import TERMIN, anmeldung, kontakt, read_eml, termin

GOLDEN = Path(__file__).parent / "golden" / "sprachen"
OTHER = [code for code in SPRACHEN if code != "de"]
KINDS: list[Art] = sorted(TRANSLATED, key=lambda art: art.template)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _settings() -> Settings:
    return Settings.model_validate(
        {"darstellung": {"kommune": "Musterstadt & Umgebung", "logo": "https://musterstadt.example/logo.png"}}
    )


def _msgids() -> set[str]:
    """Every text the templates and the renderer translate (what ``pybabel extract`` would find)."""
    found: set[str] = set()
    options = {"trimmed": "true", "extensions": "jinja2.ext.i18n"}
    for path in sorted((vorlagen_dir() / "mail").iterdir()):
        for _, message, _, _ in extract_from_file("jinja2", str(path), options=options):
            found.add(message if isinstance(message, str) else message[0])
    for module in (render.__file__, ics.__file__, tischplan_druck.__file__, zweite_sprache.__file__):
        for _, message, _, _ in extract_from_file("python", module):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_the_translated_templates_have_texts_to_translate() -> None:
    msgids = _msgids()
    assert len(msgids) > 40
    assert "Hallo %(name)s," in msgids and "Einladung: %(titel)s am %(datum)s" in msgids
    assert "Dort sind" in msgids  # the route cards
    assert "Morgen: %(titel)s" in msgids  # the calendar file


@pytest.mark.parametrize("code", OTHER)
def test_catalog_translates_every_text(code: str) -> None:
    with (CATALOGS / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=code)
    missing = [
        msgid
        for msgid in sorted(_msgids())
        if msgid not in catalog or not catalog[msgid].string or catalog[msgid].fuzzy
    ]
    assert missing == [], f"{code}: Übersetzung fehlt für {missing}"
    for msgid in _msgids():
        translated = catalog[msgid].string
        assert isinstance(translated, str)
        assert sorted(_PLACEHOLDER.findall(translated)) == sorted(_PLACEHOLDER.findall(msgid)), (code, msgid)


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        (None, "de"), ("", "de"), ("Deutsch", "de"), ("Farsi", "de"), ("Englisch", "en"), ("English", "en"),
        ("en_GB", "en"), ("Türkisch", "tr"), ("Türkçe", "tr"), ("tr", "tr"), ("Ukrainisch", "uk"),
        ("українська", "uk"), ("uk", "uk"), ("Arabisch", "ar"), ("العربية", "ar"), ("ar", "ar"),
        ("Arabisch, Deutsch", "ar"),
    ],
)  # fmt: skip
def test_language_cell_spellings(cell: str | None, code: str) -> None:
    assert language_code(cell) == code


@pytest.mark.parametrize("code", OTHER)
@pytest.mark.parametrize("art", KINDS, ids=[art.template for art in KINDS])
@pytest.mark.parametrize("part", ["html", "txt"])
def test_golden_per_language(art: Art, code: str, part: str) -> None:
    rendered = Renderer().render(art, sample_context(_settings(), art, code))
    actual = rendered.html if part == "html" else f"Betreff: {rendered.subject}\n\n{rendered.text}"
    path = GOLDEN / code / f"{art.template}.{part}"
    if os.environ.get("GOLDEN_UPDATE"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} fehlt: mit GOLDEN_UPDATE=1 erzeugen"
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("art", KINDS, ids=[art.template for art in KINDS])
def test_no_german_left_in_a_translated_message(art: Art) -> None:
    german = Renderer().render(art, sample_context(_settings(), art, "de"))
    for code in OTHER:
        rendered = Renderer().render(art, sample_context(_settings(), art, code))
        assert f'<html lang="{code}" dir="{"rtl" if code == "ar" else "ltr"}">' in rendered.html
        assert rendered.subject != german.subject
        for word in ("Hallo", "Viele Grüße", "Anmeldung", "Fragen?", " Uhr", "März", "Samstag"):
            assert word not in rendered.text.replace("Anmeldenummer", ""), (code, word)


def test_dates_and_times_follow_the_language() -> None:
    texts = {code: Renderer().render(Art.EINLADUNG, sample_context(_settings(), Art.EINLADUNG, code)).text
             for code in SPRACHEN}  # fmt: skip
    assert "Samstag, 13. März 2027, 10:00 bis 13:00 Uhr" in texts["de"]
    assert "Saturday, March 13, 2027, 10:00\u202fAM to 1:00\u202fPM" in texts["en"]
    assert "13 Mart 2027 Cumartesi" in texts["tr"] and "Bitte" not in texts["tr"]
    assert "13 березня 2027" in texts["uk"]
    assert "13 مارس 2027" in texts["ar"] and "السبت" in texts["ar"]


def test_kinds_for_clubs_and_guides_stay_german() -> None:
    rendered = Renderer().render(Art.LOTSEN_BRIEFING, sample_context(_settings(), Art.LOTSEN_BRIEFING, "ar"))
    assert '<html lang="de" dir="ltr">' in rendered.html and "Hallo Jördis" in rendered.text


def test_workspace_overrides_per_language_and_for_all(tmp_path: Path) -> None:
    (tmp_path / "vorlagen" / "en" / "mail").mkdir(parents=True)
    (tmp_path / "vorlagen" / "en" / "mail" / "einladung.betreff.txt").write_text("Come to {{ kommune }}!\n")
    (tmp_path / "vorlagen" / "mail").mkdir(parents=True)
    (tmp_path / "vorlagen" / "mail" / "einladung.betreff.txt").write_text(
        "{% trans %}Einladung{% endtrans %}: {{ kommune }}\n"
    )
    renderer = Renderer(tmp_path)
    subjects = {code: renderer.render(Art.EINLADUNG, sample_context(_settings(), Art.EINLADUNG, code)).subject
                for code in ("de", "en", "tr")}  # fmt: skip
    assert subjects == {
        "de": "Einladung: Musterstadt & Umgebung",
        "en": "Come to Musterstadt & Umgebung!",
        "tr": "Einladung: Musterstadt & Umgebung",  # a text the catalog lacks stays as written
    }
    text = renderer.render(Art.EINLADUNG, sample_context(_settings(), Art.EINLADUNG, "en")).text
    assert "You are warmly invited:" in text  # the other templates still come from the package


def test_a_turkish_reader_gets_a_turkish_confirmation(make_space: Any) -> None:
    space = make_space()
    space.add(termin(), kontakt(1, sprache="Türkçe"), anmeldung(1), kontakt(2), anmeldung(2))
    space.sync()
    by_recipient = {}
    for path in space.outbox.glob("*.eml"):
        message = read_eml(path.read_bytes())
        by_recipient[message["To"].addresses[0].addr_spec] = message
    turkish, german = by_recipient["person1@example.org"], by_recipient["person2@example.org"]
    assert str(turkish["Subject"]).startswith("Kaydınız onaylandı: ")
    assert str(german["Subject"]).startswith("Anmeldung bestätigt: ")
    html, plain = turkish.get_body(preferencelist=("html",)), turkish.get_body(preferencelist=("plain",))
    assert html is not None and plain is not None
    assert '<html lang="tr" dir="ltr">' in html.get_content() and "Merhaba <bdi>Person Nr1</bdi>," in html.get_content()
    assert "Merhaba Person Nr1," in plain.get_content()
    assert space.versand()[f"Bestätigung|{TERMIN}|K-0001"].status == "gesendet"


_PROBE = """<script>
const box = document.querySelector('p');
const range = document.createRange(); range.selectNodeContents(box);
const text = range.getBoundingClientRect(), para = box.getBoundingClientRect();
document.documentElement.setAttribute('data-richtung', getComputedStyle(document.body).direction);
document.documentElement.setAttribute('data-abstand-rechts', Math.round(para.right - text.right));
document.documentElement.setAttribute('data-abstand-links', Math.round(text.left - para.left));
</script></body>"""


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="kein chromium installiert")
@pytest.mark.parametrize(("code", "direction"), [("ar", "rtl"), ("de", "ltr")])
def test_arabic_mail_reads_right_to_left_in_chromium(tmp_path: Path, code: str, direction: str) -> None:
    html = Renderer().render(Art.ERINNERUNG, sample_context(_settings(), Art.ERINNERUNG, code)).html
    page = tmp_path / f"erinnerung-{code}.html"
    page.write_text(html.replace("</body>", _PROBE), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profil'}"]
    dom = subprocess.run(
        ["chromium", *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    attributes = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', dom.split(">", 2)[1]))
    assert attributes["richtung"] == direction
    # The greeting hugs the right edge in Arabic and the left edge in German.
    near, far = ("abstand-rechts", "abstand-links") if direction == "rtl" else ("abstand-links", "abstand-rechts")
    assert int(attributes[near]) <= 1 and int(attributes[far]) > 100
    shot = tmp_path / f"erinnerung-{code}.png"
    subprocess.run(
        ["chromium", *flags, "--hide-scrollbars", "--window-size=700,1100", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    assert shot.stat().st_size > 10_000
    if os.environ.get("SCREENSHOT_DIR"):  # to look at it: SCREENSHOT_DIR=/tmp/x pytest -k right_to_left
        shutil.copy(shot, Path(os.environ["SCREENSHOT_DIR"]) / shot.name)


def test_preview_writes_every_language(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "vorschau"
    result = cli("-C", str(tmp_path), "vorlagen", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "einladung.html").is_file()
    arabic = (target / "ar" / "einladung.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in arabic
    assert (target / "tr" / "bestaetigung.txt").read_text(encoding="utf-8").startswith("Betreff: Kaydınız onaylandı")
    assert not (target / "en" / "vereinsbericht.html").exists()  # to clubs: German only
