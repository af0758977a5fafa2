"""Where messages are chosen: who is due for which message today.

Every rule is here, one function per kind; :func:`due_messages` collects them. A message is due while
``Versand`` has no row for its key, or only a ``geplant`` one (planned, waiting for the daily limit). A
row in any other state means the message was sent, failed, or may have gone out (``unklar``): it is
never chosen again; ``gespraechsrunde versand wiederholen`` resends on purpose.

Invitations are a mass mailing: ``sync`` never starts one. ``gespraechsrunde einladen --termin ID``
releases them (after a ``--dry-run`` preview): it gives every invitation a ``geplant`` row, and ``sync``
only sends invitations that have one (those the daily limit held back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from automation.domain import announcement
from automation.domain.dataset import Dataset
from automation.domain.ledger import is_done
from automation.domain.mail.kinds import NO_DATE, Art, MessageKey
from automation.domain.records import Anmeldung, Kommune, Kontakt, Termin, TischplanZeile, Versand

FEEDBACK_DAYS = 14  # Feedback-Bitte only within two weeks after the date
_CLOSED = ("abgesagt", "durchgeführt")


@dataclass(frozen=True)
class DueMessage:
    """One message that should go out: its key and the records it is about."""

    key: MessageKey
    kontakt: Kontakt
    termin: Termin
    anmeldung: Anmeldung | None = None
    # extra template variables and attachments (messages after the event: people passed on, report PDF)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    attachments: tuple[Any, ...] = ()  # automation.adapters.mail.compose.Attachment

    @property
    def art(self) -> Art:
        return self.key.art


def consent_problem(art: Art, kontakt: Kontakt) -> str | None:
    """Why this person must not get a message of this kind (German), or None. Checked on every path."""
    if art in (Art.EINLADUNG, Art.NACHFRAGE, Art.NACHFRAGE_ERINNERUNG):
        if kontakt.abgemeldet:
            return "hat sich abgemeldet (Spalte »Abgemeldet«)"
        if not kontakt.einwilligung_einladungen:
            return "hat nicht in Einladungen eingewilligt (Spalte »Einwilligung Einladungen«)"
    return None


class LedgerView:
    """The ``Versand`` rows by key."""

    def __init__(self, dataset: Dataset) -> None:
        self.rows = {v.schluessel: v for v in dataset.all(Versand)}

    def done(self, key: MessageKey) -> bool:
        """A row beyond ``geplant`` exists: the message is never chosen again."""
        row = self.rows.get(str(key))
        return row is not None and is_done(row.status)

    def planned(self, key: MessageKey) -> bool:
        row = self.rows.get(str(key))
        return row is not None and not is_done(row.status)

    def row(self, key: MessageKey) -> Versand | None:
        row = self.rows.get(str(key))
        return row if row is not None and is_done(row.status) else None

    def sent(self, key: MessageKey) -> Versand | None:
        """The row when the message went out (``gesendet``)."""
        row = self.rows.get(str(key))
        return row if row is not None and row.status == "gesendet" else None


def _open_for_registration(termin: Termin, today: dt.date) -> bool:
    if termin.status != "Anmeldung offen" or termin.datum < today:
        return False
    return termin.anmeldeschluss is None or termin.anmeldeschluss >= today


def _upcoming(termin: Termin, today: dt.date) -> bool:
    return termin.status not in _CLOSED and termin.datum >= today


def _municipalities(dataset: Dataset, termin: Termin) -> set[str] | None:
    """Names and Kürzel of the date's municipalities (None: the date is for everyone)."""
    if not termin.kommunen:
        return None
    wanted = {k.casefold() for k in termin.kommunen}
    names = set(wanted)
    for kommune in dataset.all(Kommune):
        if kommune.name.casefold() in wanted or kommune.kuerzel.casefold() in wanted:
            names |= {kommune.name.casefold(), kommune.kuerzel.casefold()}
    return names


