"""DSGVO: everything stored about one person, for export (Art. 15/20) and erasure (Art. 17).

Erasure deletes the Kontakt and the person's Anmeldungen and Feedback, and empties their stored form
answers in ``Eingang`` (the row stays as ``gelöscht`` so that the same answer is never imported again).
``Versand`` rows keep their key (so nothing is ever sent twice) but lose the address, and their error
text loses every mention of the person. Findings (``Hinweise``) that mention the person are removed (the
next run computes them afresh), mentions in other answers' notes are replaced, and the ``Tischplan`` rows
of the dates the person was registered for are removed (the plan has to be made again); people the person
guided as a Lotse lose that reference (``Begleitet von``) and get a guide again. Files under the
workspace are the task of :mod:`automation.services.erasure`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from automation.domain.answers.identity import stable_id_of_stored
from automation.domain.cells import write_row
from automation.domain.dataset import Dataset
from automation.domain.forms import FormDefinition
from automation.domain.records import Anmeldung, Eingang, Feedback, Hinweis, Kontakt, Nachfrage, TischplanZeile, Versand
from automation.domain.store import ChangeSet
from automation.domain.tischplan_tab import replace_rows_of_date

ERASED = "gelöscht auf Wunsch der Person"
REDACTED = "[gelöscht]"
# The tabs an erasure edits: while one of them drifted (renamed tab or header), nothing is erased at all,
# since the store never writes to a drifted tab and the erasure would stay half done.
ERASURE_TABS = (Kontakt.TAB, Anmeldung.TAB, Feedback.TAB, Nachfrage.TAB, Versand.TAB, Eingang.TAB, Hinweis.TAB,
                TischplanZeile.TAB)  # fmt: skip
TOMBSTONE_ID = "auch bekannt als"  # a tombstone of an earlier ID scheme names its stable ID after this


def identifiers(kontakt: Kontakt, anmelde_ids: set[str] | None = None) -> list[str]:
    """Texts that identify the person in free text: address, phone, full name, IDs (longest first)."""
    found = {kontakt.kontakt_id, *(anmelde_ids or set())}
    for value in (kontakt.email, kontakt.telefon, " ".join(p for p in (kontakt.vorname, kontakt.nachname) if p)):
        if value and len(value) >= 4:
            found.add(value)
    if kontakt.vorname and kontakt.nachname:
        found.add(f"{kontakt.nachname}, {kontakt.vorname}")
    return sorted(found, key=len, reverse=True)


def mentions(text: str | None, names: list[str]) -> bool:
    folded = (text or "").casefold()
    return any(name.casefold() in folded for name in names)


def redact(text: str | None, names: list[str]) -> str | None:
    """The text with every mention of the person replaced by ``[gelöscht]``."""
    if text is None:
        return None
    for name in names:
        text = re.sub(re.escape(name), REDACTED, text, flags=re.IGNORECASE)
    return text


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


def erasure_drift(dataset: Dataset) -> str | None:
    """Why no erasure may start now (German: the drifted tabs and headers with their fix), or None."""
    found = [f for f in dataset.schema.findings if f.tabelle in ERASURE_TABS]
    if not found:
        return None
    return " ".join(f"{f.hinweis} {f.vorschlag or ''}".strip() for f in found)


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


def erase_person(dataset: Dataset, kontakt: Kontakt, forms: dict[str, FormDefinition] | None = None) -> dict[str, int]:
    """Delete or empty every row about the person; returns how many rows per tab. With the ``forms``, a
    stored CSV answer whose ID is of an earlier scheme keeps its stable ID in the tombstone's note, so
    that no re-export (e.g. re-saved by Excel) imports it again."""
    rows = person_rows(dataset, kontakt)
    names = identifiers(kontakt, {a.anmelde_id for a in rows["Anmeldungen"]})
    erased_ids = {e.antwort_id for e in rows["Eingang"]}
    for other in dataset.all(Eingang):
        if other.antwort_id not in erased_ids and mentions(other.hinweis, names):
            dataset.put(other.model_copy(update={"hinweis": redact(other.hinweis, names)}))
    findings = dataset.all(Hinweis)
    if any(mentions(f"{h.id} {h.hinweis} {h.vorschlag}", names) for h in findings):
        dataset.replace(Hinweis, [h for h in findings if not mentions(f"{h.id} {h.hinweis} {h.vorschlag}", names)])
    dates = {a.termin_id.strip() for a in rows["Anmeldungen"]}
    for termin_id in sorted({z.termin_id.strip() for z in dataset.all(TischplanZeile)} & dates):
        replace_rows_of_date(dataset, termin_id, [])  # the plan has to be made again
    for anmeldung in rows["Anmeldungen"]:
        dataset.delete(Anmeldung, anmeldung.anmelde_id)
    for guided in dataset.all(Anmeldung):  # the person guided others: they get a guide again in the next run
        if guided.begleitet_von and guided.begleitet_von.strip() == kontakt.kontakt_id:
            dataset.put(guided.model_copy(update={"begleitet_von": None}))
    for feedback in rows["Feedback"]:
        dataset.delete(Feedback, feedback.antwort_id)
    for answer in rows["Nachfrage"]:
        dataset.delete(Nachfrage, answer.antwort_id)
    for versand in rows["Versand"]:
        update = {"adresse": None, "kontakt_id": None, "fehler": redact(versand.fehler, names), "name": None}
        dataset.put(versand.model_copy(update=update))
    for entry in rows["Eingang"]:
        note = ERASED
        form = (forms or {}).get(entry.formular)
        stable = stable_id_of_stored(form, entry.eingegangen, entry.daten) if form else None
        if stable is not None and stable != entry.antwort_id:
            note += f" ({TOMBSTONE_ID} {stable})"
        dataset.put(entry.model_copy(update={"daten": "{}", "status": "gelöscht", "hinweis": note}))
    dataset.delete(Kontakt, kontakt.kontakt_id)
    return {tab: len(items) for tab, items in rows.items()}
