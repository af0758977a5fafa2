"""Notices to the coordination over real SMTP: a date 80 % and 100 % full, messages that failed – each once."""

from __future__ import annotations

from typing import Any

from tests.mail.conftest import NOW, SMTP_EXTRA, TERMIN, anmeldung, kontakt, termin

COORDINATION = "koordination@musterstadt.example"


def _notices(received: Any) -> list[Any]:
    return [m for m in received.messages() if m["To"].addresses[0].addr_spec == COORDINATION]


def _text(message: Any) -> str:
    return str(message.get_body(("plain",)).get_content())


def test_places_80_and_100_percent_are_told_once_each(make_space: Any, smtp_server: Any) -> None:
    port, received = smtp_server
    space = make_space(extra=SMTP_EXTRA.format(port=port))
    space.add(termin(plaetze=5), *(kontakt(i) for i in range(1, 7)), *(anmeldung(i) for i in range(1, 4)))
    space.sync()
    assert _notices(received) == []  # 3 of 5: 60 %

    space.add(anmeldung(4))
    space.sync(NOW.replace(hour=10))
    (first,) = _notices(received)
    assert str(first["Subject"]) == "80 % belegt: Markt der Möglichkeiten am Samstag, 13. März 2027"
    text = _text(first)
    assert "Belegt: 4 von 5 Plätzen" in text and "Frei: 1" in text
    assert "Person" not in text and "@example.org" not in text  # counts only: no names, no addresses
    assert space.versand()[f"Belegungs-Hinweis|{TERMIN}|Koordination|80"].status == "gesendet"

    space.sync(NOW.replace(hour=11))
    assert len(_notices(received)) == 1  # exactly once

    space.add(anmeldung(5), anmeldung(6))  # full, and one on the waiting list
    space.sync(NOW.replace(hour=12))
    space.sync(NOW.replace(hour=13))
    notices = _notices(received)
    assert len(notices) == 2
    assert str(notices[1]["Subject"]).startswith("Ausgebucht: Markt der Möglichkeiten")
    assert "Auf der Warteliste: 1" in _text(notices[1])

    space.update(anmeldung(1, status="abgesagt"))  # below 100 % again, and back to full: nothing new
    space.sync(NOW.replace(hour=14))
    assert len(_notices(received)) == 2


def test_a_date_filled_at_once_gets_only_the_100_percent_notice(make_space: Any, smtp_server: Any) -> None:
    port, received = smtp_server
    space = make_space(extra=SMTP_EXTRA.format(port=port))
    space.add(termin(plaetze=2), kontakt(1), kontakt(2), anmeldung(1), anmeldung(2))
    space.sync()
    space.update(anmeldung(2, status="abgesagt"))
    space.sync(NOW.replace(hour=10))
    assert [str(m["Subject"]).split(":")[0] for m in _notices(received)] == ["Ausgebucht"]


def test_failed_messages_are_told_once_per_day(make_space: Any, smtp_server: Any) -> None:
    port, received = smtp_server
    received.reject["person2@example.org"] = "550 5.1.1 unbekannt"
    received.reject["person3@example.org"] = "550 5.1.1 unbekannt"
    space = make_space(extra=SMTP_EXTRA.format(port=port))
    space.add(termin(plaetze=50), *(kontakt(i) for i in range(1, 4)), *(anmeldung(i) for i in range(1, 4)))
    ctx = space.sync()

    assert ctx.report.counts.get("Nachrichten fehlgeschlagen") == 2
    (notice,) = _notices(received)
    assert str(notice["Subject"]) == "2 Nachrichten nicht zugestellt: Markt der Möglichkeiten"
    text = _text(notice)
    assert "konnten 2 Nachrichten" in text and "Bestätigung (2)" in text
    assert "person2" not in text and "Nr2" not in text
    key = f"Fehler-Hinweis|{TERMIN}|Koordination|{NOW:%Y%m%d}"
    assert space.versand()[key].status == "gesendet"

    space.sync(NOW.replace(hour=10))
    assert len(_notices(received)) == 1  # the same failures: not told again


def test_notices_can_be_switched_off(make_space: Any, smtp_server: Any) -> None:
    port, received = smtp_server
    received.reject["person2@example.org"] = "550 5.1.1 unbekannt"
    space = make_space(extra=SMTP_EXTRA.format(port=port) + "\nkoordination_hinweise = false")
    space.add(termin(plaetze=2), kontakt(1), kontakt(2), anmeldung(1), anmeldung(2))
    space.sync()
    assert len(received.messages()) == 1 and _notices(received) == []
    assert not [k for k in space.versand() if "Hinweis" in k]
