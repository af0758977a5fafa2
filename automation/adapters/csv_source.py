"""Answers from Google Forms' own CSV export (``antworten/anmeldung*.csv`` …), for the local backend.

Export format: a ``Zeitstempel`` column, then one column per question titled like the question;
checkbox answers joined with ``", "``. Columns are matched to the definition by title (in any order); a
column the definition does not know is kept in ``unbekannt``.

The file may have been re-saved by a spreadsheet program (German Excel: semicolons, Windows-1252 or UTF-8
with BOM, time stamps without seconds): encoding and separator are detected. A CSV row has no answer ID of
its own, so it is derived from what survives such a re-save (:func:`answer_id`): the form, the time stamp
to the minute and the first two answers (the names), normalised. The same row therefore gets the same ID
in every run and from every re-export. IDs of the earlier scheme are kept as ``fruehere_ids``, so answers
stored by older versions are recognised too.

A file exported from a translated form (``anmeldung-tr.csv``, headers in Turkish) is read with the variant
whose question titles match the most headers (German when equal); its choice labels become the German values
(:func:`~automation.domain.forms.canonical_answers`), so it lands in the same columns as a German export.

A file that is not a CSV export (an .xlsx saved under a .csv name, a binary file, no ``Zeitstempel``
column) becomes a finding for that file; the other files are read as usual.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Callable
from pathlib import Path

from automation.domain import normalize
from automation.domain.answers.base import RawAnswer
from automation.domain.answers.identity import answer_id, legacy_answer_id, previous_answer_id
from automation.domain.errors import ConfigError
from automation.domain.forms import (
    TRANSLATED_LANGUAGES,
    FormDefinition,
    FormTranslation,
    Question,
    canonical_answers,
    load_translations,
    translate,
)
from automation.domain.normalize import CellError
from automation.domain.records import Hinweis
from automation.domain.store import header_key

# the time stamp column is named in the language of the Google account that exported the file
TIMESTAMP_HEADERS = ("zeitstempel", "timestamp", "zeitpunkt", "zaman damgası", "позначка часу", "الطابع الزمني")
ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = (",", ";", "\t")
# Fields longer than the csv module's default limit (131,072) are read; intake shortens what no cell holds.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

_MAGIC = {b"PK\x03\x04": "eine Excel-Datei (.xlsx)", b"\xd0\xcf\x11\xe0": "eine alte Excel-Datei (.xls)",
          b"%PDF": "ein PDF"}  # fmt: skip


class NotACsvExport(Exception):
    """The file cannot be read as a CSV export; the message says why and how to fix it (German)."""


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was read with (UTF-8 with or without BOM, UTF-16 with BOM,
    else Windows-1252)."""
    raw = path.read_bytes()
    for magic, what in _MAGIC.items():
        if raw.startswith(magic):
            raise NotACsvExport(
                f"{path.name} ist keine CSV-Datei, sondern {what}. Bitte in Google Forms die Antworten als "
                "CSV herunterladen bzw. in Excel »Speichern unter → CSV UTF-8« wählen."
            )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's »Unicode-Text«: UTF-16 with BOM
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if raw.count(b"\x00") > max(8, len(raw) // 100):
        raise NotACsvExport(
            f"{path.name} ist keine Textdatei (enthält Binärdaten). Bitte den CSV-Export von Google Forms "
            "ablegen oder die Datei aus dem Ordner entfernen."
        )
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise NotACsvExport(
        f"{path.name}: unbekannte Zeichenkodierung (weder UTF-8 noch Windows-1252). Bitte als »CSV UTF-8« speichern."
    )


def sniff_delimiter(text: str) -> str:
    """The separator that splits the first lines into the most, equally long, rows (quotes respected)."""
    sample = text[:65536]
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        try:
            rows = [r for _, r in zip(range(6), csv.reader(io.StringIO(sample), delimiter=delimiter), strict=False)]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        consistent = sum(len(r) == width for r in rows)
        score = (width if width > 1 else 0, consistent)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _as_is(text: str) -> str:
    return text


def _lossy(text: str) -> str:
    """A text as a re-save in Windows-1252 leaves it: characters it cannot hold become ``?`` (``Hayır`` →
    ``Hay?r``; Cyrillic and Arabic letters entirely)."""
    return text.encode("cp1252", errors="replace").decode("cp1252")


def _split(question: Question | None, value: str, fold: Callable[[str], str] = _as_is) -> list[str]:
    """The answer texts of a cell; with ``fold`` (a re-saved file) a damaged choice label is given back as
    the label, where it is unambiguous."""
    if question is None or question.typ not in ("mehrfach", "einwilligung"):
        parts = [value.strip()] if value.strip() else []
    else:
        parts = normalize.split_known_options(value, [fold(o.text) for o in question.optionen])
    if fold is _as_is or not question or not question.optionen:
        return parts
    labels: dict[str, str | None] = {}
    for option in question.optionen:
        key = fold(option.text)
        labels[key] = None if key in labels else option.text
    return [labels.get(part) or part for part in parts]


def _title_index(form: FormDefinition, fold: Callable[[str], str]) -> dict[str, Question]:
    """Header → question; titles that ``fold`` makes equal match no header (no guessing)."""
    index: dict[str, Question | None] = {}
    for question in form.fragen:
        key = header_key(fold(question.titel))
        index[key] = None if key in index else question
    return {key: question for key, question in index.items() if question is not None}


def pick_language(
    header: list[str],
    form: FormDefinition,
    translations: dict[str, FormTranslation],
    fold: Callable[[str], str] = _as_is,
) -> str:
    """The language whose question titles match the most headers (German on a tie)."""
    keys = {header_key(h) for h in header}
    best, best_score = "de", sum(header_key(fold(q.titel)) in keys for q in form.fragen)
    for sprache, translation in translations.items():
        titles = [translation.fragen[q.schluessel].titel if q.schluessel in translation.fragen else q.titel
                  for q in form.fragen]  # fmt: skip
        score = sum(header_key(fold(t)) in keys for t in titles)
        if score > best_score:
            best, best_score = sprache, score
    return best


def parse_csv(
    form: FormDefinition,
    path: Path,
    translations: dict[str, FormTranslation] | None = None,
    findings: list[Hinweis] | None = None,
) -> list[RawAnswer]:
    """Every answer row of one exported file, in file order; raises NotACsvExport for a file that is none.

    ``translations``: the form's translations; the file is read in the language its headers fit best (a
    translation that does not fit the German file raises :class:`ConfigError`). Rows whose identity a
    Windows-1252 re-save made ambiguous are left out and reported in ``findings`` (:func:`_ambiguous`)."""
    text, encoding = read_text(path)
    delimiter = sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise NotACsvExport(f"{path.name} lässt sich nicht als CSV lesen ({exc}).") from exc
    if not rows:
        return []
    header = [h.strip() for h in rows[0]]
    # re-saved by Excel in Windows-1252: Turkish, Ukrainian, Arabic titles and labels come back damaged
    fold = _lossy if encoding == "cp1252" else _as_is
    sprache = pick_language(header, form, translations or {}, fold)
    if sprache != "de":
        form = translate(form, (translations or {})[sprache], f"{form.id}.{sprache}.yaml")
    titles = _title_index(form, fold)
    stamps = {header_key(fold(t)) for t in TIMESTAMP_HEADERS}
    stamp_col = next((i for i, h in enumerate(header) if header_key(h) in stamps), None)
    if stamp_col is None:
        raise NotACsvExport(
            f"{path.name}: keine Spalte »Zeitstempel« gefunden. Bitte den CSV-Export von Google Forms "
            "unverändert ablegen (Antworten → Tabelle → Herunterladen als CSV)."
        )
    answers = []
    bases: list[str] = []
    seen: dict[str, int] = {}
    seen_previous: dict[str, int] = {}  # collisions under the previous scheme, numbered the same way
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
            parts = _split(question, row[index], fold)
            if question is None:
                if parts:
                    unknown[title] = parts
            elif parts:
                values[question.schluessel] = parts
        values = canonical_answers(form, sprache, values)
        base = answer_id(form, when, values)
        bases.append(base)
        seen[base] = seen.get(base, 0) + 1
        new_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        legacy = legacy_answer_id(form.id, stamp, [c for i, c in enumerate(row) if i != stamp_col][:2])
        previous = previous_answer_id(form, when, values)
        seen_previous[previous] = seen_previous.get(previous, 0) + 1
        if seen_previous[previous] > 1:
            previous = f"{previous}-{seen_previous[previous]}"
        answers.append(
            RawAnswer(
                antwort_id=new_id,
                formular=form.id,
                eingegangen=when,
                geaendert=when,
                werte=values,
                herkunft=f"{path.name}, Zeile {line}",
                unbekannt=unknown,
                fruehere_ids=(legacy, previous),
                kodierung=encoding,
            )
        )
    if fold is _as_is:
        return answers
    skipped = _ambiguous(answers, bases)
    for index in sorted(skipped):
        answer = answers[index]
        lines = ", ".join(answers[i].herkunft.rsplit(" ", 1)[-1] for i in skipped[index])
        (findings if findings is not None else []).append(
            Hinweis(
                tabelle=f"{path.parent.name}/{path.name}", zeile=int(answer.herkunft.rsplit(" ", 1)[-1]),
                spalte=", ".join(q.titel for q in form.fragen[:2]), schwere="Fehler",
                hinweis=f"{answer.herkunft}: Die Antwort lässt sich nicht sicher zuordnen. Die Zeilen {lines} "
                "haben dieselbe Minute und nach dem Speichern als Windows-CSV dieselben Namen (Zeichen durch »?« "
                "ersetzt), unterscheiden sich aber in anderen Angaben. Diese Zeilen wurden nicht eingelesen; "
                "wegen ihnen wird niemand angeschrieben.",
                vorschlag="Den Original-Export von Google Forms ablegen oder die Datei als »CSV UTF-8« speichern.",
            )
        )  # fmt: skip
    return [a for i, a in enumerate(answers) if i not in skipped]


def _ambiguous(answers: list[RawAnswer], bases: list[str]) -> dict[int, list[int]]:
    """Rows of a Windows-1252 file that cannot be told apart safely (index → the rows of its group): the
    same stable ID (same minute, same names once ``?`` stands for any lost character) but different data,
    with a ``?`` in it. Their collision suffix depends on the row order, which a sorted copy changes: one
    answer would update another person's answer. Such rows are left out (fail closed)."""
    groups: dict[str, list[int]] = {}
    for index, base in enumerate(bases):
        groups.setdefault(base, []).append(index)
    out: dict[int, list[int]] = {}
    for group in groups.values():
        werte = [answers[i].werte for i in group]
        lossy = any("?" in v for w in werte for vs in w.values() for v in vs)
        if len(group) > 1 and lossy and any(w != werte[0] for w in werte):
            out.update(dict.fromkeys(group, group))
    return out


class CsvAnswerSource:
    """CSV exports in a folder: ``<formular>*.csv`` (e.g. ``anmeldung.csv``, ``anmeldung-2027-03.csv``)."""

    def __init__(
        self, folder: Path, workspace: Path | None = None, languages: tuple[str, ...] = TRANSLATED_LANGUAGES
    ) -> None:
        self.folder = folder
        self.workspace = workspace  # for the workspace's own translations (``formulare/<id>.<sprache>.yaml``)
        self.languages = languages
        self.findings: list[Hinweis] = []

    def describe(self) -> str:
        return f"CSV-Exporte im Ordner {self.folder.name}"

    def fetch(self, forms: dict[str, FormDefinition], since: dict[str, dt.datetime | None]) -> list[RawAnswer]:
        result: list[RawAnswer] = []
        self.findings = []
        for form_id, form in forms.items():
            paths = sorted(self.folder.glob(f"{form_id}*.csv"))
            try:
                translations = load_translations(form_id, self.workspace, self.languages) if paths else {}
            except ConfigError as exc:  # German exports are still read; a translated one cannot be recognised
                translations = {}
                self.findings.append(
                    Hinweis(tabelle="formulare", spalte="Datei", schwere="Fehler", hinweis=str(exc),
                            vorschlag="Die Übersetzung im Ordner formulare/ korrigieren.")
                )  # fmt: skip
            for path in paths:
                try:
                    result += parse_csv(form, path, translations, self.findings)
                except (NotACsvExport, ConfigError, OSError) as exc:
                    message = str(exc) if not isinstance(exc, OSError) else f"{path.name}: nicht lesbar ({exc})."
                    self.findings.append(
                        Hinweis(
                            tabelle=f"{self.folder.name}/{path.name}", spalte="Datei", schwere="Fehler",
                            hinweis=message + " Die Datei wurde übersprungen, alle anderen wurden gelesen.",
                            vorschlag="Die Datei ersetzen oder aus dem Ordner entfernen.",
                        )
                    )  # fmt: skip
        return result