def invitations(
    dataset: Dataset, today: dt.date, termin_ids: Iterable[str] | None = None, *, released_only: bool = False
) -> list[DueMessage]:
    """Einladung: consent given, not unsubscribed, not yet invited to this date, not registered, date open.

    ``released_only``: only those ``einladen`` already planned (a ``geplant`` row) – what ``sync`` may send.
    """
    ledger = LedgerView(dataset)
    wanted = set(termin_ids) if termin_ids is not None else None
    registered = {(a.termin_id, a.kontakt_id) for a in dataset.all(Anmeldung)}
    result = []
    for termin in dataset.all(Termin):
        if (wanted is not None and termin.termin_id not in wanted) or not _open_for_registration(termin, today):
            continue
        places = _municipalities(dataset, termin)
        for kontakt in dataset.all(Kontakt):
            key = MessageKey(Art.EINLADUNG, termin.termin_id, kontakt.kontakt_id)
            if consent_problem(Art.EINLADUNG, kontakt) is not None or ledger.done(key):
                continue
            if released_only and not ledger.planned(key):
                continue
            if (termin.termin_id, kontakt.kontakt_id) in registered:
                continue
            if places is not None and kontakt.kommune and kontakt.kommune.casefold() not in places:
                continue
            result.append(DueMessage(key, kontakt, termin))
    return result


def _registrations(dataset: Dataset) -> Iterable[tuple[Anmeldung, Kontakt, Termin]]:
    for anmeldung in dataset.all(Anmeldung):
        kontakt = dataset.get(Kontakt, anmeldung.kontakt_id)
        termin = dataset.get(Termin, anmeldung.termin_id)
        if kontakt is not None and termin is not None:
            yield anmeldung, kontakt, termin


def registration_messages(dataset: Dataset, today: dt.date) -> list[DueMessage]:
    """Bestätigung, Warteliste, Nachgerückt (was told »Warteliste«, now has a place), Absage-Bestätigung."""
    ledger = LedgerView(dataset)
    result = []
    for anmeldung, kontakt, termin in _registrations(dataset):
        if not _upcoming(termin, today):
            continue
        if anmeldung.status != "abgesagt" and "Plätze" in dataset.unreadable(Termin, termin.termin_id):
            continue  # without readable places nobody is told they have one (or must wait)

        def key(art: Art, kontakt_id: str = kontakt.kontakt_id, termin_id: str = termin.termin_id) -> MessageKey:
            return MessageKey(art, termin_id, kontakt_id)

        art: Art | None = None
        if anmeldung.status == "angemeldet":
            if not (ledger.done(key(Art.BESTAETIGUNG)) or ledger.done(key(Art.NACHGERUECKT))):
                art = Art.NACHGERUECKT if ledger.done(key(Art.WARTELISTE)) else Art.BESTAETIGUNG
        elif anmeldung.status == "Warteliste":
            if not (ledger.done(key(Art.WARTELISTE)) or ledger.done(key(Art.BESTAETIGUNG))):
                art = Art.WARTELISTE
        elif anmeldung.status == "abgesagt" and not ledger.done(key(Art.ABSAGE)):
            art = Art.ABSAGE
        if art is not None:
            result.append(DueMessage(key(art), kontakt, termin, anmeldung))
    return result


def reminders(dataset: Dataset, today: dt.date, days_before: int) -> list[DueMessage]:
    """Erinnerung: from ``days_before`` days before the date, to those with a place who were told so.

    Nobody gets one whose confirmation went out inside that window anyway (registered shortly before).
    """
    ledger = LedgerView(dataset)
    result = []
    for anmeldung, kontakt, termin in _registrations(dataset):
        if anmeldung.status != "angemeldet" or not _upcoming(termin, today):
            continue
        if (termin.datum - today).days > days_before:
            continue
        key = MessageKey(Art.ERINNERUNG, termin.termin_id, kontakt.kontakt_id)
        if ledger.done(key):
            continue
        told = [
            ledger.row(MessageKey(art, termin.termin_id, kontakt.kontakt_id))
            for art in (Art.BESTAETIGUNG, Art.NACHGERUECKT)
        ]
        told_rows = [row for row in told if row is not None]
        if not told_rows:
            continue
        window_start = termin.datum - dt.timedelta(days=days_before)
        if any(row.zeit is not None and row.zeit.date() >= window_start for row in told_rows):
            continue
        result.append(DueMessage(key, kontakt, termin, anmeldung))
    return result


