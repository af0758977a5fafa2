"""Replies by e-mail that cancel or unsubscribe: which reply asks for what, and whether it may.

Without Google Forms, the personal links in every message open an e-mail to the coordination with a
subject such as ``Absage A-1234`` or ``Abmelden K-5678``. A reply whose subject carries such a token is
turned into an answer of the ``abmeldung`` form — the same path as the form — but only when it comes from
the address stored for that person: a stranger who knows an ID cannot cancel someone else's place.
Everything else stays unread in the mailbox for the coordination.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from automation.domain.answers.base import RawAnswer
from automation.domain.dataset import Dataset
from automation.domain.records import Anmeldung, Kontakt

FORM_ID = "abmeldung"
_TOKEN = re.compile(r"\b(?P<wunsch>absage|abmelden)\s+(?P<id>[AK]-[A-Z0-9][A-Z0-9-]*)", re.IGNORECASE)


@dataclass(frozen=True)
class MailReply:
    """One unread message as the mailbox gives it (only the headers the decision needs)."""

    uid: str
    message_id: str
    sender: str  # the bare address of From
    subject: str
    received: dt.datetime


@dataclass(frozen=True)
class Request:
    wunsch: str  # "absagen" or "abmelden" (values of the abmeldung form)
    anmelde_id: str | None
    kontakt_id: str | None


def parse_request(subject: str) -> Request | None:
    """The request a subject carries (``Re: Absage A-1234``), or None for any other mail."""
    match = _TOKEN.search(subject or "")
    if match is None:
        return None
    token = match["id"].upper()
    if match["wunsch"].lower() == "absage":
        return Request("absagen", token, None) if token.startswith("A-") else None
    return Request("abmelden", None, token) if token.startswith("K-") else None


def _same_address(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.strip().casefold() == b.strip().casefold()  # type: ignore[union-attr]


@dataclass(frozen=True)
class Refusal:
    """Why a reply with a token is not acted on (German, without personal data)."""

    reason: str


def answer_for(reply: MailReply, dataset: Dataset) -> RawAnswer | Refusal | None:
    """The form answer a reply stands for; a :class:`Refusal` when it may not act; None: not a request."""
    request = parse_request(reply.subject)
    if request is None:
        return None
    kontakt: Kontakt | None
    if request.anmelde_id is not None:
        anmeldung = dataset.get(Anmeldung, request.anmelde_id)
        if anmeldung is None:
            return Refusal(f"Absage per E-Mail für {request.anmelde_id}: diese Anmeldung gibt es nicht.")
        kontakt = dataset.get(Kontakt, anmeldung.kontakt_id)
    else:
        assert request.kontakt_id is not None
        kontakt = dataset.get(Kontakt, request.kontakt_id)
    what = request.anmelde_id or request.kontakt_id
    if kontakt is None:
        return Refusal(f"Abmeldung per E-Mail für {what}: diesen Kontakt gibt es nicht.")
    if not _same_address(kontakt.email, reply.sender):
        return Refusal(
            f"{'Absage' if request.wunsch == 'absagen' else 'Abmeldung'} per E-Mail für {what} kam von einer "
            "anderen Adresse als der gespeicherten: nicht ausgeführt, die Nachricht bleibt ungelesen im Postfach."
        )
    werte = {"wunsch": [request.wunsch], "kontakt_id": [kontakt.kontakt_id]}
    if request.anmelde_id:
        werte["anmelde_id"] = [request.anmelde_id]
    identity = reply.message_id or f"{reply.uid}|{reply.received.isoformat()}|{reply.subject}"
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]
    return RawAnswer(
        antwort_id=f"mail-{digest}",
        formular=FORM_ID,
        eingegangen=reply.received,
        geaendert=reply.received,
        werte=werte,
        herkunft="E-Mail-Antwort",
    )
