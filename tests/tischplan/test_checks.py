"""The validator finds every kind of broken hard constraint."""

from __future__ import annotations

from automation.domain.tischplan import Instanz, Plan, solve, violations
from tests.tischplan.conftest import instanz_daten


def _gueltig() -> tuple[Instanz, Plan]:
    instanz = Instanz.model_validate(instanz_daten(zusammen=[["K1", "K2"]], getrennt=[["K3", "K4"]]))
    return instanz, solve(instanz, seed=1, iterations=2000).plan


def test_valid_plan_has_no_violations() -> None:
    instanz, plan = _gueltig()
    assert violations(instanz, plan) == []


def test_person_seated_twice_and_missing() -> None:
    instanz, plan = _gueltig()
    runde = plan.runden[0]
    opfer = runde.tische[0].teilnehmende[0]
    runde.tische[1].teilnehmende.append(opfer)
    meldungen = violations(instanz, plan)
    assert any(f"{opfer} sitzt 2-mal statt einmal" in m for m in meldungen)


def test_overfull_table_revisit_and_split_couple() -> None:
    instanz, plan = _gueltig()
    r1, r2 = plan.runden
    for runde in (r1, r2):
        alle = [p for rt in runde.tische for p in rt.teilnehmende]
        for rt in runde.tische:
            rt.teilnehmende = []
        runde.tische[0].teilnehmende = alle[:4]
        runde.tische[1].teilnehmende = alle[4:]
    meldungen = " | ".join(violations(instanz, plan))
    assert "Personen, nur 3 Plätze" in meldungen
    assert "-mal an Tisch T1, der Vereine hat" in meldungen


def test_club_constraints() -> None:
    instanz, plan = _gueltig()
    plan.tische[0].vereine.append("V2")
    meldungen = " | ".join(violations(instanz, plan))
    assert "Vereine, erlaubt 1" in meldungen
    assert "Verein V2 sitzt an 2 Tischen" in meldungen


def test_getrennt_pair_together() -> None:
    instanz, plan = _gueltig()
    runde = plan.runden[0]
    for rt in runde.tische:
        rt.teilnehmende = [p for p in rt.teilnehmende if p != "K4"]
    ziel = next(rt for rt in runde.tische if "K3" in rt.teilnehmende)
    ziel.teilnehmende.append("K4")
    assert any("K3 und K4 sollen getrennt sitzen" in m for m in violations(instanz, plan))
