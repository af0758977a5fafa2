"""Sending with the ``Versand`` tab as a ledger: every message exactly once.

Each message has a row keyed ``Art|Termin-ID|Kontakt-ID`` that moves
``geplant → wird gesendet → gesendet | fehlgeschlagen`` (or ``unklar``). Per batch, the rows are saved
as ``wird gesendet`` *before* the first of them is handed to the sender; afterwards they are saved as
``gesendet`` with the Message-ID. :mod:`automation.adapters.mail.journal` makes a crash in between cost as little
as possible; whatever may have gone out becomes ``unklar`` and is only resent by
``gespraechsrunde versand wiederholen``.

- A permanent refusal (5xx) marks that row ``fehlgeschlagen`` with the reason; the batch goes on.
- A server that cannot be reached stops the batch; nothing is marked sent; rows stay ``geplant``.
- ``tageslimit`` counts today's ``gesendet`` rows; the rest stays ``geplant`` for the next run.
- ``pro_minute`` paces SMTP; the outbox folder is not paced.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage

from automation.adapters.mail.compose import Attachment, InvalidAddress, compose, make_address
from automation.adapters.mail.ics import calendar_file
from automation.adapters.mail.render import build_context
from automation.adapters.mail.senders import Deferred, Refused, Sender, Unavailable, Uncertain
from automation.domain.errors import ConfigError
from automation.domain.mail.due import DueMessage, consent_problem
from automation.domain.mail.kinds import Art
from automation.domain.records import Hinweis, Kontakt, Schwere, TischplanZeile, Versand
from automation.domain.tischplan_tab import tables_of
from automation.services.runner import JobContext

log = logging.getLogger("gespraechsrunde")

UNCLEAR_HINT = (
    "Der Lauf brach beim Senden ab; ob die Nachricht ankam, ist unklar. Bitte beim Empfänger oder im "
    "Postausgang nachsehen und nur wenn nötig »gespraechsrunde versand wiederholen {key}« ausführen."
)
_WITH_CALENDAR = (Art.BESTAETIGUNG, Art.NACHGERUECKT)


@dataclass
class Prepared:
    """A due message, rendered and addressed, with its ``Versand`` row."""

    due: DueMessage
    message: EmailMessage
    row: Versand

    @property
    def key(self) -> str:
        return str(self.due.key)


@dataclass
class Summary:
    sent: int = 0
    failed: int = 0
    unclear: int = 0
    waiting: int = 0
    stopped: str | None = None  # why the batch stopped early (server down), German


Progress = Callable[[int], None]


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
        # The journal records every hand-over, so a batch only sets how often Versand is saved: an outbox folder
        # is local and fast (large batches), an SMTP server is paced (batches of at most a minute).
        self.batch_size = batch_size or (min(settings.mail.pro_minute, 50) if self.sender.paced else 500)
        self.sleep = sleep
        self.clock = clock
        self.journal = ctx.workspace.journal(enabled=not ctx.dry_run)  # the edges come from the one wiring
        self.links = ctx.workspace.links()
        self.renderer = ctx.workspace.renderer()
        mail = settings.mail
        try:
            self.from_address = make_address(mail.absender_name, mail.absender_adresse)
            self.reply_to = make_address("", mail.antwort_an) if mail.antwort_an else None
        except InvalidAddress as exc:
            raise ConfigError(
                f"Die Absender- oder Antwortadresse »{exc}« in [mail] ist ungültig. Bitte in gespraechsrunde.toml "
                "korrigieren (Form: name@beispiel.de)."
            ) from None

    # -- the ledger --------------------------------------------------------------------------------

    def rows(self) -> dict[str, Versand]:
        return {v.schluessel: v for v in self.ctx.dataset.all(Versand)}

    def _update(self, row: Versand, **changes: object) -> Versand:
        updated = row.model_copy(update=changes)
        updated = Versand.model_validate(updated.model_dump())
        self.ctx.dataset.put(updated)
        return updated

    def reconcile(self) -> list[str]:
        """Settle rows left ``wird gesendet`` by a run that died; returns the keys that became ``unklar``."""
        outcomes = self.journal.outcomes()
        unclear = []
        for row in self.rows().values():
            if row.status != "wird gesendet":
                continue
            outcome = outcomes.get(row.schluessel)
            state = outcome.state if outcome else None
            if state == "sent" and outcome is not None:
                self._update(row, status="gesendet", message_id=outcome.message_id, zeit=outcome.time, fehler=None)
            elif state == "refused" and outcome is not None:
                self._update(row, status="fehlgeschlagen", fehler=outcome.reason)
            elif state in ("batch", "back"):
                self._update(row, status="geplant")
            else:
                self._update(row, status="unklar", fehler=UNCLEAR_HINT.format(key=row.schluessel))
                unclear.append(row.schluessel)
        for key in unclear:
            self._finding(
                "Warnung",
                key,
                "Spalte »Status«",
                f"Nachricht {key}: {UNCLEAR_HINT.format(key=key)}",
                "Nichts wird automatisch erneut gesendet.",
            )
            self.ctx.report.say(f"Unklar, ob angekommen: {key} (wird nicht automatisch erneut gesendet)")
        self.ctx.report.count("Nachrichten unklar", len(unclear))
        if not self.ctx.dry_run:
            self.ctx.save()
            self.journal.clear()
        return unclear

    def sent_today(self) -> int:
        today = self.ctx.now.date()
        return sum(1 for r in self.rows().values() if r.status == "gesendet" and r.zeit and r.zeit.date() == today)

    # -- preparing ----------------------------------------------------------------------------------

    def _finding(self, severity: str, key: str, column: str, message: str, suggestion: str) -> None:
        self.ctx.report.findings.append(
            Hinweis(
                tabelle="Versand",
                id=key,
                spalte=column.removeprefix("Spalte »").rstrip("«"),
                schwere=severity,
                hinweis=message,
                vorschlag=suggestion,
            )
        )

    def _address_finding(self, kontakt: Kontakt, problem: str, severity: Schwere = "Fehler") -> None:
        self.ctx.report.findings.append(
            Hinweis(
                tabelle="Kontakte",
                zeile=self.ctx.dataset.row_number(Kontakt, kontakt.kontakt_id),
                id=kontakt.kontakt_id,
                spalte="E-Mail",
                schwere=severity,
                hinweis=f"{problem}; {kontakt.kontakt_id} bekommt deshalb keine Nachricht.",
                vorschlag=(
                    "Die Person anrufen oder per Brief benachrichtigen; oder eine Adresse eintragen, dann folgt die "
                    "Nachricht im nächsten Lauf."
                    if severity == "Info"
                    else "Eine gültige Adresse in der Form name@beispiel.de eintragen (ohne Namen, Kommas, "
                    "Zeilenumbrüche); die Nachricht folgt im nächsten Lauf."
                ),
            )
        )

    def _tables(self, due: DueMessage) -> list[tuple[int, str]]:
        if due.art is not Art.ERINNERUNG:
            return []
        ids = {due.kontakt.kontakt_id} | ({due.anmeldung.anmelde_id} if due.anmeldung else set())
        return tables_of(self.ctx.dataset.all(TischplanZeile), due.termin.termin_id, ids)

    def remaining_today(self) -> int:
        """How many messages the daily limit still allows."""
        return max(0, self.settings.mail.tageslimit - self.sent_today())

    def prepare(self, due: Sequence[DueMessage], *, resend: bool = False, limit: int | None = None) -> list[Prepared]:
        """Render and address each message; skip (and report) what must not or cannot go out.

        With ``limit``, only that many are prepared (rendered, given a ``Versand`` row); the rest stay due
        and are counted in ``self.beyond_limit``: they go out in a later run, without rows planned today.
        """
        existing = self.rows()
        result: list[Prepared] = []
        self.beyond_limit = 0
        for item in due:
            key = str(item.key)
            problem = consent_problem(item.art, item.kontakt)
            if problem is not None:  # checked again here: every path to sending passes this point
                self.ctx.report.say(f"Nicht gesendet: {key} – {item.kontakt.kontakt_id} {problem}.")
                self.ctx.report.count("Nachrichten ohne Einwilligung")
                continue
            row = existing.get(key)
            if row is not None and row.status != "geplant" and not resend:
                continue
            if not item.kontakt.email:
                if item.art is not Art.EINLADUNG:
                    self._address_finding(item.kontakt, "Keine E-Mail-Adresse eingetragen", severity="Info")
                self.ctx.report.count("Nachrichten ohne E-Mail-Adresse")
                continue
            try:
                recipient = make_address(item.kontakt.display_name, item.kontakt.email)
            except InvalidAddress:
                self._address_finding(item.kontakt, f"Die E-Mail-Adresse »{item.kontakt.email}« ist ungültig")
                self.ctx.report.count("Nachrichten mit ungültiger Adresse")
                continue
            if limit is not None and len(result) >= limit:
                self.beyond_limit += 1
                continue
            message = self._compose(item, recipient)
            address = recipient.addr_spec
            if row is None:
                row = Versand(
                    schluessel=key,
                    art=item.art.value,
                    termin_id=item.termin.termin_id,
                    kontakt_id=item.kontakt.kontakt_id,
                    adresse=address,
                    status="geplant",
                )
            else:
                row = self._update(row, adresse=address)
            if not self.ctx.dry_run:
                self.ctx.dataset.put(row)
            result.append(Prepared(item, message, row))
        return result

    def _compose(self, item: DueMessage, recipient: Address) -> EmailMessage:
        anmelde_id = item.anmeldung.anmelde_id if item.anmeldung else None
        links = self.links.links(item.kontakt.kontakt_id, anmelde_id)
        context = build_context(self.settings, item.kontakt, item.termin, item.anmeldung, links, self._tables(item))
        context.update(item.extra)  # kind-specific variables (Lotsen-Briefing, the newcomer's guide)
        try:
            rendered = self.renderer.render(item.art, context)
        except Exception as exc:  # a broken template in the workspace's own vorlagen/
            raise ConfigError(
                f"Die Vorlage für »{item.art.value}« (vorlagen/mail/{item.art.template}.*) lässt sich nicht "
                f"verwenden: {exc}. Bitte die Vorlage korrigieren oder aus dem Arbeitsordner entfernen; "
                "es wurde nichts gesendet."
            ) from exc
        attachments: tuple[Attachment, ...] = ()
        if item.art in _WITH_CALENDAR and item.anmeldung is not None:
            ics = calendar_file(item.termin, item.anmeldung, self.from_address.addr_spec, links.absage, self.ctx.now)
            attachments = (Attachment("termin.ics", "text", "calendar", ics, (("method", "PUBLISH"),)),)
        unsubscribe = [self.links.unsubscribe_mailto(item.kontakt.kontakt_id)]
        if links.abmelden.startswith("https://"):
            unsubscribe.append(links.abmelden)
        return compose(
            sender=self.from_address,
            recipient=recipient,
            reply_to=self.reply_to,
            rendered=rendered,
            key=str(item.key),
            unsubscribe=unsubscribe,
            one_click=links.one_click,
            now=self.ctx.now,
            attachments=attachments,
        )

    # -- sending ------------------------------------------------------------------------------------

    def send(
        self, prepared: Sequence[Prepared], *, respect_limit: bool = True, progress: Progress | None = None
    ) -> Summary:
        """Send in batches; saves ``wird gesendet`` before and ``gesendet`` after each batch."""
        summary = Summary()
        report = self.ctx.report
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
        summary.waiting = len(later) + getattr(self, "beyond_limit", 0)
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
            report.findings.append(
                Hinweis(
                    tabelle="Versand",
                    spalte="Status",
                    schwere="Fehler",
                    hinweis=summary.stopped,
                    vorschlag="Die übrigen Nachrichten bleiben »geplant« und gehen im nächsten Lauf hinaus.",
                )
            )
        self.ctx.save()
        self.journal.clear()
        self._count(summary)
        return summary

    def _count(self, summary: Summary) -> None:
        report = self.ctx.report
        report.count("Nachrichten gesendet", summary.sent)
        report.count("Nachrichten fehlgeschlagen", summary.failed)
        report.count("Nachrichten unklar", summary.unclear)
        report.count("Nachrichten wartend", summary.waiting)

    def _persist_sending(self, batch: list[Prepared]) -> list[Prepared]:
        """Save the batch as ``wird gesendet``; returns those whose row was really written."""
        for item in batch:
            item.row = self._update(item.row, status="wird gesendet", zeit=self.ctx.now, fehler=None)
        self.journal.batch([item.key for item in batch])
        result = self.ctx.save()
        blocked = {c.key for c in result.conflicts if c.tab == Versand.TAB}
        for item in batch:
            if item.key in blocked:
                self.ctx.report.say(f"Nicht gesendet: {item.key} – die Zeile in »Versand« wurde von Hand geändert.")
        return [item for item in batch if item.key not in blocked]

    def _send_batches(self, items: list[Prepared], summary: Summary, progress: Progress | None) -> None:
        interval = 60.0 / self.settings.mail.pro_minute if self.sender.paced else 0.0
        next_at = self.clock()
        for start in range(0, len(items), self.batch_size):
            batch = self._persist_sending(items[start : start + self.batch_size])
            for index, item in enumerate(batch):
                if interval:
                    wait = next_at - self.clock()
                    if wait > 0:
                        self.sleep(wait)
                    next_at = max(next_at, self.clock()) + interval
                if not self._send_one(item, summary):
                    for rest in batch[index + 1 :]:
                        rest.row = self._update(rest.row, status="geplant", zeit=None)
                        self.journal.back(rest.key)
                    self.ctx.save()
                    return
                if progress is not None:
                    progress(1)
            self.ctx.save()

    def _send_one(self, item: Prepared, summary: Summary) -> bool:
        """Hand one message over; False when the batch must stop."""
        self.journal.start(item.key)
        try:
            self.sender.send(item.message, item.key)
        except Refused as exc:
            item.row = self._update(item.row, status="fehlgeschlagen", fehler=str(exc))
            self.journal.refused(item.key, str(exc))
            self.ctx.report.say(f"Fehlgeschlagen: {item.key} an {item.row.adresse}: {exc}")
            summary.failed += 1
            return True
        except Deferred as exc:
            item.row = self._update(item.row, status="geplant", zeit=None, fehler=f"vorläufig abgelehnt: {exc}")
            self.journal.back(item.key)
            summary.waiting += 1
            return True
        except Unavailable as exc:
            item.row = self._update(item.row, status="geplant", zeit=None)
            self.journal.back(item.key)
            summary.stopped = str(exc)
            return False
        except Uncertain as exc:
            reason = f"{exc} {UNCLEAR_HINT.format(key=item.key)}"
            item.row = self._update(item.row, status="unklar", fehler=reason)
            self.journal.unclear(item.key, reason)
            summary.unclear += 1
            summary.stopped = str(exc)
            return False
        message_id = str(item.message["Message-ID"])
        when = self.ctx.now
        self.journal.sent(item.key, message_id, when)
        item.row = self._update(item.row, status="gesendet", zeit=when, message_id=message_id, fehler=None)
        summary.sent += 1
        log.info("Gesendet: %s an %s", item.key, item.row.adresse)
        return True


@contextmanager
def progress_reporter(total: int, interactive: bool, label: str = "Versand") -> Iterator[Progress]:
    """A progress bar on stderr for a person at a terminal; log lines (every 50) otherwise."""
    if interactive and total > 1:
        import sys

        import click

        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            yield bar.update
        return
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if done % 50 == 0 or done == total:
            log.info("%s: %d von %d", label, done, total)

    yield step
