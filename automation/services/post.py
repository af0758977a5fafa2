"""``briefe`` and ``anrufliste``: invitations for people without e-mail, through the ``Versand`` ledger.

Letters: the PDF is written first (its own file per run, so an earlier batch is never overwritten),
then the ``Versand`` rows ``gedruckt`` in one write; if that write fails, the PDF is removed again, so
a letter exists only with its row. Calls: new people get an ``anzurufen`` row, then the list is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from automation.adapters.files import write_atomically
from automation.adapters.html import german_date, render
from automation.domain import post
from automation.domain.dataset import Dataset
from automation.domain.errors import ConfigError, GespraechsrundeError
from automation.domain.mail.due import invitations
from automation.domain.records import Kontakt, Termin, Versand
from automation.services.mail.ledger_guard import guard, remember
from automation.services.plakat import PosterEvent, event, safe_name
from automation.services.runner import JobContext
from automation.services.session import open_workspace
from automation.services.wiring import Workspace

# what decides whether a person may be written to and whether they were already: never read past a drifted tab
LEDGER_TABS = ("Termine", "Kontakte", "Anmeldungen", "Versand")


@dataclass
class PostResult:
    termin: Termin
    people: list[Kontakt]
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class LedgerUnreadableError(GespraechsrundeError):
    """A row of ``Versand`` cannot be read: whether someone was written to already is unknown."""


def _ledger_readable(dataset: Dataset) -> None:
    """Fail closed: with an unreadable ``Versand`` row nobody gets a letter or call (it might be theirs)."""
    bad = [f for f in dataset.findings if f.tabelle == Versand.TAB and f.schwere == "Fehler"]
    if bad:
        where = "; ".join(f"Zeile {f.zeile}, Spalte »{f.spalte}«: {f.hinweis}" for f in bad[:5])
        raise LedgerUnreadableError(
            f"Der Tab »Versand« hat Zeilen, die sich nicht lesen lassen ({where}). Ob jemand schon einen Brief "
            "oder Anruf bekam, ist deshalb unklar: es wird niemand eingeladen. Bitte die Zeilen korrigieren "
            "(Status z. B. »gedruckt«, »anzurufen«, »angerufen«) und den Befehl wiederholen."
        )


def _channels(dataset: Dataset, termin: Termin, today: dt.date) -> tuple[post.Channels, list[str]]:
    _ledger_readable(dataset)
    notes = []
    if termin.status != "Anmeldung offen" or termin.datum < today:
        notes.append(
            f"Termin {termin.termin_id} ist nicht zur Anmeldung offen (Status »{termin.status}«): "
            "niemand wird eingeladen."
        )
    elif termin.anmeldeschluss is not None and termin.anmeldeschluss < today:
        notes.append(f"Der Anmeldeschluss von {termin.termin_id} ist vorbei: niemand wird eingeladen.")
    candidates = [d.kontakt for d in invitations(dataset, today, [termin.termin_id])]
    ledger = {v.schluessel: v for v in dataset.all(Versand)}
    found = post.channels(candidates, termin.termin_id, ledger)
    for kontakt, reason in found.unreachable:
        notes.append(f"{kontakt.kontakt_id} ({kontakt.display_name}) ist nicht erreichbar: {reason}.")
    return found, notes


def _rows(dataset: Dataset, art: str, status: str, termin: Termin, people: list[Kontakt], now: dt.datetime) -> None:
    for kontakt in people:
        adresse = ", ".join(post.address_lines(kontakt) or []) if art == post.BRIEF else kontakt.telefon
        dataset.put(
            Versand(
                schluessel=post.key(art, termin.termin_id, kontakt.kontakt_id), art=art, termin_id=termin.termin_id,
                kontakt_id=kontakt.kontakt_id, adresse=adresse, status=status, zeit=now,
            )
        )  # fmt: skip


def _guard(ctx: JobContext) -> None:
    """Rows of »Versand« deleted by hand are put back first: nobody gets a second letter or call."""
    doubt = guard(ctx)
    if doubt is not None:
        raise GespraechsrundeError(doubt + " " + (ctx.report.findings[-1].vorschlag or ""))


def _save(workspace: Workspace, dataset: Dataset) -> None:
    result = workspace.store().apply(dataset.changes())
    if result.conflicts:
        raise ConfigError(
            "Der Tab »Versand« wurde gleichzeitig geändert: " + "; ".join(c.message() for c in result.conflicts)
        )


def letters(folder: Path, termin_id: str, *, now: dt.datetime | None = None, dry_run: bool = False) -> PostResult:
    """Write one PDF with a letter per new recipient and mark them ``gedruckt`` in ``Versand``."""
    now = now or dt.datetime.now().replace(microsecond=0)
    with open_workspace(folder, complete_tabs=True) as ctx:  # adds Straße/PLZ/Ort where they are missing
        workspace, dataset = ctx.workspace, ctx.dataset
        dataset.schema.require(LEDGER_TABS, "Das Drucken der Briefe")  # a dropped »Versand« row: printed twice
        _guard(ctx)
        ev = event(workspace, dataset, termin_id)
        found, notes = _channels(dataset, ev.termin, now.date())
        result = PostResult(ev.termin, found.letters, notes=notes)
        if dry_run or not found.letters:
            return result
        if not workspace.settings.darstellung.telefon:
            raise ConfigError(
                "Briefe nennen eine Telefonnummer für die Anmeldung und zum Abmelden: bitte in gespraechsrunde.toml "
                'unter [darstellung] telefon = "…" eintragen.'
            )
        from automation.adapters.pdf import html_to_pdf
        from automation.adapters.qr import qr_svg

        folder = workspace.folder / "ausgabe"
        base = f"briefe-{safe_name(ev.termin.termin_id)}-{now:%Y%m%d-%H%M%S}"
        html = folder / f"{base}.html"
        write_atomically(html, letters_html(workspace, ev, found.letters, now.date(), qr_svg(ev.link)))
        pdf = folder / f"{base}.pdf"
        html_to_pdf(html, pdf)
        _rows(dataset, post.BRIEF, post.LETTER_DONE, ev.termin, found.letters, now)
        try:
            _save(workspace, dataset)
        except BaseException:
            pdf.unlink(missing_ok=True)  # no letter without its row in »Versand«
            raise
        remember(ctx)
        result.files = [pdf, html]
        return result


def letters_html(workspace: Workspace, ev: PosterEvent, people: list[Kontakt], today: dt.date, qr: str) -> str:
    settings = workspace.settings.darstellung
    letters = [{"kontakt": k, "anschrift": post.address_lines(k) or []} for k in people]
    return render(
        "briefe/brief.html.j2",
        workspace.folder,
        ev=ev,
        briefe=letters,
        qr=qr,
        datum=german_date(today, weekday=False),
        absender=settings.postanschrift or ev.kommune,
        email=settings.kontakt_adresse,
    )


def call_list(
    folder: Path,
    termin_id: str,
    *,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    done: tuple[str, ...] = (),
    not_reached: tuple[str, ...] = (),
) -> PostResult:
    """Mark calls as done, add new people as ``anzurufen`` and write the list (HTML, PDF, CSV)."""
    now = now or dt.datetime.now().replace(microsecond=0)
    with open_workspace(folder, complete_tabs=True) as ctx:
        workspace, dataset = ctx.workspace, ctx.dataset
        dataset.schema.require(LEDGER_TABS, "Die Anrufliste")
        _guard(ctx)
        ev = event(workspace, dataset, termin_id, need_link=False)
        marked = _mark_calls(dataset, ev.termin, done, "angerufen") + _mark_calls(
            dataset, ev.termin, not_reached, "nicht erreicht"
        )
        found, notes = _channels(dataset, ev.termin, now.date())
        result = PostResult(ev.termin, found.calls, notes=notes + marked)
        if dry_run:
            return result
        _rows(dataset, post.ANRUF, post.CALL_OPEN, ev.termin, found.new_calls, now)
        _save(workspace, dataset)
        remember(ctx)
        folder = workspace.folder / "ausgabe"
        base = folder / f"anrufliste-{safe_name(ev.termin.termin_id)}"
        people = sorted(found.calls, key=lambda k: ((k.nachname or "").casefold(), (k.vorname or "").casefold()))
        result.people = people
        html = base.with_suffix(".html")
        write_atomically(html, render("briefe/anrufliste.html.j2", workspace.folder, ev=ev, leute=people,
                                  stand=f"{now:%d.%m.%Y %H:%M}"))  # fmt: skip
        write_atomically(base.with_suffix(".csv"), _csv(people, ev.termin))
        result.files = [html, base.with_suffix(".csv")]
        if people:
            from automation.adapters.pdf import html_to_pdf

            html_to_pdf(html, base.with_suffix(".pdf"))
            result.files.insert(0, base.with_suffix(".pdf"))
        return result


def _mark_calls(dataset: Dataset, termin: Termin, kontakt_ids: tuple[str, ...], status: str) -> list[str]:
    notes = []
    for kontakt_id in kontakt_ids:
        row = dataset.get(Versand, post.key(post.ANRUF, termin.termin_id, kontakt_id.strip()))
        if row is None:
            raise ConfigError(
                f"{kontakt_id} steht nicht auf der Anrufliste von {termin.termin_id} (keine Zeile "
                f"»{post.key(post.ANRUF, termin.termin_id, kontakt_id.strip())}« im Tab »Versand«)."
            )
        if row.status != status:
            dataset.put(row.model_copy(update={"status": status}))
            notes.append(f"{kontakt_id}: als »{status}« eingetragen.")
    return notes


def _cell(value: str | None) -> str:
    """A CSV cell a spreadsheet never reads as a formula (also »+49 …«)."""
    text = value or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _csv(people: list[Kontakt], termin: Termin) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Kontakt-ID", "Vorname", "Nachname", "Telefon", "Kommune", "Sprache", "Versand-Schlüssel"])
    for k in people:
        writer.writerow(
            [_cell(v) for v in (k.kontakt_id, k.vorname, k.nachname, k.telefon, k.kommune, k.sprache,
                                post.key(post.ANRUF, termin.termin_id, k.kontakt_id))]
        )  # fmt: skip
    return "\ufeff" + buffer.getvalue()  # with BOM: Excel opens umlauts correctly
