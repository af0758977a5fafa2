"""Short notices to the coordination address: a date 80 % and 100 % full, messages that failed.

Each notice goes through the same ``Versand`` ledger as every other message, so it goes out exactly once:

- ``Belegungs-Hinweis|Termin-ID|Koordination|80`` (and ``…|100``): when the places taken (with companions,
  registrations »angemeldet« or »teilgenommen«) reach 80 % or 100 % of ``Plätze``. When a date jumps past
  both at once, only the 100 % notice goes out; the 80 % one is never sent after it.
- ``Fehler-Hinweis|Termin-ID|Koordination|JJJJMMTT``: once per date and day on which messages became
  ``fehlgeschlagen`` (within the last :data:`FAILURE_DAYS` days, so a notice held back by a server that was
  down follows later).

The notices carry counts only: no names, no addresses. Whether they go out at all: ``[mail]
koordination_hinweise`` (on by default) and an address in ``[darstellung] kontakt_adresse``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from automation.domain.dataset import Dataset
from automation.domain.mail.due import DueMessage, LedgerView
from automation.domain.mail.kinds import COORDINATION_KINDS, Art, MessageKey
from automation.domain.records import Anmeldung, Kontakt, Termin, Versand
from automation.domain.status import HOLDING_A_PLACE

COORDINATION = "Koordination"  # the Kontakt-ID part of the notices' keys
THRESHOLDS = (80, 100)
FAILURE_DAYS = 7
_COORDINATION_VALUES = {a.value for a in COORDINATION_KINDS}


def recipient(address: str) -> Kontakt:
    """The coordination as the recipient of a notice (greeting: »Koordination«)."""
    return Kontakt(kontakt_id=COORDINATION, vorname=COORDINATION, email=address)


def capacity_notices(dataset: Dataset, today: dt.date, address: str) -> list[DueMessage]:
    """A Belegungs-Hinweis per upcoming date whose places reached 80 % or 100 % (and was not told so)."""
    ledger = LedgerView(dataset)
    taken: Counter[str] = Counter()
    waiting: Counter[str] = Counter()
    for anmeldung in dataset.all(Anmeldung):
        if anmeldung.status in HOLDING_A_PLACE:
            taken[anmeldung.termin_id] += anmeldung.personen
        elif anmeldung.status == "Warteliste":
            waiting[anmeldung.termin_id] += anmeldung.personen
    result = []
    for termin in dataset.all(Termin):
        places = termin.plaetze
        if not places or termin.datum < today or termin.status in ("abgesagt", "durchgeführt"):
            continue
        if "Plätze" in dataset.unreadable(Termin, termin.termin_id):
            continue
        used = taken[termin.termin_id]

        def key(threshold: int, termin_id: str = termin.termin_id) -> MessageKey:
            return MessageKey(Art.BELEGUNGS_HINWEIS, termin_id, COORDINATION, threshold)

        reached = [t for t in THRESHOLDS if used * 100 >= t * places]
        if not reached or any(ledger.done(key(t)) for t in THRESHOLDS if t >= reached[-1]):
            continue
        threshold = reached[-1]
        counts = {
            "schwelle": threshold, "belegt": used, "plaetze": places, "frei": max(0, places - used),
            "warteliste": waiting[termin.termin_id], "prozent": min(100, used * 100 // places),
        }  # fmt: skip
        result.append(DueMessage(key(threshold), recipient(address), termin, extra={"belegung": counts}))
    return result


def failure_notices(dataset: Dataset, today: dt.date, address: str) -> list[DueMessage]:
    """A Fehler-Hinweis per date and day with messages ``fehlgeschlagen`` (notices themselves not counted)."""
    ledger = LedgerView(dataset)
    failed: dict[tuple[str, dt.date], Counter[str]] = {}
    for row in dataset.all(Versand):
        if row.status != "fehlgeschlagen" or row.zeit is None or row.art in _COORDINATION_VALUES:
            continue
        day = row.zeit.date()
        if not 0 <= (today - day).days < FAILURE_DAYS:
            continue
        failed.setdefault((row.termin_id or "-", day), Counter())[row.art] += 1
    result = []
    for (termin_id, day), kinds in sorted(failed.items()):
        key = MessageKey(Art.FEHLER_HINWEIS, termin_id, COORDINATION, int(day.strftime("%Y%m%d")))
        if ledger.done(key):
            continue
        termin = dataset.get(Termin, termin_id) or Termin(termin_id=termin_id, titel="", datum=day)
        counts = {
            "anzahl": sum(kinds.values()),
            "tag": f"{day:%d.%m.%Y}",
            "arten": ", ".join(f"{art} ({n})" for art, n in sorted(kinds.items())),
        }
        result.append(DueMessage(key, recipient(address), termin, extra={"fehler": counts}))
    return result


def coordination_notices(dataset: Dataset, today: dt.date, address: str) -> list[DueMessage]:
    """Every notice to the coordination due now."""
    return capacity_notices(dataset, today, address) + failure_notices(dataset, today, address)
