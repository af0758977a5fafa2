"""The figures of a plan, computed from the records alone (independent of the solver's state)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from automation.domain.tischplan.checks import violations
from automation.domain.tischplan.model import Instanz, Kennzahlen, Plan
from automation.domain.tischplan.problem import merge_groups


def compute_metrics(instanz: Instanz, plan: Plan, bound: int) -> Kennzahlen:
    """All figures of the ``kennzahlen`` block; ``bound`` is the coverage bound."""
    persons = {p.id: p for p in instanz.teilnehmende}
    clubs_at = {t.id: t.vereine for t in plan.tische}
    met: dict[str, set[str]] = {p: set() for p in persons}
    ids = list(persons)
    pos = {p: i for i, p in enumerate(ids)}
    unit = {p: p for p in ids}
    for members in merge_groups(len(ids), [[pos[x] for x in g if x in pos] for g in instanz.zusammen]):
        for m in members:
            unit[ids[m]] = ids[members[0]]
    pairs: Counter[tuple[str, str]] = Counter()
    absent = 0
    excess = 0
    cap = instanz.gemeinde_max_pro_tisch
    for runde in plan.runden:
        present = [pid for rt in runde.tische for pid in rt.teilnehmende if pid in persons]
        K = len({persons[p].gruppe for p in present})
        for rt in runde.tische:
            people = [pid for pid in rt.teilnehmende if pid in persons]
            for pid in people:
                met[pid].update(clubs_at.get(rt.id, []))
            for i, a in enumerate(people):
                for b in people[i + 1 :]:
                    if unit[a] != unit[b]:
                        pairs[(a, b) if a < b else (b, a)] += 1
            if people:
                absent += K - len({persons[p].gruppe for p in people})
                if cap is not None:
                    counts = Counter(persons[p].kommune for p in people)
                    excess += sum(max(0, c - cap) for c in counts.values())
    covered = sum(1 for p in instanz.teilnehmende for v in set(p.interessen) if v in met[p.id])
    return Kennzahlen(
        interessen_abgedeckt=covered,
        interessen_schranke=bound,
        wiederholungen=sum(c - 1 for c in pairs.values() if c > 1),
        fehlende_gruppen=absent,
        gemeinde_ueberschuss=excess,
        verletzungen=len(violations(instanz, plan)),
    )


def people_met(plan: Plan) -> dict[str, int]:
    """How many distinct people each participant meets over all rounds."""
    met: dict[str, set[str]] = {}
    for runde in plan.runden:
        for rt in runde.tische:
            for a in rt.teilnehmende:
                met.setdefault(a, set()).update(x for x in rt.teilnehmende if x != a)
    return {p: len(s) for p, s in met.items()}


def theme_fit(instanz: Instanz, plan: Plan) -> tuple[int, int]:
    """Theme fit: (pairs of clubs at one table with the same theme, all pairs of clubs at one table).

    Not part of the ``kennzahlen`` block (its format is fixed); shown in the summary.
    """
    theme = {v.id: v.thema for v in instanz.vereine}
    same = pairs_ = 0
    for tisch in plan.tische:
        for i, a in enumerate(tisch.vereine):
            for b in tisch.vereine[i + 1 :]:
                pairs_ += 1
                same += bool(theme.get(a)) and theme.get(a) == theme.get(b)
    return same, pairs_


@dataclass
class PlainFigures:
    """What the coordinator reads in the summary, in countable words (people, pairs, tables)."""

    wishes: int
    people_meeting_twice: int
    pairs_meeting_twice: int
    most_meetings: int
    groups: int
    tables_used: int
    tables_missing_group: int
    tables_municipality_excess: int


def plain_figures(instanz: Instanz, plan: Plan) -> PlainFigures:
    """Wishes listed, people and pairs who meet more than once (``zusammen`` groups excluded), occupied
    tables over all rounds with a Gruppe missing or a municipality above ``gemeinde_max_pro_tisch``."""
    persons = {p.id: p for p in instanz.teilnehmende}
    ids = list(persons)
    pos = {p: i for i, p in enumerate(ids)}
    unit = {p: p for p in ids}
    for members in merge_groups(len(ids), [[pos[x] for x in g if x in pos] for g in instanz.zusammen]):
        for m in members:
            unit[ids[m]] = ids[members[0]]
    pairs: Counter[tuple[str, str]] = Counter()
    used = missing = excess = 0
    cap = instanz.gemeinde_max_pro_tisch
    groups_all = {p.gruppe for p in instanz.teilnehmende}
    for runde in plan.runden:
        present = [pid for rt in runde.tische for pid in rt.teilnehmende if pid in persons]
        groups = {persons[p].gruppe for p in present}
        for rt in runde.tische:
            people = [pid for pid in rt.teilnehmende if pid in persons]
            if not people:
                continue
            used += 1
            for i, a in enumerate(people):
                for b in people[i + 1 :]:
                    if unit[a] != unit[b]:
                        pairs[(a, b) if a < b else (b, a)] += 1
            if {persons[p].gruppe for p in people} != groups:
                missing += 1
            if cap is not None and max(Counter(persons[p].kommune for p in people).values()) > cap:
                excess += 1
    twice = [pair for pair, c in pairs.items() if c > 1]
    return PlainFigures(
        wishes=sum(len(set(p.interessen)) for p in instanz.teilnehmende),
        people_meeting_twice=len({x for pair in twice for x in pair}),
        pairs_meeting_twice=len(twice),
        most_meetings=max(pairs.values(), default=0),
        groups=len(groups_all),
        tables_used=used,
        tables_missing_group=missing,
        tables_municipality_excess=excess,
    )
