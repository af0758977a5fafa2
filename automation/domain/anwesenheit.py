"""When a person is in town: the free text of ``Kontakte.Anwesenheit`` read as weekdays and months (pure).

People write »Wochenende«, »nur Sa/So«, »werktags«, »Fr–So«, »in den Ferien«, »Juli, August«, »Mai bis
September«, »im Sommer«, »unregelmäßig« … :func:`parse_presence` turns such text into a
:class:`Presence`; :meth:`Presence.present_on` answers for one date. Text that says nothing readable gives
``None``: such a person is counted as unknown, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

ALL_DAYS = frozenset(range(7))
ALL_MONTHS = frozenset(range(1, 13))

_DAYS = {
    "mo": 0, "mon": 0, "montag": 0, "montags": 0,
    "di": 1, "dienstag": 1, "dienstags": 1,
    "mi": 2, "mittwoch": 2, "mittwochs": 2,
    "do": 3, "don": 3, "donnerstag": 3, "donnerstags": 3,
    "fr": 4, "fre": 4, "freitag": 4, "freitags": 4,
    "sa": 5, "sam": 5, "samstag": 5, "samstags": 5, "sonnabend": 5, "sonnabends": 5,
    "so": 6, "son": 6, "sonntag": 6, "sonntags": 6,
}  # fmt: skip
_MONTHS = {
    "januar": 1, "jan": 1, "jänner": 1, "februar": 2, "feb": 2, "märz": 3, "mär": 3, "mrz": 3, "maerz": 3,
    "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "dezember": 12, "dez": 12,
}  # fmt: skip
_SEASONS = {
    "sommer": (6, 7, 8), "sommers": (6, 7, 8), "winter": (12, 1, 2), "winters": (12, 1, 2),
    "frühling": (3, 4, 5), "frühjahr": (3, 4, 5), "herbst": (9, 10, 11),
}  # fmt: skip
_WEEKEND = ("wochenende", "wochenenden", "we")
_WORKDAYS = ("werktags", "wochentags", "unter der woche", "in der woche", "werktage", "arbeitstage")
_ALWAYS = ("immer", "ganzjährig", "ganzes jahr", "dauerhaft", "ständig", "jederzeit", "täglich", "jeden tag")
_SOMETIMES = ("unregelmäßig", "unregelmässig", "manchmal", "ab und zu", "gelegentlich", "selten")
_HOLIDAYS = ("ferien", "schulferien", "urlaub")
_AMBIGUOUS = ("so", "do", "mi", "di")  # also German words: a day only when they stand alone
_RANGE = r"\s*(?:-|–|—|bis)\s*"
_WORD = r"[a-zäöüß]+"


@dataclass(frozen=True)
class Presence:
    """Days of the week (0 = Monday) and months a person is in town; ``weight`` < 1 for »unregelmäßig«."""

    weekdays: frozenset[int] = ALL_DAYS
    months: frozenset[int] = ALL_MONTHS
    only_school_holidays: bool = False
    weight: float = 1.0

    def present_on(self, day: dt.date, school_holiday: bool = False) -> bool:
        if self.only_school_holidays and not school_holiday:
            return False
        return day.weekday() in self.weekdays and day.month in self.months


def _span(start: int, end: int, size: int, first: int) -> set[int]:
    """Inclusive range on a cycle (Fr–Mo, November bis Februar)."""
    values = {start}
    value = start
    while value != end:
        value = (value - first + 1) % size + first
        values.add(value)
    return values


def _ranges(text: str, table: dict[str, int], size: int, first: int) -> tuple[set[int], str]:
    """Values named in ranges (»Fr–So«, »Mai bis September«); returns them and the text without the ranges."""
    found: set[int] = set()

    def replace(match: re.Match[str]) -> str:
        start, end = table.get(match.group(1).rstrip(".")), table.get(match.group(2).rstrip("."))
        if start is None or end is None:
            return match.group(0)
        found.update(_span(start, end, size, first))
        return " "

    rest = re.sub(rf"\b({_WORD})\.?{_RANGE}({_WORD})\.?", replace, text)
    return found, rest


def _contains(text: str, phrases: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?<![a-zäöüß]){re.escape(p)}(?![a-zäöüß])", text) for p in phrases)


@lru_cache(maxsize=4096)
def parse_presence(text: str) -> Presence | None:
    """Read a free-text answer; ``None`` when nothing in it says when the person is here (cached: many people
    write the same)."""
    text = text.casefold().replace("/", " , ").replace("+", " , ").replace("&", " , ").replace(" und ", " , ")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return None
    days, rest = _ranges(text, _DAYS, 7, 0)
    months, rest = _ranges(rest, _MONTHS, 12, 1)
    known = bool(days or months)
    weight = 1.0
    only_holidays = False
    if _contains(rest, ("langes wochenende", "lange wochenenden", "verlängertes wochenende")):
        days |= {4, 5, 6}
        known = True
    elif _contains(rest, _WEEKEND):
        days |= {5, 6}
        known = True
    if _contains(rest, _WORKDAYS):
        days |= {0, 1, 2, 3, 4}
        known = True
    for word in re.findall(rf"{_WORD}\.?", rest):
        word = word.rstrip(".")
        short = word in _AMBIGUOUS
        if word in _DAYS and (not short or re.search(rf"(^|[,;])\s*(?:nur |am |meist )?{word}\.?\s*([,;]|$)", rest)):
            days.add(_DAYS[word])
            known = True
        if word in _MONTHS:
            months.add(_MONTHS[word])
            known = True
        if word in _SEASONS:
            months.update(_SEASONS[word])
            known = True
    if _contains(rest, _ALWAYS):
        known = True
    if _contains(rest, _SOMETIMES):
        weight = 0.5
        known = True
    if _contains(rest, _HOLIDAYS):
        known = True
        only_holidays = not days and not months and not _contains(rest, _ALWAYS)
    if not known:
        return None
    return Presence(
        weekdays=frozenset(days) or ALL_DAYS,
        months=frozenset(months) or ALL_MONTHS,
        only_school_holidays=only_holidays,
        weight=weight,
    )
