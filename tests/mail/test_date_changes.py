"""Issue 9.5: a changed date reaches everyone with a place once per change (same UID, higher SEQUENCE);
a cancelled date sends METHOD:CANCEL; every calendar file carries the VTIMEZONE of Europe/Berlin."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import icalendar

from automation.domain.records import Termin
from tests.backends import Backend
from tests.conftest import registration
from tests.mail.conftest import NOW, TERMIN, anmeldung, kontakt, read_eml, termin
from tests.mail.test_fail_closed import at, edit_tab, set_cell


def _sent(space: Any) -> Counter[str]:
    return Counter(str(m["X-Gespraechsrunde-Schluessel"]) for m in space.outbox_messages())


def _event(space: Any, key: str) -> tuple[icalendar.Calendar, icalendar.Event]:
    message = next(m for m in space.outbox_messages() if m["X-Gespraechsrunde-Schluessel"] == key)
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_content())
    [event] = calendar.walk("VEVENT")
    [timezone] = calendar.walk("VTIMEZONE")
    assert str(timezone["tzid"]) == "Europe/Berlin"
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    berlin = timezone.to_tz()  # the offsets the file itself defines are those of Europe/Berlin
    start = event.decoded("dtstart").replace(tzinfo=None)
    assert berlin.utcoffset(start) == event.decoded("dtstart").utcoffset()
    return calendar, event


def test_change_and_cancellation_reach_everyone_with_a_place_once(make_space: Any) -> None:
    space = make_space()
    space.add(termin(plaetze=2), kontakt(1), anmeldung(1), kontakt(2), anmeldung(2, personen=2))
    space.sync()
    first = f"Bestätigung|{TERMIN}|K-0001"
    assert set(_sent(space)) == {first, f"Warteliste|{TERMIN}|K-0002"}
    calendar, event = _event(space, first)
    assert str(calendar["method"]) == "PUBLISH" and event["sequence"] == 0
    uid = str(event["uid"])
    assert (space.dataset().get(Termin, TERMIN) or termin()).bekanntgegeben == (
        "Fassung 0 seit 01.03.2027 09:00:00: 13.03.2027 10:00–13:00, Bürgerhaus, Marktplatz 1"
    )

    space.set_cell("Termine", TERMIN, "Beginn", "11:00")  # the coordinator moves the start
    space.sync(NOW + dt.timedelta(hours=1))
    change = f"Terminänderung|{TERMIN}|K-0001|1"
    assert set(_sent(space)) == {first, f"Warteliste|{TERMIN}|K-0002", change}  # not to the waiting list
    calendar, event = _event(space, change)
    assert str(event["uid"]) == uid and event["sequence"] == 1
    assert event.decoded("dtstart").isoformat() == "2027-03-13T11:00:00+01:00"
    message = next(m for m in space.outbox_messages() if m["X-Gespraechsrunde-Schluessel"] == change)
    assert str(message["Subject"]).startswith("Geänderter Termin:")
    assert "11:00 bis 13:00 Uhr" in message.get_body(preferencelist=("plain",)).get_content()

    space.sync(NOW + dt.timedelta(hours=2))  # nothing twice
    assert max(_sent(space).values()) == 1 and len(_sent(space)) == 3

    space.add(kontakt(3), anmeldung(3))  # registered after the change: told the new time right away
    space.sync(NOW + dt.timedelta(hours=3))
    _, event = _event(space, f"Bestätigung|{TERMIN}|K-0003")
    assert event["sequence"] == 1 and not any(k.startswith("Terminänderung|T-2027-1|K-0003") for k in _sent(space))

    space.set_cell("Termine", TERMIN, "Ort", "Turnhalle")  # a second change
    space.sync(NOW + dt.timedelta(hours=4))
    assert {k for k in _sent(space) if k.endswith("|2")} == {
        f"Terminänderung|{TERMIN}|K-0001|2", f"Terminänderung|{TERMIN}|K-0003|2"
    }  # fmt: skip

    space.set_cell("Termine", TERMIN, "Status", "abgesagt")
    space.sync(NOW + dt.timedelta(hours=5))
    space.sync(NOW + dt.timedelta(hours=6))
    cancelled = {k for k in _sent(space) if k.startswith("Terminabsage|")}
    assert cancelled == {f"Terminabsage|{TERMIN}|K-0001", f"Terminabsage|{TERMIN}|K-0003"}
    calendar, event = _event(space, f"Terminabsage|{TERMIN}|K-0001")
    assert str(calendar["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == uid and event["sequence"] == 3
    assert max(_sent(space).values()) == 1


def test_unreadable_announcement_sends_no_change_and_says_so(make_space: Any) -> None:
    space = make_space()
    space.add(termin(), kontakt(1), anmeldung(1))
    space.sync()
    space.set_cell("Termine", TERMIN, "Bekanntgegeben", "schon per Telefon gesagt")
    space.set_cell("Termine", TERMIN, "Beginn", "12:00")
    ctx = space.sync(NOW + dt.timedelta(hours=1))
    assert set(_sent(space)) == {f"Bestätigung|{TERMIN}|K-0001"}
    [finding] = [f for f in ctx.report.findings if f.spalte == "Bekanntgegeben"]
    assert (finding.tabelle, finding.id, finding.schwere) == ("Termine", TERMIN, "Fehler")


def test_date_change_on_either_store(backend: Backend) -> None:
    backend.create()
    backend.answer("anmeldung", at(10), registration())
    assert backend.sync().exit_code == 0
    edit_tab(backend, "Termine", set_cell("T-2027-1", "Adresse", "Rathausplatz 2, 12345 Adorf"))
    assert backend.sync().exit_code == 0
    assert backend.sync().exit_code == 0
    folder: Path = backend.folder
    changes = sorted(folder.glob("ausgang/Terminänderung*.eml"))
    assert len(changes) == 1 and changes[0].name.endswith("_1.eml")
    message = read_eml(changes[0].read_bytes())
    assert "Rathausplatz 2" in message.get_body(preferencelist=("plain",)).get_content()
    assert len(list(folder.glob("ausgang/*.eml"))) == 2
