"""Step »Antworten abholen«: fetch new and edited form answers into the ``Eingang`` tab.

Every answer is stored as received before anything else happens, so that bad input or a crash later
never loses it. The watermark for fetching (per form: the newest ``Geändert`` in ``Eingang``) lives in
the spreadsheet itself. An answer already in ``Eingang`` is updated only when it was edited (new
``Geändert`` or other data), and then processed again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from automation.domain.answers.base import RawAnswer
from automation.domain.dataset import Dataset
from automation.domain.records import Eingang, Versand
from automation.domain.run import RunState

# Forms whose answers can only exist after one of these messages went out: fetched only from then on
# (saves two Google requests per run for months in which no follow-up is running).
ON_DEMAND_FORMS = {"nachfrage": ("Nachfrage", "Nachfrage-Erinnerung")}


def forms_to_fetch(dataset: Dataset, form_ids: Iterable[str]) -> list[str]:
    """The forms (of ``form_ids``) worth asking for answers in this run."""
    sent = {v.art for v in dataset.all(Versand)}
    received = {e.formular for e in dataset.all(Eingang)}
    return [f for f in form_ids if f not in ON_DEMAND_FORMS or f in received or sent & set(ON_DEMAND_FORMS[f])]


def watermarks(entries: list[Eingang], form_ids: list[str]) -> dict[str, dt.datetime | None]:
    """Per form, the newest time of change already received (None: fetch everything)."""
    marks: dict[str, dt.datetime | None] = dict.fromkeys(form_ids)
    for entry in entries:
        seen = entry.geaendert or entry.eingegangen
        current = marks.get(entry.formular)
        if seen is not None and entry.formular in marks and (current is None or seen > current):
            marks[entry.formular] = seen
    return marks


def upsert(ctx: RunState, answer: RawAnswer) -> bool:
    """Store or update one answer in ``Eingang``; True when it is new or changed."""
    existing = ctx.dataset.get(Eingang, answer.antwort_id)
    data = answer.data_json()
    if existing is not None:
        if existing.status == "gelöscht":
            return False  # erased on the person's request: never import again
        if existing.geaendert == answer.geaendert and existing.daten == data:
            return False
        if existing.geaendert and answer.geaendert < existing.geaendert:
            return False  # an older state of an answer we already have
    ctx.dataset.put(
        Eingang(
            antwort_id=answer.antwort_id, formular=answer.formular, eingegangen=answer.eingegangen,
            geaendert=answer.geaendert, daten=data, status="neu",
            hinweis=f"[{answer.herkunft}]" if answer.herkunft else None,
        )
    )  # fmt: skip
    return True
