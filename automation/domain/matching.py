"""Where a form answer finds its Kontakt: e-mail first, then phone, then name + municipality.

Two different people are never merged silently. When the evidence disagrees (same e-mail but another
first name – families share addresses; same phone or name but a different e-mail), the answer gets a new
Kontakt and the match is reported as uncertain, naming the other Kontakt-ID, for the coordinator to check.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from automation.domain.records import Kontakt


def fold(value: str | None) -> str:
    """Compare names loosely: case, accents, hyphens and blanks do not matter (Müller = mueller)."""
    if not value:
        return ""
    text = value.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isalnum())


def _first_names_agree(a: str | None, b: str | None) -> bool:
    fa, fb = fold(a), fold(b)
    return not fa or not fb or fa == fb or fa.startswith(fb) or fb.startswith(fa)


@dataclass(frozen=True)
class Match:
    """The outcome: an existing contact, or none; ``uncertain`` names a contact that might be the same."""

    kontakt: Kontakt | None
    rule: str  # "E-Mail", "Telefon", "Name und Kommune" or "neu"
    uncertain: Kontakt | None = None


class ContactIndex:
    """Lookup of contacts by e-mail, phone and name + municipality (buckets hold Kontakt-IDs)."""

    def __init__(self, contacts: Iterable[Kontakt]) -> None:
        self.contacts: dict[str, Kontakt] = {}
        self.by_email: dict[str, list[str]] = {}
        self.by_phone: dict[str, list[str]] = {}
        self.by_name: dict[tuple[str, str, str], list[str]] = {}
        for contact in contacts:
            self.add(contact)

    @staticmethod
    def _keys(contact: Kontakt) -> tuple[str, str, tuple[str, str, str]]:
        name = (fold(contact.vorname), fold(contact.nachname), fold(contact.kommune))
        return (contact.email or "").casefold(), contact.telefon or "", name

    def _buckets(self, contact: Kontakt) -> list[list[str]]:
        email, telefon, name = self._keys(contact)
        buckets = []
        if email:
            buckets.append(self.by_email.setdefault(email, []))
        if telefon:
            buckets.append(self.by_phone.setdefault(telefon, []))
        if name[0] and name[1]:
            buckets.append(self.by_name.setdefault(name, []))
        return buckets

    def add(self, contact: Kontakt) -> None:
        self.contacts[contact.kontakt_id] = contact
        for bucket in self._buckets(contact):
            bucket.append(contact.kontakt_id)

    def replace(self, old: Kontakt, new: Kontakt) -> None:
        for bucket in self._buckets(old):
            if old.kontakt_id in bucket:
                bucket.remove(old.kontakt_id)
        self.add(new)

    def by_email_address(self, email: str) -> Kontakt | None:
        """The first contact with this e-mail address (case does not matter)."""
        ids = self.by_email.get(email.strip().casefold(), [])
        return self.contacts[ids[0]] if ids else None

    def _get(self, ids: list[str]) -> list[Kontakt]:
        return [self.contacts[i] for i in ids]

    def match(self, candidate: Kontakt) -> Match:
        """Find the contact this answer belongs to (``candidate`` carries the answer's data)."""
        email = (candidate.email or "").casefold()
        suspect: Kontakt | None = None
        if email:
            for known in self._get(self.by_email.get(email, [])):
                if _first_names_agree(known.vorname, candidate.vorname):
                    return Match(known, "E-Mail")
                suspect = suspect or known
        if candidate.telefon:
            for known in self._get(self.by_phone.get(candidate.telefon, [])):
                if _first_names_agree(known.vorname, candidate.vorname) and not _emails_differ(known, candidate):
                    return Match(known, "Telefon")
                suspect = suspect or known
        key = (fold(candidate.vorname), fold(candidate.nachname), fold(candidate.kommune))
        for known in self._get(self.by_name.get(key, [])):
            if not _emails_differ(known, candidate):
                return Match(known, "Name und Kommune")
            suspect = suspect or known
        return Match(None, "neu", suspect)


def _emails_differ(a: Kontakt, b: Kontakt) -> bool:
    return bool(a.email and b.email and a.email.casefold() != b.email.casefold())
