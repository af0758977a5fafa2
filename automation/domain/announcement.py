"""What registered people were told about a date, so that a change reaches them exactly once.

The job keeps, per date, the announced ``Datum``, ``Beginn``, ``Ende``, ``Ort`` and ``Adresse`` in the
``Termine`` column ``Bekanntgegeben``, readable for people::

    Fassung 2 seit 01.03.2027 09:00:00: 13.03.2027 10:00–13:00, Bürgerhaus, Marktplatz 1

When the date's fields differ from that text, the Fassung goes up and the time is now: everyone with a
place who was told before that time gets a ``Terminänderung`` with key ``…|Fassung`` (once, whatever
happens to the run) and a calendar file with the same UID and ``SEQUENCE`` = Fassung. An empty cell
takes the date as it is as Fassung 0 (nothing to announce).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from automation.domain.records import Termin

_CELL = re.compile(r"Fassung (\d+) seit (\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}): (.*)", re.DOTALL)
_FINAL = ("abgesagt", "durchgeführt")


@dataclass(frozen=True)
class Announcement:
    fassung: int
    since: dt.datetime
    text: str

    def cell(self) -> str:
        return f"Fassung {self.fassung} seit {self.since:%d.%m.%Y %H:%M:%S}: {self.text}"


class UnreadableAnnouncement(ValueError):
    """The ``Bekanntgegeben`` cell was changed by hand and cannot be read."""


def describe(termin: Termin) -> str:
    """The announced fields of a date as one line (what a change is compared by)."""
    when = termin.datum.strftime("%d.%m.%Y")
    if termin.beginn is not None:
        when += f" {termin.beginn:%H:%M}" + (f"–{termin.ende:%H:%M}" if termin.ende else "")
    return ", ".join(part for part in (when, termin.ort or "", termin.adresse or "") if part)


def parse(cell: str | None) -> Announcement | None:
    """The announcement in a ``Bekanntgegeben`` cell (None when empty)."""
    if not cell or not cell.strip():
        return None
    match = _CELL.fullmatch(cell.strip())
    if not match:
        raise UnreadableAnnouncement(cell)
    since = dt.datetime.strptime(match.group(2), "%d.%m.%Y %H:%M:%S")
    return Announcement(int(match.group(1)), since, match.group(3).strip())


def update(termin: Termin, now: dt.datetime, last_told: dt.datetime | None = None) -> Termin | None:
    """The date with its ``Bekanntgegeben`` brought up to date, or None when nothing changed.

    ``last_told``: when the date's details last went out; the change is dated after it, so that a message
    sent earlier in the same second still counts as telling the old details.

    Raises :class:`UnreadableAnnouncement` for a cell edited by hand. Dates that are over or cancelled
    keep their cell (a cancellation is its own message).
    """
    if termin.status in _FINAL:
        return None
    current = parse(termin.bekanntgegeben)
    text = describe(termin)
    if current is not None and current.text == text:
        return None
    fassung = 0 if current is None else current.fassung + 1
    since = now.replace(microsecond=0)
    if last_told is not None and last_told >= since:
        since = last_told.replace(microsecond=0) + dt.timedelta(seconds=1)
    return termin.model_copy(update={"bekanntgegeben": Announcement(fassung, since, text).cell()})


def fassung(termin: Termin) -> int:
    """The date's current Fassung (0 when unknown): the ``SEQUENCE`` of its calendar files."""
    try:
        current = parse(termin.bekanntgegeben)
    except UnreadableAnnouncement:
        return 0
    return current.fassung if current else 0
