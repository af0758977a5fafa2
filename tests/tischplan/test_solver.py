"""The solver: valid plans for any valid instance, determinism, and quality on a known instance."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from automation.domain.errors import InfeasibleError
from automation.domain.tischplan import Instanz, solve, violations
from automation.domain.tischplan.beispiele import golfer, markt
from automation.domain.tischplan.model import PlanVerein, Teilnehmende, Tisch


@st.composite
def instanzen(draw: st.DrawFn) -> Instanz:
    """Valid instances: enough seats, a club-free table or enough tables for the rounds."""
    runden = draw(st.integers(1, 3))
    n_tische = draw(st.integers(runden + 1, 6))
    plaetze = draw(st.integers(3, 5))
    n_vereine = draw(st.integers(0, n_tische))
    n_personen = draw(st.integers(1, n_tische * plaetze))
    zugang = draw(st.lists(st.booleans(), min_size=n_tische, max_size=n_tische))
    zugang[0] = True
    tische = [Tisch(id=f"T{t}", plaetze=plaetze, barrierefrei=zugang[t]) for t in range(n_tische)]
    vereine = [
        PlanVerein(
            id=f"V{v}",
            thema=draw(st.sampled_from(["Sport", "Kultur"])),
            barrierefrei_noetig=draw(st.booleans()) and v == 0,
        )
        for v in range(n_vereine)
    ]
    ids = [v.id for v in vereine]
    leute = []
    for p in range(n_personen):
        interessen = draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)) if ids else []
        runden_p = draw(st.one_of(st.none(), st.lists(st.integers(1, runden), min_size=1, unique=True)))
        leute.append(
            Teilnehmende(
                id=f"K{p}",
                gruppe=draw(st.sampled_from(["Incoming", "Outgoing", "Einheimisch"])),
                kommune=draw(st.sampled_from(["A", "B"])),
                interessen=interessen,
                lotse=p > 1 and draw(st.booleans()),
                runden=runden_p,
            )
        )
    zusammen = [["K0", "K1"]] if n_personen >= 2 and draw(st.booleans()) else []
    getrennt = [["K2", "K3"]] if n_personen >= 4 and draw(st.booleans()) else []
    return Instanz(
        runden=runden,
        vereine_pro_tisch_max=2,
        gemeinde_max_pro_tisch=draw(st.one_of(st.none(), st.integers(1, 3))),
        tische=tische,
        vereine=vereine,
        teilnehmende=leute,
        zusammen=zusammen,
        getrennt=getrennt,
    )


def _no_room_for_guides(instanz: Instanz) -> bool:
    """True when in some round the guides (at most ⌈Lotsen/Tische⌉ per table) cannot all be seated, with
    the non-guides of the »zusammen« pair at one table: the generator cannot rule this out cheaply."""
    tische = len(instanz.tische)
    for runde in range(1, instanz.runden + 1):
        da = [p for p in instanz.teilnehmende if runde in instanz.rounds_of(p)]
        lotsen = sum(p.lotse for p in da)
        if not lotsen:
            continue
        cap = -(-lotsen // tische)
        paar = [p for p in da if any(p.id in g for g in instanz.zusammen)]
        andere = sum(not p.lotse for p in paar) if len(paar) > 1 else 0
        platz = [min(cap, t.plaetze) for t in instanz.tische]
        if all(sum(platz) - platz[i] + min(cap, t.plaetze - andere) < lotsen for i, t in enumerate(instanz.tische)):
            return True
    return False


def _instanz(runden: int, tische: int, plaetze: int, vereine: list[str], leute: list[tuple[str, bool, list[int] | None]],
             zusammen: list[list[str]]) -> Instanz:  # fmt: skip
    return Instanz(
        runden=runden, vereine_pro_tisch_max=2, gemeinde_max_pro_tisch=3,
        tische=[Tisch(id=f"T{t}", plaetze=plaetze) for t in range(tische)],
        vereine=[PlanVerein(id=v, thema="Sport") for v in vereine],
        teilnehmende=[Teilnehmende(id=i, gruppe="Incoming", kommune="A", lotse=lotse, runden=runden_p)
                      for i, lotse, runden_p in leute],
        zusammen=zusammen,
    )  # fmt: skip


# Found by hypothesis: round 2 seats 12 people at 4 tables of 3, 8 of them guides (at most 2 per table), and
# K0 and K1 (no guides) sit together: their table keeps room for 1 guide only, so 7 seats for 8 guides.
GUIDES_BESIDE_PAIR = _instanz(
    2, 4, 3, ["V0", "V1", "V2"],
    [("K0", False, None), ("K1", False, [1, 2]), ("K2", True, [2]), ("K3", True, [1, 2]), ("K4", True, None),
     ("K5", True, [2]), ("K6", True, None), ("K7", True, None), ("K8", False, None), ("K9", True, None),
     ("K10", True, None), ("K11", False, None)],
    [["K0", "K1"]],
)  # fmt: skip


def test_no_room_for_the_guides_beside_a_pair_is_explained_in_german() -> None:
    with pytest.raises(InfeasibleError) as info:
        solve(GUIDES_BESIDE_PAIR, seed=1, iterations=50)
    message = str(info.value)
    assert "Runde 2" in message and "8 Lots:innen" in message and "K0, K1" in message
    assert "»zusammen« lockern" in message
    roomier = GUIDES_BESIDE_PAIR.model_copy(update={"zusammen": []})  # without the pair: a plan
    assert violations(roomier, solve(roomier, seed=1, iterations=50).plan) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instanzen(), st.integers(0, 3))
@example(GUIDES_BESIDE_PAIR, 1)
def test_every_valid_instance_gets_a_plan_without_violations(instanz: Instanz, seed: int) -> None:
    if _no_room_for_guides(instanz):  # not valid after all: refused with the cause, not a failed search
        with pytest.raises(InfeasibleError, match="Lots:innen"):
            solve(instanz, seed=seed, iterations=50)
        return
    ergebnis = solve(instanz, seed=seed, iterations=1500)
    assert violations(instanz, ergebnis.plan) == []
    assert ergebnis.plan.kennzahlen.verletzungen == 0
    for person in instanz.teilnehmende:
        for runde in ergebnis.plan.runden:
            sitze = [rt.id for rt in runde.tische if person.id in rt.teilnehmende]
            assert len(sitze) == (1 if runde.runde in instanz.rounds_of(person) else 0)
    k = ergebnis.plan.kennzahlen
    assert k.interessen_abgedeckt <= k.interessen_schranke
    assert k.wiederholungen >= ergebnis.bounds.repeats
    assert k.fehlende_gruppen >= ergebnis.bounds.absent_groups
    assert k.gemeinde_ueberschuss >= ergebnis.bounds.municipality


def test_same_seed_and_budget_give_the_same_plan() -> None:
    instanz = markt(3)
    a = solve(instanz, seed=5, iterations=5000)
    b = solve(instanz, seed=5, iterations=5000)
    assert a.plan == b.plan


def test_market_of_60_reaches_most_of_the_bound() -> None:
    instanz = markt(1)
    ergebnis = solve(instanz, seed=0, iterations=60_000)
    assert ergebnis.plan.kennzahlen.verletzungen == 0
    assert ergebnis.coverage_ratio >= 0.97


def test_small_social_golfer_without_repeats() -> None:
    instanz = golfer(4, 3, 3)
    ergebnis = solve(instanz, seed=0, iterations=40_000)
    assert ergebnis.plan.kennzahlen.wiederholungen == 0
    assert violations(instanz, ergebnis.plan) == []


def test_oversubscribed_club_is_named_with_a_suggestion() -> None:
    instanz = markt(2, personen=60, vereine=15)
    for person in instanz.teilnehmende:
        person.interessen = ["V1", *[v for v in person.interessen if v != "V1"]][:3]
    ergebnis = solve(instanz, seed=0, iterations=2000)
    name = next(v.name for v in instanz.vereine if v.id == "V1")
    assert any(
        f"»{name}« (V1) ist überbucht" in h and "zweiten Stand" in h and "Spalte »Anzahl Tische«" in h
        for h in ergebnis.notes
    )
