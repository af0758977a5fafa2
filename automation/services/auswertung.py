"""Use case ``gespraechsrunde auswertung --termin ID``: figures, HTML + PDF reports, the ``--json`` format.

Reads the store once, computes the figures (:mod:`automation.domain.auswertung`), renders
``vorlagen/auswertung/uebersicht.html.j2`` and ``verein.html.j2`` (autoescape on; charts are inline SVG
drawn by matplotlib) into ``ausgabe/auswertung-<Termin-ID>/`` and prints them to PDF with Chromium.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automation.domain.auswertung import (
    MIN_GROUP,
    Tabs,
    VereinsZahlen,
    Wirkung,
    Zahlen,
    figures,
    impact,
    masked,
)
from automation.domain.dataset import Dataset
from automation.domain.errors import GespraechsrundeError
from automation.domain.records import (
    Angebot,
    Anmeldung,
    Feedback,
    Kontakt,
    Nachfrage,
    Termin,
    TischplanZeile,
    Verein,
    Versand,
)
from automation.domain.weitergabe import passed_on
from automation.services.wiring import Workspace

OUTPUT = "ausgabe"


class AuswertungError(GespraechsrundeError):
    """The report cannot be made (unknown date …)."""

    exit_code = 2


def tabs_of(dataset: Dataset) -> Tabs:
    """The records the figures need, with what was passed on to which club."""
    termine, vereine = dataset.all(Termin), dataset.all(Verein)
    kontakte, feedback = dataset.all(Kontakt), dataset.all(Feedback)
    return Tabs(
        termine=termine,
        vereine=vereine,
        angebote=dataset.all(Angebot),
        kontakte=kontakte,
        anmeldungen=dataset.all(Anmeldung),
        feedback=feedback,
        tischplan=dataset.all(TischplanZeile),
        weitergegeben=passed_on(dataset.all(Versand), termine, vereine, kontakte, feedback),
    )


def joined_clubs(dataset: Dataset) -> dict[tuple[str, str], set[str]]:
    """(Termin-ID, Kontakt-ID) → clubs joined, from the ``Nachfrage`` tab (follow-up and clubs' reports)."""
    result: dict[tuple[str, str], set[str]] = {}
    for row in dataset.all(Nachfrage):
        if row.mitgemacht and row.termin_id and row.kontakt_id:
            result.setdefault((row.termin_id, row.kontakt_id), set()).update(row.vereine or ["(Verein nicht genannt)"])
    return result


def _termin(dataset: Dataset, termin_id: str) -> Termin:
    termin = dataset.get(Termin, termin_id)
    if termin is None:
        known = ", ".join(t.termin_id for t in dataset.all(Termin)) or "keine"
        raise AuswertungError(f"Einen Termin »{termin_id}« gibt es im Tab Termine nicht (bekannt: {known}).")
    return termin


@dataclass
class Auswertung:
    zahlen: Zahlen
    wirkung: list[Wirkung]
    wirkung_gesamt: Wirkung
    frueher: list[Zahlen]
    folder: Path
    files: list[Path] = field(default_factory=list)
    pdf_problem: str | None = None


def compute(dataset: Dataset, termin_id: str, folder: Path) -> Auswertung:
    termin = _termin(dataset, termin_id)
    tabs = tabs_of(dataset)
    zahlen = figures(tabs, termin)
    wirkung, gesamt = impact(tabs, joined_clubs(dataset), before=termin.datum)
    earlier = sorted(
        (t for t in tabs.termine if t.datum < termin.datum and t.status != "abgesagt"), key=lambda t: t.datum
    )
    frueher = [figures(tabs, t) for t in earlier[-4:]]
    return Auswertung(zahlen, wirkung, gesamt, frueher, folder / OUTPUT / f"auswertung-{termin.termin_id}")


# -- the stable --json format --------------------------------------------------------------------------


def _club_json(v: VereinsZahlen) -> dict[str, Any]:
    return {
        "vereins_id": v.vereins_id,
        "name": v.name,
        "am_tisch": v.am_tisch,
        "interessiert": v.interessiert,
        "kontaktwunsch": v.kontaktwunsch,
        "weitergegeben": v.weitergegeben,
        "bewertung_mittel": v.bewertung_mittel,
    }


def _impact_json(w: Wirkung) -> dict[str, Any]:
    return {
        "termin_id": w.termin_id,
        "teilgenommen": w.teilgenommen,
        "beigetreten": w.beigetreten,
        "wiedergekommen": w.wiedergekommen,
        "nach_gruppe": w.nach_gruppe,
        "nach_verein": w.nach_verein,
        "nach_kommune": w.nach_kommune,
    }


def as_json(result: Auswertung) -> dict[str, Any]:
    """The figures as documented in the README (exact numbers: for the coordination only)."""
    z = result.zahlen
    return {
        "format": 1,
        "termin": {"id": z.termin.termin_id, "titel": z.termin.titel, "datum": z.termin.datum.isoformat()},
        "angemeldet": z.angemeldet,
        "teilgenommen": z.teilgenommen,
        "nicht_erschienen": z.nicht_erschienen,
        "personen_teilgenommen": z.personen_teilgenommen,
        "feedback": z.feedback_anzahl,
        "bewertung_mittel": z.bewertung_mittel,
        "bewertung_verteilung": {str(k): v for k, v in z.bewertung_verteilung.items()},
        "nach_gruppe": z.nach_gruppe,
        "nach_kommune": z.nach_kommune,
        "zeiten": z.zeiten,
        "vereine": [_club_json(v) for v in z.vereine],
        "wirkung": {"termine": [_impact_json(w) for w in result.wirkung], "alle": _impact_json(result.wirkung_gesamt)},
        "dateien": [str(p) for p in result.files],
    }


# -- HTML and PDF --------------------------------------------------------------------------------------


def _rows_masked(counts: dict[str, int]) -> list[tuple[str, str, int | None]]:
    """(label, shown value, bar value or None) – groups of 1 or 2 are never shown."""
    return [(label, masked(n), n if not 0 < n < MIN_GROUP else None) for label, n in counts.items()]


def _german_number(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from automation.domain.resources import vorlagen_dir

    env = Environment(
        loader=FileSystemLoader(str(vorlagen_dir())),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["zahl"] = _german_number
    from automation.adapters.html import install_bdi

    install_bdi(env)  # {{ text | bdi }}: club names and free answers isolated
    return env


def _chart(rows: list[tuple[str, str, int | None]], color: str) -> Any:
    """The SVG of a chart, or None when every shown value is 0 (an empty chart says nothing)."""
    from markupsafe import Markup

    if not any(r[2] for r in rows) and not any(r[2] is None for r in rows):
        return None

    from automation.adapters.charts import bar_chart

    return Markup(bar_chart([r[0] for r in rows], [r[2] for r in rows], color=color))


def _date(value: dt.date) -> str:
    from automation.adapters.mail.render import date_long

    return date_long(value)


def _grouped(texts: list[str]) -> list[str]:
    """Same texts once, with how often they came (»… (3×)«), most frequent first."""
    from collections import Counter

    counts = Counter(" ".join(t.split()) for t in texts if t.strip())
    return [f"{text} ({n}×)" if n > 1 else text for text, n in counts.most_common()]


def render_overview(result: Auswertung, workspace: Workspace) -> str:
    z = result.zahlen
    color = workspace.settings.darstellung.farbe
    groups = {g: c["teilgenommen"] for g, c in z.nach_gruppe.items()}
    places = {k: c["teilgenommen"] for k, c in z.nach_kommune.items()}
    clubs = {v.name: v.interessiert for v in z.vereine}
    times = dict(z.zeiten)
    ratings = {f"{n} {'Stern' if n == 1 else 'Sterne'}": c for n, c in z.bewertung_verteilung.items()}
    sections = [
        ("Teilnehmende nach Gruppe", "Gruppe", groups),
        ("Teilnehmende nach Kommune", "Kommune", places),
        ("Bewertungen", "Bewertung", ratings),
        ("Interesse an Vereinen (Feedback)", "Verein", clubs),
        ("Wann die Teilnehmenden Zeit haben", "Zeit", times),
    ]
    charts = [
        {"titel": title, "spalte": column, "zeilen": _rows_masked(counts), "svg": _chart(_rows_masked(counts), color)}
        for title, column, counts in sections
        if counts
    ]
    return str(
        _environment()
        .get_template("auswertung/uebersicht.html.j2")
        .render(
            titel=workspace.settings.titel,
            kommune=workspace.settings.darstellung.kommune,
            farbe=color,
            termin=z.termin,
            datum=_date(z.termin.datum),
            z=z,
            nach_gruppe=[
                (g, masked(c["teilgenommen"]), masked(c["nicht erschienen"])) for g, c in z.nach_gruppe.items()
            ],
            nach_kommune=[
                (k, masked(c["teilgenommen"]), masked(c["nicht erschienen"])) for k, c in z.nach_kommune.items()
            ],
            charts=charts,
            vereine=[
                (v, masked(v.am_tisch), masked(v.interessiert), masked(v.kontaktwunsch), masked(v.weitergegeben))
                for v in z.vereine
            ],
            frueher=[(f, _date(f.termin.datum)) for f in result.frueher],
            verbesserungen=_grouped(z.verbesserungen),
            freitexte=_grouped(z.freitexte),
            wirkung=result.wirkung,
            gesamt=result.wirkung_gesamt,
            masked=masked,
            erstellt=dt.date.today().strftime("%d.%m.%Y"),
        )
    )


def render_club(result: Auswertung, workspace: Workspace, zahlen: VereinsZahlen, offers: list[Angebot]) -> str:
    color = workspace.settings.darstellung.farbe
    times = _rows_masked(dict(zahlen.zeiten))
    groups = _rows_masked(zahlen.interessiert_nach_gruppe)
    charts = [
        {"titel": "Wann die Interessierten Zeit haben", "spalte": "Zeit", "zeilen": times, "svg": _chart(times, color)},
        {"titel": "Interessierte nach Gruppe", "spalte": "Gruppe", "zeilen": groups, "svg": _chart(groups, color)},
    ]
    return str(
        _environment()
        .get_template("auswertung/verein.html.j2")
        .render(
            titel=workspace.settings.titel,
            kommune=workspace.settings.darstellung.kommune,
            kontakt_adresse=workspace.settings.darstellung.kontakt_adresse or workspace.settings.mail.absender_adresse,
            farbe=color,
            termin=result.zahlen.termin,
            datum=_date(result.zahlen.termin.datum),
            v=zahlen,
            am_tisch=masked(zahlen.am_tisch),
            interessiert=masked(zahlen.interessiert),
            kontaktwunsch=masked(zahlen.kontaktwunsch),
            weitergegeben=masked(zahlen.weitergegeben),
            bewertung=zahlen.bewertung_mittel if zahlen.bewertungen >= MIN_GROUP else None,
            charts=charts,
            angebote=offers,
            erstellt=dt.date.today().strftime("%d.%m.%Y"),
        )
    )


def write_reports(result: Auswertung, workspace: Workspace, dataset: Dataset, *, pdf: bool = True) -> list[Path]:
    """Write ``uebersicht.html`` and ``verein-<ID>.html`` (+ PDFs); returns the files written."""
    from automation.adapters.pdf import PdfError, html_to_pdf_many

    result.folder.mkdir(parents=True, exist_ok=True)
    pages: list[Path] = []
    overview = result.folder / "uebersicht.html"
    overview.write_text(render_overview(result, workspace), encoding="utf-8")
    pages.append(overview)
    offers = dataset.all(Angebot)
    for zahlen in result.zahlen.vereine:
        own = [a for a in offers if a.vereins_id == zahlen.vereins_id]
        page = result.folder / f"verein-{_safe(zahlen.vereins_id)}.html"
        page.write_text(render_club(result, workspace, zahlen, own), encoding="utf-8")
        pages.append(page)
    files = list(pages)
    if pdf:
        try:
            html_to_pdf_many([(page, page.with_suffix(".pdf")) for page in pages])
        except PdfError as exc:
            result.pdf_problem = str(exc)
        files += [page.with_suffix(".pdf") for page in pages if page.with_suffix(".pdf").is_file()]
    result.files = files
    return files


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)


def club_pdf(result: Auswertung, vereins_id: str) -> Path:
    return result.folder / f"verein-{_safe(vereins_id)}.pdf"


def run_auswertung(workspace: Workspace, termin_id: str, *, pdf: bool = True, write: bool = True) -> Auswertung:
    """Read the store, compute the figures and (with ``write``) write the reports."""
    from automation.services.session import open_workspace

    with open_workspace(workspace.folder, workspace=workspace, write=False) as ctx:
        dataset = ctx.dataset
    result = compute(dataset, termin_id, workspace.folder)
    if write:
        write_reports(result, workspace, dataset, pdf=pdf)
    return result
