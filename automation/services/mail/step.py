"""Job step of ``sync``: send every message that is due (if ``[mail] senden_bei_sync`` is on)."""

from __future__ import annotations

from automation.adapters.mail.senders import Sender
from automation.domain.mail.due import due_messages
from automation.services.mail.dispatch import Dispatcher, progress_reporter
from automation.services.runner import JobContext


class SendMessagesStep:
    """Settles interrupted sends, chooses what is due (``automation.domain.mail.due``) and sends it.

    The caller holds the workspace lock (``automation.services.session.open_workspace``).
    """

    name = "Nachrichten"

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
        due = due_messages(ctx.dataset, ctx.now.date(), settings.erinnerung_tage_vorher)
        limit = None if ctx.dry_run else dispatcher.remaining_today()
        prepared = dispatcher.prepare(due, limit=limit)
        with progress_reporter(len(prepared), ctx.interactive) as progress:
            dispatcher.send(prepared, progress=progress)
