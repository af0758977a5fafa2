"""The message kinds (``Art`` in the ``Versand`` tab) and their idempotency key."""

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
}


@dataclass(frozen=True)
class MessageKey:
    """Kind + date + contact: one message of a kind per person and date, ever."""

    art: Art
    termin_id: str
    kontakt_id: str

    def __str__(self) -> str:
        return f"{self.art.value}|{self.termin_id}|{self.kontakt_id}"

    @classmethod
    def parse(cls, text: str) -> MessageKey:
        """Read a key as shown in ``Versand``; raises ValueError with a German message."""
        parts = [p.strip() for p in text.split("|")]
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"»{text}« ist kein Versand-Schlüssel (Form: Art|Termin-ID|Kontakt-ID).")
        try:
            art = Art(parts[0])
        except ValueError:
            kinds = ", ".join(a.value for a in Art)
            raise ValueError(f"Unbekannte Art »{parts[0]}« im Schlüssel; bekannt sind: {kinds}.") from None
        return cls(art, parts[1], parts[2])
