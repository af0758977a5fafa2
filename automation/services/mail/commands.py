"""What the commands ``einladen``, ``versand wiederholen`` and ``vorlagen`` do, as plain functions.

Each opens the workspace, takes the workspace lock, and works through the same :class:`Dispatcher` as
``sync`` – so consent, address checks and the ``Versand`` ledger apply on every path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from automation.adapters.mail.render import Renderer, sample_context
from automation.adapters.mail.senders import Sender
from automation.domain.dataset import Dataset
from automation.domain.errors import GespraechsrundeError
from automation.domain.ledger import RESENDABLE
from automation.domain.mail.due import DueMessage, consent_problem, invitations
from automation.domain.mail.kinds import Art, MessageKey
from automation.domain.records import Anmeldung, Kontakt, Termin, Versand
from automation.domain.settings import Settings
from automation.services.mail.dispatch import Dispatcher, Prepared, Summary, progress_reporter
from automation.services.runner import JobContext
from automation.services.session import open_workspace


class MessageCommandError(GespraechsrundeError):
    """A command about messages was asked for something that does not exist or is not allowed."""

    exit_code = 2


class LedgerUnreadable(GespraechsrundeError):
    """The ``Versand`` tab cannot be trusted (missing tab or column): nothing is sent."""


@dataclass
class CommandOutcome:
    context: JobContext
    prepared: list[Prepared] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)

    def as_dict(self) -> dict[str, object]:
        return {
            "probelauf": self.context.dry_run,
            "nachrichten": [
                {
                    "schluessel": p.key,
                    "art": p.due.art.value,
                    "adresse": p.row.adresse,
                    "betreff": str(p.message["Subject"]),
                    "status": p.row.status,
                }
                for p in self.prepared
            ],
            "gesendet": self.summary.sent,
            "fehlgeschlagen": self.summary.failed,
            "unklar": self.summary.unclear,
            "wartend": self.summary.waiting,
            "zurueckgehalten": self.summary.held,
            "abgebrochen": self.summary.stopped,
            "zaehler": self.context.report.counts,
            "hinweise": [h.model_dump(by_alias=True) for h in self.context.report.findings],
        }


@contextmanager
def open_context(
    folder: Path, *, dry_run: bool, interactive: bool, now: dt.datetime | None = None
) -> Iterator[JobContext]:
    """Workspace, lock, store and records for one command (the one wiring: ``open_workspace``); refuses
    to send while a tab the ledger or consent depends on drifted (renamed tab or header)."""
    with open_workspace(folder, dry_run=dry_run, interactive=interactive, now=now) as ctx:
        from automation.domain.gate import GUARDED_COLUMNS
        from automation.domain.schema import SchemaCheck

        # a renamed ledger or consent column: the gate holds exactly what depends on it and says so in the
        # report; any other drift of these tabs stops the command before anything is prepared
        schema = ctx.dataset.schema
        guarded = {(tab, header) for tab, header in GUARDED_COLUMNS} | {("Versand", None)}
        other = [f for f in schema.findings if (f.tabelle, f.spalte) not in guarded]
        SchemaCheck(findings=other, blocked=schema.blocked).require(
            ("Termine", "Kontakte", "Anmeldungen", "Versand"), "Versand"
        )
        yield ctx


def invite(
    folder: Path,
    termin_id: str,
    *,
    dry_run: bool = False,
    interactive: bool = False,
    now: dt.datetime | None = None,
    sender: Sender | None = None,
) -> CommandOutcome:
    """Release and send the invitations for one date (``--dry-run``: only list them).

    Every invitation gets a ``geplant`` row (the release); as many as the daily limit allows go out now,
    the rest with the next runs of ``sync``.
    """
    with open_context(folder, dry_run=dry_run, interactive=interactive, now=now) as ctx:
        termin = ctx.dataset.get(Termin, termin_id)
        if termin is None and ctx.dataset.unreadable(Termin, termin_id):
            raise MessageCommandError(ctx.dataset.unreadable_text(Termin, termin_id) + " Bitte korrigieren.")
        if termin is None:
            known = ", ".join(t.termin_id for t in ctx.dataset.all(Termin)) or "keine"
            raise MessageCommandError(
                f"Den Termin »{termin_id}« gibt es nicht in der Tabelle »Termine« (Spalte »Termin-ID«). "
                f"Bekannte Termine: {known}."
            )
        if termin.status != "Anmeldung offen":
            raise MessageCommandError(
                f"Termin {termin_id} hat den Status »{termin.status}«. Einladungen gehen nur bei »Anmeldung offen« "
                "hinaus: bitte in »Termine«, Spalte »Status« ändern und erneut starten."
            )
        dispatcher = Dispatcher(ctx, sender or ctx.workspace.sender())
        dispatcher.reconcile()
        outcome = CommandOutcome(ctx)
        outcome.prepared = dispatcher.prepare(invitations(ctx.dataset, ctx.now.date(), [termin_id]))
        with progress_reporter(len(outcome.prepared), interactive and not dry_run, "Einladungen") as progress:
            outcome.summary = dispatcher.send(outcome.prepared, progress=progress)
        return outcome


def resend(
    folder: Path,
    key_text: str,
    *,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    sender: Sender | None = None,
    also_sent: bool = False,
) -> CommandOutcome:
    """Send one message again on purpose (rows ``unklar``, ``fehlgeschlagen`` or ``geplant``; with
    ``also_sent`` also a ``gesendet`` one, e.g. a confirmation the person says never arrived)."""
    try:
        key = MessageKey.parse(key_text)
    except ValueError as exc:
        raise MessageCommandError(str(exc)) from None
    with open_context(folder, dry_run=dry_run, interactive=False, now=now) as ctx:
        dispatcher = Dispatcher(ctx, sender or ctx.workspace.sender())
        if dispatcher.gate.stop_all:
            raise LedgerUnreadable(dispatcher.gate.stop_all)
        dispatcher.reconcile()
        row = ctx.dataset.get(Versand, str(key))
        if row is None:
            raise MessageCommandError(f"In »Versand« gibt es keine Zeile mit dem Schlüssel »{key}«.")
        if row.status not in RESENDABLE and not (also_sent and row.status == "gesendet"):
            raise MessageCommandError(
                f"{key} hat den Status »{row.status}« (Zeit: {row.zeit or '–'}). Erneut gesendet werden nur "
                f"Nachrichten mit Status {', '.join(RESENDABLE)}"
                + (" (eine gesendete nur mit --auch-gesendet)." if row.status == "gesendet" else ".")
            )
        from automation.services.nachbereitung import rebuild_message  # kinds after the event (clubs too)

        due = rebuild_message(ctx, dispatcher.builder.links, key) or _rebuild(ctx.dataset, key)
        problem = consent_problem(key.art, due.kontakt)
        if problem is not None:
            raise MessageCommandError(f"{key} wird nicht gesendet: {due.kontakt.kontakt_id} {problem}.")
        outcome = CommandOutcome(ctx)
        outcome.prepared = dispatcher.prepare([due], resend=True)
        outcome.summary = dispatcher.send(outcome.prepared, respect_limit=False)
        return outcome


def _rebuild(dataset: Dataset, key: MessageKey) -> DueMessage:
    kontakt = dataset.get(Kontakt, key.kontakt_id)
    termin = dataset.get(Termin, key.termin_id)
    if kontakt is None or termin is None:
        missing = f"Kontakt {key.kontakt_id}" if kontakt is None else f"Termin {key.termin_id}"
        raise MessageCommandError(f"{missing} gibt es nicht mehr; {key} kann nicht erneut gesendet werden.")
    if termin.status == "abgesagt" and key.art is not Art.TERMINABSAGE:
        raise MessageCommandError(f"Termin {termin.termin_id} ist abgesagt; {key} wird nicht erneut gesendet.")
    anmeldung = None
    if key.art is not Art.EINLADUNG:
        matches = [
            a for a in dataset.all(Anmeldung) if a.termin_id == termin.termin_id and a.kontakt_id == kontakt.kontakt_id
        ]
        if not matches:
            raise MessageCommandError(f"Zu {key} gibt es keine Anmeldung mehr in »Anmeldungen«.")
        anmeldung = matches[-1]
    if key.art is Art.LOTSEN_BRIEFING:
        from automation.domain.mail.due import briefing_extra

        return DueMessage(key, kontakt, termin, anmeldung, briefing_extra(dataset, kontakt, termin))
    return DueMessage(key, kontakt, termin, anmeldung)


def render_previews(settings: Settings, workspace_folder: Path | None, target: Path) -> list[Path]:
    """Render every template with sample data into ``target`` (``<name>.html``, ``<name>.txt``); the
    translated messages also in ``target/<language>/``."""
    from automation.adapters.mail.render import TRANSLATED
    from automation.domain.sprachen import DEUTSCH, SPRACHEN

    renderer = Renderer(workspace_folder)
    real_links: dict[str, str] | None = None
    if workspace_folder is not None:  # the links this workspace really produces (its forms, or mailto:)
        from automation.adapters.links import LinkBuilder

        built = LinkBuilder.for_workspace(workspace_folder, settings).links("K-0000BEISPIEL", "A-0000BEISPIEL")
        real_links = {
            "absage": built.absage or "", "abmelden": built.abmelden, "feedback": built.feedback or "",
            "anmeldung": built.anmeldung or "",
        }  # fmt: skip
    written = []
    for code in SPRACHEN:
        folder = target if code == DEUTSCH else target / code
        folder.mkdir(parents=True, exist_ok=True)
        for art in Art if code == DEUTSCH else sorted(TRANSLATED, key=lambda a: a.template):
            context = sample_context(settings, art, code)
            if real_links is not None:
                context["links"] = {**context["links"], **real_links}
                if art is Art.EINLADUNG:
                    context["links"]["absage"] = context["links"]["feedback"] = ""
            rendered = renderer.render(art, context)
            html = folder / f"{art.template}.html"
            text = folder / f"{art.template}.txt"
            html.write_text(rendered.html, encoding="utf-8")
            text.write_text(f"Betreff: {rendered.subject}\n\n{rendered.text}", encoding="utf-8")
            written += [html, text]
    return written
