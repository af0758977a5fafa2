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


def closed_days(laender: list[str], von: dt.date, bis: dt.date) -> Closed:
    """Public and school holidays of these Länder (codes) between ``von`` and ``bis``."""
    import holidays

    years = list(range(von.year, bis.year + 1))
    result = Closed()
    public: dict[dt.date, dict[str, list[str]]] = {}
    for code in sorted(set(laender)):
        name = LAENDER[code]
        for day, title in holidays.country_holidays(
            "DE", subdiv=code, years=years, categories=("public",), language="de"
        ).items():
            if von <= day <= bis:
                public.setdefault(day, {}).setdefault(title, []).append(name)
        for year in years:
            school = holidays.country_holidays("DE", subdiv=code, years=year, categories=("school",), language="de")
            if not school:
                result.gaps.append(
                    f"Für {year} kennt das Paket »holidays« noch keine Schulferien in {name}: bitte selbst prüfen."
                )
            for day, title in school.items():
                if von <= day <= bis:
                    for part in str(title).split("; "):
                        reason = f"{part} in {name}"
                        if reason not in result.days.setdefault(day, []):
                            result.days[day].append(reason)
    everywhere = len(set(laender))
    for day, titles in public.items():
        reasons = []
        for title, where in titles.items():
            for part in str(title).split("; "):
                reasons.append(
                    f"Feiertag {part}" if len(where) == everywhere else f"Feiertag {part} in {', '.join(where)}"
                )
        result.days[day] = reasons + result.days.get(day, [])
    return result
