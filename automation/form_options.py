"""Choices of form questions filled from the data (``optionen_aus``), and the way back from a choice text.

A date appears in the registration form as ``Sa 13.03.2027, 14:00 – Titel, Ort [T-2027-1]``; the Termin-ID
in brackets at the end is how an answer finds its Termin again (:func:`termin_id_from_option`).
"""

from __future__ import annotations

import re

from automation.dataset import Dataset
from automation.records import Kommune, Termin, Verein

WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
_ID_AT_END = re.compile(r"\[([^\[\]]+)\]\s*$")


def termin_option_text(termin: Termin) -> str:
    """``Sa 13.03.2027, 14:00 – Markt der Möglichkeiten, Bürgerhaus [T-2027-1]``."""
    when = f"{WEEKDAYS[termin.datum.weekday()]} {termin.datum.strftime('%d.%m.%Y')}"
    if termin.beginn is not None:
        when += f", {termin.beginn.strftime('%H:%M')}"
    what = termin.titel + (f", {termin.ort}" if termin.ort else "")
    return f"{when} – {what} [{termin.termin_id}]"


def termin_id_from_option(text: str) -> str | None:
    """The Termin-ID of a choice made by :func:`termin_option_text` (None for other text)."""
    match = _ID_AT_END.search(text or "")
    return match.group(1).strip() if match else None


def _unique_sorted(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        value = value.strip()
        if value:
            seen.setdefault(value.casefold(), value)
    return sorted(seen.values(), key=str.casefold)


def options_from_data(dataset: Dataset) -> dict[str, list[str]]:
    """Choice texts for ``optionen_aus``: termine, themen, vereine, kommunen."""
    termine = sorted(
        (t for t in dataset.all(Termin) if t.status == "Anmeldung offen"),
        key=lambda t: (t.datum, t.beginn.isoformat() if t.beginn else "", t.termin_id),
    )
    vereine = dataset.all(Verein)
    return {
        "termine": [termin_option_text(t) for t in termine],
        "themen": _unique_sorted([thema for v in vereine for thema in v.themen]),
        "vereine": _unique_sorted([v.name for v in vereine]),
        "kommunen": _unique_sorted([k.name for k in dataset.all(Kommune)]),
    }
