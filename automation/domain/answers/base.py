"""A form answer as received, independent of where it came from, and the interface of a source."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Protocol

from automation.domain.forms import FormDefinition


@dataclass(frozen=True)
class RawAnswer:
    """One submitted (possibly later edited) form answer.

    ``werte`` maps a question's ``schluessel`` to the answer texts (one per ticked option for checkboxes,
    one element otherwise). ``herkunft`` says where it came from for messages (file and line, or form).
    """

    antwort_id: str
    formular: str
    eingegangen: dt.datetime
    geaendert: dt.datetime
    werte: dict[str, list[str]]
    herkunft: str = ""
    unbekannt: dict[str, list[str]] = field(default_factory=dict)

    def data_json(self) -> str:
        """The answers as JSON for the ``Eingang`` tab (sorted, umlauts kept)."""
        return json.dumps(self.werte, ensure_ascii=False, sort_keys=True)

    def first(self, key: str) -> str | None:
        values = self.werte.get(key) or []
        return values[0] if values else None


class AnswerSource(Protocol):
    """Where new answers are fetched from."""

    def describe(self) -> str:
        """German phrase for messages, e.g. ``CSV-Exporte im Ordner antworten``."""
        ...

    def fetch(self, forms: dict[str, FormDefinition], since: dict[str, dt.datetime | None]) -> list[RawAnswer]:
        """Answers submitted or edited at or after ``since[form_id]`` (all when None)."""
        ...
