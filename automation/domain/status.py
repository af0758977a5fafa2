"""Where things stand, per date: places, waiting list, messages, findings, table plan, who registered.

A pure function of the dataset, the messages due today and the last run; ``gespraechsrunde status``
prints it, writes it as JSON and as a page with charts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from automation.domain.dataset import Dataset
from automation.domain.records import Anmeldung, Hinweis, Kontakt, Termin, TischplanZeile, Versand

HOLDING_A_PLACE = ("angemeldet", "teilgenommen")
UNKNOWN_GROUP = "ohne Angabe"


@dataclass
class TerminStatusReport:
    """The figures of one date."""

    termin_id: str
    titel: str
    datum: dt.date
    status: str
    plaetze: int | None
    belegt: int  # persons holding a place, companions included
    begleitungen: int
    warteliste: int  # persons on the waiting list, companions included
    abgesagt: int
    tage_bis_anmeldeschluss: int | None
    nachrichten: dict[str, int]  # Versand status -> count, plus "fällig"
    tischplan: str  # "keiner", "aktuell", "veraltet"
    gruppen: dict[str, int]
    kommunen: dict[str, int]
    verlauf: list[tuple[dt.date, str, str]] = field(default_factory=list)  # (day, group, municipality) per person

    @property
    def frei(self) -> int | None:
        return None if self.plaetze is None else max(0, self.plaetze - self.belegt)

    def as_json(self) -> dict[str, Any]:
        return {
            "termin_id": self.termin_id, "titel": self.titel, "datum": self.datum.isoformat(), "status": self.status,
            "plaetze": self.plaetze, "belegt": self.belegt, "frei": self.frei, "begleitungen": self.begleitungen,
            "warteliste": self.warteliste, "abgesagt": self.abgesagt,
            "tage_bis_anmeldeschluss": self.tage_bis_anmeldeschluss, "nachrichten": self.nachrichten,
            "tischplan": self.tischplan, "gruppen": self.gruppen, "kommunen": self.kommunen,
        }  # fmt: skip


@dataclass
class StatusReport:
    heute: dt.date
    termine: list[TerminStatusReport]
    hinweise: dict[str, int]
    letzter_lauf: dict[str, Any] | None
    nachrichten_zurueckgehalten: dict[str, int] = field(default_factory=dict)  # reason -> count
    # clubs whose row and offers were not updated for [nachbereitung] angebote_monate_alt months:
    # (Vereins-ID, name, last »Zuletzt aktualisiert« or None for never)
    angebote_veraltet: list[tuple[str, str, dt.datetime | None]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "heute": self.heute.isoformat(),
            "letzter_lauf": self.letzter_lauf,
            "hinweise": self.hinweise,
            "nachrichten_zurueckgehalten": self.nachrichten_zurueckgehalten,
            "angebote_veraltet": [
                {"vereins_id": vid, "name": name, "zuletzt_aktualisiert": last.isoformat() if last else None}
                for vid, name, last in self.angebote_veraltet
            ],
            "termine": [t.as_json() for t in self.termine],
        }


def run_time(iso: str) -> str:
    """``2026-11-30T18:03:59`` as people read it: ``30.11.2026 um 18:03 Uhr``."""
    try:
        when = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    return f"{when:%d.%m.%Y} um {when:%H:%M} Uhr"


def _plan_state(rows: list[TischplanZeile], planned_at: dt.datetime | None, last_change: dt.datetime | None) -> str:
    if not rows:
        return "keiner"
    if planned_at is not None and last_change is not None and last_change > planned_at:
        return "veraltet"
    return "aktuell"


def build_status(
    dataset: Dataset,
    today: dt.date,
    *,
    due: Iterable[tuple[str, str]] = (),
    held: Iterable[str] = (),
    last_run: dict[str, Any] | None = None,
    plan_times: dict[str, dt.datetime] | None = None,
    findings: Iterable[Hinweis] | None = None,
) -> StatusReport:
    """The status of every date that is not long past (dates of the last 90 days and all later ones).

    ``due`` lists (Termin-ID, Art) of the messages due now; ``held`` the reasons of messages held back;
    ``plan_times`` when each date's plan was made (to tell a stale plan).
    """
    due_by_date = Counter(termin_id for termin_id, _ in due)
    kontakte = {k.kontakt_id: k for k in dataset.all(Kontakt)}
    plan_rows: dict[str, list[TischplanZeile]] = {}
    for row in dataset.all(TischplanZeile):
        plan_rows.setdefault(row.termin_id, []).append(row)
    versand: dict[str, Counter[str]] = {}
    for message in dataset.all(Versand):
        versand.setdefault(message.termin_id or "", Counter())[message.status] += 1
    by_date: dict[str, list[Anmeldung]] = {}
    for anmeldung in dataset.all(Anmeldung):
        by_date.setdefault(anmeldung.termin_id, []).append(anmeldung)

    reports = []
    for termin in sorted(dataset.all(Termin), key=lambda t: (t.datum, t.termin_id)):
        if (today - termin.datum).days > 90:
            continue
        registrations = by_date.get(termin.termin_id, [])
        holding = [a for a in registrations if a.status in HOLDING_A_PLACE]
        groups: Counter[str] = Counter()
        places: Counter[str] = Counter()
        history = []
        for anmeldung in holding:
            kontakt = kontakte.get(anmeldung.kontakt_id)
            group = (kontakt.gruppe if kontakt else None) or UNKNOWN_GROUP
            kommune = (kontakt.kommune if kontakt else None) or UNKNOWN_GROUP
            groups[group] += anmeldung.personen
            places[kommune] += anmeldung.personen
            if anmeldung.eingegangen is not None:
                history += [(anmeldung.eingegangen.date(), group, kommune)] * anmeldung.personen
        changes = [a.eingegangen for a in registrations if a.eingegangen is not None]
        messages = dict(versand.get(termin.termin_id, Counter()))
        messages["fällig"] = due_by_date.get(termin.termin_id, 0)
        reports.append(
            TerminStatusReport(
                termin_id=termin.termin_id, titel=termin.titel, datum=termin.datum, status=termin.status,
                plaetze=termin.plaetze, belegt=sum(a.personen for a in holding),
                begleitungen=sum(a.personen - 1 for a in holding),
                warteliste=sum(a.personen for a in registrations if a.status == "Warteliste"),
                abgesagt=sum(1 for a in registrations if a.status == "abgesagt"),
                tage_bis_anmeldeschluss=(termin.anmeldeschluss - today).days if termin.anmeldeschluss else None,
                nachrichten=messages,
                tischplan=_plan_state(plan_rows.get(termin.termin_id, []), (plan_times or {}).get(termin.termin_id),
                                      max(changes, default=None)),
                gruppen=dict(groups.most_common()), kommunen=dict(places.most_common()), verlauf=sorted(history),
            )
        )  # fmt: skip
    severities = Counter(f.schwere for f in (findings if findings is not None else dataset.all(Hinweis)))
    return StatusReport(
        heute=today,
        termine=reports,
        hinweise={s: severities.get(s, 0) for s in ("Fehler", "Warnung", "Info")},
        letzter_lauf=last_run,
        nachrichten_zurueckgehalten=dict(Counter(held).most_common()),
    )


def cumulative(history: list[tuple[dt.date, str, str]], by: int) -> tuple[list[dt.date], dict[str, list[int]]]:
    """Registrations over time: the days, and per group (``by=1``) or municipality (``by=2``) the running total."""
    days = sorted({entry[0] for entry in history})
    keys = sorted({entry[by] for entry in history})
    per_day: Counter[tuple[dt.date, str]] = Counter((entry[0], str(entry[by])) for entry in history)
    series: dict[str, list[int]] = {}
    for key in keys:
        total, values = 0, []
        for day in days:
            total += per_day[(day, str(key))]
            values.append(total)
        series[str(key)] = values
    return days, series
