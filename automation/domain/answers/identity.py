"""Identity of an answer that has no ID of its own (a CSV row): stable across re-exports and re-saves.

The ID is derived from what survives a re-save by a spreadsheet program (German Excel: Windows-1252,
time stamps without seconds): the form, the time stamp to the minute and the first two answers (the
names), normalised (:func:`answer_id`). :func:`legacy_answer_id` is the earlier scheme, so that answers
stored by older versions are recognised too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata

from automation.domain.forms import FormDefinition


def identity_text(value: str) -> str:
    """A value as it survives a re-save: NFC, blanks collapsed, case ignored, and characters that
    Windows-1252 cannot hold replaced by ``?`` (as Excel does), so ``Şahin`` and ``?ahin`` compare equal."""
    text = " ".join(unicodedata.normalize("NFC", value).split())
    return text.encode("cp1252", errors="replace").decode("cp1252").casefold()  # casefold after: »İ« → »?«


def answer_id(form: FormDefinition, when: dt.datetime, werte: dict[str, list[str]]) -> str:
    """Stable ID of an answer without an ID of its own: form, time stamp to the minute and the first two
    answers (names; all answers when those are empty). Fixing a typo elsewhere in the row (an e-mail
    address, say) updates the same answer instead of adding another. Collisions get a suffix by order."""
    keys = [q.schluessel for q in form.fragen[:2]]
    if not any(werte.get(k) for k in keys):
        keys = sorted(werte)
    parts = [form.id, when.strftime("%Y-%m-%dT%H:%M")]
    parts += [k + "=" + "\x1e".join(identity_text(v) for v in werte.get(k, [])) for k in keys]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"csv-{form.id[:3]}-{digest[:16]}"


def stable_id_of_stored(form: FormDefinition, eingegangen: dt.datetime | None, daten: str) -> str | None:
    """The stable ID (:func:`answer_id`) of an answer stored in ``Eingang`` (None without data)."""
    try:
        data = json.loads(daten)
    except json.JSONDecodeError:
        return None
    if eingegangen is None or not isinstance(data, dict) or not data:
        return None
    werte = {str(k): [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in data.items()}
    return answer_id(form, eingegangen, werte)


def legacy_answer_id(form_id: str, stamp: str, cells: list[str]) -> str:
    """The ID of the earlier scheme (time stamp text and the first two cells as exported), for answers
    stored by older versions."""
    digest = hashlib.sha256("\x1f".join([form_id, stamp, *cells]).encode()).hexdigest()
    return f"csv-{form_id[:3]}-{digest[:16]}"
