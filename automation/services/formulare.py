"""``formulare/*.yaml`` → Google Forms: create the forms, bring their questions in line, publish them.

Each question keeps the fixed ``questionId = frage_id`` (8 hex digits, at most ``7fffffff``: the range the
Forms API accepts), so answers map back to the definition for good. A run fetches each form once
(``forms.get``), compares it with what the definition and the data (``optionen_aus``) ask for, and sends one
``batchUpdate`` only if something differs: a second run without changes writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from googleapiclient.errors import HttpError

from automation.adapters.form_state import FormState
from automation.adapters.google.http import describe_status
from automation.domain.dataset import Dataset
from automation.domain.errors import GoogleApiError
from automation.domain.form_options import open_termine
from automation.domain.forms import LANGUAGE_NAMES, FormDefinition, Question, load_variants, variant_key
from automation.domain.records import Termin

if TYPE_CHECKING:
    from automation.services.wiring import Workspace

EMPTY_CHOICES = {
    "termine": "Zurzeit ist kein Termin zur Anmeldung offen",
    "themen": "(noch keine Themen)",
    "vereine": "(noch keine Vereine)",
    "kommunen": "(noch keine Kommunen)",
}
# the same placeholders in the other languages of the forms
EMPTY_CHOICES_TRANSLATED = {
    "en": {"termine": "No date is open for registration at the moment", "themen": "(no topics yet)",
           "vereine": "(no clubs yet)", "kommunen": "(no towns yet)"},
    "tr": {"termine": "Şu anda kayıt için açık bir tarih yok", "themen": "(henüz konu yok)",
           "vereine": "(henüz dernek yok)", "kommunen": "(henüz belediye yok)"},
    "uk": {"termine": "Зараз немає дати, відкритої для реєстрації", "themen": "(ще немає тем)",
           "vereine": "(ще немає спілок)", "kommunen": "(ще немає громад)"},
    "ar": {"termine": "لا يوجد حاليًا موعد مفتوح للتسجيل", "themen": "(لا توجد مواضيع بعد)",
           "vereine": "(لا توجد جمعيات بعد)", "kommunen": "(لا توجد بلديات بعد)"},
}  # fmt: skip
DROP_DOWN_FROM = 12  # more choices than this: a drop-down list instead of radio buttons
UPDATE_MASK = "title,description,questionItem"


@dataclass
class FormsResult:
    """What ``formulare`` did: the new states, lines for the person, and how many writes were sent."""

    states: dict[str, FormState]
    lines: list[str] = field(default_factory=list)
    writes: int = 0


def choices(question: Question, options: dict[str, list[str]], sprache: str = "de") -> list[str]:
    if question.optionen_aus is not None:
        empty = EMPTY_CHOICES_TRANSLATED.get(sprache, EMPTY_CHOICES)[question.optionen_aus]
        return options.get(question.optionen_aus) or [empty]
    return [o.text for o in question.optionen]


def termin_option_text_in(termin: Termin, sprache: str) -> str:
    """A date as offered in the form of another language: written out in that language (Babel, as in the
    messages), the Termin-ID in brackets at the end as in German, so the answer maps back the same way."""
    from babel.dates import format_time

    from automation.adapters.mail.render import date_long

    comma = "، " if sprache == "ar" else ", "
    when = date_long(termin.datum, sprache)
    if termin.beginn:
        when += comma + format_time(termin.beginn, format="short", locale=sprache)
    place = comma + termin.ort if termin.ort else ""
    return f"{when} – {termin.titel}{place} [{termin.termin_id}]"


def localized_options(dataset: Dataset, options: dict[str, list[str]], sprache: str) -> dict[str, list[str]]:
    """The choices from the data for a form in ``sprache``: dates written in that language, the rest as is."""
    return {**options, "termine": [termin_option_text_in(t, sprache) for t in open_termine(dataset.all(Termin))]}


def question_body(question: Question, options: dict[str, list[str]], sprache: str = "de") -> dict[str, Any]:
    body: dict[str, Any] = {"questionId": question.frage_id, "required": question.pflicht}
    typ = question.typ
    if typ in ("auswahl", "mehrfach", "einwilligung"):
        texts = choices(question, options, sprache)
        kind = "CHECKBOX" if typ != "auswahl" else ("DROP_DOWN" if len(texts) > DROP_DOWN_FROM else "RADIO")
        body["choiceQuestion"] = {"type": kind, "options": [{"value": t} for t in texts]}
    elif typ == "skala":
        assert question.skala is not None
        scale: dict[str, Any] = {"low": question.skala.von, "high": question.skala.bis}
        if question.skala.links:
            scale["lowLabel"] = question.skala.links
        if question.skala.rechts:
            scale["highLabel"] = question.skala.rechts
        body["scaleQuestion"] = scale
    elif typ == "datum":
        body["dateQuestion"] = {"includeYear": True, "includeTime": False}
    else:
        body["textQuestion"] = {"paragraph": typ == "absatz"}
    return body


def desired_item(question: Question, options: dict[str, list[str]], sprache: str = "de") -> dict[str, Any]:
    body = question_body(question, options, sprache)
    item: dict[str, Any] = {"title": question.titel, "questionItem": {"question": body}}
    if question.hilfe:
        item["description"] = question.hilfe
    return item


def comparable(item: dict[str, Any]) -> dict[str, Any]:
    """The parts of an item this tool sets, with Google's defaults filled in (fetched == desired?)."""
    q = item.get("questionItem", {}).get("question", {})
    kind: dict[str, Any] = {}
    if "choiceQuestion" in q:
        c = q["choiceQuestion"]
        kind = {"choice": c.get("type"), "options": [o.get("value") for o in c.get("options", [])]}
    elif "scaleQuestion" in q:
        s = q["scaleQuestion"]
        kind = {"scale": [s.get("low", 0), s.get("high"), s.get("lowLabel", ""), s.get("highLabel", "")]}
    elif "dateQuestion" in q:
        d = q["dateQuestion"]
        kind = {"date": [bool(d.get("includeYear")), bool(d.get("includeTime"))]}
    elif "textQuestion" in q:
        kind = {"text": bool(q["textQuestion"].get("paragraph"))}
    return {
        "title": item.get("title", ""),
        "description": item.get("description", ""),
        "id": q.get("questionId"),
        "required": bool(q.get("required")),
        **kind,
    }


