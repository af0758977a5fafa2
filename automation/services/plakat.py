"""``plakat``: posters (A4, A3 PDF), a square image for social media and a short text for a date."""

from __future__ import annotations

import base64
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path

from automation.adapters.files import write_atomically
from automation.adapters.html import german_date, render, time_span
from automation.adapters.links import LinkBuilder
from automation.adapters.printouts.zweite_sprache import zweite
from automation.domain.dataset import Dataset
from automation.domain.errors import ConfigError
from automation.domain.farben import contrast, readable_on_white
from automation.domain.form_options import termin_option_text
from automation.domain.records import Kommune, Termin, Verein
from automation.services.session import open_workspace
from automation.services.wiring import Workspace

MAX_CLUBS = 6
FORMATS = {"A4": "A4", "A3": "A3"}


@dataclass
class PosterEvent:
    """What every printout about a date shows."""

    termin: Termin
    datum: str
    zeit: str
    kommune: str
    kommunen: list[str]
    vereine: list[str]
    weitere_vereine: int
    link: str
    telefon: str | None
    farbe: str
    logo: str | None
    titel_reihe: str
    notes: list[str] = field(default_factory=list)
    zweite: dict[str, str] | None = None  # texts in [darstellung] zweite_sprache, or None


@dataclass
class PosterFiles:
    files: list[Path]
    link: str
    farbe: str
    notes: list[str]


