"""Capacity and waiting list: who gets a place, who waits, who moves up when someone cancels.

Per date with ``Plätze`` (counting ``Personen``, i.e. accompanying persons too), registrations are
considered in order of ``Eingegangen``. Whoever was already told they have a place (a ``Bestätigung``
or ``Nachgerückt`` row exists in ``Versand``) keeps it, even if the date is now overbooked (reported).
The others get a place while places are free, in order; a registration that does not fit (more persons
than free places) stays first on the waiting list while smaller ones behind it may move up. A
registration that moves from ``Warteliste`` to ``angemeldet`` is told by the mail step (``Nachgerückt``).
"""

from __future__ import annotations

import datetime as dt

from automation.domain.dataset import Dataset
from automation.domain.gate import unclear_cells
from automation.domain.mail.kinds import Art, MessageKey
from automation.domain.records import Anmeldung, Hinweis, Termin, Versand

_ACTIVE = ("angemeldet", "Warteliste")
_FINISHED = ("abgesagt", "durchgeführt")


def _told_place(dataset: Dataset, anmeldung: Anmeldung) -> bool:
    rows = {v.schluessel: v for v in dataset.all(Versand)}
    for art in (Art.BESTAETIGUNG, Art.NACHGERUECKT):
        row = rows.get(str(MessageKey(art, anmeldung.termin_id, anmeldung.kontakt_id)))
        if row is not None and row.status != "geplant":
            return True
    return False


def assign_places(dataset: Dataset, today: dt.date) -> tuple[list[Anmeldung], list[Hinweis]]:
    """Set ``angemeldet``/``Warteliste`` per date; returns the registrations promoted from the list, in order."""
    promoted: list[Anmeldung] = []
    findings: list[Hinweis] = []
    registrations = dataset.all(Anmeldung)
    order = {a.anmelde_id: index for index, a in enumerate(registrations)}
    # an unclear Status (reported by the gate) is never changed here; read as »angemeldet«, it holds its place
    unclear = set(unclear_cells(dataset, Anmeldung, "Status", empty_is_unclear=True))
    for termin in dataset.all(Termin):
        if termin.status in _FINISHED or termin.datum < today:
            continue
        active = [a for a in registrations if a.termin_id == termin.termin_id and a.status in _ACTIVE]
        active.sort(key=lambda a: (a.eingegangen or dt.datetime.max, order[a.anmelde_id]))
        if termin.plaetze is None:
            for anmeldung in active:
                if anmeldung.status == "Warteliste":
                    dataset.put(anmeldung.model_copy(update={"status": "angemeldet"}))
                    promoted.append(anmeldung)
            continue
        kept = [a for a in active if a.status == "angemeldet" and (a.anmelde_id in unclear or _told_place(dataset, a))]
        active = [a for a in active if a.anmelde_id not in unclear or a in kept]
        used = sum(a.personen for a in kept)
        if used > termin.plaetze:
            findings.append(
                Hinweis(
                    tabelle="Termine",
                    zeile=dataset.row_number(Termin, termin.termin_id),
                    id=termin.termin_id,
                    spalte="Plätze",
                    schwere="Warnung",
                    hinweis=f"{termin.termin_id} ist überbucht: {used} Personen haben eine Zusage, "
                    f"aber nur {termin.plaetze} Plätze sind eingetragen. Niemandem wird abgesagt.",
                    vorschlag="Plätze erhöhen oder mit einzelnen Personen sprechen.",
                )
            )
        kept_ids = {a.anmelde_id for a in kept}
        for anmeldung in active:
            if anmeldung.anmelde_id in kept_ids:
                continue
            fits = used + anmeldung.personen <= termin.plaetze
            status = "angemeldet" if fits else "Warteliste"
            if fits:
                used += anmeldung.personen
            if status != anmeldung.status:
                dataset.put(anmeldung.model_copy(update={"status": status}))
                if anmeldung.status == "Warteliste":
                    promoted.append(anmeldung)
    return promoted, findings
