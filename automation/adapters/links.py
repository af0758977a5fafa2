"""Personal links in messages: cancel a registration, unsubscribe, give feedback, register.

With Google Forms (``formulare.json`` holds the responder URLs) a link is the form's address with the
person's IDs filled in ("prefilled link"): ``…/viewform?usp=pp_url&entry.<N>=<Wert>``, where ``N`` is the
question's fixed ``frage_id`` read as a hexadecimal number. That encoding is *reported, not verified*
(see GOOGLE.md): it lives only in :func:`prefill_url`, so it can be fixed in one place.

Without a form (local backend) the links fall back to ``mailto:`` the coordination (``darstellung.
kontakt_adresse``, else the sender) with a prefilled subject such as ``Absage A-1234``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from automation.adapters.form_state import FormState, load_form_states
from automation.domain.forms import FormDefinition, load_forms
from automation.domain.settings import Settings

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
    ) -> None:
        self.coordination = settings.darstellung.kontakt_adresse or settings.mail.absender_adresse
        self.public_registration = (settings.darstellung.anmeldelink or "").strip() or None  # any web form
        self.states = states
        self.forms = forms

    @classmethod
    def for_workspace(cls, folder: Path, settings: Settings) -> LinkBuilder:
        return cls(settings, load_form_states(folder), load_forms(folder))

    def _form_link(self, form_id: str, values: dict[str, str]) -> str | None:
        state = self.states.get(form_id)
        form = self.forms.get(form_id)
        if state is None or form is None:
            return None
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

    def form_link(self, form_id: str, values: dict[str, str]) -> str | None:
        """A prefilled link to one of the forms (None without Google Forms)."""
        return self._form_link(form_id, values)

    def links(self, kontakt_id: str, anmelde_id: str | None) -> PersonalLinks:
        absage = None
        feedback = None
        if anmelde_id is not None:
            absage = self._form_link(
                "abmeldung", {"anmelde_id": anmelde_id, "kontakt_id": kontakt_id, "wunsch": _WISH_CANCEL}
            ) or mailto_url(self.coordination, f"Absage {anmelde_id}")
            feedback = self._form_link("feedback", {"anmelde_id": anmelde_id})
        abmelden = self._form_link("abmeldung", {"kontakt_id": kontakt_id, "wunsch": _WISH_UNSUBSCRIBE}) or mailto_url(
            self.coordination, f"Abmelden {kontakt_id}"
        )
        anmeldung = self._form_link("anmeldung", {}) or self.public_registration
        return PersonalLinks(absage=absage, abmelden=abmelden, feedback=feedback, anmeldung=anmeldung)

    def registration(self, termin_text: str | None = None) -> str | None:
        """The registration form, with the date preselected (its option text) where given; None without form."""
        return self._form_link("anmeldung", {"termin": termin_text} if termin_text else {})

    def unsubscribe_mailto(self, kontakt_id: str) -> str:
        return mailto_url(self.coordination, f"Abmelden {kontakt_id}")
