"""Candidate dates for a Gesprächsrunde, ranked by who is in town (pure: no holidays data, no store).

A candidate is a day in the window on one of the configured weekdays. Days in ``closed`` (public and
school holidays of the participating Länder, with their German reasons) are excluded with those reasons.
The others are scored: every contact whose ``Anwesenheit`` says they are here that day adds the weight
of their group (Incomings and Outgoings are the target group and count most), halved for
»unregelmäßig«; every »passt« of a date poll adds :data:`POLL_POINTS`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from automation.domain.anwesenheit import Presence

GROUP_WEIGHTS: dict[str | None, float] = {
    "Incoming": 3.0,
    "Outgoing": 3.0,
    "Neu zugezogen": 2.0,
    "Einheimisch": 1.0,
    None: 1.0,
}
POLL_POINTS = 3.0
WEEKDAY_NAMES = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
WEEKDAY_SHORT = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


@dataclass(frozen=True)
class Person:
    """What the ranking needs of a contact: group and presence (None: unreadable or empty)."""

    gruppe: str | None
    presence: Presence | None


@dataclass
class Candidate:
    datum: dt.date
    beginn: dt.time | None
    ende: dt.time | None
    punkte: float = 0.0
    anwesend: int = 0
    by_group: Counter[str] = field(default_factory=Counter)
    poll_yes: int = 0
    rang: int | None = None
    excluded: list[str] = field(default_factory=list)

    @property
    def weekday(self) -> str:
        return WEEKDAY_NAMES[self.datum.weekday()]

    def reason(self) -> str:
        """Why this date is suggested or excluded, in German."""
        if self.excluded:
            return "; ".join(self.excluded)
        parts = [f"{self.anwesend} Kontakte voraussichtlich vor Ort"]
        groups = ", ".join(f"{n} {g}" for g, n in sorted(self.by_group.items()) if g in ("Incoming", "Outgoing"))
        if groups:
            parts.append(f"davon {groups}")
        if self.poll_yes:
            parts.append(f"{self.poll_yes}× »passt« in der Terminumfrage")
        return ", ".join(parts)


@dataclass
class ProposalResult:
    suggested: list[Candidate]  # ranked, best first
    excluded: list[Candidate]  # in date order
    unknown_presence: int  # contacts whose Anwesenheit says nothing readable


def weekday_numbers(names: Iterable[str]) -> set[int]:
    """»Sa«, »Samstag«, »so« … as weekday numbers (0 = Monday); raises ValueError on unknown names."""
    result = set()
    for name in names:
        key = name.strip().casefold().rstrip(".")
        for number, (long, short) in enumerate(zip(WEEKDAY_NAMES, WEEKDAY_SHORT, strict=True)):
            if key in (long.casefold(), short.casefold()):
                result.add(number)
                break
        else:
            raise ValueError(f"»{name}« ist kein Wochentag (erlaubt: {', '.join(WEEKDAY_SHORT)}).")
    return result


def rank_dates(
    von: dt.date,
    bis: dt.date,
    weekdays: set[int],
    people: Iterable[Person],
    closed: Mapping[dt.date, list[str]],
    *,
    beginn: dt.time | None = None,
    ende: dt.time | None = None,
    poll: Mapping[dt.date, int] | None = None,
) -> ProposalResult:
    """Every candidate day in ``von``..``bis``: excluded ones with reasons, the rest ranked by score."""
    groups = Counter(people)  # few distinct (group, presence) pairs: each is checked once per day
    poll = poll or {}
    suggested: list[Candidate] = []
    excluded: list[Candidate] = []
    day = von
    while day <= bis:
        if day.weekday() in weekdays:
            candidate = Candidate(day, beginn, ende)
            if closed.get(day):
                candidate.excluded = list(closed[day])
                excluded.append(candidate)
            else:
                for person, n in groups.items():
                    if person.presence is not None and person.presence.present_on(day):
                        candidate.punkte += n * GROUP_WEIGHTS.get(person.gruppe, 1.0) * person.presence.weight
                        candidate.anwesend += n
                        candidate.by_group[person.gruppe or "ohne Gruppe"] += n
                candidate.poll_yes = poll.get(day, 0)
                candidate.punkte += POLL_POINTS * candidate.poll_yes
                suggested.append(candidate)
        day += dt.timedelta(days=1)
    suggested.sort(key=lambda c: (-c.punkte, c.datum))
    for rang, candidate in enumerate(suggested, start=1):
        candidate.rang = rang
    unknown = sum(n for p, n in groups.items() if p.presence is None)
    return ProposalResult(suggested, excluded, unknown)
