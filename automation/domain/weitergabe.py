"""Consented hand-off of contact wishes to clubs (pure): who may go to which club, and who went.

A person is passed on to a club only when all of this holds at the moment of sending:
``Einwilligung Weitergabe`` = ja, not ``Abgemeldet``, and the club is named under »Kontaktwunsch« in the
person's Feedback to that date. One message per club and date (``Versand`` key
``Weitergabe|<Termin-ID>|<Vereins-ID>``: for messages to clubs the column Kontakt-ID holds the
Vereins-ID), sent ``tage_nach`` days after the date, once the feedback is in. Each person passed on gets
one message (``Weitergabe-Info|<Termin-ID>|<Kontakt-ID>``) naming the clubs that got their details.
Who was passed on is derived from the ledger: the club's row is ``gesendet`` and the person's Feedback
arrived before that time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from automation.domain.auswertung import club_matcher, named_clubs
from automation.domain.dataset import Dataset
from automation.domain.records import Feedback, Kontakt, Termin, Verein, Versand

WEITERGABE = "Weitergabe"
WEITERGABE_INFO = "Weitergabe-Info"
MAX_DAYS_AFTER = 120  # older dates are never handed off automatically


def consent_problem(kontakt: Kontakt) -> str | None:
    """Why this person's details must not go to any club (German), or None."""
    if not kontakt.einwilligung_weitergabe:
        return "hat nicht in die Weitergabe an Vereine eingewilligt (Spalte »Einwilligung Weitergabe«)"
    if kontakt.abgemeldet:
        return "hat sich abgemeldet (Spalte »Abgemeldet«)"
    return None


@dataclass(frozen=True)
class Wish:
    """One person who asked a club to contact them, with the feedback it came from."""

    kontakt: Kontakt
    feedback: Feedback


def wishes(
    termin: Termin, vereine: list[Verein], kontakte: list[Kontakt], feedback: list[Feedback]
) -> dict[str, list[Wish]]:
    """Vereins-ID → the consenting people who named the club under »Kontaktwunsch« for this date."""
    by_id = {k.kontakt_id: k for k in kontakte}
    matcher = club_matcher(vereine)
    result: dict[str, list[Wish]] = {}
    seen: set[tuple[str, str]] = set()
    for item in sorted(feedback, key=lambda f: (f.eingegangen or dt.datetime.min, f.antwort_id)):
        if item.termin_id != termin.termin_id or not item.kontakt_id:
            continue
        kontakt = by_id.get(item.kontakt_id)
        if kontakt is None or consent_problem(kontakt) is not None:
            continue
        for vereins_id in named_clubs(item.kontaktwunsch, matcher):
            if (vereins_id, kontakt.kontakt_id) in seen:
                continue
            seen.add((vereins_id, kontakt.kontakt_id))
            result.setdefault(vereins_id, []).append(Wish(kontakt, item))
    return result


def due_date(termin: Termin, days_after: int) -> dt.date:
    return termin.datum + dt.timedelta(days=days_after)


def in_window(termin: Termin, today: dt.date, days_after: int) -> bool:
    """The hand-off of this date is due today (from ``days_after`` days after the date, for a while)."""
    if termin.status == "abgesagt":
        return False
    return due_date(termin, days_after) <= today <= termin.datum + dt.timedelta(days=MAX_DAYS_AFTER)


def passed_on(
    versand: list[Versand], termine: list[Termin], vereine: list[Verein], kontakte: list[Kontakt],
    feedback: list[Feedback],
) -> dict[tuple[str, str], set[str]]:  # fmt: skip
    """(Termin-ID, Vereins-ID) → Kontakt-IDs whose details went to the club (club message ``gesendet``)."""
    sent = {
        (row.termin_id, row.kontakt_id): row.zeit
        for row in versand
        if row.art == WEITERGABE and row.status == "gesendet" and row.termin_id and row.kontakt_id
    }
    if not sent:
        return {}
    # Consent is as it was then: a later withdrawal does not undo what was passed on, so read it from the
    # feedback and the person's info row rather than from today's consent alone.
    informed = {
        (row.termin_id, row.kontakt_id)
        for row in versand
        if row.art == WEITERGABE_INFO and row.status in ("gesendet", "wird gesendet", "unklar")
    }
    by_id = {k.kontakt_id: k for k in kontakte}
    matcher = club_matcher(vereine)
    result: dict[tuple[str, str], set[str]] = {}
    for termin in termine:
        for item in feedback:
            if item.termin_id != termin.termin_id or not item.kontakt_id:
                continue
            kontakt = by_id.get(item.kontakt_id)
            consented = (termin.termin_id, item.kontakt_id) in informed or (
                kontakt is not None and consent_problem(kontakt) is None
            )
            if not consented:
                continue
            for vereins_id in named_clubs(item.kontaktwunsch, matcher):
                when = sent.get((termin.termin_id, vereins_id), dt.datetime.min)
                if (termin.termin_id, vereins_id) not in sent:
                    continue
                if item.eingegangen is None or when is None or item.eingegangen <= when:
                    result.setdefault((termin.termin_id, vereins_id), set()).add(item.kontakt_id)
    return result


def handed_off_to(dataset: Dataset, kontakt_id: str) -> list[dict[str, str]]:
    """For ``person export``: which clubs got this person's details, for which date, when."""
    vereine = dataset.all(Verein)
    names = {v.vereins_id: v for v in vereine}
    rows = {(v.termin_id, v.kontakt_id): v for v in dataset.all(Versand) if v.art == WEITERGABE}
    went = passed_on(dataset.all(Versand), dataset.all(Termin), vereine, dataset.all(Kontakt), dataset.all(Feedback))
    result = []
    for (termin_id, vereins_id), people in sorted(went.items()):
        if kontakt_id not in people:
            continue
        verein = names.get(vereins_id)
        row = rows.get((termin_id, vereins_id))
        result.append(
            {
                "Termin-ID": termin_id,
                "Vereins-ID": vereins_id,
                "Verein": verein.name if verein else vereins_id,
                "E-Mail des Vereins": (verein.email or "") if verein else "",
                "Gesendet": f"{row.zeit:%Y-%m-%d %H:%M}" if row and row.zeit else "",
            }
        )
    return result
