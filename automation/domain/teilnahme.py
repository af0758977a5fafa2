"""Attendance: ticks in ``Anmeldungen.Anwesend`` become »teilgenommen« / »nicht erschienen« (pure).

Only after the date, and only once the list has been typed in: while nobody of a date is ticked, nobody
is marked as absent (an untyped list must not turn every guest into a no-show and cost them the
feedback request). A tick wins over any status (also a walk-in row or someone on the waiting list who
came anyway); an explicit »nein« turns »teilgenommen« back into »nicht erschienen«.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from automation.domain.records import AnmeldeStatus, Anmeldung, Termin

REMIND_DAYS = 14  # say that the list is missing for two weeks after the date


@dataclass(frozen=True)
class Change:
    anmeldung: Anmeldung
    status: AnmeldeStatus


def attendance_changes(termin: Termin, anmeldungen: Iterable[Anmeldung], today: dt.date) -> tuple[list[Change], bool]:
    """Status changes for one date, and whether the list is still missing (nobody ticked yet)."""
    if termin.status == "abgesagt" or today <= termin.datum:
        return [], False
    rows = [a for a in anmeldungen if a.termin_id == termin.termin_id]
    if not any(a.anwesend for a in rows):
        expected = any(a.status == "angemeldet" for a in rows)
        return [], expected and (today - termin.datum).days <= REMIND_DAYS
    changes = []
    for a in rows:
        if a.anwesend is True and a.status != "teilgenommen":
            changes.append(Change(a, "teilgenommen"))
        elif (a.anwesend is None and a.status == "angemeldet") or (
            a.anwesend is False and a.status in ("angemeldet", "teilgenommen")
        ):
            changes.append(Change(a, "nicht erschienen"))
    return changes, False