def feedback_requests(dataset: Dataset, today: dt.date) -> list[DueMessage]:
    """Feedback-Bitte: from the day after the date (for two weeks), to those marked »teilgenommen«."""
    ledger = LedgerView(dataset)
    result = []
    for anmeldung, kontakt, termin in _registrations(dataset):
        if anmeldung.status != "teilgenommen" or termin.status == "abgesagt":
            continue
        if not (1 <= (today - termin.datum).days <= FEEDBACK_DAYS):
            continue
        key = MessageKey(Art.FEEDBACK, termin.termin_id, kontakt.kontakt_id)
        if not ledger.done(key):
            result.append(DueMessage(key, kontakt, termin, anmeldung))
    return result


def guide_briefings(dataset: Dataset, today: dt.date, days_before: int) -> list[DueMessage]:
    """Lotsen-Briefing: from ``days_before`` days before the date, to each guide with a place who accompanies
    someone (``Anmeldungen.Begleitet von``): their people, their tables, when to arrive."""
    from automation.domain.lotsen import WITH_PLACE

    ledger = LedgerView(dataset)
    kontakte = {k.kontakt_id: k for k in dataset.all(Kontakt)}
    anmeldungen = dataset.all(Anmeldung)
    result = []
    for anmeldung, kontakt, termin in _registrations(dataset):
        if anmeldung.status not in WITH_PLACE or not kontakt.lotse or not _upcoming(termin, today):
            continue
        if (termin.datum - today).days > days_before:
            continue
        key = MessageKey(Art.LOTSEN_BRIEFING, termin.termin_id, kontakt.kontakt_id)
        if ledger.done(key):
            continue
        extra = briefing_extra(dataset, kontakt, termin, anmeldungen, kontakte)
        if extra["lotsen_leute"]:
            result.append(DueMessage(key, kontakt, termin, anmeldung, extra))
    return result


def briefing_extra(
    dataset: Dataset,
    guide: Kontakt,
    termin: Termin,
    anmeldungen: list[Anmeldung] | None = None,
    kontakte: dict[str, Kontakt] | None = None,
) -> dict[str, Any]:
    """The template variables of a guide's Lotsen-Briefing (also for ``versand wiederholen``)."""
    from automation.domain.lotsen import ARRIVE_MINUTES_BEFORE, briefing_context

    anmeldungen = anmeldungen if anmeldungen is not None else dataset.all(Anmeldung)
    kontakte = kontakte if kontakte is not None else {k.kontakt_id: k for k in dataset.all(Kontakt)}
    rows = [a for a in anmeldungen if a.termin_id == termin.termin_id]
    plan = [
        (r.runde, r.tisch, [*r.teilnehmende_ids, *r.lotsen_ids])  # the IDs beside the names (domain/tischplan_tab.py)
        for r in dataset.all(TischplanZeile)
        if r.termin_id.strip() == termin.termin_id
    ]
    return briefing_context(guide, termin.termin_id, termin.beginn, rows, kontakte, plan, ARRIVE_MINUTES_BEFORE)


def _with_guide(dataset: Dataset, messages: list[DueMessage]) -> list[DueMessage]:
    """Bestätigung and Erinnerung tell a newcomer who welcomes them (``Begleitet von``)."""
    from automation.domain.lotsen import short_name

    result = []
    for message in messages:
        guide_id = message.anmeldung.begleitet_von if message.anmeldung else None
        guide = dataset.get(Kontakt, guide_id) if guide_id else None
        if guide is not None and message.art in (Art.BESTAETIGUNG, Art.NACHGERUECKT, Art.ERINNERUNG):
            message = DueMessage(message.key, message.kontakt, message.termin, message.anmeldung,
                                 {**message.extra, "lotse": {"name": short_name(guide)}})  # fmt: skip
        result.append(message)
    return result


def _told(ledger: LedgerView, termin: Termin, kontakt: Kontakt) -> list[Versand]:
    """The sent rows that gave this person a place (and the date's details with a calendar file)."""
    arts = (Art.BESTAETIGUNG, Art.NACHGERUECKT)
    told = [ledger.row(MessageKey(art, termin.termin_id, kontakt.kontakt_id)) for art in arts]
    return [row for row in told if row is not None]


