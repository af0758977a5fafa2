"""Ehrenamtslotsen: which guide welcomes which newcomer at a date (pure).

Guides are contacts with ``Lotse`` = ja who have a place at the date. Newcomers are registrations that
asked to be accompanied (``Begleitung gewünscht``). In the order the registrations came in, each newcomer
without a guide gets one: same language first, then same municipality, then the guide with the fewest
people so far (at most ``per_guide``); ties by Kontakt-ID, so the result is the same on every run. An
assignment once made (``Begleitet von``) is kept: people have been told who welcomes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass

from automation.domain import names
from automation.domain.records import Anmeldung, Kontakt

WITH_PLACE = ("angemeldet", "teilgenommen")
ARRIVE_MINUTES_BEFORE = 30  # guides come this long before the start


@dataclass(frozen=True)
class Assignment:
    anmeldung: Anmeldung
    guide: Kontakt
    reason: str  # German: why this guide


def _norm(text: str | None) -> str:
    return (text or "").strip().casefold()


def guides_of(termin_id: str, anmeldungen: Iterable[Anmeldung], kontakte: Mapping[str, Kontakt]) -> list[Kontakt]:
    """Guides with a place at the date, by Kontakt-ID."""
    found = {
        a.kontakt_id: kontakte[a.kontakt_id]
        for a in anmeldungen
        if a.termin_id == termin_id and a.status in WITH_PLACE and a.kontakt_id in kontakte
        if kontakte[a.kontakt_id].lotse
    }
    return [found[k] for k in sorted(found)]


def assign_guides(
    termin_id: str,
    anmeldungen: Iterable[Anmeldung],
    kontakte: Mapping[str, Kontakt],
    per_guide: int = 3,
) -> tuple[list[Assignment], list[Anmeldung]]:
    """New assignments for the date, and the newcomers for whom no guide is free."""
    rows = [a for a in anmeldungen if a.termin_id == termin_id]
    guides = guides_of(termin_id, rows, kontakte)
    guide_ids = {g.kontakt_id for g in guides}
    load = {g.kontakt_id: 0 for g in guides}
    for a in rows:
        if a.begleitet_von in load and a.status in WITH_PLACE:
            load[a.begleitet_von] += 1
    wanting = [
        a for a in rows
        if a.begleitung_gewuenscht and a.status in WITH_PLACE and a.kontakt_id not in guide_ids
        and not (a.begleitet_von and a.begleitet_von.strip())
    ]  # fmt: skip
    wanting.sort(key=lambda a: (a.eingegangen or dt.datetime.max, a.anmelde_id))
    result: list[Assignment] = []
    unmatched: list[Anmeldung] = []
    for a in wanting:
        person = kontakte.get(a.kontakt_id)
        free = [g for g in guides if load[g.kontakt_id] < per_guide]
        if person is None or not free:
            unmatched.append(a)
            continue

        def rank(g: Kontakt, person: Kontakt = person) -> tuple[int, int, int, str]:
            same_language = bool(_norm(person.sprache)) and _norm(g.sprache) == _norm(person.sprache)
            same_place = bool(_norm(person.kommune)) and _norm(g.kommune) == _norm(person.kommune)
            return (0 if same_language else 1, 0 if same_place else 1, load[g.kontakt_id], g.kontakt_id)

        guide = min(free, key=rank)
        language, place, _, _ = rank(guide)
        reasons = (["gleiche Sprache"] if language == 0 else []) + (["gleiche Kommune"] if place == 0 else [])
        load[guide.kontakt_id] += 1
        result.append(Assignment(a, guide, ", ".join(reasons) or "frei"))
    return result, unmatched


def short_name(kontakt: Kontakt) -> str:
    """First name and the initial of the last name (»Anna B.«): what a guide and a newcomer learn."""
    return names.short_name(kontakt.vorname, kontakt.nachname, kontakt.kontakt_id)


def tables_of(ids: set[str], rows: Iterable[tuple[int, str, list[str]]]) -> list[dict[str, object]]:
    """``{runde, tisch}`` of whoever is named by one of ``ids`` in the table plan rows (runde, tisch, people)."""
    return [{"runde": r, "tisch": t} for r, t, people in sorted(rows, key=lambda x: (x[0], x[1])) if ids & set(people)]


def briefing_context(
    guide: Kontakt,
    termin_id: str,
    beginn: dt.time | None,
    anmeldungen: Iterable[Anmeldung],
    kontakte: Mapping[str, Kontakt],
    plan: Iterable[tuple[int, str, list[str]]],
    minutes_before: int,
) -> dict[str, object]:
    """What a guide's briefing shows: their people (short name, language, municipality, needs), the
    guide's tables per round and when to arrive. Nothing else about the people (no e-mail, no phone)."""
    plan = list(plan)
    people = []
    guide_ids = {guide.kontakt_id}
    for a in sorted(anmeldungen, key=lambda a: (a.eingegangen or dt.datetime.max, a.anmelde_id)):
        if a.termin_id != termin_id or a.status not in WITH_PLACE or a.begleitet_von != guide.kontakt_id:
            continue
        kontakt = kontakte.get(a.kontakt_id)
        if kontakt is None:
            continue
        people.append(
            {
                "name": short_name(kontakt),
                "sprache": kontakt.sprache or "",
                "kommune": kontakt.kommune or "",
                "begleitpersonen": a.personen - 1,
                "barrierefreiheit": a.barrierefreiheit or "",
                "tische": tables_of({a.anmelde_id, a.kontakt_id}, plan),
            }
        )
    for a in anmeldungen:
        if a.termin_id == termin_id and a.kontakt_id == guide.kontakt_id:
            guide_ids.add(a.anmelde_id)
    arrive = ""
    if beginn is not None:
        start = dt.datetime.combine(dt.date(2000, 1, 1), beginn) - dt.timedelta(minutes=minutes_before)
        arrive = f"{start:%H:%M} Uhr"
    return {"lotsen_leute": people, "lotse_tische": tables_of(guide_ids, plan), "ankunft": arrive}


def seat_with_guides(
    groups: list[list[str]],
    pairs: Iterable[tuple[str, str]],
    limit: int,
    blocked: Set[str] = frozenset(),
) -> list[list[str]]:
    """The table plan's ``zusammen`` groups with each guide joined to the newcomers they welcome (pairs of
    participant IDs: guide, newcomer), only while the joined group stays within ``limit`` seats and holds
    nobody from ``blocked`` (e.g. who needs an accessible table when not all tables are): a wish, never a
    reason for a plan to become impossible."""
    block: dict[str, list[str]] = {pid: g for g in groups for pid in g}
    for guide, newcomer in pairs:
        a = block.setdefault(guide, [guide])
        b = block.setdefault(newcomer, [newcomer])
        if a is b or len(a) + len(b) > limit or blocked & (set(a) | set(b)):
            continue
        a.extend(b)
        for pid in b:
            block[pid] = a
    unique = {id(g): g for g in block.values()}
    return [g for g in unique.values() if len(g) > 1]
