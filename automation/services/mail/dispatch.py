"""Sending with the ``Versand`` tab as a ledger: every message exactly once.

Each message has a row keyed ``Art|Termin-ID|Kontakt-ID`` whose status changes only as the one table
in :mod:`automation.domain.ledger` allows (``geplant → wird gesendet → gesendet | fehlgeschlagen``, or
``unklar``). Per batch, the rows are saved as ``wird gesendet`` *before* the first of them is handed to
the sender; afterwards they are saved as ``gesendet`` with the Message-ID. :mod:`automation.adapters.mail.journal`
makes a crash in between cost as little as possible; whatever may have gone out becomes ``unklar`` and
is only resent by ``gespraechsrunde versand wiederholen`` – unless the outbox folder proves it was never
written (``geplant`` again) or was written (``gesendet``).

Nothing is sent while the gate (:mod:`automation.domain.gate`) says the ledger, a consent or a status
cannot be read; nothing goes to an address the job itself doubts until it is corrected or confirmed.

- A permanent refusal (5xx) marks that row ``fehlgeschlagen`` with the reason; the batch goes on.
- A server that cannot be reached stops the batch; nothing is marked sent; rows stay ``geplant``.
- ``tageslimit`` counts today's ``gesendet`` rows; the rest stays ``geplant`` for the next run.
- ``pro_minute`` paces SMTP (:mod:`automation.adapters.mail.pacing`); the outbox folder is not paced.

The pieces: rendering in :mod:`~automation.adapters.mail.building`, findings in :mod:`~automation.domain.mail.findings`,
pacing in :mod:`~automation.adapters.mail.pacing`, the progress bar in :mod:`~automation.adapters.mail.progress`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from automation.adapters.mail.building import MessageBuilder
from automation.adapters.mail.compose import InvalidAddress, make_address
from automation.adapters.mail.pacing import Pacer
from automation.adapters.mail.progress import Progress, progress_reporter
from automation.adapters.mail.senders import Deferred, OutboxSender, Refused, Sender, Unavailable, Uncertain
from automation.domain import normalize
from automation.domain.gate import Gate, read_gate
from automation.domain.ledger import PLANNED, SENDING, SENT, UNCLEAR, Event
from automation.domain.mail import findings
from automation.domain.mail.due import DueMessage, consent_problem
from automation.domain.mail.findings import UNCLEAR_HINT
from automation.domain.mail.kinds import Art
from automation.domain.mail.ledger import Ledger
from automation.domain.records import Kontakt, TischplanZeile, Versand
from automation.domain.settings import MailSettings
from automation.domain.tischplan_tab import tables_of
from automation.domain.words import count
from automation.services.mail.ledger_guard import guard
from automation.services.runner import JobContext

__all__ = ["UNCLEAR_HINT", "Dispatcher", "Prepared", "Summary", "batch_size_for", "progress_reporter"]

log = logging.getLogger("gespraechsrunde")

# How many messages one write of »Versand« covers. The journal records every hand-over, so a batch only
# sets how often the ledger is saved: an outbox folder is local and fast, an SMTP server is paced.
OUTBOX_BATCH = 500
SMTP_BATCH_MAX = 500  # per minute's pace anyway; 50 halved the throughput (issue 10)
# How many hand-overs one sync of the journal covers (see automation.adapters.mail.journal): after a power
# cut, at most this many SMTP messages are »unklar«; the outbox folder proves each file either way.
SMTP_CHUNK = 50


def batch_size_for(sender: Sender, mail: MailSettings) -> int:
    """Messages per ledger write: large for the outbox folder, at most a minute's worth for SMTP."""
    return min(mail.pro_minute, SMTP_BATCH_MAX) if sender.paced else OUTBOX_BATCH


@dataclass
class Prepared:
    """A due message, rendered and addressed, with its ``Versand`` row."""

    due: DueMessage
    message: EmailMessage
    row: Versand
    resend: bool = False

    @property
    def key(self) -> str:
        return str(self.due.key)


@dataclass
class Summary:
    sent: int = 0
    failed: int = 0
    unclear: int = 0
    waiting: int = 0
    held: int = 0
    stopped: str | None = None  # why the batch stopped early (server down, ledger unreadable), German


@dataclass
class _Held:
    kontakt: Kontakt
    doubt: str
    count: int = 0


def address_doubt(kontakt: Kontakt) -> str | None:
    """What the job itself doubts about the contact's address (a typo of a known provider), or None."""
    if not kontakt.email or kontakt.email_bestaetigt:
        return None
    try:
        _, warning = normalize.email(kontakt.email)
    except normalize.CellError as exc:
        return exc.message
    return warning.message if warning else None


