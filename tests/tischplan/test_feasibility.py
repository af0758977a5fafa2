"""Impossible instances are rejected with a German message naming the cause."""

from __future__ import annotations

from typing import Any

import pytest

from automation.domain.errors import InfeasibleError
from automation.domain.tischplan import Instanz, solve
from tests.tischplan.conftest import instanz_daten


def _plane(**extra: Any) -> None:
    solve(Instanz.model_validate(instanz_daten(**extra)), iterations=100)


def test_more_people_than_seats() -> None:
    leute = [{"id": f"K{i}"} for i in range(10)]
    with pytest.raises(InfeasibleError, match=r"Runde 1: 10 Teilnehmende, aber nur 9 Plätze"):
        _plane(teilnehmende=leute)


def test_zusammen_group_larger_than_any_table() -> None:
    with pytest.raises(InfeasibleError, match=r"Gruppe K1, K2, K3, K4 soll zusammen sitzen.*nur 3 Plätze"):
        _plane(zusammen=[["K1", "K2"], ["K2", "K3", "K4"]])


def test_zusammen_contradicting_getrennt() -> None:
    with pytest.raises(InfeasibleError, match=r"K1 und K2 sollen getrennt sitzen"):
        _plane(zusammen=[["K1", "K2"]], getrennt=[["K2", "K1"]])


def test_club_needing_step_free_access_without_such_table() -> None:
    daten = instanz_daten()
    daten["tische"][0]["barrierefrei"] = False
    daten["vereine"][1]["barrierefrei_noetig"] = True
    with pytest.raises(InfeasibleError, match=r"Verein »V2« braucht einen barrierefreien Platz"):
        solve(Instanz.model_validate(daten), iterations=100)


def test_too_few_tables_for_the_rounds_when_every_table_has_clubs() -> None:
    with pytest.raises(InfeasibleError, match=r"niemand darf einen Tisch mit Vereinen zweimal besuchen"):
        _plane(runden=4)
