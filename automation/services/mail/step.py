"""Job step of ``sync``: send every message that is due (if ``[mail] senden_bei_sync`` is on)."""

from __future__ import annotations

import datetime as dt

from automation.adapters.mail.senders import Sender
from automation.domain import announcement
from automation.domain.mail.due import due_messages, unreleased_invitations
from automation.domain.mail.kinds import CALENDAR
from automation.domain.mail.koordination import coordination_notices
from automation.domain.records import Hinweis, Termin, Versand
from automation.domain.words import count as plural
from automation.services.mail.dispatch import Dispatcher, progress_reporter
from automation.services.runner import JobContext

_TELLS_DETAILS = {a.value for a in CALENDAR}


def announce_changes(ctx: JobContext) -> None:
    """Bring ``Termine.Bekanntgegeben`` up to date (see :mod:`automation.domain.announcement`)."""
    told: dict[str, dt.datetime] = {}
    for row in ctx.dataset.all(Versand):
        if row.art in _TELLS_DETAILS and row.termin_id and row.zeit and row.status != "geplant":
            told[row.termin_id] = max(row.zeit, told.get(row.termin_id, row.zeit))
    for termin in ctx.dataset.all(Termin):
        try:
            updated = announcement.update(termin, ctx.now, told.get(termin.termin_id))
        except announcement.UnreadableAnnouncement:
            ctx.report.findings.append(
                Hinweis(
                    tabelle=Termin.TAB, zeile=ctx.dataset.row_number(Termin, termin.termin_id), id=termin.termin_id,
                    spalte="Bekanntgegeben", schwere="Fehler",
                    hinweis=f"»{termin.bekanntgegeben}« ist nicht lesbar; ob sich der Termin seit der letzten "
                    "Nachricht geändert hat, ist unklar: es geht keine Terminänderung hinaus.",
                    vorschlag="Die Zelle leeren: dann gilt der Termin, wie er jetzt eingetragen ist, als bekannt "
                    "gegeben (ohne Nachricht). Geänderte Angaben bitte vorher selbst mitteilen.",
                )
            )  # fmt: skip
            continue
        if updated is not None:
            ctx.dataset.put(updated)


def hint_unreleased(ctx: JobContext) -> None:
    """Say which open dates still have contacts to invite: ``sync`` never starts a mass mailing."""
    for termin_id, count in sorted(unreleased_invitations(ctx.dataset, ctx.now.date()).items()):
        ctx.report.findings.append(
            Hinweis(
                tabelle=Termin.TAB, zeile=ctx.dataset.row_number(Termin, termin_id), id=termin_id, spalte="Status",
                schwere="Info",
                hinweis=f"{plural(count, 'Kontakt', 'Kontakte')} mit Einwilligung: zu {termin_id} noch nicht "
                "eingeladen. »sync« versendet Einladungen nie von selbst.",
                vorschlag=f"Vorschau: gespraechsrunde einladen --termin {termin_id} --dry-run; "
                f"dann senden: gespraechsrunde einladen --termin {termin_id}",
            )
        )  # fmt: skip


class SendMessagesStep:
    """Settles interrupted sends, chooses what is due (``automation.domain.mail.due``) and sends it.

    The caller holds the workspace lock (``automation.services.session.open_workspace``).
    """

    name = "Nachrichten"
    needs = ("Termine", "Kontakte", "Anmeldungen", "Versand")

    def __init__(self, sender: Sender | None = None, *, batch_size: int | None = None) -> None:
        self.sender = sender
        self.batch_size = batch_size

    def run(self, ctx: JobContext) -> None:
        settings = ctx.workspace.settings.mail
        if not settings.senden_bei_sync:
            ctx.report.say("Nachrichten werden bei »sync« nicht gesendet ([mail] senden_bei_sync = false).")
            return
        dispatcher = Dispatcher(ctx, self.sender or ctx.workspace.sender(), batch_size=self.batch_size)
        dispatcher.reconcile()
        if not dispatcher.gate.stop_all:
            announce_changes(ctx)
            hint_unreleased(ctx)
        due = due_messages(ctx.dataset, ctx.now.date(), settings.erinnerung_tage_vorher)
        limit = None if ctx.dry_run else dispatcher.remaining_today()
        prepared = dispatcher.prepare(due, limit=limit)
        with progress_reporter(len(prepared), ctx.interactive) as progress:
            summary = dispatcher.send(prepared, progress=progress)
        if not summary.stopped:
            notify_coordination(ctx, dispatcher)


def notify_coordination(ctx: JobContext, dispatcher: Dispatcher) -> None:
    """After the run's messages: the notices to the coordination (places 80 %/100 %, failures), each once."""
    settings = ctx.workspace.settings
    address = (settings.darstellung.kontakt_adresse or "").strip()
    if not settings.mail.koordination_hinweise or not address:
        return
    due = coordination_notices(ctx.dataset, ctx.now.date(), address)
    if not due:
        return
    dispatcher.beyond_limit = 0  # those of the run's messages were reported by the first send
    prepared = dispatcher.prepare(due, limit=None if ctx.dry_run else dispatcher.remaining_today())
    dispatcher.send(prepared)
