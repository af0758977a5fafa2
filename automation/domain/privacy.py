"""DSGVO: everything stored about one person, for export (Art. 15/20) and erasure (Art. 17).

Erasure deletes the Kontakt and the person's Anmeldungen and Feedback, and empties their stored form
answers in ``Eingang`` (the row stays as ``gelöscht`` so that the same answer is never imported again).
``Versand`` rows keep their key (so nothing is ever sent twice) but lose the address.
"""

from __future__ import annotations

import json
from typing import Any

from automation.domain.cells import write_row
from automation.domain.dataset import Dataset
from automation.domain.records import Anmeldung, Eingang, Feedback, Kontakt, Nachfrage, Versand
from automation.domain.store import ChangeSet

ERASED = "gelöscht auf Wunsch der Person"


def find_contact(dataset: Dataset, who: str) -> Kontakt | None:
    """A contact by Kontakt-ID or e-mail address."""
    found = dataset.get(Kontakt, who)
    if found is not None:
        return found
    wanted = who.strip().casefold()
    return next((k for k in dataset.all(Kontakt) if k.email and k.email.casefold() == wanted), None)


def _answers_of(dataset: Dataset, kontakt: Kontakt, anmelde_ids: set[str], antwort_ids: set[str]) -> list[Eingang]:
    result = []
    for entry in dataset.all(Eingang):
        if entry.antwort_id in antwort_ids:
            result.append(entry)
            continue
        try:
            data = json.loads(entry.daten)
        except json.JSONDecodeError:
            continue
        if not isinstance(data, dict):
            continue
        values = {str(v).strip().casefold() for vs in data.values() for v in (vs if isinstance(vs, list) else [vs])}
        keys = {kontakt.kontakt_id.casefold(), *(a.casefold() for a in anmelde_ids)}
        if kontakt.email:
            keys.add(kontakt.email.casefold())
        if keys & values:
            result.append(entry)
    return result


def person_rows(dataset: Dataset, kontakt: Kontakt) -> dict[str, list[Any]]:
    """Every row about the person, per tab."""
    anmeldungen = [a for a in dataset.all(Anmeldung) if a.kontakt_id == kontakt.kontakt_id]
    anmelde_ids = {a.anmelde_id for a in anmeldungen}
    antwort_ids = {a.antwort_id for a in anmeldungen if a.antwort_id}
    feedback = [f for f in dataset.all(Feedback) if f.kontakt_id == kontakt.kontakt_id]
    antwort_ids |= {f.antwort_id for f in feedback}
    nachfrage = [n for n in dataset.all(Nachfrage) if n.kontakt_id == kontakt.kontakt_id]
    antwort_ids |= {n.antwort_id for n in nachfrage}
    return {
        "Kontakte": [kontakt],
        "Anmeldungen": anmeldungen,
        "Feedback": feedback,
        "Nachfrage": nachfrage,
        "Versand": [v for v in dataset.all(Versand) if v.kontakt_id == kontakt.kontakt_id],
        "Eingang": _answers_of(dataset, kontakt, anmelde_ids, antwort_ids),
    }


def export_person(dataset: Dataset, kontakt: Kontakt) -> dict[str, list[dict[str, Any]]]:
    """The person's data as the sheet shows it (German headers), for a copy to hand over; »Weitergegeben an«
    lists the clubs that received the person's details (consented hand-off)."""
    from automation.domain.weitergabe import handed_off_to

    result: dict[str, list[dict[str, Any]]] = {
        tab: [write_row(r) for r in rows] for tab, rows in person_rows(dataset, kontakt).items()
    }
    result["Weitergegeben an"] = list(handed_off_to(dataset, kontakt.kontakt_id))
    return result


def erasure_steps(changes: ChangeSet) -> list[ChangeSet]:
    """The writes of an erasure in a safe order: first the stored answers are emptied (they are never
    imported again), then the rest is deleted. If the second write fails, the Kontakt still exists and
    running the erasure again completes it."""
    first = ChangeSet(cells=[c for c in changes.cells if c.tab == Eingang.TAB])
    rest = ChangeSet(
        cells=[c for c in changes.cells if c.tab != Eingang.TAB],
        appends=changes.appends, replaces=changes.replaces, deletes=changes.deletes,
    )  # fmt: skip
    return [step for step in (first, rest) if step]


def erase_person(dataset: Dataset, kontakt: Kontakt) -> dict[str, int]:
    """Delete or empty every row about the person; returns how many rows per tab."""
    rows = person_rows(dataset, kontakt)
    for anmeldung in rows["Anmeldungen"]:
        dataset.delete(Anmeldung, anmeldung.anmelde_id)
    for feedback in rows["Feedback"]:
        dataset.delete(Feedback, feedback.antwort_id)
    for answer in rows["Nachfrage"]:
        dataset.delete(Nachfrage, answer.antwort_id)
    for versand in rows["Versand"]:
        dataset.put(versand.model_copy(update={"adresse": None, "kontakt_id": None}))
    for entry in rows["Eingang"]:
        dataset.put(entry.model_copy(update={"daten": "{}", "status": "gelöscht", "hinweis": ERASED}))
    dataset.delete(Kontakt, kontakt.kontakt_id)
    return {tab: len(items) for tab, items in rows.items()}
