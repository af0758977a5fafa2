"""Step »Antworten abholen«: fetch new and edited form answers into the ``Eingang`` tab.

Every answer is stored as received before anything else happens, so that bad input or a crash later
never loses it. The watermark for fetching (per form: the newest ``Geändert`` in ``Eingang``) lives in
the spreadsheet itself. An answer already in ``Eingang`` is updated only when it was edited (new
``Geändert`` or other data), and then processed again.

An answer is recognised whatever ID scheme stored it (:class:`KnownAnswers`), so a re-exported CSV file
adds nothing twice and never brings back an erased answer. What cannot be stored as it came is stored
readable and reported (in every run, as long as the source holds it): control characters are removed,
and data longer than a cell holds is shortened so that ``Daten`` stays valid JSON. A value that a re-save
damaged (``?ahin`` for ``Şahin``) never overwrites the stored one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import replace

from automation.domain.answers.base import RawAnswer
from automation.domain.answers.identity import stable_id_of_stored
from automation.domain.dataset import Dataset
from automation.domain.forms import FormDefinition
from automation.domain.privacy import TOMBSTONE_ID
from automation.domain.records import Eingang, Hinweis, Schwere, Versand
from automation.domain.run import RunState

CELL_LIMIT = 32_767  # characters one spreadsheet cell holds (Excel; Google Sheets holds 50,000)
SHORTENED = " […gekürzt]"
_STABLE = re.compile(r"csv-[^-\s]*-[0-9a-f]{16}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab and line breaks stay

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


def _lossy(text: str) -> str:
    return text.encode("cp1252", errors="replace").decode("cp1252")


class KnownAnswers:
    """Finds the stored ``Eingang`` row of an answer: by its ID, by an ID of an earlier scheme, or (for
    rows stored under an earlier scheme) by the stable ID computed from the stored data."""

    def __init__(self, dataset: Dataset, forms: dict[str, FormDefinition]) -> None:
        self.dataset = dataset
        self.forms = forms
        self.aliases: dict[str, str] = {}  # stable ID → stored ID
        self.matched: set[str] = set()  # stored IDs that an answer of this fetch names directly
        self._from_data: dict[str, str] | None = None

    def learn(self, answers: list[RawAnswer]) -> None:
        """Answers found under an earlier ID teach their stable ID (for copies in other files)."""
        for answer in answers:
            if self.dataset.get(Eingang, answer.antwort_id) is not None:
                self.matched.add(answer.antwort_id)
                continue
            for old in answer.fruehere_ids:
                if self.dataset.get(Eingang, old) is not None:
                    self.aliases.setdefault(answer.antwort_id, old)
                    self.matched.add(old)

    def _index_from_data(self) -> dict[str, str]:
        if self._from_data is None:
            counts: dict[str, list[str]] = {}
            for entry in self.dataset.all(Eingang):  # only rows no answer of this fetch named: usually few
                form = self.forms.get(entry.formular)
                if entry.antwort_id in self.matched or not entry.antwort_id.startswith("csv-"):
                    continue
                if entry.status == "gelöscht":  # a tombstone names the stable ID it had (see privacy)
                    for stable in _STABLE.findall(entry.hinweis or ""):
                        if stable != entry.antwort_id:
                            counts.setdefault(stable, []).append(entry.antwort_id)
                    continue
                stable = stable_id_of_stored(form, entry.eingegangen, entry.daten) if form else None
                if stable is not None and stable != entry.antwort_id:
                    counts.setdefault(stable, []).append(entry.antwort_id)
            self._from_data = {k: v[0] for k, v in counts.items() if len(v) == 1}  # ambiguous: not guessed
        return self._from_data

    def find(self, answer: RawAnswer) -> Eingang | None:
        found = self.dataset.get(Eingang, answer.antwort_id)
        if found is not None:
            return found
        for candidate in (self.aliases.get(answer.antwort_id), *answer.fruehere_ids):
            if candidate and (found := self.dataset.get(Eingang, candidate)) is not None:
                return found
        for stable in (answer.antwort_id, *answer.fruehere_ids):  # a tombstone may name an earlier stable ID
            if _STABLE.fullmatch(stable):  # not for collisions (suffix): those are never guessed
                stored = self._index_from_data().get(stable)
                if stored is not None:
                    return self.dataset.get(Eingang, stored)
        return None


def _finding(
    answer: RawAnswer, entry_id: str, column: str, message: str, suggestion: str, severity: Schwere
) -> Hinweis:
    where = f"Antwort {entry_id}" + (f" [{answer.herkunft}]" if answer.herkunft else "")
    return Hinweis(
        tabelle="Eingang", id=entry_id, spalte=column, schwere=severity,
        hinweis=f"{where}: {message}", vorschlag=suggestion,
    )  # fmt: skip


def cleaned(answer: RawAnswer, form: FormDefinition | None) -> tuple[RawAnswer, list[Hinweis]]:
    """The answer without control characters, with data that fits a cell; findings saying what changed."""
    findings: list[Hinweis] = []

    def title(key: str) -> str:
        try:
            return form.question(key).titel if form else key
        except KeyError:
            return key

    werte: dict[str, list[str]] = {}
    for key, values in answer.werte.items():
        clean = [_CONTROL.sub("", v) for v in values]
        if clean != values:
            removed = sorted({repr(c)[1:-1] for v in values for c in _CONTROL.findall(v)})
            findings.append(
                _finding(answer, answer.antwort_id, title(key),
                         f"Steuerzeichen ({', '.join(removed)}) entfernt; der übrige Text wurde übernommen.",
                         "Nichts zu tun; bei Zweifeln die Person fragen.", "Info")
            )  # fmt: skip
        werte[key] = clean
    size = sum(len(k) + 8 + sum(2 * len(v) + 4 for v in vs) for k, vs in werte.items())
    if size < CELL_LIMIT:  # JSON at most doubles a text (escapes): surely fits, no need to measure
        return replace(answer, werte=werte), findings
    data = json.dumps(werte, ensure_ascii=False, sort_keys=True)
    for _ in range(100):
        if len(data) <= CELL_LIMIT:
            break
        key, index = max(
            ((k, i) for k, vs in werte.items() for i in range(len(vs))), key=lambda ki: len(werte[ki[0]][ki[1]])
        )
        value = werte[key][index]
        keep = max(0, len(value) - (len(data) - CELL_LIMIT) - len(SHORTENED) - 50)
        if keep == 0 and value.endswith(SHORTENED):
            break
        werte[key] = [*werte[key][:index], value[:keep] + SHORTENED, *werte[key][index + 1 :]]
        findings.append(
            _finding(answer, answer.antwort_id, title(key),
                     f"Die Angabe ist {len(value):,} Zeichen lang; eine Zelle fasst höchstens {CELL_LIMIT:,}. "
                     f"Gespeichert wurden die ersten {keep:,} Zeichen.".replace(",", "."),
                     "Bei Bedarf den vollen Text in der Quelle (CSV-Datei bzw. Google-Formular) nachlesen.",
                     "Warnung")
        )  # fmt: skip
        data = json.dumps(werte, ensure_ascii=False, sort_keys=True)
    return replace(answer, werte=werte), findings


def _damaged_by_resave(stored: str, werte: dict[str, list[str]]) -> list[str]:
    """Keys whose new value is the stored one with characters replaced by ``?`` (a Windows-1252 re-save);
    empty when the new data differs otherwise (then it is a real change)."""
    try:
        before = json.loads(stored)
    except json.JSONDecodeError:
        return []
    if not isinstance(before, dict) or set(before) != set(werte):
        return []
    damaged = []
    for key, values in werte.items():
        old = [str(v) for v in (before[key] if isinstance(before[key], list) else [before[key]])]
        if old == values:
            continue
        if len(old) != len(values) or any(_lossy(o) != n for o, n in zip(old, values, strict=True)):
            return []
        damaged.append(key)
    return damaged


def upsert(ctx: RunState, answer: RawAnswer, existing: Eingang | None = None) -> bool:
    """Store or update one answer in ``Eingang``; True when it is new or changed."""
    if existing is None:
        existing = ctx.dataset.get(Eingang, answer.antwort_id)
    data = answer.data_json()
    antwort_id = answer.antwort_id
    eingegangen, geaendert = answer.eingegangen, answer.geaendert
    if existing is not None:
        antwort_id = existing.antwort_id  # the ID it is stored under, whatever scheme made it
        if existing.status == "gelöscht":
            return False  # erased on the person's request: never import again
        same_minute = (
            existing.geaendert is not None
            and answer.geaendert.second == 0
            and existing.geaendert.replace(second=0) == answer.geaendert
        )  # a re-save without seconds: the same time
        if same_minute:
            eingegangen, geaendert = existing.eingegangen or eingegangen, existing.geaendert or geaendert
        if existing.daten == data and (same_minute or existing.geaendert == answer.geaendert):
            return False
        if existing.geaendert and not same_minute and answer.geaendert < existing.geaendert:
            return False  # an older state of an answer we already have
        damaged = _damaged_by_resave(existing.daten, answer.werte)
        if damaged:
            form = ctx.forms.get(answer.formular)
            names = ", ".join(f"»{form.question(k).titel if form else k}«" for k in damaged)
            ctx.report.findings.append(
                _finding(answer, antwort_id, "Daten",
                         f"In {names} fehlen Zeichen (durch »?« ersetzt, typisch für das Speichern als "
                         "Windows-CSV); die gespeicherten Angaben bleiben unverändert.",
                         "Die Datei als »CSV UTF-8« speichern oder den Original-Export von Google Forms ablegen.",
                         "Warnung")
            )  # fmt: skip
            return False
    ctx.dataset.put(
        Eingang(
            antwort_id=antwort_id, formular=answer.formular, eingegangen=eingegangen,
            geaendert=geaendert, daten=data, status="neu",
            hinweis=f"[{answer.herkunft}]" if answer.herkunft else None,
        )
    )  # fmt: skip
    return True


def take_in(ctx: RunState, answers: list[RawAnswer]) -> int:
    """Store every fetched answer in ``Eingang`` (recognised whatever ID scheme stored it, cleaned, never
    bringing back an erased one); returns how many are new or changed."""
    forms = ctx.forms
    known = KnownAnswers(ctx.dataset, forms)
    known.learn(answers)
    changed = 0
    for answer in answers:
        answer, findings = cleaned(answer, forms.get(answer.formular))
        existing = known.find(answer)
        if existing is not None and existing.status == "gelöscht":
            stable = answer.antwort_id
            if stable != existing.antwort_id and _STABLE.fullmatch(stable) and stable not in (existing.hinweis or ""):
                # a tombstone of an earlier ID scheme learns the stable ID: no re-export brings it back
                note = f"{existing.hinweis or ''} ({TOMBSTONE_ID} {stable})".strip()
                ctx.dataset.put(existing.model_copy(update={"hinweis": note}))
            continue  # nothing about an erased answer is reported again
        ctx.report.findings += [
            f.model_copy(update={"id": existing.antwort_id}) if existing is not None else f for f in findings
        ]
        changed += upsert(ctx, answer, existing)
    return changed
