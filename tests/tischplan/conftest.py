"""Small instances for the Tischplan tests."""

from __future__ import annotations

from typing import Any

import pytest

from automation.domain.tischplan import Instanz


def instanz_daten(**extra: Any) -> dict[str, Any]:
    """A tiny valid instance as JSON-like data: 3 tables of 3, 2 rounds, 3 clubs, 8 people."""
    daten: dict[str, Any] = {
        "runden": 2,
        "vereine_pro_tisch_max": 1,
        "gemeinde_max_pro_tisch": 2,
        "tische": [
            {"id": "T1", "plaetze": 3, "barrierefrei": True},
            {"id": "T2", "plaetze": 3},
            {"id": "T3", "plaetze": 3},
        ],
        "vereine": [
            {"id": "V1", "name": "TSV", "thema": "Sport"},
            {"id": "V2", "name": "Chor", "thema": "Musik"},
            {"id": "V3", "name": "Tafel", "thema": "Soziales"},
        ],
        "teilnehmende": [
            {
                "id": f"K{i}",
                "gruppe": ["Incoming", "Outgoing"][i % 2],
                "kommune": ["Adorf", "Bedorf"][i % 2],
                "interessen": [f"V{1 + i % 3}", f"V{1 + (i + 1) % 3}"],
            }
            for i in range(1, 9)
        ],
    }
    daten.update(extra)
    return daten


@pytest.fixture
def klein() -> Instanz:
    return Instanz.model_validate(instanz_daten())
