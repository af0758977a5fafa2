"""Answers from Google Forms (``responses.list``), for the Google backend.

Per form, ``responses.list`` pages through the answers submitted or edited since the watermark minus a
safety margin (``timestamp >= …``). Re-fetching an answer is harmless (it is upserted by its response ID),
missing one is not: the filter is inclusive and the margin covers clocks and equal time stamps.

Question IDs are mapped to the definition's questions (by ``frage_id``, else by title) with the form's
definition (``forms.get``). It is cached in ``.formulare-cache.json`` with the form's ``revisionId`` and
fetched again only when it is needed and may have changed: an answer names a question ID the cache does not
know (a question was added by hand), or ``formulare`` changed the form (another revision in
``formulare.json``). A question keeps its ID for good, so a known ID maps as before; a run with no new
answers fetches no definition at all (one ``responses.list`` per form).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from googleapiclient.errors import HttpError

from automation.adapters.files import write_atomically
from automation.adapters.form_state import FormState
from automation.adapters.google.http import describe_status
from automation.domain import normalize
from automation.domain.answers.base import RawAnswer
from automation.domain.errors import ConfigError, GoogleApiError
from automation.domain.forms import FormDefinition, Question, canonical_answers, load_variants, variant_key
from automation.domain.records import Hinweis
from automation.domain.store import header_key

log = logging.getLogger("gespraechsrunde.google")

BERLIN = ZoneInfo("Europe/Berlin")
CACHE_FILE = ".formulare-cache.json"
SAFETY_MARGIN = dt.timedelta(minutes=2)
PAGE_SIZE = 5000


def filter_since(since: dt.datetime, margin: dt.timedelta = SAFETY_MARGIN) -> str:
    """``timestamp >= 2027-03-01T08:58:00Z`` for a naive Europe/Berlin time, minus the margin."""
    local = since.replace(tzinfo=BERLIN) if since.tzinfo is None else since
    utc = (local - margin).astimezone(dt.UTC)
    return f"timestamp >= {utc.strftime('%Y-%m-%dT%H:%M:%SZ')}"


def question_map(form: FormDefinition, google_form: dict[str, Any]) -> tuple[dict[str, Question], dict[str, str]]:
    """Question ID → question of the definition, and question ID → title (for unknown questions)."""
    by_id = form.by_question_id()
    by_title = {header_key(q.titel): q for q in form.fragen}
    mapping: dict[str, Question] = {}
    titles: dict[str, str] = {}
    for item in google_form.get("items", []):
        question = item.get("questionItem", {}).get("question", {})
        qid = question.get("questionId")
        if not qid:
            continue
        titles[qid] = str(item.get("title", qid))
        found = by_id.get(qid) or by_title.get(header_key(item.get("title", "")))
        if found is not None:
            mapping[qid] = found
    return mapping, titles


def to_raw_answer(
    form: FormDefinition,
    response: dict[str, Any],
    mapping: dict[str, Question],
    titles: dict[str, str],
    sprache: str = "de",
) -> RawAnswer:
    werte: dict[str, list[str]] = {}
    unbekannt: dict[str, list[str]] = {}
    for qid, answer in response.get("answers", {}).items():
        texts = [str(a.get("value", "")) for a in answer.get("textAnswers", {}).get("answers", [])]
        texts = [t for t in texts if t.strip()]
        if not texts:
            continue
        question = mapping.get(qid)
        if question is None:
            unbekannt[titles.get(qid, qid)] = texts
        else:
            werte[question.schluessel] = [question.option_value(t) for t in texts] if question.optionen else texts
    created = normalize.timestamp(response.get("createTime")) or dt.datetime(1970, 1, 1)
    changed = normalize.timestamp(response.get("lastSubmittedTime")) or created
    return RawAnswer(
        antwort_id=str(response["responseId"]),
        formular=form.id,
        eingegangen=created,
        geaendert=changed,
        werte=canonical_answers(form, sprache, werte),
        herkunft=f"Google-Formular »{form.titel}«",
        unbekannt=unbekannt,
    )


class GoogleFormsSource:
    """Answers of the workspace's Google Forms (IDs from ``formulare.json``)."""

    def __init__(
        self,
        service: Any,
        states: dict[str, FormState],
        margin: dt.timedelta = SAFETY_MARGIN,
        page_size: int = PAGE_SIZE,
        cache: Path | None = None,
        folder: Path | None = None,
    ) -> None:
        self.service = service
        self.folder = folder  # the workspace, for its own translations (``formulare/<id>.<sprache>.yaml``)
        self.states = states
        self.margin = margin
        self.page_size = page_size
        self.cache_path = cache
        self.cache = _load_cache(cache)
        self.findings: list[Hinweis] = []  # translations that do not fit: the form waits

    def describe(self) -> str:
        return "Google Forms"

    def _execute(self, request: Any, what: str) -> Any:
        try:
            return request.execute(num_retries=0)
        except HttpError as exc:
            raise GoogleApiError(describe_status(int(exc.resp.status), what, exc.reason or "")) from exc

    def fetch(self, forms: dict[str, FormDefinition], since: dict[str, dt.datetime | None]) -> list[RawAnswer]:
        if not self.states:
            raise ConfigError(
                "Es sind noch keine Google-Formulare bekannt (formulare.json fehlt). Bitte zuerst "
                "»gespraechsrunde formulare« ausführen."
            )
        result: list[RawAnswer] = []
        self.findings = []
        before = json.dumps(self.cache, sort_keys=True)
        for form_key, form in forms.items():
            if self.states.get(form_key) is None:
                log.warning(
                    "Formular %s hat noch kein Google-Formular; »gespraechsrunde formulare« ausführen.", form_key
                )
            # every language variant »formulare« created, also one no longer in the settings: nothing is lost
            languages = [k.partition(".")[2] or "de" for k in self.states if k.partition(".")[0] == form_key]
            try:
                variants = self._variants(form_key, form, languages)
            except ConfigError as exc:  # the whole form waits (one watermark for all languages): none lost
                self.findings.append(
                    Hinweis(
                        tabelle="formulare", spalte="Datei", schwere="Fehler",
                        hinweis=f"{exc} Die Antworten zu »{form.titel}« (alle Sprachen) werden erst wieder gelesen, "
                        "wenn die Übersetzung passt; es geht keine verloren.",
                        vorschlag="Die Übersetzung im Ordner formulare/ korrigieren.",
                    )
                )  # fmt: skip
                continue
            for sprache, variant in variants.items():
                state = self.states[variant_key(form_key, sprache)]
                result += self._fetch_form(variant, state, since.get(form_key), sprache)
        if self.cache_path is not None and json.dumps(self.cache, sort_keys=True) != before:
            _save_cache(self.cache_path, self.cache)
        return result

    def _variants(self, form_key: str, form: FormDefinition, languages: list[str]) -> dict[str, FormDefinition]:
        """The definitions of the form's Google Forms by language; ConfigError when a translation is missing
        or does not fit."""
        variants = load_variants({form_key: form}, self.folder, languages)[form_key]
        missing = [s for s in languages if s not in variants]
        if missing:
            raise ConfigError(
                f"Zum Formular {variant_key(form_key, missing[0])} in formulare.json fehlt die Übersetzung "
                f"{form_key}.{missing[0]}.yaml; ohne sie lassen sich die Antworten nicht zuordnen."
            )
        return {s: variants[s] for s in languages}

    def _fetch_form(
        self, form: FormDefinition, state: FormState, since: dt.datetime | None = None, sprache: str = "de"
    ) -> list[RawAnswer]:
        google_id = state.form_id
        forms = self.service.forms()
        params: dict[str, Any] = {"formId": google_id, "pageSize": self.page_size}
        if since is not None:
            params["filter"] = filter_since(since, self.margin)
        responses: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            page = self._execute(
                forms.responses().list(**params, **({"pageToken": token} if token else {})),
                f"das Lesen der Antworten zu »{form.titel}«",
            )
            responses += page.get("responses", [])
            token = page.get("nextPageToken")
            if not token:
                break
        if not responses:
            return []
        asked = {qid for response in responses for qid in response.get("answers", {})}
        cached = self.cache.get(google_id)
        fresh = (
            isinstance(cached, dict)
            and isinstance(cached.get("fragen"), dict)
            and (state.revision_id is None or cached.get("revision") == state.revision_id)
            and asked <= set(cached.get("fragen", {}))
        )
        if fresh:
            assert isinstance(cached, dict)
            items = [{"title": t, "questionItem": {"question": {"questionId": q}}} for q, t in cached["fragen"].items()]
            google_form: dict[str, Any] = {"items": items}
        else:
            google_form = self._execute(forms.get(formId=google_id), f"das Lesen des Formulars »{form.titel}«")
            self.cache[google_id] = {
                "revision": google_form.get("revisionId") or state.revision_id,
                "fragen": _titles(google_form),
            }
        mapping, titles = question_map(form, google_form)
        seen: dict[str, RawAnswer] = {}
        for response in responses:
            answer = to_raw_answer(form, response, mapping, titles, sprache)
            seen[answer.antwort_id] = answer
        return sorted(seen.values(), key=lambda a: (a.geaendert, a.antwort_id))


