"""Answers from Google Forms' own CSV export (``antworten/anmeldung*.csv`` …), for the local backend.

Export format: a ``Zeitstempel`` column, then one column per question titled like the question;
checkbox answers joined with ``", "``. Columns are matched to the definition by title; a column the
definition does not know is kept in ``unbekannt``. A CSV row has no answer ID of its own: it is derived
from the form, the time stamp and the first two answers, so the same row is recognised in every run.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

from automation.domain import normalize
from automation.domain.answers.base import RawAnswer
from automation.domain.errors import GespraechsrundeError
from automation.domain.forms import FormDefinition, Question
from automation.domain.normalize import CellError
from automation.domain.store import header_key

TIMESTAMP_HEADERS = ("zeitstempel", "timestamp", "zeitpunkt")


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _split(question: Question | None, value: str) -> list[str]:
    if question is None or question.typ not in ("mehrfach", "einwilligung"):
        return [value.strip()] if value.strip() else []
    return normalize.split_known_options(value, [o.text for o in question.optionen])


def answer_id(form_id: str, stamp: str, cells: list[str]) -> str:
    """Stable ID of a CSV row: form, time stamp and the first two answers (names), so that fixing a typo
    elsewhere in the row (an e-mail address, say) updates the same answer instead of adding another."""
    digest = hashlib.sha256("\x1f".join([form_id, stamp, *cells]).encode()).hexdigest()
    return f"csv-{form_id[:3]}-{digest[:16]}"


def parse_csv(form: FormDefinition, path: Path) -> list[RawAnswer]:
    """Every answer row of one exported file, in file order."""
    text = _read_text(path)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)  # Google: comma; German Excel: semicolon
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return []
    header = [h.strip() for h in rows[0]]
    titles = {header_key(q.titel): q for q in form.fragen}
    stamp_col = next((i for i, h in enumerate(header) if header_key(h) in TIMESTAMP_HEADERS), None)
    if stamp_col is None:
        raise GespraechsrundeError(
            f"{path.name}: keine Spalte »Zeitstempel« gefunden. Bitte den CSV-Export von Google Forms "
            "unverändert ablegen (Antworten → Tabelle → Herunterladen als CSV)."
        )
    answers = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        stamp = row[stamp_col] if stamp_col < len(row) else ""
        try:
            when = normalize.timestamp(stamp) or dt.datetime(1970, 1, 1)
        except CellError:
            when = dt.datetime(1970, 1, 1)
        values: dict[str, list[str]] = {}
        unknown: dict[str, list[str]] = {}
        for index, title in enumerate(header):
            if index == stamp_col or index >= len(row) or not title:
                continue
            question = titles.get(header_key(title))
            parts = _split(question, row[index])
            if question is None:
                if parts:
                    unknown[title] = parts
            elif parts:
                values[question.schluessel] = parts
        answers.append(
            RawAnswer(
                antwort_id=answer_id(form.id, stamp, [c for i, c in enumerate(row) if i != stamp_col][:2]),
                formular=form.id,
                eingegangen=when,
                geaendert=when,
                werte=values,
                herkunft=f"{path.name}, Zeile {line}",
                unbekannt=unknown,
            )
        )
    return answers


class CsvAnswerSource:
    """CSV exports in a folder: ``<formular>*.csv`` (e.g. ``anmeldung.csv``, ``anmeldung-2027-03.csv``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def describe(self) -> str:
        return f"CSV-Exporte im Ordner {self.folder.name}"

    def fetch(self, forms: dict[str, FormDefinition], since: dict[str, dt.datetime | None]) -> list[RawAnswer]:
        result: list[RawAnswer] = []
        for form_id, form in forms.items():
            for path in sorted(self.folder.glob(f"{form_id}*.csv")):
                result += parse_csv(form, path)
        return result
