"""A held date with attendance, a table plan, feedback and offers: the material of the reports."""

from __future__ import annotations

import datetime as dt
import random

from automation.domain.records import (
    Angebot,
    Anmeldung,
    Feedback,
    Kommune,
    Kontakt,
    Record,
    Termin,
    TischplanZeile,
    Verein,
)

HELD = Termin(
    termin_id="T-2026-10", titel="Markt der Möglichkeiten Herbst", datum=dt.date(2026, 10, 10),
    beginn=dt.time(14), ende=dt.time(17), ort="Bürgerhaus Adorf", kommunen=["Adorf", "Bergheim"],
    plaetze=60, runden=2, plaetze_pro_tisch=8, status="durchgeführt",
)  # fmt: skip
EARLIER = Termin(
    termin_id="T-2026-04", titel="Markt der Möglichkeiten Frühjahr", datum=dt.date(2026, 4, 18),
    plaetze=40, status="durchgeführt",
)  # fmt: skip
GROUPS = ("Incoming", "Incoming", "Incoming", "Outgoing", "Neu zugezogen", "Einheimisch")
CLUBS = (
    Verein(vereins_id="V-01", name="TSV Adorf", email="tsv@verein.example", ansprechperson="Uta Ufer",
           termine=["T-2026-10"], zuletzt_aktualisiert=dt.datetime(2026, 9, 1, 10)),
    Verein(vereins_id="V-02", name="Chor Bergheim", email="chor@verein.example", termine=["T-2026-10"],
           zuletzt_aktualisiert=dt.datetime(2025, 1, 5, 10)),
    Verein(vereins_id="V-03", name="Naturschutz & Co", email="natur@verein.example", termine=["T-2026-10"]),
    Verein(vereins_id="V-04", name="Heimatverein", email="heimat@verein.example", termine=[]),
)  # fmt: skip


def held_records(seed: int = 7, people: int = 24) -> list[Record]:
    """Contacts, registrations (most attended), a plan of two rounds and feedback naming clubs."""
    rng = random.Random(seed)
    records: list[Record] = [Kommune(name="Adorf", kuerzel="AD"), Kommune(name="Bergheim", kuerzel="BH"), HELD, EARLIER]
    records += list(CLUBS)
    records += [
        Angebot(angebots_id="AG-1", vereins_id="V-01", titel="Training dienstags", zeitaufwand="regelmäßig",
                rhythmus="wöchentlich", am_wochenende=False, aus_der_ferne=False),
        Angebot(angebots_id="AG-2", vereins_id="V-01", titel="Vereinsheim-Dienst", zeitaufwand="regelmäßig",
                rhythmus="monatlich", am_wochenende=False, aus_der_ferne=False),
        Angebot(angebots_id="AG-3", vereins_id="V-02", titel="Sommerkonzert helfen", zeitaufwand="einmalig",
                am_wochenende=True, aus_der_ferne=False),
    ]  # fmt: skip
    attended: list[str] = []
    for i in range(people):
        kid, aid = f"K-{i:03d}", f"A-{i:03d}"
        weekend_only = i % 3 != 2
        records.append(
            Kontakt(
                kontakt_id=kid, vorname=f"Vorname{i}", nachname=f"Nachname{i}", email=f"p{i}@beispiel.example",
                kommune="Adorf" if i % 4 else "Bergheim", gruppe=GROUPS[i % len(GROUPS)] if i != 5 else None,
                anwesenheit=["am Wochenende"] if weekend_only else ["unter der Woche"],
                einwilligung_speicherung=True, einwilligung_einladungen=i % 5 != 0,
                einwilligung_weitergabe=i % 2 == 0,
            )
        )  # fmt: skip
        status = "nicht erschienen" if i % 7 == 6 else "teilgenommen"
        records.append(
            Anmeldung(anmelde_id=aid, termin_id=HELD.termin_id, kontakt_id=kid, personen=2 if i == 3 else 1,
                      status=status, interessen=["Sport"])
        )  # fmt: skip
        if status == "teilgenommen":
            attended.append(aid)
        if i < 6:  # some came to the earlier date too
            records.append(
                Anmeldung(anmelde_id=f"A-E{i:03d}", termin_id=EARLIER.termin_id, kontakt_id=kid, status="teilgenommen")
            )
    # plan: two rounds, T1 = TSV, T2 = Chor, T3 = Naturschutz
    for runde in (1, 2):
        order = attended[:] if runde == 1 else attended[::-1]
        tables = {"T1": order[0::3], "T2": order[1::3], "T3": order[2::3]}
        if runde == 1:
            tables["T1"] = [*tables["T1"], "A-003+1"]
        for tisch, name in (("T1", "TSV Adorf"), ("T2", "Chor Bergheim"), ("T3", "V-03")):
            records.append(
                TischplanZeile(termin_id=HELD.termin_id, runde=runde, tisch=tisch, vereine=[name],
                               teilnehmende=tables[tisch])
            )  # fmt: skip
    for i in range(people):
        if i % 7 == 6 or i % 4 == 3:
            continue
        interesting = ["TSV Adorf"] if i % 2 == 0 else ["Chor Bergheim", "TSV Adorf"]
        wish = ["TSV Adorf"] if i % 3 == 0 else (["Chor Bergheim"] if i % 5 == 1 else [])
        times = ["am Wochenende"] if i % 3 != 2 else ["unter der Woche abends", "von unterwegs, aus der Ferne"]
        records.append(
            Feedback(
                antwort_id=f"F-{i:03d}", termin_id=HELD.termin_id, kontakt_id=f"K-{i:03d}",
                eingegangen=dt.datetime(2026, 10, 11, 9) + dt.timedelta(hours=i), bewertung=rng.randint(2, 5),
                interessante_vereine=interesting, kontaktwunsch=wish, passende_zeiten=times,
                verbesserung=f"Verbesserung {i}" if i % 4 == 0 else None,
                freitext=f"Freitext von Person {i}" if i % 6 == 0 else None,
            )
        )  # fmt: skip
    return records
