"""Throughput of sending 1,000 invitations: into the outbox folder and into a local SMTP server.

Run from the repository root: ``python3 benchmarks/versand.py`` (prints messages per second). The time
includes choosing, rendering, composing, the ``Versand`` ledger writes to the workbook (batched) and
the hand-over; ``pro_minute`` is set high so pacing does not dominate.
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
from automation.domain.store import Append, ChangeSet
from automation.services.mail.step import SendMessagesStep
from automation.services.runner import JobContext
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
        f'[mail]\ntageslimit = 100000\npro_minute = 1000000\nabsender_adresse = "runde@kommune.example"\n{extra}\n',
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


def _run(workspace: Workspace) -> tuple[float, int]:
    store = workspace.store()
    ctx = JobContext(workspace=workspace, store=store, dataset=Dataset.from_snapshot(store.read()), now=NOW)
    started = time.perf_counter()
    SendMessagesStep().run(ctx)
    ctx.save()
    seconds = time.perf_counter() - started
    sent = sum(1 for v in Dataset.from_snapshot(store.read()).all(Versand) if v.status == "gesendet")
    return seconds, sent


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        seconds, sent = _run(_workspace(Path(tmp) / "ausgang", ""))
        print(f"Ausgangsordner: {sent} Nachrichten in {seconds:.1f} s = {sent / seconds:.0f} Nachrichten/s")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        controller = Controller(_Sink(), hostname="127.0.0.1", port=port)
        controller.start()
        try:
            extra = f'versand = "smtp"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\nsmtp_sicherheit = "keine"'
            seconds, sent = _run(_workspace(Path(tmp) / "smtp", extra))
        finally:
            controller.stop()
        print(f"SMTP (aiosmtpd lokal): {sent} Nachrichten in {seconds:.1f} s = {sent / seconds:.0f} Nachrichten/s "
              f"(Server empfing {_Sink.count})")  # fmt: skip


if __name__ == "__main__":
    main()
