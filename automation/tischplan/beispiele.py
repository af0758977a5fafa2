"""Seeded example instances: a realistic market generator and Social Golfer instances.

Used by the tests, the benchmark and ``gespraechsrunde demo``; pure and deterministic.
"""

from __future__ import annotations

import random

from automation.tischplan.model import Instanz, Teilnehmende, Tisch, Verein

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
        Verein(
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
