"""``terminvorschlag``: rank candidate dates of a window and write them to the tab ``Terminvorschläge``."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automation.domain.anwesenheit import parse_presence
from automation.domain.dataset import Dataset
from automation.domain.errors import ConfigError
from automation.domain.records import Kommune, Kontakt, TerminvorschlagZeile
from automation.domain.store import ChangeSet
from automation.domain.terminvorschlag import (
    POLL_POINTS,
    Candidate,
    Person,
    ProposalResult,
    rank_dates,
    weekday_numbers,
)
from automation.services.session import open_workspace
from automation.services.wiring import Workspace


@dataclass
class Suggestion:
    result: ProposalResult
    laender: dict[str, str]  # Kommune → Land code
    notes: list[str] = field(default_factory=list)


def laender_of(workspace: Workspace, dataset: Dataset) -> tuple[dict[str, str], list[str]]:
    """The Land of each participating municipality (``[kommunen]`` by name or Kürzel) and German notes."""
    from automation.adapters.feiertage import land_code

    configured = {k.casefold(): v for k, v in workspace.settings.kommunen.items()}
    bad = [f"{k} = »{v}«" for k, v in workspace.settings.kommunen.items() if land_code(v) is None]
    if bad:
        raise ConfigError(
            "In gespraechsrunde.toml unter [kommunen] steht kein Bundesland: " + ", ".join(bad) + ". Erlaubt sind "
            "die Kürzel BW, BY, BE, BB, HB, HH, HE, MV, NI, NW, RP, SL, SN, ST, SH, TH oder der Name des Landes."
        )
    names = [(k.name, k.kuerzel) for k in dataset.all(Kommune)] or [(k, k) for k in workspace.settings.kommunen]
    result: dict[str, str] = {}
    notes = []
    for name, kuerzel in names:
        value = configured.get(name.casefold()) or configured.get(kuerzel.casefold())
        code = land_code(value) if value else None
        if code is None:
            notes.append(
                f"Für die Kommune {name} ist kein Bundesland eingetragen; ihre Ferien sind nicht berücksichtigt. "
                f'Bitte in gespraechsrunde.toml unter [kommunen] ergänzen, z. B. {name} = "BY".'
            )
        else:
            result[name] = code
    if not result:
        raise ConfigError(
            "Kein Bundesland bekannt: Terminvorschläge brauchen die Ferien. Bitte in gespraechsrunde.toml "
            'einen Abschnitt [kommunen] mit dem Land je Kommune anlegen, z. B. Adorf = "BY".'
        )
    return result, notes


_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")


def dates_in(text: str) -> set[dt.date]:
    """Every date written in a cell (»Samstag, 13.03.2027; 20.3.27«, ISO); impossible dates are skipped."""
    found = set()
    for match in _DATE.finditer(text):
        try:
            if match.group(1):
                year = int(match.group(3))
                found.add(dt.date(year + 2000 if year < 100 else year, int(match.group(2)), int(match.group(1))))
            else:
                found.add(dt.date(int(match.group(4)), int(match.group(5)), int(match.group(6))))
        except ValueError:
            continue
    return found


def poll_answers(workspace: Workspace) -> tuple[dict[dt.date, int], list[str]]:
    """»passt« per day from the date poll's CSV exports (``<antworten>/terminumfrage*.csv``), with notes."""
    from automation.domain.forms import load_form
    from automation.domain.resources import formulare_dir

    own = workspace.folder / "formulare" / "terminumfrage.yaml"
    form = load_form(own if own.is_file() else formulare_dir() / "terminumfrage.yaml")
    title = form.question("termine").titel
    counts: dict[dt.date, int] = {}
    answers = 0
    notes = []
    for path in sorted(workspace.path(workspace.settings.lokal.antworten).glob("terminumfrage*.csv")):
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            notes.append(f"Die Terminumfrage {path.name} ist nicht lesbar ({exc}); sie zählt nicht mit.")
            continue
        if rows and title not in rows[0]:
            notes.append(f"In {path.name} fehlt die Spalte »{title}«; die Datei zählt nicht mit.")
            continue
        for row in rows:
            days = dates_in(row.get(title) or "")
            answers += bool(days)
            for day in days:
                counts[day] = counts.get(day, 0) + 1
    if answers:
        notes.append(f"Terminumfrage: {answers} Antworten berücksichtigt (je »passt« {POLL_POINTS:g} Punkte).")
    return counts, notes


