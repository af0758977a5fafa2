"""Personal links in messages: cancel a registration, unsubscribe, give feedback, register.

With Google Forms (``formulare.json`` holds the responder URLs) a link is the form's address with the
person's IDs filled in ("prefilled link"): ``…/viewform?usp=pp_url&entry.<N>=<Wert>``, where ``N`` is the
question's fixed ``frage_id`` read as a hexadecimal number. That encoding is *reported, not verified*
(see GOOGLE.md): it lives only in :func:`prefill_url`, so it can be fixed in one place.

Forms in several languages (``anmeldung.en`` … in ``formulare.json``): a link goes to the form in the
person's language (``sprache``, a code such as ``"tr"``), else to the German one; a preselected choice is
given with the label of that language.

Without a form (local backend) the links fall back to ``mailto:`` the coordination (``darstellung.
kontakt_adresse``, else the sender) with a prefilled subject such as ``Absage A-1234``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from automation.adapters.form_state import FormState, load_form_states
from automation.domain.errors import ConfigError
from automation.domain.forms import FormDefinition, load_forms, load_variants, variant_key
from automation.domain.settings import Settings

log = logging.getLogger("gespraechsrunde.links")

# Option texts of the ``wunsch`` question of the cancellation form, preselected by the links.
_WISH_CANCEL = "absagen"
_WISH_UNSUBSCRIBE = "abmelden"


def prefill_url(responder_url: str, values: dict[str, str]) -> str:
    """The responder URL with answers filled in; ``values`` maps a question's ``frage_id`` (hex) to a value."""
    parts = urlsplit(responder_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "usp" and not k.startswith("entry.")]
    query.append(("usp", "pp_url"))
    query += [(f"entry.{int(frage_id, 16)}", value) for frage_id, value in values.items()]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, quote_via=quote), ""))


def mailto_url(address: str, subject: str) -> str:
    return f"mailto:{quote(address, safe='@')}?subject={quote(subject, safe='')}"


@dataclass(frozen=True)
class PersonalLinks:
    """The links of one message."""

    absage: str | None  # cancel this registration
    abmelden: str  # no more invitations
    feedback: str | None
    anmeldung: str | None  # the registration form (invitations)
    one_click: str | None = None  # an https URL accepting RFC 8058 one-click POST, if one exists


class LinkBuilder:
    """Builds personal links for a workspace (Google form links or ``mailto:`` fallbacks)."""

    def __init__(
        self,
        settings: Settings,
        states: dict[str, FormState],
        forms: dict[str, FormDefinition],
        folder: Path | None = None,
    ) -> None:
        self.coordination = settings.darstellung.kontakt_adresse or settings.mail.absender_adresse
        self.public_registration = (settings.darstellung.anmeldelink or "").strip() or None  # any web form
        self.states = states
        self.forms = forms
        self.folder = folder
        self._variants: dict[str, dict[str, FormDefinition]] = {}

    @classmethod
    def for_workspace(cls, folder: Path, settings: Settings) -> LinkBuilder:
        return cls(settings, load_form_states(folder), load_forms(folder), folder)

    def _variant(self, form_id: str, sprache: str) -> tuple[FormState, FormDefinition] | None:
        """The form and its state in this language, else the German one (None without a Google form)."""
        form = self.forms.get(form_id)
        if form is None:
            return None
        state = self.states.get(variant_key(form_id, sprache))
        if sprache != "de" and state is not None:
            if form_id not in self._variants:
                languages = [k.partition(".")[2] for k in self.states if k.partition(".")[0] == form_id]
                try:
                    self._variants[form_id] = load_variants({form_id: form}, self.folder, languages)[form_id]
                except ConfigError as exc:  # »sync« reports the file in Hinweise; the German form still works
                    log.warning("Übersetzung unbrauchbar, Links zum deutschen Formular: %s", exc)
                    self._variants[form_id] = {}
            variant = self._variants[form_id].get(sprache)
            if variant is not None:
                return state, variant
        state = self.states.get(form_id)
        return (state, form) if state is not None else None

    def _form_link(self, form_id: str, values: dict[str, str], sprache: str = "de") -> str | None:
        found = self._variant(form_id, sprache)
        if found is None:
            return None
        state, form = found
        by_key = {q.schluessel: q for q in form.fragen}
        prefilled: dict[str, str] = {}
        for key, value in values.items():
            question = by_key.get(key)
            if question is None:
                continue
            if question.optionen:  # a choice is prefilled with the text people see
                value = next((o.text for o in question.optionen if o.value == value), value)
            prefilled[question.frage_id] = value
        return prefill_url(state.responder_url, prefilled)

    def form_link(self, form_id: str, values: dict[str, str], sprache: str = "de") -> str | None:
        """A prefilled link to one of the forms, in ``sprache`` where it exists (None without Google Forms)."""
        return self._form_link(form_id, values, sprache)

    def links(self, kontakt_id: str, anmelde_id: str | None, sprache: str = "de") -> PersonalLinks:
        """The links of one message; the forms in ``sprache`` (a code: ``"en"``), else German."""
        absage = None
        feedback = None
        if anmelde_id is not None:
            absage = self._form_link(
                "abmeldung", {"anmelde_id": anmelde_id, "kontakt_id": kontakt_id, "wunsch": _WISH_CANCEL}, sprache
            ) or mailto_url(self.coordination, f"Absage {anmelde_id}")
            feedback = self._form_link("feedback", {"anmelde_id": anmelde_id}, sprache)
        abmelden = self._form_link(
            "abmeldung", {"kontakt_id": kontakt_id, "wunsch": _WISH_UNSUBSCRIBE}, sprache
        ) or mailto_url(self.coordination, f"Abmelden {kontakt_id}")
        anmeldung = self._form_link("anmeldung", {}, sprache) or self.public_registration
        return PersonalLinks(absage=absage, abmelden=abmelden, feedback=feedback, anmeldung=anmeldung)

    def registration(self, termin_text: str | None = None) -> str | None:
        """The registration form, with the date preselected (its option text) where given; None without form."""
        return self._form_link("anmeldung", {"termin": termin_text} if termin_text else {})

    def unsubscribe_mailto(self, kontakt_id: str) -> str:
        return mailto_url(self.coordination, f"Abmelden {kontakt_id}")
