"""Messages through a real SMTP server (aiosmtpd on loopback): recipients, subject, parts, .ics, links."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import icalendar

from automation.adapters.form_state import FormState, save_form_states
from automation.services.mail.commands import invite
from tests.mail.conftest import NOW, SMTP_EXTRA, SMTP_SENDER, TERMIN, anmeldung, kontakt, termin


def _parts(message: Any) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_confirmation_over_smtp_has_both_parts_calendar_and_links(make_space: Any, smtp_server: Any) -> None:
    port, received = smtp_server
    space = make_space(extra=SMTP_EXTRA.format(port=port))
    space.add(termin(), kontakt(1, vorname="Jördis", nachname="Müller"), anmeldung(1, personen=2))

    space.sync()

    assert [e.rcpt_tos for e in received.envelopes] == [["person1@example.org"]]
    assert received.envelopes[0].mail_from == SMTP_SENDER
    message = received.messages()[0]
    assert str(message["Subject"]) == "Anmeldung bestätigt: Markt der Möglichkeiten am Samstag, 13. März 2027"
    assert message["To"].addresses[0].display_name == "Jördis Müller"
    text, html = _parts(message)
    assert "Ihr Platz ist sicher" in text and "Personen: 2 (Sie und 1 Begleitung)" in text
    assert "<strong><bdi>Markt der Möglichkeiten</bdi></strong>" in html
    # personal cancellation link, local backend: mailto the coordination with the registration number
    assert "mailto:koordination@musterstadt.example?subject=Absage%20A-0001" in text
    assert message["List-Unsubscribe"].strip() == "<mailto:koordination@musterstadt.example?subject=Abmelden%20K-0001>"
    assert message["List-Unsubscribe-Post"] is None  # no one-click https endpoint exists
    ics = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(ics) == 1 and ics[0].get_filename() == "termin.ics"
    calendar = icalendar.Calendar.from_ical(ics[0].get_content())
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["summary"]) == "Markt der Möglichkeiten"
    assert event.decoded("dtstart").isoformat() == "2027-03-13T10:00:00+01:00"
    assert event.decoded("dtend").isoformat() == "2027-03-13T13:00:00+01:00"
    assert str(event["location"]) == "Bürgerhaus, Marktplatz 1"
    alarms = list(event.walk("VALARM"))
    assert len(alarms) == 1 and str(alarms[0].decoded("trigger")) == "-1 day, 0:00:00"
    row = space.versand()[f"Bestätigung|{TERMIN}|K-0001"]
    assert row.status == "gesendet" and row.message_id == message["Message-ID"] and row.zeit == NOW


def test_google_form_links_are_prefilled(make_space: Any, smtp_server: Any) -> None:
    port, received = smtp_server
    space = make_space(extra=SMTP_EXTRA.format(port=port))
    save_form_states(
        space.folder,
        {
            "abmeldung": FormState(form_id="abm", responder_url="https://docs.google.com/forms/d/e/ABM/viewform"),
            "anmeldung": FormState(form_id="anm", responder_url="https://docs.google.com/forms/d/e/ANM/viewform"),
        },
    )
    space.add(termin(), kontakt(1), anmeldung(1), kontakt(2))

    space.sync()
    invite(space.folder, TERMIN, now=NOW)  # invitations go out only when released

    by_to = {m["To"].addresses[0].addr_spec: m for m in received.messages()}
    text, _ = _parts(by_to["person1@example.org"])
    cancel = next(line for line in text.splitlines() if "ABM" in line and "A-0001" in line)
    query = parse_qs(urlsplit(cancel).query)
    assert query["usp"] == ["pp_url"]
    assert query[f"entry.{int('0c000001', 16)}"] == ["A-0001"]
    assert query[f"entry.{int('0c000002', 16)}"] == ["K-0001"]
    assert query[f"entry.{int('0c000003', 16)}"] == ["Ich sage meine Anmeldung ab."]
    invitation = by_to["person2@example.org"]
    assert str(invitation["Subject"]).startswith("Einladung: ")
    text, html = _parts(invitation)
    assert "https://docs.google.com/forms/d/e/ANM/viewform" in text and "Jetzt anmelden" in html
    unsubscribe = invitation["List-Unsubscribe"]
    assert "<mailto:koordination@musterstadt.example?subject=Abmelden%20K-0002>" in unsubscribe
    assert f"entry.{int('0c000002', 16)}=K-0002" in unsubscribe and "https://docs.google.com" in unsubscribe
    assert invitation["List-Unsubscribe-Post"] is None
