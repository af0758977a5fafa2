"""Options of form questions that come from the data (``optionen_aus``), and reading them back.

The one place that knows how a Termin appears as a form option: ``Sa 13.03.2027, 14:00 Uhr – Titel,
Ort [T-2027-1]``. The ID in brackets at the end makes the answer unambiguous even if the title changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from automation.domain.dataset import Dataset
from automation.domain.matching import fold
from automation.domain.records import Kommune, Termin, Verein

_WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
_ID_AT_END = re.compile(r"\[([^\[\]]+)\]\s*$")
_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def termin_option_text(termin: Termin) -> str:
    """How a date is offered in the registration form."""
    when = f"{_WEEKDAYS[termin.datum.weekday()]} {termin.datum:%d.%m.%Y}"
    if termin.beginn:
        when += f", {termin.beginn:%H:%M} Uhr"
    place = f", {termin.ort}" if termin.ort else ""
    return f"{when} – {termin.titel}{place} [{termin.termin_id}]"


def termin_id_from_option(text: str, termine: Iterable[Termin] = ()) -> str | None:
    """The Termin-ID an answer names: by the ID in brackets, the bare ID, or an unambiguous date."""
    known = {t.termin_id: t for t in termine}
    match = _ID_AT_END.search(text or "")
    if match and (not known or match.group(1).strip() in known):
        return match.group(1).strip()
    if text.strip() in known:
        return text.strip()
    date = _DATE.search(text)
    if date:
        day, month, year = (int(g) for g in date.groups())
        same_day = [t for t in known.values() if (t.datum.day, t.datum.month, t.datum.year) == (day, month, year)]
        if len(same_day) == 1:
            return same_day[0].termin_id
    by_title = [t for t in known.values() if fold(t.titel) and fold(t.titel) in fold(text)]
    return by_title[0].termin_id if len(by_title) == 1 else None


def open_termine(termine: Iterable[Termin]) -> list[Termin]:
    """Dates open for registration, soonest first."""
    return sorted((t for t in termine if t.status == "Anmeldung offen"), key=lambda t: t.datum)


def themen_options(vereine: Iterable[Verein]) -> list[str]:
    """Every theme any club names, sorted, each once."""
    seen: dict[str, str] = {}
    for verein in vereine:
        for thema in verein.themen:
            seen.setdefault(thema.casefold(), thema)
    return sorted(seen.values(), key=str.casefold)


def vereine_options(vereine: Iterable[Verein]) -> list[str]:
    return sorted({v.name for v in vereine}, key=str.casefold)


def kommunen_options(kommunen: Iterable[Kommune]) -> list[str]:
    return [k.name for k in kommunen]


def options_from_data(dataset: Dataset) -> dict[str, list[str]]:
    """Choice texts for ``optionen_aus``: termine, themen, vereine, kommunen."""
    vereine = dataset.all(Verein)
    return {
        "termine": [termin_option_text(t) for t in open_termine(dataset.all(Termin))],
        "themen": themen_options(vereine),
        "vereine": vereine_options(vereine),
        "kommunen": kommunen_options(dataset.all(Kommune)),
    }
