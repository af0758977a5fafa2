"""Keeps the memo of ``Versand`` (:mod:`automation.domain.mail.ledger_memo`) and puts back rows deleted by hand.

:func:`remember` runs after every write of a run (``JobContext.save``): the memo only grows, so a command
that never looks at it cannot make it forget a row. :func:`guard` runs before anything is chosen for sending
(:class:`~automation.services.mail.dispatch.Dispatcher`): rows in the memo but not in the tab are put back.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from automation.adapters.mail.ledger_memo_file import MemoFile, MemoUnreadable
from automation.domain.mail.ledger_memo import (
    MEMO_FILE,
    Memo,
    ledger_readable,
    memo_of,
    restore_missing,
    unreadable_memo,
)
from automation.domain.records import Hinweis, Versand

if TYPE_CHECKING:
    from automation.services.runner import JobContext

log = logging.getLogger("gespraechsrunde")


def _file(ctx: JobContext) -> MemoFile:
    return MemoFile(ctx.workspace.folder, ctx.workspace.store_identity())


def _known(ctx: JobContext) -> Memo | None:
    """The memo as last read or written in this run (None: unreadable)."""
    if ctx.ledger_memo is None and ctx.ledger_doubt is None:
        try:
            ctx.ledger_memo = _file(ctx).read()
        except MemoUnreadable as exc:
            ctx.ledger_doubt, finding = unreadable_memo(str(exc))
            ctx.report.findings.append(finding)
    return ctx.ledger_memo


def guard(ctx: JobContext) -> str | None:
    """Put back every row deleted by hand (reported); returns why nothing may be sent (memo unreadable)."""
    memo = _known(ctx)
    if memo is None:
        return ctx.ledger_doubt
    restored, findings = restore_missing(ctx.dataset, memo, ctx.now)
    if restored:
        ctx.report.findings += findings
        ctx.report.count("Versand-Zeilen wiederhergestellt", restored)
        log.info("Versand: von Hand gelöschte Zeilen wiederhergestellt")
    return None


def remember(ctx: JobContext) -> None:
    """After a write: add the ledger's rows beyond ``geplant`` to the memo (never while it is unreadable)."""
    if ctx.dry_run or not ledger_readable(ctx.dataset):
        return
    memo = _known(ctx)
    if memo is None:
        return
    current = memo_of(ctx.dataset)
    if all(memo.get(key) == entry for key, entry in current.items()):
        return
    updated = {**memo, **current}
    try:
        _file(ctx).write(updated)
    except OSError as exc:  # the ledger itself was written: the run goes on, only the memo lags behind
        ctx.report.say(f"{MEMO_FILE} konnte nicht geschrieben werden ({type(exc).__name__}).")
        ctx.report.findings.append(
            Hinweis(
                tabelle=Versand.TAB, spalte="Schlüssel", schwere="Warnung",
                hinweis=f"Die Datei {MEMO_FILE} im Arbeitsordner konnte nicht geschrieben werden; von Hand "
                "gelöschte Zeilen in »Versand« bemerkt der Job erst wieder, wenn das gelingt.",
                vorschlag="Speicherplatz und Schreibrechte des Arbeitsordners prüfen.",
            )
        )  # fmt: skip
        return
    ctx.ledger_memo = updated
