"""Fixture factory for the mail tests: a workspace with a local workbook, settings and records."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from automation.adapters.mail.senders import Sender
from automation.adapters.xlsx import WorkbookStore
from automation.domain.dataset import Dataset
from automation.domain.records import Anmeldung, Kontakt, Record, Termin, Versand
from automation.domain.store import Append, ChangeSet
from automation.services.mail.step import SendMessagesStep
from automation.services.runner import JobContext
from automation.services.steps import WaitlistStep
from automation.services.wiring import Workspace

NOW = dt.datetime(2027, 3, 1, 9, 0, 0)
TERMIN = "T-2027-1"


def termin(**changes: Any) -> Termin:
    values: dict[str, Any] = {
        "termin_id": TERMIN, "titel": "Markt der Möglichkeiten", "datum": dt.date(2027, 3, 13),
        "beginn": dt.time(10, 0), "ende": dt.time(13, 0), "ort": "Bürgerhaus", "adresse": "Marktplatz 1",
        "anmeldeschluss": dt.date(2027, 3, 10), "plaetze": 10, "status": "Anmeldung offen",
    }  # fmt: skip
    values.update(changes)
    return Termin(**values)


def kontakt(n: int, **changes: Any) -> Kontakt:
    values: dict[str, Any] = {
        "kontakt_id": f"K-{n:04d}", "vorname": "Person", "nachname": f"Nr{n}", "email": f"person{n}@example.org",
        "einwilligung_speicherung": True, "einwilligung_einladungen": True,
    }  # fmt: skip
    values.update(changes)
    return Kontakt(**values)


def anmeldung(n: int, **changes: Any) -> Anmeldung:
    values: dict[str, Any] = {
        "anmelde_id": f"A-{n:04d}", "termin_id": TERMIN, "kontakt_id": f"K-{n:04d}",
        "eingegangen": dt.datetime(2027, 2, 1, 8, 0) + dt.timedelta(minutes=n), "personen": 1,
    }  # fmt: skip
    values.update(changes)
    return Anmeldung(**values)


@dataclass
class Space:
    """A workspace in tmp_path: settings file, workbook, and helpers to run the mail steps."""

    folder: Path
    settings_text: str

    @property
    def outbox(self) -> Path:
        return self.folder / "ausgang"

    def workspace(self) -> Workspace:
        return Workspace.open(self.folder)

    def store(self) -> WorkbookStore:
        return WorkbookStore(self.folder / "gespraechsrunde.xlsx")

    def add(self, *records: Record) -> None:
        self.store().apply(ChangeSet(appends=[Append(r.TAB, _row(r)) for r in records]))

    def dataset(self) -> Dataset:
        return Dataset.from_snapshot(self.store().read())

    def context(self, now: dt.datetime = NOW, dry_run: bool = False) -> JobContext:
        store = self.store()
        return JobContext(
            workspace=self.workspace(), store=store, dataset=Dataset.from_snapshot(store.read()), now=now,
            dry_run=dry_run,
        )  # fmt: skip

    def sync(self, now: dt.datetime = NOW, sender: Sender | None = None, **kwargs: Any) -> JobContext:
        """Waiting list, then sending, as ``sync`` runs them (saving after each step)."""
        ctx = self.context(now)
        for step in (WaitlistStep(), SendMessagesStep(sender, **kwargs)):
            step.run(ctx)
            ctx.save()
        return ctx

    def versand(self) -> dict[str, Versand]:
        return {v.schluessel: v for v in self.dataset().all(Versand)}

    def outbox_messages(self) -> list[EmailMessage]:
        return [read_eml(p.read_bytes()) for p in sorted(self.outbox.glob("*.eml"))]

    def set_cell(self, tab: str, key: str, header: str, value: Any) -> None:
        """Type a value into one cell, as a person does in the workbook (row found by its ID)."""
        import openpyxl

        path = self.folder / "gespraechsrunde.xlsx"
        wb = openpyxl.load_workbook(path)
        ws = wb[tab]
        headers = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == key:
                row[headers.index(header)].value = value
        wb.save(path)

    def update(self, record: Record) -> None:
        dataset = self.dataset()
        dataset.put(record)
        self.store().apply(dataset.changes())


def _row(record: Record) -> dict[str, Any]:
    from automation.domain.cells import write_row

    return write_row(record)


def read_eml(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


SETTINGS = """
titel = "Gesprächsrunde für Multilokale"
[mail]
absender_name = "Gemeinde Musterstadt"
absender_adresse = "{absender}"
tageslimit = {tageslimit}
pro_minute = 6000
{extra}
[darstellung]
kommune = "Musterstadt"
kontakt_adresse = "koordination@musterstadt.example"
"""


@pytest.fixture
def make_space(tmp_path: Path) -> Any:
    """``make_space(tageslimit=…, extra="smtp_port = 25")`` → a :class:`Space` with all tabs created."""

    def factory(tageslimit: int = 500, extra: str = "", name: str = "ws") -> Space:
        from tests.factory import build_workspace

        # a real SMTP run refuses a placeholder sender (*.example): the SMTP tests use a .test domain (RFC 2606)
        absender = SMTP_SENDER if 'versand = "smtp"' in extra else "runde@musterstadt.example"
        text = SETTINGS.format(tageslimit=tageslimit, extra=extra, absender=absender)
        return Space(build_workspace(tmp_path / name, settings=text), text)

    return factory


# -- a real SMTP server on loopback ----------------------------------------------------------------


@dataclass
class Received:
    envelopes: list[Envelope] = field(default_factory=list)
    reject: dict[str, str] = field(default_factory=dict)  # address → reply, e.g. "550 5.1.1 unknown"

    def messages(self) -> list[EmailMessage]:
        return [read_eml(bytes(e.original_content or b"")) for e in self.envelopes]


class _Handler:
    def __init__(self, received: Received) -> None:
        self.received = received

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.received.reject:
            return self.received.reject[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.envelopes.append(envelope)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Received]]:
    received = Received()
    port = free_port()
    controller = Controller(_Handler(received), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


SMTP_SENDER = "runde@musterstadt.test"
SMTP_EXTRA = (
    'versand = "smtp"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\nsmtp_sicherheit = "keine"\n'
    "smtp_zeitlimit_sekunden = 2"
)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections and never answers (for timeouts)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    stop = threading.Event()
    conns: list[socket.socket] = []

    def accept() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                conns.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(sock.getsockname()[1])
    finally:
        stop.set()
        thread.join()
        for conn in conns:
            conn.close()
        sock.close()