def _question_id(item: dict[str, Any]) -> str | None:
    qid = item.get("questionItem", {}).get("question", {}).get("questionId")
    return str(qid) if qid else None


def plan_requests(
    current: dict[str, Any], form: FormDefinition, options: dict[str, list[str]], sprache: str = "de"
) -> list[dict[str, Any]]:
    """The batchUpdate requests that turn ``current`` (as fetched) into what the definition asks for."""
    requests: list[dict[str, Any]] = []
    info = current.get("info", {})
    if info.get("title", "") != form.titel or info.get("description", "") != (form.beschreibung or ""):
        wanted_info = {"title": form.titel, **({"description": form.beschreibung} if form.beschreibung else {})}
        requests.append({"updateFormInfo": {"info": wanted_info, "updateMask": "title,description"}})
    items = list(current.get("items", []))
    wanted = {q.frage_id for q in form.fragen}
    for index in reversed(range(len(items))):
        if _question_id(items[index]) not in wanted:
            requests.append({"deleteItem": {"location": {"index": index}}})
            del items[index]
    for position, question in enumerate(form.fragen):
        desired = desired_item(question, options, sprache)
        ids = [_question_id(i) for i in items]
        if question.frage_id not in ids:
            requests.append({"createItem": {"item": desired, "location": {"index": position}}})
            items.insert(position, desired)
            continue
        found = ids.index(question.frage_id)
        if found != position:
            requests.append({"moveItem": {"originalLocation": {"index": found}, "newLocation": {"index": position}}})
            items.insert(position, items.pop(found))
        if comparable(items[position]) != comparable(desired):
            requests.append(
                {"updateItem": {"item": desired, "location": {"index": position}, "updateMask": UPDATE_MASK}}
            )
            items[position] = desired
    return requests