def date_changes(dataset: Dataset, today: dt.date) -> list[DueMessage]:
    """Terminänderung: the date's announced fields changed (``Bekanntgegeben``, see
    :mod:`automation.domain.announcement`) after a person with a place was told them; once per Fassung."""
    ledger = LedgerView(dataset)
    result = []
    for anmeldung, kontakt, termin in _registrations(dataset):
        if anmeldung.status != "angemeldet" or not _upcoming(termin, today):
            continue
        try:
            current = announcement.parse(termin.bekanntgegeben)
        except announcement.UnreadableAnnouncement:
            continue  # reported by the mail step; nothing is announced from a cell edited by hand
        if current is None or current.fassung == 0:
            continue
        key = MessageKey(Art.TERMINAENDERUNG, termin.termin_id, kontakt.kontakt_id, current.fassung)
        if ledger.done(key):
            continue
        told = _told(ledger, termin, kontakt)
        if not told or all(row.zeit is not None and row.zeit >= current.since for row in told):
            continue  # not told yet, or told after the change (with the new details)
        result.append(DueMessage(key, kontakt, termin, anmeldung))
    return result


def cancellations(dataset: Dataset, today: dt.date) -> list[DueMessage]:
    """Terminabsage: the date's Status is »abgesagt«; to everyone who was told they have a place."""
    ledger = LedgerView(dataset)
    result = []
    for anmeldung, kontakt, termin in _registrations(dataset):
        if termin.status != "abgesagt" or termin.datum < today or anmeldung.status != "angemeldet":
            continue
        key = MessageKey(Art.TERMINABSAGE, termin.termin_id, kontakt.kontakt_id)
        if not ledger.done(key) and _told(ledger, termin, kontakt):
            result.append(DueMessage(key, kontakt, termin, anmeldung))
    return result


def unsubscribe_confirmations(dataset: Dataset, today: dt.date) -> list[DueMessage]:
    """Abmelde-Bestätigung: planned (a ``geplant`` row) when an unsubscribe by form or e-mail reply is processed
    (:mod:`automation.domain.answers.processing`); sent once, even though the person is unsubscribed now."""
    result = []
    for row in dataset.all(Versand):
        if row.art != Art.ABMELDE_BESTAETIGUNG.value or is_done(row.status) or not row.kontakt_id:
            continue
        kontakt = dataset.get(Kontakt, row.kontakt_id)
        if kontakt is None:
            continue
        key = MessageKey(Art.ABMELDE_BESTAETIGUNG, NO_DATE, kontakt.kontakt_id)
        result.append(DueMessage(key, kontakt, Termin(termin_id=NO_DATE, titel="", datum=today)))
    return result


def plan_unsubscribe_confirmation(dataset: Dataset, kontakt: Kontakt) -> bool:
    """Give the person's Abmelde-Bestätigung its ``geplant`` row, once ever (False: no address, or planned
    or sent before)."""
    key = str(MessageKey(Art.ABMELDE_BESTAETIGUNG, NO_DATE, kontakt.kontakt_id))
    if not kontakt.email or dataset.get(Versand, key) is not None or dataset.unreadable(Versand, key):
        return False
    dataset.put(
        Versand(schluessel=key, art=Art.ABMELDE_BESTAETIGUNG.value, termin_id=NO_DATE, kontakt_id=kontakt.kontakt_id,
                adresse=kontakt.email, status="geplant")
    )  # fmt: skip
    return True


def due_messages(dataset: Dataset, today: dt.date, days_before: int) -> list[DueMessage]:
    """Everything due today; answers to registrations first, invitations last (they wait for the limit).

    Invitations only when released by ``einladen`` (see the module docstring).
    """
    return (
        unsubscribe_confirmations(dataset, today)
        + cancellations(dataset, today)
        + date_changes(dataset, today)
        + _with_guide(dataset, registration_messages(dataset, today) + reminders(dataset, today, days_before))
        + guide_briefings(dataset, today, days_before)
        + feedback_requests(dataset, today)
        + invitations(dataset, today, released_only=True)
    )


def unreleased_invitations(dataset: Dataset, today: dt.date) -> dict[str, int]:
    """Per open date, how many invitations ``einladen --termin`` would plan (for a hint, never sent by sync)."""
    ledger = LedgerView(dataset)
    counts: dict[str, int] = {}
    for item in invitations(dataset, today):
        if not ledger.planned(item.key):
            counts[item.termin.termin_id] = counts.get(item.termin.termin_id, 0) + 1
    return counts
