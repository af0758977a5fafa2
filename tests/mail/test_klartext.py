"""Issue 15.5: the German texts residents read stay plain (many readers are new to the language).

Short sentences, no officialese, no abbreviations, no »(en)« plurals: checked on every message to residents
as it is rendered (plain-text part and subject) and on the calendar file.
"""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest

from automation.adapters.mail.ics import calendar_file
from automation.adapters.mail.render import TRANSLATED, Renderer, sample_context, sample_records
from automation.domain.mail.kinds import Art
from automation.domain.settings import Settings

KINDS: list[Art] = sorted(TRANSLATED, key=lambda art: art.template)
MAX_WORDS = 16  # per sentence
# Officialese and jargon that has a plain word (in brackets: what we write instead)
HARD = (
    "storniert",  # abgesagt
    "nachgerückt", "nachrücken", "rückt",  # »Sie bekommen den Platz«
    "Engagement",  # etwas zum Mitmachen
    "kontaktieren",  # sich melden
    "bezüglich", "gemäß", "hiermit", "diesbezüglich", "seitens", "zwecks", "umgehend", "obige",
    "Ehrenamtslotsin", "Ehrenamtslotse",  # »wohnt hier und hilft ehrenamtlich«
    "beachten Sie",
    "bzw.", "ggf.", "z. B.", "z.B.", "u. a.", "evtl.", "o. g.",
    "(en)", "(n)", "/-in", "*innen",
)  # fmt: skip


def _sentences(text: str) -> list[str]:
    text = re.sub(r"(https?://|mailto:)\S+", "LINK", text)
    return [s.strip() for s in re.split(r"(?<=[.!?:])\s+|\n", text) if s.strip()]


def _german(art: Art) -> str:
    rendered = Renderer().render(art, sample_context(Settings.model_validate({}), art, "de"))
    return f"{rendered.subject}\n{rendered.text}"


@pytest.mark.parametrize("art", KINDS, ids=[art.template for art in KINDS])
def test_german_message_is_plain(art: Art) -> None:
    text = _german(art)
    long = [s for s in _sentences(text) if len(s.split()) > MAX_WORDS]
    assert long == [], f"zu lange Sätze: {long}"
    hard = [word for word in HARD if word in text]
    assert hard == [], f"schwere Wörter: {hard}"


def test_the_check_finds_officialese_and_long_sentences() -> None:
    """The check can fail: the old wording of the waiting list is caught on both counts."""
    old = (
        "Sagt jemand ab, rücken Sie automatisch nach und bekommen bezüglich Ihres Platzes dann sofort eine "
        "E-Mail von uns, und Sie müssen nichts weiter tun."
    )
    assert [len(s.split()) for s in _sentences(old)] == [24]
    assert [word for word in HARD if word in old] == ["bezüglich"]


def test_calendar_file_is_plain_german() -> None:
    _, termin, anmeldung, _, _ = sample_records()
    ics = calendar_file(
        termin, anmeldung, "koordination@example.org", "https://example.org/absage", dt.datetime(2027, 3, 1, 9, 0)
    )
    [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    description = str(event["description"])
    assert description.splitlines() == [
        "Anmeldenummer: A-0000BEISPIEL",
        "2 Personen",
        "Sie können nicht kommen? Hier absagen: https://example.org/absage",
    ]
    assert not [word for word in HARD if word in description]
