"""The calendar file (.ics) of a registration: the date, its place, a reminder alarm, and a VTIMEZONE.

One event per registration (UID ``<Termin-ID>.<Anmelde-ID>@gespraechsrunde``), so a later file replaces
it in the person's calendar: a ``Terminänderung`` sends the same UID with a higher ``SEQUENCE`` (the
date's »Fassung«), a ``Terminabsage`` ``METHOD:CANCEL`` with ``STATUS:CANCELLED``. Times are local
(Europe/Berlin) with the time zone defined in the file itself (RFC 5545, 3.6.5).

The texts the file adds (»Abgesagt: …«, the description, the reminder) are in the reader's language
(``sprache``, the catalogs of the messages); the date's title and place are the coordination's words and stay.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar

from automation.adapters.mail.render import translations
from automation.domain.records import Anmeldung, Termin
from automation.domain.sprachen import DEUTSCH

TIMEZONE = ZoneInfo("Europe/Berlin")
ALARM_BEFORE = dt.timedelta(days=1)


def uid(termin: Termin, anmeldung: Anmeldung) -> str:
    return f"{termin.termin_id}.{anmeldung.anmelde_id}@gespraechsrunde"


def calendar_file(
    termin: Termin,
    anmeldung: Anmeldung,
    organizer: str,
    cancel_link: str | None,
    now: dt.datetime,
    *,
    sequence: int = 0,
    method: str = "PUBLISH",
    attendee: str | None = None,
    sprache: str = DEUTSCH,
) -> bytes:
    """An iCalendar file with one event; ``method`` ``PUBLISH`` (new or changed) or ``CANCEL``."""
    _ = translations(sprache).gettext
    cal = icalendar.Calendar()
    cal.add("prodid", "-//gespraechsrunde//DE")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = icalendar.Event()
    event.add("uid", uid(termin, anmeldung))
    event.add("sequence", sequence)
    event.add("dtstamp", now.astimezone(dt.UTC) if now.tzinfo else now.replace(tzinfo=TIMEZONE).astimezone(dt.UTC))
    if termin.beginn is not None:
        start = dt.datetime.combine(termin.datum, termin.beginn, tzinfo=TIMEZONE)
        end_time = termin.ende or (dt.datetime.combine(termin.datum, termin.beginn) + dt.timedelta(hours=2)).time()
        event.add("dtstart", start)
        event.add("dtend", dt.datetime.combine(termin.datum, end_time, tzinfo=TIMEZONE))
    else:
        event.add("dtstart", termin.datum)
        event.add("dtend", termin.datum + dt.timedelta(days=1))
    event.add("summary", termin.titel if method != "CANCEL" else _("Abgesagt: %(titel)s") % {"titel": termin.titel})
    location = ", ".join(p for p in (termin.ort, termin.adresse) if p)
    if location:
        event.add("location", location)
    persons = _("%(anzahl)s Person") if anmeldung.personen == 1 else _("%(anzahl)s Personen")
    description = _("Anmeldenummer: %(id)s") % {"id": anmeldung.anmelde_id}
    description += "\n" + persons % {"anzahl": anmeldung.personen}
    if cancel_link and method != "CANCEL":
        description += "\n" + _("Sie können nicht kommen? Hier absagen: %(link)s") % {"link": cancel_link}
    event.add("description", description)
    event.add("organizer", f"mailto:{organizer}")
    if attendee:
        event.add("attendee", f"mailto:{attendee}")
    if method == "CANCEL":
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _("Morgen: %(titel)s") % {"titel": termin.titel})
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
    if termin.beginn is not None:
        cal.add_component(berlin_timezone())  # TZID=Europe/Berlin of DTSTART/DTEND refers to it
    cal.add_component(event)
    return bytes(cal.to_ical())


def berlin_timezone() -> icalendar.Timezone:
    """Europe/Berlin as a compact VTIMEZONE: CET/CEST with the EU rule (last Sunday of March/October)."""
    timezone = icalendar.Timezone()
    timezone.add("tzid", "Europe/Berlin")
    for kind, name, offset_from, offset_to, start, month in (
        (icalendar.TimezoneDaylight, "CEST", 1, 2, dt.datetime(1981, 3, 29, 2), 3),
        (icalendar.TimezoneStandard, "CET", 2, 1, dt.datetime(1996, 10, 27, 3), 10),
    ):
        part = kind()
        part.add("tzname", name)
        part.add("tzoffsetfrom", dt.timedelta(hours=offset_from))
        part.add("tzoffsetto", dt.timedelta(hours=offset_to))
        part.add("dtstart", start)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        timezone.add_component(part)
    return timezone
