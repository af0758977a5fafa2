"""Public and school holidays of German Länder, from the ``holidays`` package (offline, no network).

``closed_days`` gives, per day, the German reasons it is no good: »Sommerferien in Bayern«, »Feiertag
Ostermontag«, »Feiertag Fronleichnam in Bayern« (a holiday only some of the Länder have). Years for
which the package has no school holidays of a Land are returned as gaps, so the caller can say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

LAENDER = {
    "BW": "Baden-Württemberg", "BY": "Bayern", "BE": "Berlin", "BB": "Brandenburg", "HB": "Bremen",
    "HH": "Hamburg", "HE": "Hessen", "MV": "Mecklenburg-Vorpommern", "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen", "RP": "Rheinland-Pfalz", "SL": "Saarland", "SN": "Sachsen",
    "ST": "Sachsen-Anhalt", "SH": "Schleswig-Holstein", "TH": "Thüringen",
}  # fmt: skip


@dataclass
class Closed:
    days: dict[dt.date, list[str]] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)  # German: which Land/year has no school-holiday data


def land_code(text: str) -> str | None:
    """»BY«, »by«, »Bayern« → »BY«; None if it is no German Land."""
    key = text.strip()
    if key.upper() in LAENDER:
        return key.upper()
    for code, name in LAENDER.items():
        if name.casefold() == key.casefold():
            return code
    return None


def _names(where: list[str]) -> str:
    """»Bayern«, »Bayern und Hessen«, »Berlin, Brandenburg und Sachsen«."""
    return where[0] if len(where) == 1 else f"{', '.join(where[:-1])} und {where[-1]}"


def closed_days(laender: list[str], von: dt.date, bis: dt.date) -> Closed:
    """Public and school holidays of these Länder (codes) between ``von`` and ``bis``."""
    import holidays

    years = list(range(von.year, bis.year + 1))
    result = Closed()
    codes = sorted(set(laender), key=lambda c: LAENDER[c])
    public: dict[dt.date, dict[str, list[str]]] = {}
    school: dict[dt.date, dict[str, list[str]]] = {}
    for code in codes:
        name = LAENDER[code]
        for category, target in (("public", public), ("school", school)):
            found = holidays.country_holidays("DE", subdiv=code, years=years, categories=(category,), language="de")
            if category == "school":
                for year in years:
                    if not any(day.year == year for day in found):
                        result.gaps.append(
                            f"Für {year} kennt das Paket »holidays« noch keine Schulferien in {name}: bitte selbst "
                            "prüfen."
                        )
            for day, title in found.items():
                if von <= day <= bis:
                    for part in str(title).split("; "):
                        target.setdefault(day, {}).setdefault(part, []).append(name)
    for day in sorted(set(public) | set(school)):
        reasons = []
        for title, where in public.get(day, {}).items():
            reasons.append(f"Feiertag {title}" if len(where) == len(codes) else f"Feiertag {title} in {_names(where)}")
        for title, where in school.get(day, {}).items():
            reasons.append(f"{title} in {_names(where)}")
        result.days[day] = reasons
    return result
