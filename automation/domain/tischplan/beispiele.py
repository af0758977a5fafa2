"""Seeded example instances: a realistic market generator and Social Golfer instances.

Used by the tests, the benchmark and ``gespraechsrunde demo``; pure and deterministic.
"""

from __future__ import annotations

import random

from automation.domain.tischplan.model import Instanz, PlanVerein, Teilnehmende, Tisch

GRUPPEN = ["Incoming", "Outgoing", "Neu zugezogen", "Einheimisch"]
THEMEN = ["Sport", "Kultur", "Soziales", "Umwelt", "Musik", "Feuerwehr", "Jugend", "Senioren"]
KOMMUNEN = ["Adorf", "Bedorf", "Cestadt", "Dehausen", "Efeld"]
VORNAMEN = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Emine",
    "Felix",
    "Greta",
    "Hakan",
    "Ida",
    "Jonas",
    "Lena",
    "Milan",
]


def markt(
    seed: int,
    personen: int = 60,
    tische: int = 10,
    plaetze: int = 6,
    runden: int = 4,
    vereine: int = 15,
    interessen: int = 3,
    extras: bool = True,
) -> Instanz:
    """A market: popularity of clubs is skewed; with ``extras`` some couples, guides, step-free needs,
    ``getrennt`` pairs and people who come late."""
    rng = random.Random(seed)
    tisch_liste = [
        Tisch(id=f"T{t + 1}", plaetze=plaetze, barrierefrei=t < min(tische, max(runden + 1, tische // 3)))
        for t in range(tische)
    ]
    verein_liste = [
        PlanVerein(
            id=f"V{v + 1}",
            name=f"Verein {v + 1}",
            thema=THEMEN[rng.randrange(len(THEMEN))],
            barrierefrei_noetig=extras and v == 0,
        )
        for v in range(vereine)
    ]
    gewichte = [1.0 / (1 + 0.15 * v) for v in range(vereine)]
    leute = []
    for p in range(personen):
        wahl: list[str] = []
        while len(wahl) < min(interessen, vereine):
            v = rng.choices(range(vereine), weights=gewichte)[0]
            if f"V{v + 1}" not in wahl:
                wahl.append(f"V{v + 1}")
        spaet = extras and rng.random() < 0.05 and runden > 2
        leute.append(
            Teilnehmende(
                id=f"K{p + 1}",
                name=f"{VORNAMEN[p % len(VORNAMEN)]} {chr(65 + rng.randrange(26))}.",
                gruppe=rng.choices(GRUPPEN, weights=[3, 2, 2, 3])[0],
                kommune=rng.choices(KOMMUNEN, weights=[5, 2, 2, 1, 1])[0],
                interessen=wahl,
                lotse=extras and p % 10 == 3,
                barrierefrei_noetig=extras and p % 25 == 7,
                runden=list(range(2, runden + 1)) if spaet else None,
            )
        )
    zusammen = [["K1", "K2"]] if extras and personen >= 10 else []
    getrennt = [["K5", "K6"]] if extras and personen >= 10 else []
    return Instanz(
        runden=runden,
        vereine_pro_tisch_max=2,
        gemeinde_max_pro_tisch=2,
        tische=tisch_liste,
        vereine=verein_liste,
        teilnehmende=leute,
        zusammen=zusammen,
        getrennt=getrennt,
    )


def golfer(gruppen: int, groesse: int, wochen: int) -> Instanz:
    """Social Golfer g-s-w: g tables of s, g·s players, w rounds, no clubs (tables may be revisited)."""
    return Instanz(
        runden=wochen,
        tische=[Tisch(id=f"T{t + 1}", plaetze=groesse, plaetze_min=groesse) for t in range(gruppen)],
        teilnehmende=[Teilnehmende(id=f"G{p + 1}") for p in range(gruppen * groesse)],
    )


def realistic_market(
    seed: int,
    people: int = 60,
    tables: int = 10,
    rounds: int = 4,
    clubs: int = 15,
    seats: tuple[int, ...] = (5, 6, 7),
    guides: int | None = None,
    step_free_tables: int | None = None,
) -> Instanz:
    """A market with what real registrations bring (the benchmark set of issue 11).

    Couples and families (``zusammen``, some with a step-free or guide member, some coming only for the
    later rounds), ``getrennt`` pairs, 10–20 % attending a subset of rounds, guides (``guides`` may exceed
    the tables), step-free people and tables, tables of mixed sizes (a few with ``plaetze_min``), the most
    popular club with two booths, one ``vereine_zusammen`` and one ``vereine_getrennt`` pair, and three
    ranked interests drawn from a Zipf-like popularity.
    """
    rng = random.Random(seed)
    n_access = step_free_tables if step_free_tables is not None else max(rounds + 1, tables // 3)
    sizes = [seats[rng.randrange(len(seats))] for _ in range(tables)]
    # enough seats in every round, with room to spare
    while sum(sizes) < int(people * 1.08) + 1:
        sizes[rng.randrange(tables)] += 1
    table_list = [
        Tisch(
            id=f"T{t + 1}",
            plaetze=sizes[t],
            plaetze_min=3 if t % 4 == 3 else 0,
            barrierefrei=t < n_access,
        )
        for t in range(tables)
    ]
    popularity = list(range(clubs))
    rng.shuffle(popularity)
    weights = [1.0 / (1 + rank) for rank in popularity]  # Zipf with exponent 1
    most_popular = min(range(clubs), key=lambda v: popularity[v])
    club_list = [
        PlanVerein(
            id=f"V{v + 1}",
            name=f"Verein {v + 1}",
            thema=THEMEN[rng.randrange(len(THEMEN))],
            barrierefrei_noetig=v == 1 and most_popular != 1,
            anzahl_tische=2 if v == most_popular else 1,
        )
        for v in range(clubs)
    ]
    n_guides = guides if guides is not None else max(1, people // 8)
    persons: list[Teilnehmende] = []
    for p in range(people):
        choice: list[str] = []
        wanted = 3 if rng.random() < 0.85 else rng.choice([1, 2])
        while len(choice) < min(wanted, clubs):
            v = rng.choices(range(clubs), weights=weights)[0]
            if f"V{v + 1}" not in choice:
                choice.append(f"V{v + 1}")
        persons.append(
            Teilnehmende(
                id=f"K{p + 1}",
                name=f"{VORNAMEN[p % len(VORNAMEN)]} {chr(65 + rng.randrange(26))}.",
                gruppe=rng.choices(GRUPPEN, weights=[3, 2, 2, 3])[0],
                kommune=rng.choices(KOMMUNEN, weights=[5, 2, 2, 1, 1])[0],
                interessen=choice,
            )
        )
    order = list(range(people))
    rng.shuffle(order)
    # families and couples: about 12 % of the people in groups of 2 or 3
    together: list[list[str]] = []
    pos = 0
    while pos < int(people * 0.12):
        size = 3 if rng.random() < 0.3 else 2
        members = order[pos : pos + size]
        pos += size
        together.append([persons[m].id for m in members])
        k = len(together) - 1
        if k % 4 == 1:
            persons[members[0]].barrierefrei_noetig = True
        if k % 4 == 2:
            persons[members[0]].lotse = True
        if k % 5 == 3 and rounds > 2:
            for m in members:
                persons[m].runden = list(range(2, rounds + 1))
        for m in members[1:]:
            persons[m].kommune = persons[members[0]].kommune
    singles = order[pos:]
    # guides among the single people
    for m in singles[: max(0, n_guides - sum(1 for g in together if any(persons[int(x[1:]) - 1].lotse for x in g)))]:
        persons[m].lotse = True
    rest = singles[n_guides:]
    # step-free single people: about 4 %
    for m in rest[: max(1, people // 25)]:
        persons[m].barrierefrei_noetig = True
    rest = rest[max(1, people // 25) :]
    # partial attendance: about 15 % come only for some rounds
    for m in rest[: int(people * 0.15)]:
        if rounds < 2:
            break
        k = rng.randrange(1, rounds)
        persons[m].runden = sorted(rng.sample(range(1, rounds + 1), k))
    rest = rest[int(people * 0.15) :]
    apart = [[persons[a].id, persons[b].id] for a, b in zip(rest[0:6:2], rest[1:6:2], strict=False)]
    others = [v for v in range(clubs) if v != most_popular and v != 1]
    return Instanz(
        runden=rounds,
        vereine_pro_tisch_max=2,
        gemeinde_max_pro_tisch=2,
        tische=table_list,
        vereine=club_list,
        teilnehmende=persons,
        zusammen=together,
        getrennt=apart,
        vereine_zusammen=[[f"V{others[0] + 1}", f"V{others[1] + 1}"]],
        vereine_getrennt=[[f"V{others[2] + 1}", f"V{others[3] + 1}"]],
    )
