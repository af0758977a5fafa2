"""Figures after an event (pure): attendance, ratings, interest per club, times, suggestions, impact.

Everything here works on records only (no store, no files). Definitions (the README documents them):

- *teilgenommen*: Anmeldungen of the date with status »teilgenommen«; *nicht erschienen* likewise.
- *am Tisch* of a club: participants who attended and sat at one of its tables in any round
  (``Tischplan``: ``Vereine`` names the club by name or Vereins-ID, ``Teilnehmende`` lists Anmelde-IDs,
  companions as ``A-…+1`` count as people too).
- *interessiert*: Feedback of the date naming the club under »Interessante Vereine« or »Kontaktwunsch«.
- *Kontaktwunsch*: Feedback naming the club under »Kontaktwunsch«; *weitergegeben*: of those, the people
  whose details went to the club (the hand-off message to the club was sent and the person consented).
- *Bewertung* of a club: the mean rating of the Feedback of people interested in the club.
- Breakdowns shown to clubs never show a group of 1 or 2 people: :func:`masked` writes »weniger als 3«.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from automation.domain.records import GRUPPEN, Angebot, Anmeldung, Feedback, Kontakt, Termin, TischplanZeile, Verein

MIN_GROUP = 3
SMALL = "weniger als 3"
NO_GROUP = "ohne Angabe"

# Availability classes (from Feedback »Passende Zeiten« and Kontakt »Anwesenheit«), in report order.
WOCHENENDE_NUR = "nur am Wochenende"
ABENDS = "unter der Woche abends"
FERNE = "aus der Ferne"
EINMALIG = "nur ab und zu, einmalige Aktionen"
FERIEN = "in den Ferien"
ZEITEN = (WOCHENENDE_NUR, ABENDS, FERNE, EINMALIG, FERIEN)


def masked(count: int) -> str:
    """A count as a club may see it: 0 and 3 or more as the number, 1 and 2 as »weniger als 3«."""
    return SMALL if 0 < count < MIN_GROUP else str(count)


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def availability(kontakt: Kontakt | None, feedback: Feedback | None) -> set[str]:
    """The availability classes of one person (what they said in the feedback wins over the registration)."""
    said = {_norm(z) for z in (feedback.passende_zeiten if feedback else [])}
    present = {_norm(a) for a in (kontakt.anwesenheit if kontakt else [])}
    result: set[str] = set()
    weekend = any("wochenende" in s for s in said) or any("wochenende" in p for p in present)
    weekday = any("woche" in s and "wochenende" not in s for s in said) or any(
        "unter der woche" in p or "werktag" in p for p in present
    )
    if weekend and not weekday:
        result.add(WOCHENENDE_NUR)
    if any("abend" in s for s in said):
        result.add(ABENDS)
    if any("ferne" in s or "unterwegs" in s or "online" in s for s in said):
        result.add(FERNE)
    if any("einmalig" in s or "ab und zu" in s for s in said):
        result.add(EINMALIG)
    if any("ferien" in s for s in said) or any("ferien" in p for p in present):
        result.add(FERIEN)
    return result


@dataclass
class VereinsZahlen:
    """The figures of one club for one date."""

    vereins_id: str
    name: str
    am_tisch: int = 0
    interessiert: int = 0
    kontaktwunsch: int = 0
    weitergegeben: int = 0
    bewertung_mittel: float | None = None
    bewertungen: int = 0
    zeiten: dict[str, int] = field(default_factory=dict)  # availability class → interested people
    interessiert_nach_gruppe: dict[str, int] = field(default_factory=dict)
    vorschlaege: list[str] = field(default_factory=list)
    freitexte: list[str] = field(default_factory=list)  # only from people who consented to the hand-off


@dataclass
class Zahlen:
    """The figures of one date (for the overview and ``--json``)."""

    termin: Termin
    teilgenommen: int
    nicht_erschienen: int
    angemeldet: int
    personen_teilgenommen: int  # with companions
    nach_gruppe: dict[str, dict[str, int]]
    nach_kommune: dict[str, dict[str, int]]
    bewertung_mittel: float | None
    bewertung_verteilung: dict[int, int]
    feedback_anzahl: int
    vereine: list[VereinsZahlen]
    zeiten: dict[str, int]
    verbesserungen: list[str]
    freitexte: list[str]


@dataclass(frozen=True)
class Tabs:
    """The records the figures are computed from (one read of the store)."""

    termine: list[Termin]
    vereine: list[Verein]
    angebote: list[Angebot]
    kontakte: list[Kontakt]
    anmeldungen: list[Anmeldung]
    feedback: list[Feedback]
    tischplan: list[TischplanZeile]
    weitergegeben: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (Termin, Verein) → Kontakt-IDs


def club_matcher(vereine: Iterable[Verein]) -> dict[str, str]:
    """Name or Vereins-ID (case-insensitive) → Vereins-ID."""
    result: dict[str, str] = {}
    for verein in vereine:
        result[_norm(verein.name)] = verein.vereins_id
        result[_norm(verein.vereins_id)] = verein.vereins_id
    return result


def named_clubs(names: Iterable[str], matcher: dict[str, str]) -> list[str]:
    """The Vereins-IDs of club names as people ticked them (unknown names are left out)."""
    result: list[str] = []
    for name in names:
        vereins_id = matcher.get(_norm(name))
        if vereins_id is not None and vereins_id not in result:
            result.append(vereins_id)
    return result


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _participant_base(ident: str) -> str:
    return ident.split("+", 1)[0].strip()


def figures(tabs: Tabs, termin: Termin) -> Zahlen:
    """All figures of one date."""
    kontakte = {k.kontakt_id: k for k in tabs.kontakte}
    anmeldungen = [a for a in tabs.anmeldungen if a.termin_id == termin.termin_id]
    attended = [a for a in anmeldungen if a.status == "teilgenommen"]
    attended_ids = {a.anmelde_id for a in attended} | {a.kontakt_id for a in attended}
    by_group: dict[str, dict[str, int]] = {g: {"teilgenommen": 0, "nicht erschienen": 0} for g in GRUPPEN}
    by_place: dict[str, dict[str, int]] = {}
    for anmeldung in anmeldungen:
        if anmeldung.status not in ("teilgenommen", "nicht erschienen"):
            continue
        kontakt = kontakte.get(anmeldung.kontakt_id)
        gruppe = (kontakt.gruppe if kontakt else None) or NO_GROUP
        kommune = (kontakt.kommune if kontakt else None) or NO_GROUP
        by_group.setdefault(gruppe, {"teilgenommen": 0, "nicht erschienen": 0})[anmeldung.status] += 1
        by_place.setdefault(kommune, {"teilgenommen": 0, "nicht erschienen": 0})[anmeldung.status] += 1
    feedback = [f for f in tabs.feedback if f.termin_id == termin.termin_id]
    ratings = [f.bewertung for f in feedback if f.bewertung is not None]
    matcher = club_matcher(tabs.vereine)
    clubs = [v for v in tabs.vereine if termin.termin_id in v.termine]
    seated = _seated(tabs.tischplan, termin, matcher, attended_ids)
    all_times: Counter[str] = Counter()
    for item in feedback:
        all_times.update(availability(kontakte.get(item.kontakt_id or ""), item))
    result = []
    for verein in clubs:
        result.append(_club_figures(tabs, termin, verein, feedback, kontakte, matcher, seated))
    return Zahlen(
        termin=termin,
        teilgenommen=len(attended),
        nicht_erschienen=sum(1 for a in anmeldungen if a.status == "nicht erschienen"),
        angemeldet=sum(1 for a in anmeldungen if a.status != "abgesagt"),
        personen_teilgenommen=sum(a.personen for a in attended),
        nach_gruppe={g: c for g, c in by_group.items() if g in GRUPPEN or any(c.values())},
        nach_kommune=dict(sorted(by_place.items())),
        bewertung_mittel=_mean(ratings),
        bewertung_verteilung={n: ratings.count(n) for n in range(1, 6)},
        feedback_anzahl=len(feedback),
        vereine=result,
        zeiten={z: all_times[z] for z in ZEITEN},
        verbesserungen=[f.verbesserung for f in feedback if f.verbesserung],
        freitexte=[f.freitext for f in feedback if f.freitext],
    )


def _seated(
    rows: list[TischplanZeile], termin: Termin, matcher: dict[str, str], attended: set[str]
) -> dict[str, set[str]]:
    """Vereins-ID → participants (Anmelde-IDs, companions separately) who attended and sat at its table."""
    result: dict[str, set[str]] = {}
    for row in rows:
        if row.termin_id != termin.termin_id:
            continue
        # a plan written by ``tischplan`` holds the IDs beside the names (automation.domain.tischplan_tab);
        # an older or hand-made row has the Anmelde-IDs under »Teilnehmende« and club names under »Vereine«
        idents = row.teilnehmende_ids or row.teilnehmende
        people = {p.strip() for p in idents if p.strip() and _participant_base(p) in attended}
        for vereins_id in named_clubs(row.vereins_ids or row.vereine, matcher):
            result.setdefault(vereins_id, set()).update(people)
    return result


def _club_figures(
    tabs: Tabs,
    termin: Termin,
    verein: Verein,
    feedback: list[Feedback],
    kontakte: dict[str, Kontakt],
    matcher: dict[str, str],
    seated: dict[str, set[str]],
) -> VereinsZahlen:
    zahlen = VereinsZahlen(verein.vereins_id, verein.name, am_tisch=len(seated.get(verein.vereins_id, set())))
    interested = [
        f for f in feedback if verein.vereins_id in named_clubs([*f.interessante_vereine, *f.kontaktwunsch], matcher)
    ]
    wishes = [f for f in feedback if verein.vereins_id in named_clubs(f.kontaktwunsch, matcher)]
    passed = tabs.weitergegeben.get((termin.termin_id, verein.vereins_id), set())
    zahlen.interessiert = len(interested)
    zahlen.kontaktwunsch = len(wishes)
    zahlen.weitergegeben = sum(1 for f in wishes if f.kontakt_id in passed)
    ratings = [f.bewertung for f in interested if f.bewertung is not None]
    zahlen.bewertung_mittel = _mean(ratings)
    zahlen.bewertungen = len(ratings)
    times: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    for item in interested:
        kontakt = kontakte.get(item.kontakt_id or "")
        times.update(availability(kontakt, item))
        groups[(kontakt.gruppe if kontakt else None) or NO_GROUP] += 1
        if item.freitext and kontakt is not None and kontakt.einwilligung_weitergabe and item in wishes:
            zahlen.freitexte.append(item.freitext)
    zahlen.zeiten = {z: times[z] for z in ZEITEN}
    zahlen.interessiert_nach_gruppe = {g: groups[g] for g in (*GRUPPEN, NO_GROUP) if g in GRUPPEN or groups[g]}
    offers = [a for a in tabs.angebote if a.vereins_id == verein.vereins_id]
    zahlen.vorschlaege = suggestions(zahlen.interessiert, zahlen.zeiten, offers)
    return zahlen


def suggestions(interested: int, times: dict[str, int], offers: list[Angebot]) -> list[str]:
    """Concrete German suggestions: when the interested have time vs. the club's offers.

    Only groups of at least three people are named, so no suggestion points at a person.
    """
    result: list[str] = []
    if interested < MIN_GROUP:
        return result
    if not offers:
        return [
            "Im Tab »Angebote« steht noch kein Angebot von Ihnen. Tragen Sie ein, wobei man mitmachen kann – "
            "mit Zeitaufwand, Rhythmus, ob am Wochenende und ob aus der Ferne."
        ]
    weekend = times.get(WOCHENENDE_NUR, 0)
    if weekend >= MIN_GROUP and not any(a.am_wochenende for a in offers):
        result.append(
            f"{weekend} von {interested} Interessierten sind nur am Wochenende hier; Ihre Angebote sind alle "
            "werktags. Ein Termin am Samstag oder Sonntag würde sie erreichen."
        )
    remote = times.get(FERNE, 0)
    if remote >= MIN_GROUP and not any(a.aus_der_ferne for a in offers):
        result.append(
            f"{remote} von {interested} Interessierten möchten auch von unterwegs mitmachen; keines Ihrer Angebote "
            "ist aus der Ferne möglich. Gibt es Aufgaben, die man online erledigen kann?"
        )
    occasional = times.get(EINMALIG, 0)
    if occasional >= MIN_GROUP and all(a.zeitaufwand == "regelmäßig" for a in offers):
        result.append(
            f"{occasional} von {interested} Interessierten haben nur ab und zu Zeit; Ihre Angebote sind alle "
            "regelmäßig. Eine einmalige Aktion oder ein Schnuppertermin wäre ein guter Einstieg."
        )
    evenings = times.get(ABENDS, 0)
    if evenings >= MIN_GROUP and all(a.am_wochenende and a.zeitaufwand != "regelmäßig" for a in offers):
        result.append(
            f"{evenings} von {interested} Interessierten haben unter der Woche abends Zeit; Ihre Angebote liegen "
            "am Wochenende. Ein Abendtermin würde sie erreichen."
        )
    return result


# -- impact across dates -----------------------------------------------------------------------------


@dataclass
class Wirkung:
    """How many participants of a date joined a club later, and how many came again."""

    termin_id: str
    datum: dt.date
    teilgenommen: int
    beigetreten: int
    wiedergekommen: int
    nach_gruppe: dict[str, int]
    nach_verein: dict[str, int]
    nach_kommune: dict[str, int]


def impact(
    tabs: Tabs, joined: dict[tuple[str, str], set[str]], before: dt.date | None = None
) -> tuple[list[Wirkung], Wirkung]:
    """Per held date (up to ``before``) and across all of them: joined a club, came again.

    ``joined`` maps (Termin-ID, Kontakt-ID) → names of clubs the person joined (from the follow-up answers
    and from the clubs' own feedback); the caller collects it.
    """
    kontakte = {k.kontakt_id: k for k in tabs.kontakte}
    matcher = club_matcher(tabs.vereine)
    names = {v.vereins_id: v.name for v in tabs.vereine}
    dates = sorted(
        (t for t in tabs.termine if before is None or t.datum <= before),
        key=lambda t: (t.datum, t.termin_id),
    )
    dates_by_id = {t.termin_id: t for t in dates}
    attended: dict[str, list[str]] = {}
    for anmeldung in tabs.anmeldungen:
        if anmeldung.status == "teilgenommen" and anmeldung.termin_id in dates_by_id:
            attended.setdefault(anmeldung.termin_id, []).append(anmeldung.kontakt_id)
    result = []
    total = Wirkung("alle", dates[-1].datum if dates else dt.date.min, 0, 0, 0, {}, {}, {})
    for termin in dates:
        people = sorted(set(attended.get(termin.termin_id, [])))
        if not people:
            continue
        later = {k for t in dates if t.datum > termin.datum for k in attended.get(t.termin_id, [])}
        item = Wirkung(termin.termin_id, termin.datum, len(people), 0, 0, {}, {}, {})
        for kontakt_id in people:
            kontakt = kontakte.get(kontakt_id)
            clubs = joined.get((termin.termin_id, kontakt_id), set())
            if kontakt_id in later:
                item.wiedergekommen += 1
            if not clubs:
                continue
            item.beigetreten += 1
            gruppe = (kontakt.gruppe if kontakt else None) or NO_GROUP
            kommune = (kontakt.kommune if kontakt else None) or NO_GROUP
            item.nach_gruppe[gruppe] = item.nach_gruppe.get(gruppe, 0) + 1
            item.nach_kommune[kommune] = item.nach_kommune.get(kommune, 0) + 1
            for club in clubs:
                ids = named_clubs([club], matcher)
                label = names[ids[0]] if ids else club
                item.nach_verein[label] = item.nach_verein.get(label, 0) + 1
        result.append(item)
        total.teilgenommen += item.teilgenommen
        total.beigetreten += item.beigetreten
        total.wiedergekommen += item.wiedergekommen
        for mine, theirs in (
            (total.nach_gruppe, item.nach_gruppe),
            (total.nach_verein, item.nach_verein),
            (total.nach_kommune, item.nach_kommune),
        ):
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0) + value
    return result, total
