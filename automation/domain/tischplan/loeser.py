"""``plane``: the whole table planner (pure: no I/O, deterministic for a seed and iteration budget).

Stage 1 places the clubs, stage 2 seats the participants:

- instances with interests whose MIP has at most ``ganzzahlig.VARIABLEN_MAX`` variables: a MIP finds the
  seating of maximal coverage under all hard constraints (and so the exact coverage bound), then the
  annealing mixes the tables at a low temperature with ordinary swaps and *round swaps* (a person visits
  the same tables in another order), keeping the best state by coverage first;
- pure mixing instances (only repeats matter, e.g. Social Golfer): the tabu search of ``mischung``;
- everything else (big markets): greedy start, then annealing.

The quality figure used everywhere is the *coverage ratio* ``interessen_abgedeckt ÷ interessen_schranke``
(1 when the instance has no interests); the other soft goals are reported as achieved value next to
their lower bound (``Schranken``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from automation.domain.errors import InfeasibleError
from automation.domain.tischplan.ganzzahlig import VARIABLEN_MAX, loese_abdeckung, mip_groesse
from automation.domain.tischplan.kennzahlen import berechne_kennzahlen
from automation.domain.tischplan.machbarkeit import pruefe_machbarkeit
from automation.domain.tischplan.mischung import ist_reine_mischung, tabu_mischung
from automation.domain.tischplan.modell import Instanz, Plan, PlanRunde, PlanTisch, RundenTisch
from automation.domain.tischplan.problem import Problem, kompiliere
from automation.domain.tischplan.schranken import Schranken, berechne_schranken
from automation.domain.tischplan.sitzplan import Sitzplan
from automation.domain.tischplan.start import baue_start
from automation.domain.tischplan.suche import Budget, anneal
from automation.domain.tischplan.vereine import platziere_vereine

MIP_ANTEIL = 0.6
"""Share of the time the MIP may take; the annealing gets the rest."""
MIP_KNOTEN = 2_000
"""Branch-and-bound nodes of the MIP when only an iteration budget is given (deterministic)."""

T_START_MIP = 1.0
"""Starting temperature of the annealing after the MIP: low, so that the covered interests stay."""

RUNDENTAUSCH = 0.5
"""Share of round swaps in the annealing after the MIP (they keep the covered interests)."""

Meldung = Callable[[float, int, int, int], None]
"""Progress: (fraction done, covered interests, coverage bound, repeats)."""


@dataclass
class Ergebnis:
    """A plan with its bounds and notes for the coordinator."""

    plan: Plan
    schranken: Schranken
    hinweise: list[str] = field(default_factory=list)

    @property
    def abdeckung_quote(self) -> float:
        """Covered interests ÷ coverage bound (1.0 when there is nothing to cover)."""
        k = self.plan.kennzahlen
        return k.interessen_abgedeckt / k.interessen_schranke if k.interessen_schranke else 1.0


def _plan_aus(pr: Problem, clubs_at: list[list[int]], seat: list[list[int]]) -> Plan:
    tische = [PlanTisch(id=pr.table_ids[t], vereine=[pr.club_ids[v] for v in clubs_at[t]]) for t in range(pr.T)]
    runden = []
    for r in range(pr.R):
        at: list[list[str]] = [[] for _ in range(pr.T)]
        for p in pr.attendees[r]:
            at[seat[r][p]].append(pr.person_ids[p])
        runden.append(
            PlanRunde(
                runde=r + 1,
                tische=[RundenTisch(id=pr.table_ids[t], teilnehmende=at[t]) for t in range(pr.T)],
            )
        )
    return Plan(tische=tische, runden=runden)


def _start(pr: Problem, clubs_at: list[list[int]], rng: random.Random) -> Sitzplan:
    probleme: list[str] = []
    for _versuch in range(20):
        sp = Sitzplan(pr, clubs_at)
        probleme = baue_start(sp, rng)
        if not probleme:
            return sp
    raise InfeasibleError(
        "Es wurde keine gültige Sitzordnung gefunden (" + "; ".join(probleme[:3]) + "). "
        "Meist fehlen Tische ohne Verein oder Plätze: ein Tisch mit Vereinen darf niemand zweimal besuchen."
    )


def _sitzplan_aus(pr: Problem, clubs_at: list[list[int]], seat: list[list[int]]) -> Sitzplan:
    sp = Sitzplan(pr, clubs_at)
    for r in range(pr.R):
        for block in pr.blocks(r):
            sp.setze(r, block, seat[r][block[0]])
    return sp


def plane(
    instanz: Instanz,
    seed: int = 0,
    iterationen: int | None = None,
    sekunden: float | None = None,
    meldung: Meldung | None = None,
) -> Ergebnis:
    """Plan an instance. Raises InfeasibleError with a German cause for impossible instances.

    Pure mixing instances (only repeats matter) go to the tabu search of ``mischung``. Otherwise, when
    the model is small enough, a MIP (``ganzzahlig``) first finds the seating of maximal coverage, which
    is also the exact coverage bound; the annealing then mixes the tables, keeping the best state by
    coverage first. The greedy start is the fallback for big instances and when the MIP finds nothing.
    """
    beginn = time.perf_counter()
    pr = kompiliere(instanz)
    pruefe_machbarkeit(pr)
    rng = random.Random(seed)
    clubs_at = platziere_vereine(pr, rng)
    _pruefe_besuche(pr, clubs_at)
    schranken = berechne_schranken(pr, clubs_at)
    if iterationen is None and sekunden is None:
        iterationen = 200 * sum(len(a) for a in pr.attendees) + 20_000

    def fortschritt(frac: float, s: Sitzplan) -> None:
        if meldung is not None:
            meldung(frac, s.cover_count, schranken.abdeckung, s.repeats)

    def rest() -> float | None:
        return None if sekunden is None else max(0.05, sekunden - (time.perf_counter() - beginn))

    if ist_reine_mischung(pr):
        sp = _start(pr, clubs_at, rng)

        def tabu_fortschritt(frac: float, wiederholungen: int) -> None:
            if meldung is not None:
                meldung(frac, 0, 0, wiederholungen)

        budget = Budget(None if iterationen is None else max(500, iterationen // 40), rest())
        seat = tabu_mischung(
            pr, sp.kopie_sitze(), rng.randrange(2**31), budget, schranken.wiederholungen, tabu_fortschritt
        )
    else:
        mip_sp = _mip_start(pr, clubs_at, schranken, sekunden)
        if mip_sp is None:
            seat = anneal(_start(pr, clubs_at, rng), rng, Budget(iterationen, rest()), fortschritt)
        else:
            seat = anneal(
                mip_sp, rng, Budget(iterationen, rest()), fortschritt, t_start=T_START_MIP, rundentausch=RUNDENTAUSCH
            )
    plan = _plan_aus(pr, clubs_at, seat)
    plan.kennzahlen = berechne_kennzahlen(instanz, plan, schranken.abdeckung)
    namen = {v.id: v.name for v in instanz.vereine if v.name}
    return Ergebnis(plan=plan, schranken=schranken, hinweise=hinweise(schranken, namen))


def _mip_start(pr: Problem, clubs_at: list[list[int]], schranken: Schranken, sekunden: float | None) -> Sitzplan | None:
    """The seating of maximal coverage from the MIP (None when the model is too big or nothing was
    found in time); tightens ``schranken.abdeckung`` to the MIP's proven bound."""
    if not any(pr.interests) or mip_groesse(pr) > VARIABLEN_MAX:
        return None
    if sekunden is None:
        ergebnis = loese_abdeckung(pr, clubs_at, knoten=MIP_KNOTEN)
    else:
        ergebnis = loese_abdeckung(pr, clubs_at, sekunden=MIP_ANTEIL * sekunden)
    if ergebnis.schranke is not None and ergebnis.schranke < schranken.abdeckung:
        schranken.abdeckung_lp = schranken.abdeckung
        schranken.abdeckung = ergebnis.schranke
    if ergebnis.seat is None:
        return None
    return _sitzplan_aus(pr, clubs_at, ergebnis.seat)