def definition_hash(form: FormDefinition, options: dict[str, list[str]], sprache: str = "de") -> str:
    items = [desired_item(q, options, sprache) for q in form.fragen]
    wanted = {"info": [form.titel, form.beschreibung], "items": items}
    return hashlib.sha256(json.dumps(wanted, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def _execute(request: Any, what: str) -> Any:
    try:
        return request.execute(num_retries=0)
    except HttpError as exc:
        raise GoogleApiError(describe_status(int(exc.resp.status), what, exc.reason or "")) from exc


def sync_forms(
    service: Any,
    definitions: dict[str, FormDefinition],
    german_options: dict[str, list[str]],
    states: dict[str, FormState],
    dry_run: bool = False,
    localized: dict[str, dict[str, list[str]]] | None = None,
) -> FormsResult:
    """Create missing forms, update changed ones, publish unpublished ones; returns the new states.

    ``definitions`` are keyed as in ``formulare.json`` (``anmeldung``, ``anmeldung.tr``); ``localized`` holds
    the choices from the data per language (German: ``options``)."""
    result = FormsResult(dict(states))
    forms = service.forms()
    for key, definition in definitions.items():
        name = _label(key, definition)
        sprache = key.partition(".")[2] or "de"
        options = (localized or {}).get(sprache, german_options)
        for source, texts in options.items():
            if not texts and any(q.optionen_aus == source for q in definition.fragen):
                result.lines.append(f"{name}: keine Auswahl für »{source}« – Platzhalter eingesetzt.")
        state = states.get(key)
        if state is None:
            if dry_run:
                result.lines.append(f"{name}: würde neu angelegt.")
                continue
            created: dict[str, Any] = {"info": {"title": definition.titel, "documentTitle": name}}
            current = _execute(forms.create(body=created), f"das Anlegen des Formulars »{name}«")
            result.writes += 1
            result.lines.append(f"{name}: neu angelegt.")
        else:
            current = _execute(forms.get(formId=state.form_id), f"das Lesen des Formulars »{name}«")
        form_id = str(current["formId"])
        requests = plan_requests(current, definition, options, sprache)
        revision = current.get("revisionId")
        if requests and not dry_run:
            body: dict[str, Any] = {
                "requests": requests,
                **({"writeControl": {"requiredRevisionId": revision}} if revision else {}),
            }
            reply = _execute(forms.batchUpdate(formId=form_id, body=body), f"das Ändern von »{name}«")
            revision = reply.get("writeControl", {}).get("requiredRevisionId", revision)
            result.writes += 1
        if requests:
            verb = "würde aktualisiert" if dry_run else "aktualisiert"
            result.lines.append(f"{name}: {verb} ({len(requests)} Änderungen).")
        publish = current.get("publishSettings", {}).get("publishState")
        if publish is not None and not publish.get("isPublished"):
            if not dry_run:
                publish_body: dict[str, Any] = {
                    "publishSettings": {"publishState": {"isPublished": True, "isAcceptingResponses": True}},
                    "updateMask": "publishState",
                }
                _execute(
                    forms.setPublishSettings(formId=form_id, body=publish_body), f"das Veröffentlichen von »{key}«"
                )
                result.writes += 1
            result.lines.append(f"{name}: {'würde veröffentlicht' if dry_run else 'veröffentlicht'}.")
        if not requests and state is not None and (publish is None or publish.get("isPublished")):
            result.lines.append(f"{name}: unverändert.")
        result.states[key] = FormState(
            form_id=form_id,
            responder_url=str(current.get("responderUri", f"https://docs.google.com/forms/d/{form_id}/viewform")),
            edit_url=f"https://docs.google.com/forms/d/{form_id}/edit",
            revision_id=revision,
            definition_hash=definition_hash(definition, options, sprache),
        )
    return result


def run_formulare(workspace: Workspace, dry_run: bool = False) -> FormsResult:
    """``gespraechsrunde formulare``: read the data for the choices, then create/update the forms (one per
    form and language)."""
    from automation.adapters.form_state import load_form_states, save_form_states
    from automation.adapters.google import wiring
    from automation.adapters.google.forms_source import remember_definitions
    from automation.domain.form_options import options_from_data

    definitions = form_variants(workspace)  # before any request: a broken translation stops here
    via = wiring.transport(workspace, interactive=True)
    store = wiring.open_store(workspace, via) if workspace.settings.speicher == "google" else workspace.store()
    dataset = Dataset.from_snapshot(store.read())
    options = options_from_data(dataset)
    languages = {key.partition(".")[2] for key in definitions} - {""}
    localized = {sprache: localized_options(dataset, options, sprache) for sprache in sorted(languages)}
    service = wiring.forms_service(workspace, via)
    result = sync_forms(service, definitions, options, load_form_states(workspace.folder), dry_run, localized)
    if not dry_run:
        save_form_states(workspace.folder, result.states)
        remember_definitions(workspace.folder, definitions, result.states)
    return result


def form_variants(workspace: Workspace) -> dict[str, FormDefinition]:
    """Every form in every language of ``[darstellung] formular_sprachen``, keyed as in ``formulare.json``
    (``anmeldung``, ``anmeldung.en`` …): the Forms API has no multi-language form, so one form per language."""
    languages = ["de", *(s for s in workspace.settings.darstellung.formular_sprachen if s != "de")]
    variants = load_variants(workspace.forms(), workspace.folder, languages)
    return {
        variant_key(form_id, sprache): definition
        for sprache in languages
        for form_id, by_language in variants.items()
        if (definition := by_language.get(sprache)) is not None
    }


def _label(key: str, definition: FormDefinition) -> str:
    """How a form is named in the output: its title, with the language for a translated one."""
    sprache = key.rpartition(".")[2] if "." in key else "de"
    return definition.titel if sprache == "de" else f"{definition.titel} ({LANGUAGE_NAMES.get(sprache, sprache)})"
