"""The ``Versand`` rows of a run, changed only through the state machine of :mod:`automation.domain.ledger`."""

from __future__ import annotations

from typing import Any

from automation.domain.dataset import Dataset
from automation.domain.ledger import Event, advance
from automation.domain.mail.due import DueMessage
from automation.domain.records import Versand


class Ledger:
    """``Versand`` by key, on the run's dataset; every status change is one :class:`Event`."""

    def __init__(self, dataset: Dataset, *, record: bool = True) -> None:
        self.dataset = dataset
        self.record = record  # False in a dry run: rows are changed in memory only for the preview

    def rows(self) -> dict[str, Versand]:
        return {v.schluessel: v for v in self.dataset.all(Versand)}

    def get(self, key: str) -> Versand | None:
        return self.dataset.get(Versand, key)

    def row_number(self, key: str) -> int | None:
        return self.dataset.row_number(Versand, key)

    def move(self, row: Versand, event: Event, **changes: Any) -> Versand:
        """The row after ``event`` (its status from the transition table), put into the dataset."""
        status = advance(row.status, event)
        updated = Versand.model_validate({**row.model_dump(), **changes, "status": status})
        self.dataset.put(updated)
        return updated

    def plan(self, row: Versand | None, item: DueMessage, address: str) -> Versand:
        """The ``geplant`` row of a due message (new, or the existing one with the current address)."""
        if row is None:
            row = Versand(
                schluessel=str(item.key),
                art=item.art.value,
                termin_id=item.termin.termin_id,
                kontakt_id=item.kontakt.kontakt_id,
                adresse=address,
                status=advance(None, Event.PLAN),
            )
            if self.record:
                self.dataset.put(row)
            return row
        if row.status != "geplant" or not self.record:
            return row.model_copy(update={"adresse": address})
        return self.move(row, Event.PLAN, adresse=address)
