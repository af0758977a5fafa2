"""Issue 15: the calendar file (``termin.ics``) speaks the reader's language like the message it comes with.

SUMMARY of a cancellation, DESCRIPTION (registration number, persons, how to cancel) and the reminder text
come from the message catalogs; the date's own title and place are the coordination's words and stay.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest

from automation.adapters.mail.ics import calendar_file
from tests.mail.conftest import NOW, TERMIN, anmeldung, kontakt, termin
from tests.mail.test_date_changes import _event

_GERMAN = ("Anmeldenummer", "Person", "Absagen", "absagen", "Morgen", "Abgesagt")


def _texts(event: icalendar.Event) -> str:
    alarms = [str(a["description"]) for a in event.walk("VALARM")]
    return "\n".join([str(event["summary"]), str(event["description"]), *alarms])


def test_confirmation_calendar_file_is_turkish_for_a_turkish_reader(make_space: Any) -> None:
    space = make_space()
    space.add(termin(), kontakt(1, sprache="Türkçe"), anmeldung(1, personen=3), kontakt(2), anmeldung(2))
    space.sync()
    _, turkish = _event(space, f"Bestätigung|{TERMIN}|K-0001")
    _, german = _event(space, f"Bestätigung|{TERMIN}|K-0002")
    assert str(turkish["summary"]) == str(german["summary"]) == "Markt der Möglichkeiten"  # the date's own title
    assert str(turkish["location"]) == "Bürgerhaus, Marktplatz 1"
    description = str(turkish["description"])
    assert "Kayıt numarası: A-0001" in description and "3 kişi" in description
    assert not [word for word in _GERMAN if word in _texts(turkish).replace("Markt der Möglichkeiten", "")]
    assert "Yarın: Markt der Möglichkeiten" in _texts(turkish)
    german_description = str(german["description"])
    assert "Anmeldenummer: A-0002" in german_description and "1 Person" in german_description


def test_cancelled_date_in_arabic(make_space: Any) -> None:
    space = make_space()
    space.add(termin(), kontakt(1, sprache="Arabisch"), anmeldung(1))
    space.sync()
    space.set_cell("Termine", TERMIN, "Status", "abgesagt")
    space.sync(NOW + dt.timedelta(hours=1))
    calendar, event = _event(space, f"Terminabsage|{TERMIN}|K-0001")
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["summary"]) == "أُلغي: Markt der Möglichkeiten"
    assert "رقم التسجيل: A-0001" in str(event["description"])
    assert not [word for word in _GERMAN if word in _texts(event).replace("Markt der Möglichkeiten", "")]


@pytest.mark.parametrize(
    ("code", "persons", "cancel"),
    [
        ("de", "2 Personen", "Sie können nicht kommen? Hier absagen:"),
        ("en", "2 people", "Can't come? Cancel here:"),
        ("tr", "2 kişi", "Gelemiyor musunuz? Buradan iptal edin:"),
        ("uk", "Кількість осіб: 2", "Не можете прийти? Скасуйте тут:"),
        ("ar", "عدد الأشخاص: 2", "لا تستطيع الحضور؟ ألغِ من هنا:"),
    ],
)
def test_description_in_every_language(code: str, persons: str, cancel: str) -> None:
    ics = calendar_file(
        termin(), anmeldung(1, personen=2), "koordination@example.org", "https://example.org/absage", NOW,
        sprache=code,
    )  # fmt: skip
    [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    description = str(event["description"])
    assert persons in description and f"{cancel} https://example.org/absage" in description