def suggest(workspace: Workspace, dataset: Dataset, von: dt.date, bis: dt.date) -> Suggestion:
    """Candidate dates between ``von`` and ``bis`` (pure apart from the holidays data)."""
    from automation.adapters.feiertage import closed_days

    if bis < von:
        raise ConfigError(f"--bis ({bis:%d.%m.%Y}) liegt vor --von ({von:%d.%m.%Y}). Bitte tauschen.")
    if (bis - von).days > 3 * 366:
        raise ConfigError("Das Zeitfenster ist länger als drei Jahre. Bitte ein kürzeres Fenster wählen.")
    settings = workspace.settings.terminvorschlag
    try:
        weekdays = weekday_numbers(settings.wochentage)
    except ValueError as exc:
        raise ConfigError(f"[terminvorschlag] wochentage: {exc}") from None
    laender, notes = laender_of(workspace, dataset)
    closed = closed_days(list(laender.values()), von, bis)
    people = [
        Person(k.gruppe, parse_presence(", ".join(k.anwesenheit))) for k in dataset.all(Kontakt) if not k.abgemeldet
    ]
    poll, poll_notes = poll_answers(workspace)
    notes += poll_notes
    result = rank_dates(von, bis, weekdays, people, closed.days, beginn=settings.beginn, ende=settings.ende, poll=poll)
    if result.unknown_presence:
        notes.append(f"{result.unknown_presence} Kontakte ohne lesbare Angabe in »Anwesenheit« sind nicht mitgezählt.")
    return Suggestion(result, laender, notes + closed.gaps)


def rows(result: ProposalResult) -> list[TerminvorschlagZeile]:
    def row(c: Candidate) -> TerminvorschlagZeile:
        return TerminvorschlagZeile(
            datum=c.datum, wochentag=c.weekday, beginn=c.beginn, ende=c.ende, rang=c.rang,
            punkte=None if c.excluded else round(c.punkte), anwesend=None if c.excluded else c.anwesend,
            ergebnis="ausgeschlossen" if c.excluded else "vorgeschlagen", begruendung=c.reason(),
        )  # fmt: skip

    return [row(c) for c in result.suggested] + [row(c) for c in result.excluded]


def run(folder: Path, von: dt.date, bis: dt.date, *, dry_run: bool = False) -> tuple[Suggestion, int]:
    """Read the store once, rank, and (unless ``dry_run``) replace the tab ``Terminvorschläge``."""
    with open_workspace(folder, dry_run=dry_run, complete_tabs=True) as ctx:
        dataset = ctx.dataset
        suggestion = suggest(ctx.workspace, dataset, von, bis)
        if dry_run:
            return suggestion, 0
        new = rows(suggestion.result)
        dataset.replace(TerminvorschlagZeile, new)
        replaced = [r for r in dataset.changes().replaces if r.tab == TerminvorschlagZeile.TAB]
        if replaced:
            ctx.store.apply(ChangeSet(replaces=replaced))
    return suggestion, len(new)


def as_json(suggestion: Suggestion) -> dict[str, Any]:
    def item(c: Candidate) -> dict[str, Any]:
        return {
            "datum": c.datum.isoformat(), "wochentag": c.weekday,
            "beginn": c.beginn.strftime("%H:%M") if c.beginn else None,
            "ende": c.ende.strftime("%H:%M") if c.ende else None,
            "rang": c.rang, "punkte": round(c.punkte, 1), "anwesend": c.anwesend,
            "nach_gruppe": dict(c.by_group), "begruendung": c.reason(),
        }  # fmt: skip

    return {
        "vorschlaege": [item(c) for c in suggestion.result.suggested],
        "ausgeschlossen": [{"datum": c.datum.isoformat(), "gruende": c.excluded} for c in suggestion.result.excluded],
        "bundeslaender": suggestion.laender,
        "hinweise": suggestion.notes,
    }