def safe_name(termin_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", termin_id.strip())


def find_termin(dataset: Dataset, termin_id: str) -> Termin:
    termin = dataset.get(Termin, termin_id.strip())
    if termin is None and dataset.unreadable(Termin, termin_id.strip()):
        raise ConfigError(dataset.unreadable_text(Termin, termin_id.strip()) + " Bitte korrigieren.")
    if termin is None:
        known = ", ".join(t.termin_id for t in dataset.all(Termin)) or "keine"
        raise ConfigError(f"Den Termin »{termin_id}« gibt es im Tab »Termine« nicht (vorhanden: {known}).")
    return termin


def registration_link(workspace: Workspace, termin: Termin) -> str:
    """The configured public link, else the Google form with the date preselected."""
    configured = workspace.settings.darstellung.anmeldelink
    if configured:
        return configured.strip()
    link = LinkBuilder.for_workspace(workspace.folder, workspace.settings).registration(termin_option_text(termin))
    if link is None:
        raise ConfigError(
            "Es gibt keinen Anmeldelink für den QR-Code: entweder mit »gespraechsrunde formulare« das "
            "Google-Formular anlegen oder in gespraechsrunde.toml unter [darstellung] anmeldelink = "
            '"https://…" eintragen.'
        )
    return link


def _logo(workspace: Workspace) -> str | None:
    """An https logo as is; a file in the workspace as data URI (printouts never fetch local paths)."""
    logo = workspace.settings.darstellung.logo
    if not logo:
        return None
    if logo.startswith(("https://", "http://", "data:")):
        return logo
    path = workspace.path(Path(logo))
    if not path.is_file():
        raise ConfigError(f"Das Logo »{logo}« ([darstellung] logo) gibt es nicht. Bitte Pfad oder Adresse prüfen.")
    kind = mimetypes.guess_type(path.name)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def event(workspace: Workspace, dataset: Dataset, termin_id: str, need_link: bool = True) -> PosterEvent:
    termin = find_termin(dataset, termin_id)
    settings = workspace.settings
    names = {k.kuerzel.casefold(): k.name for k in dataset.all(Kommune)}
    names |= {k.name.casefold(): k.name for k in dataset.all(Kommune)}
    kommunen = [names.get(k.casefold(), k) for k in termin.kommunen]
    clubs = sorted((v.name for v in dataset.all(Verein) if termin.termin_id in v.termine), key=lambda n: n.casefold())
    notes = []
    farbe = readable_on_white(settings.darstellung.farbe)
    if farbe != settings.darstellung.farbe.lower():
        notes.append(
            f"Die Farbe {settings.darstellung.farbe} hat mit Weiß nur den Kontrast "
            f"{contrast(settings.darstellung.farbe, '#ffffff'):.1f}:1 (nötig 4,5:1); verwendet wird das "
            f"dunklere {farbe}."
        )
    if not clubs:
        notes.append(f"Noch kein Verein nennt {termin.termin_id} in »Termine (teilnehmend)«.")
    return PosterEvent(
        termin=termin,
        datum=german_date(termin.datum),
        zeit=time_span(termin.beginn, termin.ende),
        kommune=settings.darstellung.kommune,
        kommunen=kommunen,
        vereine=clubs[:MAX_CLUBS],
        weitere_vereine=max(0, len(clubs) - MAX_CLUBS),
        link=registration_link(workspace, termin) if need_link else (settings.darstellung.anmeldelink or ""),
        telefon=settings.darstellung.telefon,
        farbe=farbe,
        logo=_logo(workspace),
        titel_reihe=settings.titel,
        notes=notes,
        zweite=zweite(settings.darstellung.zweite_sprache, datum=termin.datum),
    )


def web_text(ev: PosterEvent) -> str:
    """The short text for the municipal website or newsletter, plain."""
    t = ev.termin
    ort = ", ".join(p for p in (t.ort, t.adresse) if p)
    lines = [
        f"{t.titel} – {ev.titel_reihe}",
        "",
        f"{ev.datum}{', ' + ev.zeit if ev.zeit else ''}{', ' + ort if ort else ''}.",
        "",
        "Sie sind neu hier, leben nur zeitweise hier oder sind oft unterwegs? Dann kommen Sie! Lernen Sie "
        "Vereine und Gruppen kennen. Kommen Sie ins Gespräch. Finden Sie etwas zum Mitmachen, das zu Ihrer "
        f"Zeit passt. Es lädt ein: {ev.kommune}.",
    ]
    if ev.vereine:
        more = f" und {ev.weitere_vereine} weitere" if ev.weitere_vereine else ""
        lines += ["", f"Mit dabei: {', '.join(ev.vereine)}{more}."]
    lines += ["", f"Anmeldung: {ev.link}"]
    if ev.telefon:
        lines.append(f"oder telefonisch: {ev.telefon}")
    return "\n".join(lines) + "\n"


def make_poster(workspace: Workspace, dataset: Dataset, termin_id: str, target: Path | None = None) -> PosterFiles:
    """Write ``plakat-ID-A4.pdf``, ``-A3.pdf``, ``-quadrat.png``, ``plakat-ID.txt`` and ``plakat-ID.html``."""
    from automation.adapters.pdf import html_to_pdf, html_to_png
    from automation.adapters.qr import qr_svg

    ev = event(workspace, dataset, termin_id)
    folder = target or workspace.folder / "ausgabe"
    base = f"plakat-{safe_name(ev.termin.termin_id)}"
    qr = qr_svg(ev.link)
    files: list[Path] = []
    for name, size in FORMATS.items():
        html = folder / f"{base}-{name}.html"
        write_atomically(html, render("plakat/plakat.html.j2", workspace.folder, ev=ev, qr=qr, format=size))
        html_to_pdf(html, folder / f"{base}-{name}.pdf")
        files.append(folder / f"{base}-{name}.pdf")
    square = folder / f"{base}-quadrat.html"
    write_atomically(square, render("plakat/plakat.html.j2", workspace.folder, ev=ev, qr=qr, format="quadrat"))
    html_to_png(square, folder / f"{base}-quadrat.png", 1080, 1080)
    files.append(folder / f"{base}-quadrat.png")
    write_atomically(folder / f"{base}.txt", web_text(ev))
    write_atomically(folder / f"{base}.html", render("plakat/text.html.j2", workspace.folder, ev=ev))
    files += [folder / f"{base}.txt", folder / f"{base}.html"]
    return PosterFiles(files, ev.link, ev.farbe, ev.notes)


def poster(folder: Path, termin_id: str) -> PosterFiles:
    """``plakat``: read the workspace (no lock, nothing written to the store) and write the poster files."""
    with open_workspace(folder, write=False) as ctx:
        return make_poster(ctx.workspace, ctx.dataset, termin_id)
