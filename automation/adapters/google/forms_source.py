"""Answers from Google Forms (``responses.list``), for the Google backend.

Per form: one ``forms.get`` maps question IDs to the definition's questions (by ``frage_id``, else by
title), then ``responses.list`` pages through the answers submitted or edited since the watermark minus a
safety margin (``timestamp >= …``). Re-fetching an answer is harmless (it is upserted by its response ID),
missing one is not: the filter is inclusive and the margin covers clocks and equal time stamps.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from googleapiclient.errors import HttpError

from automation.adapters.form_state import FormState
from automation.adapters.google.http import describe_status
from automation.domain import normalize
from automation.domain.answers.base import RawAnswer
from automation.domain.errors import ConfigError, GoogleApiError
from automation.domain.forms import FormDefinition, Question
from automation.domain.store import header_key

log = logging.getLogger("gespraechsrunde.google")

BERLIN = ZoneInfo("Europe/Berlin")
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
    form: FormDefinition, response: dict[str, Any], mapping: dict[str, Question], titles: dict[str, str]
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
        werte=werte,
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
    ) -> None:
        self.service = service
        self.states = states
        self.margin = margin
        self.page_size = page_size

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
        for form_key, form in forms.items():
            state = self.states.get(form_key)
            if state is None:
                log.warning(
                    "Formular %s hat noch kein Google-Formular; »gespraechsrunde formulare« ausführen.", form_key
                )
                continue
            result += self._fetch_form(form, state.form_id, since.get(form_key))
        return result

    def _fetch_form(self, form: FormDefinition, google_id: str, since: dt.datetime | None) -> list[RawAnswer]:
        forms = self.service.forms()
        google_form = self._execute(forms.get(formId=google_id), f"das Lesen des Formulars »{form.titel}«")
        mapping, titles = question_map(form, google_form)
        params: dict[str, Any] = {"formId": google_id, "pageSize": self.page_size}
        if since is not None:
            params["filter"] = filter_since(since, self.margin)
        seen: dict[str, RawAnswer] = {}
        token: str | None = None
        while True:
            page = self._execute(
                forms.responses().list(**params, **({"pageToken": token} if token else {})),
                f"das Lesen der Antworten zu »{form.titel}«",
            )
            for response in page.get("responses", []):
                answer = to_raw_answer(form, response, mapping, titles)
                seen[answer.antwort_id] = answer
            token = page.get("nextPageToken")
            if not token:
                break
        return sorted(seen.values(), key=lambda a: (a.geaendert, a.antwort_id))
