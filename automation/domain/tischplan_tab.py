"""The one owner of the ``Tischplan`` tab's format: who writes its rows, who reads them, when they are stale.

One row per Termin, round and table. Readable names (``Vereine``, ``Teilnehmende``, ``Lotsen``: club names,
"Anna B.") stand beside the IDs the job works with (``Vereins-IDs``, ``Teilnehmende-IDs``, ``Lotsen-IDs``:
Vereins-IDs and Anmelde-IDs, an accompanying person as ``<Anmelde-ID>+1``); ``Erstellt`` is when the plan
was made. ``tischplan --termin`` writes through :func:`plan_rows` and :func:`replace_rows_of_date`; the
reminder reads through :func:`tables_of`; :func:`stale_plan_findings` reports a plan that no longer
matches the registrations of its date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from automation.domain.dataset import Dataset
from automation.domain.records import Anmeldung, Hinweis, TischplanZeile
from automation.domain.words import count

if TYPE_CHECKING:  # the solver package (and scipy) is not needed to read or check the tab
    from automation.domain.tischplan.model import Instanz, Plan

SEATED = ("angemeldet", "teilgenommen")  # the statuses that hold a seat in a plan


def plan_rows(
    termin_id: str, instanz: Instanz, plan: Plan, names: Mapping[str, str], created: dt.datetime
) -> list[TischplanZeile]:
    """The rows of the tab for one Termin's plan: IDs with readable names beside them."""
    club_names = {v.id: v.name or v.id for v in instanz.vereine}
    guides = {p.id for p in instanz.teilnehmende if p.lotse}
    clubs_at = {t.id: list(t.vereine) for t in plan.tische}
    rows = []
    for plan_round in plan.runden:
        for table in plan_round.tische:
            people = [p for p in table.teilnehmende if p not in guides]
            guiding = [p for p in table.teilnehmende if p in guides]
            club_ids = clubs_at.get(table.id, [])
            rows.append(
                TischplanZeile(
                    termin_id=termin_id,
                    runde=plan_round.runde,
                    tisch=table.id,
                    vereine=[club_names.get(v, v) for v in club_ids],
                    teilnehmende=[names.get(p, p) for p in people],
                    lotsen=[names.get(p, p) for p in guiding],
                    vereins_ids=club_ids,
                    teilnehmende_ids=people,
                    lotsen_ids=guiding,
                    erstellt=created,
                )
            )
    return rows


def replace_rows_of_date(dataset: Dataset, termin_id: str, rows: list[TischplanZeile]) -> None:
    """Replace the rows of this Termin in the tab; rows of other Termine stay, in their order."""
    others = [z for z in dataset.all(TischplanZeile) if z.termin_id.strip() != termin_id]
    dataset.replace(TischplanZeile, others + rows)


def tables_of(rows: Iterable[TischplanZeile], termin_id: str, ids: set[str]) -> list[tuple[int, str]]:
    """(round, table) for everyone with one of ``ids`` (Anmelde-ID or Kontakt-ID) in the Termin's plan."""
    found = {
        (row.runde, row.tisch)
        for row in rows
        if row.termin_id.strip() == termin_id and ids & {*row.teilnehmende_ids, *row.lotsen_ids}
    }
    return sorted(found)


def seated_ids(registrations: Iterable[Anmeldung], termin_id: str) -> set[str]:
    """The participant IDs a plan of this Termin must hold now (companions as ``<Anmelde-ID>+k``)."""
    ids: set[str] = set()
    for a in registrations:
        if a.termin_id.strip() == termin_id and a.status in SEATED:
            ids.add(a.anmelde_id)
            ids.update(f"{a.anmelde_id}+{k}" for k in range(1, a.personen))
    return ids


def stale_plan_findings(dataset: Dataset) -> list[Hinweis]:
    """A warning per Termin whose plan is older than a registration change of that date.

    Stale means: a seated registration came in or was changed after ``Erstellt``, or the seated registrations
    (``angemeldet``/``teilgenommen``, with companions) are no longer exactly the people in the plan. The
    finding names counts, never people.
    """
    rows_by_date: dict[str, list[TischplanZeile]] = {}
    for row in dataset.all(TischplanZeile):
        rows_by_date.setdefault(row.termin_id.strip(), []).append(row)
    registrations = dataset.all(Anmeldung)
    found = []
    for termin_id, rows in rows_by_date.items():
        command = f"gespraechsrunde tischplan --termin {termin_id}"
        created = [r.erstellt for r in rows if r.erstellt is not None]
        if not created or not any(r.teilnehmende_ids or r.lotsen_ids for r in rows):
            found.append(
                Hinweis(
                    tabelle=TischplanZeile.TAB,
                    id=termin_id,
                    spalte="Teilnehmende-IDs",
                    schwere="Warnung",
                    hinweis=f"Der Tischplan für Termin {termin_id} hat kein »Erstellt« und keine IDs (ältere "
                    "Fassung oder von Hand eingetragen): Erinnerungen können darin keine Tische finden.",
                    vorschlag=f"Den Plan mit »{command}« neu erstellen.",
                )
            )
            continue
        made = min(created)
        planned = {i for r in rows for i in (*r.teilnehmende_ids, *r.lotsen_ids)}
        seated = seated_ids(registrations, termin_id)
        later = [
            a
            for a in registrations
            if a.termin_id.strip() == termin_id
            and a.status in SEATED
            and a.eingegangen is not None
            and a.eingegangen > made
        ]
        added, gone = seated - planned, planned - seated
        if not later and not added and not gone:
            continue
        parts = []
        if added:
            parts.append(f"{count(len(added), 'Person', 'Personen')} angemeldet, aber nicht im Plan")
        if gone:
            parts.append(f"{count(len(gone), 'Person', 'Personen')} im Plan, aber nicht mehr angemeldet")
        if later:
            parts.append(f"{count(len(later), 'Anmeldung', 'Anmeldungen')} nach dem Plan eingegangen oder geändert")
        found.append(
            Hinweis(
                tabelle=TischplanZeile.TAB,
                id=termin_id,
                spalte="Erstellt",
                schwere="Warnung",
                hinweis=f"Der Tischplan für Termin {termin_id} vom {made:%d.%m.%Y %H:%M} ist veraltet: "
                + "; ".join(parts)
                + ". Erinnerungen und Laufkarten zeigen noch den alten Plan.",
                vorschlag=f"Den Plan mit »{command}« neu erstellen.",
            )
        )
    return found
