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
from collections.abc import Callable

from automation.domain.forms import FormDefinition


def identity_text(value: str) -> str:
    """A value as it survives a re-save, compared loosely: every character Windows-1252 cannot hold counts
    like a ``?`` (as Excel writes it), and ``?`` like a blank; blanks collapsed, case ignored.

    The replacement is applied to the text as typed, before any normalisation: Excel replaces each code
    point it cannot encode, so »ਖ਼« (one code point, two after NFC) becomes one ``?``, a decomposed »ö« a
    letter and a ``?``. Treating ``?`` like a blank makes the ID independent of how many ``?`` a character
    became and of exotic blanks (»\u3000«) that Python strips but Excel turns into ``?``. ``Şahin`` and
    ``?ahin`` (and ``Ğahin``) therefore compare equal; such collisions get a suffix by order (see
    :func:`answer_id`), and the source reports rows whose identity a re-save made ambiguous."""
    text = value.encode("cp1252", errors="replace").decode("cp1252").replace("?", " ")
    return " ".join(text.split()).casefold()


def _identity_text_nfc(value: str) -> str:
    """The comparison of the previous scheme (NFC first, then ``?``): a character that is one code point
    as typed but two after NFC (»ਖ਼«) gave ``??`` there but ``?`` in Excel's copy."""
    text = " ".join(unicodedata.normalize("NFC", value).split())
    return text.encode("cp1252", errors="replace").decode("cp1252").casefold()


def answer_id(
    form: FormDefinition,
    when: dt.datetime,
    werte: dict[str, list[str]],
    fold: Callable[[str], str] = identity_text,
) -> str:
    """Stable ID of an answer without an ID of its own: form, time stamp to the minute and the first two
    answers (names; all answers when those are empty). Fixing a typo elsewhere in the row (an e-mail
    address, say) updates the same answer instead of adding another. Collisions get a suffix by order."""
    keys = [q.schluessel for q in form.fragen[:2]]
    if not any(werte.get(k) for k in keys):
        keys = sorted(werte)
    parts = [form.id, when.strftime("%Y-%m-%dT%H:%M")]
    parts += [k + "=" + "\x1e".join(fold(v) for v in werte.get(k, [])) for k in keys]
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


def previous_answer_id(form: FormDefinition, when: dt.datetime, werte: dict[str, list[str]]) -> str:
    """The ID of the previous scheme (:func:`_identity_text_nfc`), so that answers stored under it are
    recognised by their ID."""
    return answer_id(form, when, werte, _identity_text_nfc)


def legacy_answer_id(form_id: str, stamp: str, cells: list[str]) -> str:
    """The ID of the earlier scheme (time stamp text and the first two cells as exported), for answers
    stored by older versions."""
    digest = hashlib.sha256("\x1f".join([form_id, stamp, *cells]).encode()).hexdigest()
    return f"csv-{form_id[:3]}-{digest[:16]}"