class Dispatcher:
    """Prepares and sends messages for one run, against ``ctx.dataset`` and ``ctx.store``."""

    def __init__(
        self,
        ctx: JobContext,
        sender: Sender | None = None,
        *,
        batch_size: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ctx = ctx
        settings = ctx.workspace.settings
        self.settings = settings
        self.sender = sender or ctx.workspace.sender()
        self.batch_size = batch_size or batch_size_for(self.sender, settings.mail)
        self.sleep = sleep
        self.clock = clock
        self.journal = ctx.workspace.journal(enabled=not ctx.dry_run)  # the edges come from the one wiring
        self.builder = MessageBuilder(settings, links=ctx.workspace.links(), renderer=ctx.workspace.renderer())
        self.ledger = Ledger(ctx.dataset, record=not ctx.dry_run)
        doubt = guard(ctx)  # rows of »Versand« deleted by hand are put back before anything is chosen
        self.gate: Gate = read_gate(ctx.dataset)
        self.gate.stop_all = self.gate.stop_all or doubt
        self.beyond_limit = 0  # due messages left without a row by ``prepare(limit=…)``
        self.held: dict[str, _Held] = {}
        ctx.report.findings += self.gate.findings

    # -- the ledger --------------------------------------------------------------------------------

    def rows(self) -> dict[str, Versand]:
        return self.ledger.rows()

    def _written(self, key: str) -> tuple[bool, str | None] | None:
        """What the sender can prove about a key (only the outbox folder can), or None."""
        return self.sender.written(key)

    def reconcile(self) -> list[str]:
        """Settle rows left ``wird gesendet`` by a run that died; returns the keys that became ``unklar``.

        Every ``unklar`` row is reported again in each run (``Hinweise``) until someone resolves it.
        Nothing happens while the ledger cannot be read (the journal is kept for a later run).
        """
        if self.gate.stop_all:
            return []
        if isinstance(self.sender, OutboxSender) and not self.ctx.dry_run:
            self.sender.clean_leftovers()
        outcomes = self.journal.outcomes()
        rebooted = self.journal.rebooted()
        unclear = []
        for row in self.rows().values():
            if row.status == SENDING:
                outcome = outcomes.get(row.schluessel)
                state = outcome.state if outcome else None
                if state == "vorab":  # announced for hand-over: without a »start« line it never began …
                    state = None if rebooted else "back"  # … unless the machine restarted and lines were lost
                proof = self._written(row.schluessel) if state not in ("sent", "refused", "batch", "back") else None
                if state == "sent" and outcome is not None:
                    self.ledger.move(row, Event.DELIVERED, message_id=outcome.message_id, zeit=outcome.time,
                                     fehler=None)  # fmt: skip
                elif state == "refused" and outcome is not None:
                    self.ledger.move(row, Event.REFUSED, fehler=outcome.reason)
                elif state in ("batch", "back"):
                    self.ledger.move(row, Event.BACK)
                elif proof is not None and not proof[0]:
                    self.ledger.move(row, Event.BACK, zeit=None)
                    self.ctx.report.say(f"Nie geschrieben, wieder geplant: {row.schluessel}")
                elif proof is not None:
                    self.ledger.move(row, Event.DELIVERED, message_id=proof[1], fehler=None)
                else:
                    self.ledger.move(row, Event.BROKEN, fehler=UNCLEAR_HINT.format(key=row.schluessel))
                    unclear.append(row.schluessel)
            elif row.status == UNCLEAR:
                proof = self._written(row.schluessel)
                if proof is not None and not proof[0]:
                    self.ledger.move(row, Event.NEVER_WRITTEN, zeit=None, fehler=None)
                    self.ctx.report.say(f"Nie geschrieben, wieder geplant: {row.schluessel}")
                elif proof is not None:
                    self.ledger.move(row, Event.PROVEN, message_id=proof[1], fehler=None)
        for key in unclear:
            self.ctx.report.say(f"Unklar, ob angekommen: {key} (wird nicht automatisch erneut gesendet)")
        still = [row for row in self.rows().values() if row.status == UNCLEAR]
        for row in still:
            self.ctx.report.findings.append(findings.unclear(row.schluessel, self.ledger.row_number(row.schluessel)))
        self.ctx.report.count("Nachrichten unklar", len(unclear))
        if not self.ctx.dry_run:
            self.ctx.save()
            self.journal.clear()
        return unclear

    def sent_today(self) -> int:
        today = self.ctx.now.date()
        return sum(1 for r in self.rows().values() if r.status == "gesendet" and r.zeit and r.zeit.date() == today)

    def remaining_today(self) -> int:
        """How many messages the daily limit still allows."""
        return max(0, self.settings.mail.tageslimit - self.sent_today())

    # -- preparing ----------------------------------------------------------------------------------

    def _tables(self, due: DueMessage) -> list[tuple[int, str]]:
        if due.art is not Art.ERINNERUNG:
            return []
        ids = {due.kontakt.kontakt_id} | ({due.anmeldung.anmelde_id} if due.anmeldung else set())
        return tables_of(self.ctx.dataset.all(TischplanZeile), due.termin.termin_id, ids)

    def prepare(self, due: Sequence[DueMessage], *, resend: bool = False, limit: int | None = None) -> list[Prepared]:
        """Render and address each message; skip (and report) what must not or cannot go out.

        With ``limit``, only that many are prepared (rendered, given a ``Versand`` row); the rest stay due
        and are counted in :attr:`beyond_limit`: they go out in a later run, without rows planned today.
        """
        report = self.ctx.report
        if self.gate.stop_all:
            report.say(f"Es wird nichts gesendet: {self.gate.stop_all}")
            return []
        existing = self.rows()
        result: list[Prepared] = []
        self.held = {}
        for item in due:
            key = str(item.key)
            problem = consent_problem(item.art, item.kontakt)
            if problem is not None:  # checked again here: every path to sending passes this point
                report.say(f"Nicht gesendet: {key} – {item.kontakt.kontakt_id} {problem}.")
                report.count("Nachrichten ohne Einwilligung")
                continue
            refusal = self.gate.refuses(
                key, item.art, item.termin.termin_id, item.anmeldung.anmelde_id if item.anmeldung else None
            )
            if refusal is not None:
                report.say(f"Nicht gesendet: {key} – {refusal}")
                report.count("Nachrichten wegen unklarer Daten zurückgehalten")
                continue
            row = existing.get(key)
            if row is not None and row.status != PLANNED and not resend:
                continue
            if not item.kontakt.email:
                if item.art is not Art.EINLADUNG:
                    report.findings.append(
                        findings.address(self.ctx.dataset, item.kontakt, "Keine E-Mail-Adresse eingetragen", "Info")
                    )
                report.count("Nachrichten ohne E-Mail-Adresse")
                continue
            try:
                recipient = make_address(item.kontakt.display_name, item.kontakt.email)
            except InvalidAddress:
                report.findings.append(
                    findings.address(
                        self.ctx.dataset, item.kontakt, f"Die E-Mail-Adresse »{item.kontakt.email}« ist ungültig"
                    )
                )
                report.count("Nachrichten mit ungültiger Adresse")
                continue
            doubt = address_doubt(item.kontakt)
            if doubt is not None:
                held = self.held.setdefault(item.kontakt.kontakt_id, _Held(item.kontakt, doubt))
                held.count += 1
                continue
            if limit is not None and len(result) >= limit:
                self.beyond_limit += 1
                continue
            message = self.builder.build(item, recipient, self._tables(item), self.ctx.now)
            row = self.ledger.plan(row, item, recipient.addr_spec)
            result.append(Prepared(item, message, row, resend=resend))
        for held in self.held.values():
            report.findings.append(findings.held(self.ctx.dataset, held.kontakt, held.doubt, held.count))
            messages = count(held.count, "Nachricht", "Nachrichten")
            report.say(f"Zurückgehalten: {messages} an {held.kontakt.kontakt_id} – {held.doubt}")
        report.count("Nachrichten zurückgehalten (Adresse zweifelhaft)", sum(h.count for h in self.held.values()))
        return result

    # -- sending ------------------------------------------------------------------------------------

    def send(
        self, prepared: Sequence[Prepared], *, respect_limit: bool = True, progress: Progress | None = None
    ) -> Summary:
        """Send in batches; saves ``wird gesendet`` before each batch, with the outcomes of the batch before."""
        summary = Summary(held=sum(h.count for h in self.held.values()))
        report = self.ctx.report
        if self.gate.stop_all:
            summary.stopped = self.gate.stop_all
            return summary
        if self.ctx.dry_run:
            for item in prepared:
                report.say(
                    f"Würde senden: {item.due.art.value} an {item.row.adresse} ({item.key}) – "
                    f"»{item.message['Subject']}«"
                )
            report.count("Nachrichten (Probelauf)", len(prepared))
            return summary
        allowed = len(prepared)
        if respect_limit:
            allowed = self.remaining_today()
        now_items, later = list(prepared[:allowed]), prepared[allowed:]
        summary.waiting = len(later) + self.beyond_limit
        if summary.waiting:
            report.say(
                f"Tageslimit von {self.settings.mail.tageslimit} Nachrichten erreicht: {summary.waiting} "
                "Nachricht(en) warten und gehen in einem späteren Lauf hinaus."
            )
        self.ctx.save()  # every row exists as »geplant« before anything is sent
        if not now_items:
            self._count(summary)
            return summary
        try:
            with self.sender:
                self._send_batches(now_items, summary, progress)
        except Unavailable as exc:
            summary.stopped = str(exc)
        if summary.stopped:
            report.say(f"Versand abgebrochen: {summary.stopped}")
            report.findings.append(findings.stopped(summary.stopped))
        try:
            self._settle()
        except Unavailable as exc:  # the files may not be on disk: the journal stays, the next run checks them
            report.say(f"Versand abgebrochen: {exc}")
            report.findings.append(findings.stopped(str(exc)))
            return summary
        self.ctx.save()
        self.journal.clear()
        self._count(summary)
        return summary

    def _settle(self) -> None:
        """Make what was handed over durable before the ledger records it: the outbox files (one flush for
        all), then the journal. Without this, a power cut could leave »gesendet« rows without their file."""
        if isinstance(self.sender, OutboxSender):
            self.sender.sync()
        self.journal.sync()

    def _count(self, summary: Summary) -> None:
        report = self.ctx.report
        report.count("Nachrichten gesendet", summary.sent)
        report.count("Nachrichten fehlgeschlagen", summary.failed)
        report.count("Nachrichten unklar", summary.unclear)
        report.count("Nachrichten wartend", summary.waiting)

    def _persist_sending(self, batch: list[Prepared]) -> list[Prepared]:
        """Save the batch as ``wird gesendet``; returns those whose row was really written."""
        for item in batch:
            event = Event.HAND_OVER
            if item.resend:
                event = Event.RESEND_SENT if item.row is not None and item.row.status == SENT else Event.RESEND
            item.row = self.ledger.move(item.row, event, zeit=self.ctx.now, fehler=None)
        self._settle()
        self.journal.batch([item.key for item in batch])
        result = self.ctx.save()
        blocked = {c.key for c in result.conflicts if c.tab == Versand.TAB}
        for item in batch:
            if item.key in blocked:
                self.ctx.report.say(f"Nicht gesendet: {item.key} – die Zeile in »Versand« wurde von Hand geändert.")
        return [item for item in batch if item.key not in blocked]

    def _send_batches(self, items: list[Prepared], summary: Summary, progress: Progress | None) -> None:
        pacer = Pacer(self.settings.mail.pro_minute if self.sender.paced else None, sleep=self.sleep, clock=self.clock)
        chunk = SMTP_CHUNK if self.sender.paced else self.batch_size
        for start in range(0, len(items), self.batch_size):
            batch = self._persist_sending(items[start : start + self.batch_size])
            for index, item in enumerate(batch):
                if index % chunk == 0:  # durable before the first of them is handed over
                    self.journal.ahead([item.key for item in batch[index : index + chunk]])
                pacer.wait()
                if not self._send_one(item, summary):
                    for rest in batch[index + 1 :]:
                        rest.row = self.ledger.move(rest.row, Event.BACK, zeit=None)
                        self.journal.back(rest.key)
                    self._settle()
                    self.ctx.save()
                    return
                if progress is not None:
                    progress(1)
            # no save here: the next batch's »wird gesendet« write (or the one after the last batch) also
            # writes this batch's »gesendet«: one ledger write per batch; the journal covers the time between

    def _send_one(self, item: Prepared, summary: Summary) -> bool:
        """Hand one message over; False when the batch must stop."""
        self.journal.start(item.key)
        try:
            self.sender.send(item.message, item.key)
        except Refused as exc:
            item.row = self.ledger.move(item.row, Event.REFUSED, fehler=str(exc))
            self.journal.refused(item.key, str(exc))
            self.ctx.report.say(f"Fehlgeschlagen: {item.key} an {item.row.adresse}: {exc}")
            summary.failed += 1
            return True
        except Deferred as exc:
            item.row = self.ledger.move(item.row, Event.BACK, zeit=None, fehler=f"vorläufig abgelehnt: {exc}")
            self.journal.back(item.key)
            summary.waiting += 1
            return True
        except Unavailable as exc:
            item.row = self.ledger.move(item.row, Event.BACK, zeit=None)
            self.journal.back(item.key)
            summary.stopped = str(exc)
            return False
        except Uncertain as exc:
            reason = f"{exc} {UNCLEAR_HINT.format(key=item.key)}"
            item.row = self.ledger.move(item.row, Event.BROKEN, fehler=reason)
            self.journal.unclear(item.key, reason)
            self.ctx.report.findings.append(findings.unclear(item.key, self.ledger.row_number(item.key), reason))
            summary.unclear += 1
            summary.stopped = str(exc)
            return False
        message_id = str(item.message["Message-ID"])
        when = self.ctx.now
        self.journal.sent(item.key, message_id, when)
        item.row = self.ledger.move(item.row, Event.DELIVERED, zeit=when, message_id=message_id, fehler=None)
        summary.sent += 1
        log.info("Gesendet: %s an %s", item.key, item.row.adresse)
        return True
