"""The ``Versand`` ledger's state machine: the one table of allowed status transitions.

Every change of a ``Versand`` row's ``Status`` goes through :func:`advance`; a transition that is not in
:data:`TRANSITIONS` raises :class:`IllegalTransition` (a programming error, never a user error)::

    (neu) ──planen──▶ geplant ──übergeben──▶ wird gesendet ──gesendet──▶ gesendet
                         ▲                     │  ├──abgelehnt──▶ fehlgeschlagen
                         └──zurück─────────────┘  └──abgebrochen──▶ unklar
    unklar ──nie_geschrieben──▶ geplant          (the outbox proves nothing was written)
    unklar ──nachgewiesen──▶ gesendet            (the outbox proves it was written)
    unklar | fehlgeschlagen | geplant ──wiederholen──▶ wird gesendet   (on purpose, »versand wiederholen«)

A message is *due* only while its row is absent or ``geplant``; any other status means it was sent,
refused, or may have gone out, and it is never chosen again by itself (:func:`is_done`).
"""

from __future__ import annotations

import enum
from typing import Final, get_args

from automation.domain.records import VersandStatus

PLANNED: Final = "geplant"
SENDING: Final = "wird gesendet"
SENT: Final = "gesendet"
FAILED: Final = "fehlgeschlagen"
UNCLEAR: Final = "unklar"

STATUSES: tuple[str, ...] = get_args(VersandStatus)


class Event(enum.StrEnum):
    """What happens to a message; the value is how it is named in logs."""

    PLAN = "planen"  # a due message gets its row
    HAND_OVER = "übergeben"  # saved as »wird gesendet« right before the sender gets it
    DELIVERED = "gesendet"  # the sender accepted it
    REFUSED = "abgelehnt"  # refused for good (5xx)
    BACK = "zurück"  # never handed over, or refused for now (4xx, server gone before MAIL FROM)
    BROKEN = "abgebrochen"  # the hand-over broke off, or a run died in it: it may have gone out
    NEVER_WRITTEN = "nie_geschrieben"  # the outbox proves an »unklar« message was never written
    PROVEN = "nachgewiesen"  # the outbox proves an »unklar« message was written
    RESEND = "wiederholen"  # »gespraechsrunde versand wiederholen«: on purpose


# (status before or None for a new row, event) → status after. The only place transitions are defined.
TRANSITIONS: Final[dict[tuple[str | None, Event], str]] = {
    (None, Event.PLAN): PLANNED,
    (PLANNED, Event.PLAN): PLANNED,
    (PLANNED, Event.HAND_OVER): SENDING,
    (SENDING, Event.DELIVERED): SENT,
    (SENDING, Event.REFUSED): FAILED,
    (SENDING, Event.BACK): PLANNED,
    (SENDING, Event.BROKEN): UNCLEAR,
    (UNCLEAR, Event.NEVER_WRITTEN): PLANNED,
    (UNCLEAR, Event.PROVEN): SENT,
    (UNCLEAR, Event.RESEND): SENDING,
    (FAILED, Event.RESEND): SENDING,
    (PLANNED, Event.RESEND): SENDING,
}

RESENDABLE: Final = tuple(sorted({before for (before, event) in TRANSITIONS if event is Event.RESEND and before}))


class IllegalTransition(RuntimeError):
    """A status change the ledger does not allow (a bug: the row is left as it was)."""


def advance(status: str | None, event: Event) -> str:
    """The status after ``event``; raises :class:`IllegalTransition` for anything not in the table."""
    try:
        return TRANSITIONS[(status, event)]
    except KeyError:
        raise IllegalTransition(f"Versand: »{event.value}« ist im Status »{status}« nicht erlaubt.") from None


def is_done(status: str | None) -> bool:
    """Whether a message with a row in this status is never chosen again by itself."""
    return status is not None and status != PLANNED
