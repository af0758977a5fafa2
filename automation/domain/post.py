"""Invitations for people without e-mail: who gets a letter, who a call (pure).

The candidates are those an e-mail invitation would go to (consent, not unsubscribed, municipality,
not registered, date open for registration; see ``automation.domain.mail.due.invitations``) but who have no
e-mail address. With a complete postal address (Straße, PLZ, Ort) they get a letter, else with a phone
number a call. The ``Versand`` tab keeps one row per person and date with Art »Brief« or »Anruf«, so
nobody is written to or called twice:

- Brief: ``gedruckt`` once the letter is in a PDF; never again.
- Anruf: ``anzurufen`` while on the call list (the list shows them again until done), then
  ``angerufen`` or ``nicht erreicht`` (set by ``anrufliste --erledigt`` or in the tab); never again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from automation.domain.records import Kontakt, Versand

BRIEF = "Brief"
ANRUF = "Anruf"
LETTER_DONE = "gedruckt"
CALL_OPEN = "anzurufen"
CALL_DONE = ("angerufen", "nicht erreicht")


def key(art: str, termin_id: str, kontakt_id: str) -> str:
    """The ``Versand`` key, in the same form as the e-mail kinds: ``Art|Termin-ID|Kontakt-ID``."""
    return f"{art}|{termin_id}|{kontakt_id}"


def postcode(text: str | None) -> str | None:
    """A German postcode as five digits (a spreadsheet turns »01067« into 1067)."""
    if text is None:
        return None
    value = str(text).strip()
    if re.fullmatch(r"\d{4}", value):
        return "0" + value
    return value or None


def address_lines(kontakt: Kontakt) -> list[str] | None:
    """Name, street, »PLZ Ort« – or None when a part is missing."""
    plz = postcode(kontakt.plz)
    if not (kontakt.strasse and kontakt.strasse.strip() and plz and kontakt.ort and kontakt.ort.strip()):
        return None
    return [kontakt.display_name, kontakt.strasse.strip(), f"{plz} {kontakt.ort.strip()}"]


def missing_address_parts(kontakt: Kontakt) -> list[str]:
    parts = {"Straße": kontakt.strasse, "PLZ": postcode(kontakt.plz), "Ort": kontakt.ort}
    return [name for name, value in parts.items() if not (value and str(value).strip())]


@dataclass
class Channels:
    letters: list[Kontakt]  # new letters to print
    calls: list[Kontakt]  # on the call list: new ones and those still to be called
    new_calls: list[Kontakt]  # of ``calls``: not yet in ``Versand``
    unreachable: list[tuple[Kontakt, str]]  # neither address nor phone: with the German reason


def channels(candidates: Iterable[Kontakt], termin_id: str, ledger: Mapping[str, Versand]) -> Channels:
    """Split contacts without e-mail into letters and calls, skipping whoever has been reached already."""
    result = Channels([], [], [], [])
    for kontakt in candidates:
        if kontakt.email:
            continue
        letter = ledger.get(key(BRIEF, termin_id, kontakt.kontakt_id))
        call = ledger.get(key(ANRUF, termin_id, kontakt.kontakt_id))
        if letter is not None and letter.status != "geplant":
            continue  # a letter went out: never a second one, nor a call
        if call is not None and call.status != CALL_OPEN:
            continue  # called (or tried): done for this date
        if call is not None:
            result.calls.append(kontakt)  # still to call: stays on the list
        elif address_lines(kontakt) is not None:
            result.letters.append(kontakt)
        elif kontakt.telefon:
            result.calls.append(kontakt)
            result.new_calls.append(kontakt)
        else:
            parts = missing_address_parts(kontakt)
            verb = "fehlt" if len(parts) == 1 else "fehlen"
            result.unreachable.append(
                (
                    kontakt,
                    f"keine E-Mail-Adresse, keine Telefonnummer, unvollständige Anschrift ({', '.join(parts)} {verb})",
                )
            )
    return result