def remember_definitions(folder: Path, definitions: dict[str, FormDefinition], states: dict[str, FormState]) -> None:
    """After ``formulare`` brought the forms in line: each holds exactly the definition's questions, under
    the revision in ``states`` – the cache can say so, and the next ``sync`` needs no ``forms.get``."""
    path = folder / CACHE_FILE
    cache = _load_cache(path)
    for key, state in states.items():
        if key in definitions:
            fragen = {q.frage_id: q.titel for q in definitions[key].fragen}
            cache[state.form_id] = {"revision": state.revision_id, "fragen": fragen}
    _save_cache(path, cache)


def _titles(google_form: dict[str, Any]) -> dict[str, str]:
    """Question ID → title, for every question item of a fetched form."""
    result: dict[str, str] = {}
    for item in google_form.get("items", []):
        qid = item.get("questionItem", {}).get("question", {}).get("questionId")
        if qid:
            result[str(qid)] = str(item.get("title", qid))
    return result


def _load_cache(path: Path | None) -> dict[str, Any]:
    """The cached question titles per Google form; a missing or broken cache is simply empty."""
    if path is None or not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_cache(path: Path, cache: dict[str, Any]) -> None:
    try:
        write_atomically(path, json.dumps(cache, ensure_ascii=False, indent=1, sort_keys=True))
    except OSError as exc:  # only a cache: the next run fetches the definitions again
        log.warning("Zwischenspeicher %s konnte nicht geschrieben werden: %s", path.name, exc)
