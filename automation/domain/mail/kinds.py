"""The message kinds (``Art`` in the ``Versand`` tab) and their idempotency key.

Adding a kind: one member of :class:`Art`, its entry in ``_TEMPLATES`` (and in :data:`CALENDAR` when it
carries ``termin.ics``, in :data:`VERSIONED` when it goes out once per change of the date), the three
templates in ``vorlagen/mail/`` and the rule choosing it in :mod:`automation.domain.mail.due`. Its ``Versand`` row
follows the one transition table in :mod:`automation.domain.ledger`; nothing else changes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Art(enum.StrEnum):
    """A kind of message; the value is what the ``Versand`` tab shows in ``Art``."""

    EINLADUNG = "Einladung"
    BESTAETIGUNG = "Bestätigung"
    WARTELISTE = "Warteliste"
    NACHGERUECKT = "Nachgerückt"
    ABSAGE = "Absage-Bestätigung"
    ERINNERUNG = "Erinnerung"
    FEEDBACK = "Feedback-Bitte"
    LOTSEN_BRIEFING = "Lotsen-Briefing"
    TERMINAENDERUNG = "Terminänderung"
    TERMINABSAGE = "Terminabsage"
    # after the event (automation/services/nachbereitung.py); for kinds to clubs, Kontakt-ID holds the Vereins-ID
    WEITERGABE = "Weitergabe"
    WEITERGABE_INFO = "Weitergabe-Info"
    VEREINSBERICHT = "Vereinsbericht"
    ANGEBOTE_ERINNERUNG = "Angebote-Erinnerung"
    NACHFRAGE = "Nachfrage"
    NACHFRAGE_ERINNERUNG = "Nachfrage-Erinnerung"
    # self-service: confirms an unsubscribe (form or e-mail reply); planned when the answer is processed
    ABMELDE_BESTAETIGUNG = "Abmelde-Bestätigung"
    # to the coordination (automation/domain/mail/koordination.py); Kontakt-ID »Koordination«, counts only
    BELEGUNGS_HINWEIS = "Belegungs-Hinweis"
    FEHLER_HINWEIS = "Fehler-Hinweis"

    @property
    def template(self) -> str:
        """Base name of the templates in ``vorlagen/mail/``."""
        return _TEMPLATES[self]


_TEMPLATES = {
    Art.EINLADUNG: "einladung",
    Art.BESTAETIGUNG: "bestaetigung",
    Art.WARTELISTE: "warteliste",
    Art.NACHGERUECKT: "nachgerueckt",
    Art.ABSAGE: "absage",
    Art.ERINNERUNG: "erinnerung",
    Art.FEEDBACK: "feedback",
    Art.LOTSEN_BRIEFING: "lotsen_briefing",
    Art.TERMINAENDERUNG: "terminaenderung",
    Art.TERMINABSAGE: "terminabsage",
    Art.WEITERGABE: "weitergabe",
    Art.WEITERGABE_INFO: "weitergabe_info",
    Art.VEREINSBERICHT: "vereinsbericht",
    Art.ANGEBOTE_ERINNERUNG: "angebote_erinnerung",
    Art.NACHFRAGE: "nachfrage",
    Art.NACHFRAGE_ERINNERUNG: "nachfrage_erinnerung",
    Art.ABMELDE_BESTAETIGUNG: "abmelde_bestaetigung",
    Art.BELEGUNGS_HINWEIS: "koordination_belegung",
    Art.FEHLER_HINWEIS: "koordination_fehler",
}

# Kinds with a calendar file ``termin.ics``, and its METHOD (RFC 5546).
CALENDAR: dict[Art, str] = {
    Art.BESTAETIGUNG: "PUBLISH",
    Art.NACHGERUECKT: "PUBLISH",
    Art.TERMINAENDERUNG: "PUBLISH",
    Art.TERMINABSAGE: "CANCEL",
}

# Kinds sent once per announced change of the date: their key carries the date's »Fassung«.
VERSIONED: frozenset[Art] = frozenset({Art.TERMINAENDERUNG})

# The Termin-ID part of the key of messages about no date (Abmelde-Bestätigung: from every future invitation).
NO_DATE = "-"

# Kinds whose recipient is a club (Vereine tab), not a Kontakt: the key's third part is the Vereins-ID.
CLUB_KINDS = frozenset({Art.WEITERGABE, Art.VEREINSBERICHT, Art.ANGEBOTE_ERINNERUNG})

# Kinds to the coordination address (``[darstellung] kontakt_adresse``): the key's third part is »Koordination«,
# the fourth the threshold in percent (Belegungs-Hinweis) or the day ``JJJJMMTT`` (Fehler-Hinweis).
COORDINATION_KINDS = frozenset({Art.BELEGUNGS_HINWEIS, Art.FEHLER_HINWEIS})


@dataclass(frozen=True)
class MessageKey:
    """Kind + date + contact: one message of a kind per person and date, ever.

    Kinds in :data:`VERSIONED` add the date's »Fassung« (``Terminänderung|T-1|K-1|2``): one per change.
    """

    art: Art
    termin_id: str
    kontakt_id: str
    fassung: int | None = None

    def __str__(self) -> str:
        base = f"{self.art.value}|{self.termin_id}|{self.kontakt_id}"
        return base if self.fassung is None else f"{base}|{self.fassung}"

    @classmethod
    def parse(cls, text: str) -> MessageKey:
        """Read a key as shown in ``Versand``; raises ValueError with a German message."""
        parts = [p.strip() for p in text.split("|")]
        if len(parts) not in (3, 4) or not all(parts) or (len(parts) == 4 and not parts[3].isdigit()):
            raise ValueError(f"»{text}« ist kein Versand-Schlüssel (Form: Art|Termin-ID|Kontakt-ID).")
        try:
            art = Art(parts[0])
        except ValueError:
            kinds = ", ".join(a.value for a in Art)
            raise ValueError(f"Unbekannte Art »{parts[0]}« im Schlüssel; bekannt sind: {kinds}.") from None
        return cls(art, parts[1], parts[2], int(parts[3]) if len(parts) == 4 else None)
