"""The calendar file (.ics) attached to confirmations: the date, its place, and a reminder alarm."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar

from automation.domain.records import Anmeldung, Termin

TIMEZONE = ZoneInfo("Europe/Berlin")
ALARM_BEFORE = dt.timedelta(days=1)


def calendar_file(
    termin: Termin, anmeldung: Anmeldung, organizer: str, cancel_link: str | None, now: dt.datetime
) -> bytes:
    """An iCalendar file with one event (UID stable per registration, so an update replaces it)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//gespraechsrunde//DE")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"{termin.termin_id}.{anmeldung.anmelde_id}@gespraechsrunde")
    event.add("dtstamp", now.astimezone(dt.UTC) if now.tzinfo else now.replace(tzinfo=TIMEZONE).astimezone(dt.UTC))
    if termin.beginn is not None:
        start = dt.datetime.combine(termin.datum, termin.beginn, tzinfo=TIMEZONE)
        end_time = termin.ende or (dt.datetime.combine(termin.datum, termin.beginn) + dt.timedelta(hours=2)).time()
        event.add("dtstart", start)
        event.add("dtend", dt.datetime.combine(termin.datum, end_time, tzinfo=TIMEZONE))
    else:
        event.add("dtstart", termin.datum)
        event.add("dtend", termin.datum + dt.timedelta(days=1))
    event.add("summary", termin.titel)
    location = ", ".join(p for p in (termin.ort, termin.adresse) if p)
    if location:
        event.add("location", location)
    description = f"Anmeldenummer {anmeldung.anmelde_id}, {anmeldung.personen} Person(en)."
    if cancel_link:
        description += f"\nAbsagen: {cancel_link}"
    event.add("description", description)
    event.add("organizer", f"mailto:{organizer}")
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Morgen: {termin.titel}")
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    cal.add_component(event)
    return bytes(cal.to_ical())
