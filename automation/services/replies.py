"""Step »Antworten per E-Mail«: cancellations and unsubscriptions that people send as a reply.

Reads the unread messages of the coordination's IMAP mailbox (``[imap]``), turns those with a personal
token from the sender's own address into answers of the ``abmeldung`` form in ``Eingang`` (processed
like the form's), stores them, and only then marks those messages as read. A crash in between leaves
them unread: the next run finds the same answer ID in ``Eingang`` and marks them without acting twice.
Every other message stays unread for the coordination.
"""

from __future__ import annotations

import logging

from automation.domain.answers.intake import upsert
from automation.domain.records import Eingang, Hinweis
from automation.domain.replies import Refusal, answer_for
from automation.domain.settings import secret
from automation.services.runner import JobContext

log = logging.getLogger("gespraechsrunde")


class MailRepliesStep:
    name = "Antworten per E-Mail"

    def run(self, ctx: JobContext) -> None:
        from automation.adapters.imap_mailbox import ImapMailbox, MailboxError

        settings = ctx.workspace.settings.imap
        if not settings.host.strip():
            return
        mailbox = ImapMailbox(
            settings.host, settings.port, settings.sicherheit, settings.benutzer, secret("IMAP_PASSWORT"),
            settings.ordner, settings.zeitlimit_sekunden,
        )  # fmt: skip
        try:
            with mailbox:
                self._handle(ctx, mailbox)
        except MailboxError as exc:
            ctx.report.say(str(exc))
            ctx.report.findings.append(
                Hinweis(tabelle="Eingang", schwere="Fehler", hinweis=str(exc),
                        vorschlag="Einstellungen unter [imap] prüfen; der nächste Lauf versucht es wieder.")
            )  # fmt: skip

    def _handle(self, ctx: JobContext, mailbox: object) -> None:
        from automation.adapters.imap_mailbox import ImapMailbox

        assert isinstance(mailbox, ImapMailbox)
        handled: list[str] = []
        new = refused = 0
        for reply in mailbox.unread():
            answer = answer_for(reply, ctx.dataset)
            if answer is None:
                continue  # not a request: left unread for the coordination
            if isinstance(answer, Refusal):
                refused += 1
                ctx.report.findings.append(
                    Hinweis(tabelle="Eingang", schwere="Warnung", hinweis=answer.reason,
                            vorschlag="Die Nachricht im Postfach lesen und von Hand eintragen, falls sie echt ist.")
                )  # fmt: skip
                continue
            existing = ctx.dataset.get(Eingang, answer.antwort_id)
            if existing is None and upsert(ctx, answer):
                new += 1
            handled.append(reply.uid)
        ctx.report.count("Antworten per E-Mail", new)
        if new or refused:
            ctx.report.say(
                f"Postfach: {new} Absagen/Abmeldungen übernommen, {refused} nicht ausgeführt (siehe Hinweise)."
            )
        if ctx.dry_run or not handled:
            return
        ctx.save()  # stored first: a crash before marking leaves the messages unread, never lost
        mailbox.mark_read(handled)
        log.info("Postfach: %d Nachrichten als gelesen markiert", len(handled))