def _pruefe_besuche(pr: Problem, clubs_at: list[list[int]]) -> None:
    """Somebody attending k rounds needs k different tables when every table has clubs."""
    free = [t for t in range(pr.T) if not clubs_at[t]]
    for p in range(pr.N):
        allowed = [t for t in range(pr.T) if pr.table_access[t] or not pr.needs_access[p]]
        if any(t in free for t in allowed):
            continue
        if len(allowed) < len(pr.rounds_of[p]):
            raise InfeasibleError(
                f"{pr.person_ids[p]} nimmt an {len(pr.rounds_of[p])} Runden teil, es gibt aber nur "
                f"{len(allowed)} passende Tische, und niemand darf einen Tisch mit Vereinen "
                "zweimal besuchen. "
                "Bitte Tische ergänzen oder Runden verringern."
            )


def hinweise(schranken: Schranken, namen: dict[str, str] | None = None) -> list[str]:
    """Notes for the coordinator: oversubscribed clubs (by name) with a suggestion."""
    out = []
    for verein, nachfrage, kapazitaet in schranken.ueberbucht:
        name = f"»{namen[verein]}« ({verein})" if namen and verein in namen else verein
        out.append(
            f"Verein {name} ist überbucht: {nachfrage} Interessierte, aber nur {kapazitaet} Besuche "
            "möglich. "
            "Vorschlag: einen zweiten Stand aufstellen (anzahl_tische: 2) oder eine Runde ergänzen."
        )
    return out
