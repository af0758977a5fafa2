"""Reading one stored answer (``Eingang`` row) question by question, collecting findings.

Findings name the tab ``Eingang``, the answer's ID and the question as the column, and say how to fix
the answer: in the CSV export (local workspace) or in the ``Daten`` cell of the ``Eingang`` tab.
"""

from __future__ import annotations

import json
import re
from typing import Any

from automation.domain import normalize
from automation.domain.forms import FormDefinition, Question
from automation.domain.normalize import CellError
from automation.domain.records import Eingang, Hinweis, Schwere


class AnswerProblem(Exception):
    """The answer cannot be processed as it is; it stays in ``Eingang`` and is tried again next run."""


class AnswerReader:
    def __init__(self, form: FormDefinition, entry: Eingang, row: int | None) -> None:
        self.form = form
        self.entry = entry
        self.row = row
        self.findings: list[Hinweis] = []
        try:
            data: Any = json.loads(entry.daten)
        except json.JSONDecodeError:
            data = None
        if not isinstance(data, dict):
            self.values: dict[str, list[str]] = {}
            self.fail(None, "Die Spalte »Daten« enthält kein gültiges JSON.", "Den Inhalt der Zelle prüfen.")
        self.values = {str(k): [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in data.items()}

    def origin(self) -> str:
        """Where the answer came from (``[anmeldung.csv, Zeile 6]``), kept at the start of ``Hinweis``."""
        match = re.match(r"^\[[^\]]*\]", self.entry.hinweis or "")
        return match.group(0) if match else ""

    def with_origin(self, text: str) -> str:
        return f"{self.origin()} {text}".strip()

    def _where(self) -> str:
        origin = self.origin()
        return f"Antwort {self.entry.antwort_id}" + (f" {origin}" if origin else "")

    def note(self, key: str | None, message: str, suggestion: str = "", severity: Schwere = "Warnung") -> None:
        column = self.form.question(key).titel if key else "Daten"
        self.findings.append(
            Hinweis(
                tabelle="Eingang", zeile=self.row, id=self.entry.antwort_id, spalte=column, schwere=severity,
                hinweis=f"{self._where()}: {message}", vorschlag=suggestion or None,
            )
        )  # fmt: skip

    def fail(self, key: str | None, message: str, suggestion: str = "") -> None:
        """Record an error and stop processing this answer."""
        self.note(key, message, suggestion, "Fehler")
        raise AnswerProblem(message)

    def question(self, key: str) -> Question:
        return self.form.question(key)

    def raw(self, key: str) -> list[str]:
        return [v for v in self.values.get(key, []) if v.strip()]

    def text(self, key: str) -> str | None:
        values = self.raw(key)
        return normalize.text(values[0]) if values else None

    def required_text(self, key: str) -> str:
        value = self.text(key)
        if value is None:
            self.fail(key, f"»{self.question(key).titel}« ist leer.", "Die fehlende Angabe bei der Person erfragen.")
        assert value is not None
        return value

    def choice(self, key: str) -> str | None:
        value = self.text(key)
        return self.question(key).option_value(value) if value is not None else None

    def many(self, key: str) -> list[str]:
        question = self.question(key)
        return normalize.text_list([question.option_value(v) for v in self.raw(key)])

    def ticked(self, key: str) -> bool:
        return bool(self.raw(key))

    def integer(self, key: str, default: int) -> int:
        value = self.text(key)
        try:
            number = normalize.integer(value)
        except CellError as exc:
            self.note(key, exc.message, f"Als {default} übernommen; bitte prüfen.")
            return default
        return default if number is None else number

    def email(self, key: str) -> str | None:
        value = self.text(key)
        try:
            address, warning = normalize.email(value)
        except CellError as exc:
            self.fail(key, exc.message, exc.suggestion + " Danach wird die Antwort im nächsten Lauf übernommen.")
            raise
        if warning is not None:
            self.note(key, warning.message, warning.suggestion)
        return address

    def phone(self, key: str) -> str | None:
        value = self.text(key)
        try:
            return normalize.phone(value)
        except CellError as exc:
            self.note(key, exc.message, exc.suggestion + " Die Nummer wurde nicht übernommen.")
            return None
