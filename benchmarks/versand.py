"""Throughput of sending 1,000 invitations (``einladen --termin``): into the outbox folder and a local SMTP server.

Run from the repository root: ``python3 benchmarks/versand.py`` (prints messages per second). The time
includes choosing, rendering, composing, the ``Versand`` ledger writes to the workbook (one per batch of
500) and the hand-over; ``pro_minute`` is set high so pacing does not dominate. Printed: messages per
second of wall time (the targets: ≥ 300/s into the outbox, ≥ 80/s over SMTP) and of CPU time (on a busy
machine the wall time includes waiting for other processes), and how often the ledger was written.
"""

from __future__ import annotations

import datetime as dt
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiosmtpd.controller import Controller

from automation.adapters.xlsx import WorkbookStore
from automation.domain.cells import write_row
from automation.domain.dataset import Dataset
from automation.domain.records import Kontakt, Termin, Versand, tab_headers
from automation.domain.store import Append, ApplyResult, ChangeSet
from automation.services.mail.commands import invite
from automation.services.wiring import Workspace

N = 1000
NOW = dt.datetime(2027, 3, 1, 9, 0)


class _Sink:
    count = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        _Sink.count += 1
        return "250 OK"


def _workspace(folder: Path, extra: str) -> Workspace:
    folder.mkdir()
    (folder / "gespraechsrunde.toml").write_text(
        f'[mail]\ntageslimit = 100000\npro_minute = 1000000\nabsender_adresse = "runde@kommune.test"\n{extra}\n',
        encoding="utf-8",
    )
    store = WorkbookStore(folder / "gespraechsrunde.xlsx")
    store.ensure_tabs(tab_headers())
    termin = Termin(termin_id="T-1", titel="Markt der Möglichkeiten", datum=dt.date(2027, 3, 13),
                    status="Anmeldung offen")  # fmt: skip
    rows = [Append("Termine", write_row(termin))]
    for n in range(N):
        kontakt = Kontakt(kontakt_id=f"K-{n:05d}", vorname="Vorname", nachname=f"Nachname {n}",
                          email=f"person{n}@example.org", einwilligung_einladungen=True)  # fmt: skip
        rows.append(Append("Kontakte", write_row(kontakt)))
    store.apply(ChangeSet(appends=rows))
    return Workspace.open(folder)


def _run(workspace: Workspace) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds (this process: with the SMTP server thread), messages sent, ledger writes."""
    store = workspace.store()
    writes = 0
    apply = WorkbookStore.apply

    def counting(self: WorkbookStore, changes: ChangeSet) -> ApplyResult:
        nonlocal writes
        writes += 1
        return apply(self, changes)

    WorkbookStore.apply = counting  # type: ignore[method-assign]
    try:
        started, cpu = time.perf_counter(), time.process_time()
        invite(workspace.folder, "T-1", now=NOW)  # invitations go out only when released
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        WorkbookStore.apply = apply  # type: ignore[method-assign]
    sent = sum(1 for v in Dataset.from_snapshot(store.read()).all(Versand) if v.status == "gesendet")
    return seconds, cpu, sent, writes


def _line(label: str, figures: tuple[float, float, int, int], floor: int) -> str:
    seconds, cpu, sent, writes = figures
    rate = sent / seconds
    return (
        f"{label:24} {sent} Nachrichten in {seconds:5.1f} s = {rate:4.0f}/s (CPU {cpu:4.1f} s = {sent / cpu:4.0f}/s), "
        f"{writes} Schreibvorgänge in »Versand«; Ziel ≥ {floor}/s: {'erreicht' if rate >= floor else 'VERFEHLT'}"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print(_line("Ausgangsordner:", _run(_workspace(Path(tmp) / "ausgang", "")), 300), flush=True)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        controller = Controller(_Sink(), hostname="127.0.0.1", port=port)
        controller.start()
        try:
            extra = f'versand = "smtp"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\nsmtp_sicherheit = "keine"'
            figures = _run(_workspace(Path(tmp) / "smtp", extra))
        finally:
            controller.stop()
        print(_line("SMTP (aiosmtpd lokal):", figures, 80) + f" (Server empfing {_Sink.count})")


if __name__ == "__main__":
    main()
