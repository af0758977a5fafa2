"""``einlass``: the alphabetical check-in list of a date and the column ``Anmeldungen.Anwesend``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from automation.adapters.files import write_atomically
from automation.adapters.html import german_date, render, time_span
from automation.adapters.printouts.zweite_sprache import zweite
from automation.domain.dataset import Dataset
from automation.domain.records import Anmeldung, Kontakt
from automation.services.plakat import find_termin, safe_name
from automation.services.session import open_workspace

EMPTY_ROWS = 12  # for late registrations and walk-ins


@dataclass
class Guest:
    anmelde_id: str
    name: str
    begleitung: int
    barrierefreiheit: str
    kinderbetreuung: bool
    status: str
    anwesend: bool


@dataclass
class CheckIn:
    termin_id: str
    guests: list[Guest]
    files: list[Path]


def guests(dataset: Dataset, termin_id: str) -> list[Guest]:
    """Everyone with a place (and those already marked as present), by last name, then first name."""
    result = []
    for a in dataset.all(Anmeldung):
        if a.termin_id != termin_id or a.status not in ("angemeldet", "teilgenommen"):
            continue
        kontakt = dataset.get(Kontakt, a.kontakt_id)
        last = (kontakt.nachname or "") if kontakt else ""
        first = (kontakt.vorname or "") if kontakt else ""
        name = ", ".join(p for p in (last, first) if p) or (kontakt.display_name if kontakt else a.kontakt_id)
        result.append(
            Guest(a.anmelde_id, name, a.personen - 1, a.barrierefreiheit or "", bool(a.kinderbetreuung), a.status,
                  bool(a.anwesend))
        )  # fmt: skip
    return sorted(result, key=lambda g: (german_sort_key(g.name), g.anmelde_id))


def german_sort_key(text: str) -> str:
    """Sort as a German phone book: »Öztürk« with O, »Straße« as »strasse«."""
    table = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e", "á": "a", "ó": "o"})
    return text.casefold().translate(table)


def check_in_list(folder: Path, termin_id: str, *, pdf: bool = True) -> CheckIn:
    """Add the column ``Anwesend`` where it is missing and write ``ausgabe/einlass-ID.html`` (and ``.pdf``)."""
    with open_workspace(folder, complete_tabs=True) as ctx:  # adds »Anwesend« to Anmeldungen where it is missing
        workspace, dataset = ctx.workspace, ctx.dataset
    termin = find_termin(dataset, termin_id)
    people = guests(dataset, termin.termin_id)
    html = render(
        "einlass/einlass.html.j2",
        workspace.folder,
        termin=termin,
        datum=german_date(termin.datum),
        zeit=time_span(termin.beginn, termin.ende),
        gaeste=people,
        personen=sum(1 + g.begleitung for g in people),
        leer=EMPTY_ROWS,
        farbe=workspace.settings.darstellung.farbe,
        zweite=zweite(workspace.settings.darstellung.zweite_sprache),
    )
    base = workspace.folder / "ausgabe" / f"einlass-{safe_name(termin.termin_id)}"
    write_atomically(base.with_suffix(".html"), html)
    files = [base.with_suffix(".html")]
    if pdf:
        from automation.adapters.pdf import html_to_pdf

        html_to_pdf(base.with_suffix(".html"), base.with_suffix(".pdf"))
        files.insert(0, base.with_suffix(".pdf"))
    return CheckIn(termin.termin_id, people, files)
