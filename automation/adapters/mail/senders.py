"""Where messages go: an outbox folder of ``.eml`` files (the default) or an SMTP server.

A sender is a context manager with one method, ``send``. Errors are translated at this boundary:

- :class:`Refused` – the server refused this one message for good (5xx): mark it ``fehlgeschlagen``, go on.
- :class:`Deferred` – refused for now (4xx): nothing went out, it waits for the next run.
- :class:`Unavailable` – no connection, login failed, or a timeout before the message was handed over:
  stop the batch; nothing went out.
- :class:`Uncertain` – the connection broke while the message was being handed over: it may have gone out.

SMTP: a server that closes the connection between messages (a per-connection limit, or ``421``) is
reconnected once: nothing was sent before ``MAIL FROM`` was accepted, so the message is simply sent on
the new connection. Only a break after ``DATA`` leaves a message ``unklar``. The outbox folder can prove
whether a message was written (:meth:`OutboxSender.written`); an SMTP server cannot.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

from automation.adapters.files import make_durable, write_atomically
from automation.adapters.mail.compose import ComposedMessage
from automation.domain.errors import ConfigError
from automation.domain.settings import MailSettings, secret


class SendError(Exception):
    """Base of the sender errors; the message is German."""


class Refused(SendError):
    """The server refused this message permanently (5xx)."""


class Deferred(SendError):
    """The server refused this message for now (4xx)."""


class Unavailable(SendError):
    """The server cannot be reached or refuses the session; nothing was sent."""


class Uncertain(SendError):
    """The connection broke during the hand-over; the message may have been delivered."""


class Sender(Protocol):
    """Sends messages; opened once per batch (``with sender: ...``)."""

    paced: bool  # whether ``pro_minute`` applies (a folder has no quota)

    def __enter__(self) -> Self: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def send(self, message: EmailMessage, key: str) -> None: ...

    def describe(self) -> str: ...

    def written(self, key: str) -> tuple[bool, str | None] | None:
        """Whether a message with this key was written (and its Message-ID); None: the sender cannot tell."""
        ...


def _file_name(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9ÄÖÜäöüß_.-]+", "_", key).strip("_") + ".eml"


class OutboxSender:
    """Writes every message as ``<Schlüssel>.eml`` into a folder (atomically: temporary file, rename).

    A file is complete when it becomes visible (rename), but it is flushed to disk only by :meth:`sync`, once
    for many files (the dispatcher calls it before the ledger records them as sent): a crash of the process
    loses nothing; after a power cut, a file the disk did not get is found incomplete by :meth:`written`.
    """

    paced = False

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._unsynced: list[Path] = []

    def describe(self) -> str:
        return f"Ausgangsordner {self.folder}"

    def __enter__(self) -> Self:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Unavailable(f"Der Ausgangsordner {self.folder} lässt sich nicht anlegen ({exc}).") from exc
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        return None

    def path_for(self, key: str) -> Path:
        return self.folder / _file_name(key)

    def written(self, key: str) -> tuple[bool, str | None] | None:
        """A complete ``.eml`` for the key exists (files appear only by atomic rename), and its Message-ID.

        A file whose content did not reach the disk before a power cut (empty, or cut short) proves nothing.
        """
        first = self.path_for(key)
        files = [first, *sorted(self.folder.glob(f"{glob_escape(first.stem)}.*.eml"))]
        found = [f for f in files if f.is_file()]
        if not found:
            return False, None
        data = found[-1].read_bytes()
        if not complete(data):
            return None  # renamed, but its content did not reach the disk (power cut): nobody can tell
        message_id = BytesHeaderParser().parsebytes(data).get("Message-ID")
        return True, str(message_id).strip() if message_id else None

    def clean_leftovers(self) -> int:
        """Remove temporary files of writes a crash interrupted (never renamed: never a message)."""
        removed = 0
        for tmp in leftover_files(self.folder):
            tmp.unlink(missing_ok=True)
            removed += 1
        return removed

    def send(self, message: EmailMessage, key: str) -> None:
        target = self.path_for(key)
        if target.exists():  # a second file for one key would be a second message
            target = target.with_name(f"{target.stem}.{message['Message-ID'].strip('<>')}.eml")
        try:
            write_atomically(target, message.as_bytes(), private=True)
        except OSError as exc:
            raise Unavailable(f"In den Ausgangsordner {self.folder} lässt sich nicht schreiben ({exc}).") from exc
        self._unsynced.append(target)

    def sync(self) -> None:
        """Make every message written since the last call durable (one flush of the file system)."""
        try:
            make_durable(self.folder, self._unsynced)
        except OSError as exc:  # the files stay listed: the next call tries them again
            raise Unavailable(
                f"Der Ausgangsordner {self.folder} lässt sich nicht auf die Platte schreiben ({exc})."
            ) from exc
        self._unsynced = []


def complete(data: bytes) -> bool:
    """Whether an ``.eml`` file of the outbox is whole: headers with a Message-ID, a body, and for a multipart
    message its closing boundary (a file whose content a power cut lost is empty or cut short)."""
    headers = BytesHeaderParser().parsebytes(data)
    if not headers.get("Message-ID") or b"\n\n" not in data.replace(b"\r\n", b"\n"):
        return False
    boundary = headers.get_boundary()
    return boundary is None or f"--{boundary}--".encode("ascii", "replace") in data


def leftover_files(folder: Path) -> list[Path]:
    """Temporary files of outbox writes that were never renamed (``.<name>.eml.<random>.tmp``)."""
    if not folder.is_dir():
        return []
    return [*folder.glob(".*.eml.*.tmp"), *folder.glob(".*.eml.tmp")]  # the second: files of older versions


class _SMTP(smtplib.SMTP):
    """Remembers whether the current transaction got as far as ``DATA`` (after it, a break is uncertain)."""

    data_started = False

    def data(self, msg: ReadableBuffer | str) -> tuple[int, bytes]:
        self.data_started = True
        return super().data(msg)


class _SMTP_SSL(smtplib.SMTP_SSL):  # the same for SMTP over SSL
    data_started = False

    def data(self, msg: ReadableBuffer | str) -> tuple[int, bytes]:
        self.data_started = True
        return super().data(msg)


class SmtpSender:
    """Sends over one SMTP connection per batch (STARTTLS, SSL or plain; login with the password secret)."""

    paced = True

    def __init__(self, settings: MailSettings, ssl_context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.connection: _SMTP | _SMTP_SSL | None = None
        self.reconnects = 0

    def describe(self) -> str:
        return f"SMTP-Server {self.settings.smtp_host}:{self.settings.smtp_port}"

    def _unavailable(self, exc: BaseException) -> Unavailable:
        return Unavailable(
            f"Der {self.describe()} ist nicht erreichbar oder lehnt die Verbindung ab ({exc.__class__.__name__}: "
            f"{exc}). Es wurde nichts als gesendet markiert. Bitte [mail] smtp_host, smtp_port und smtp_sicherheit "
            "in gespraechsrunde.toml prüfen; der nächste Lauf versucht es erneut."
        )

    def __enter__(self) -> Self:
        self.connection = self._connect()
        return self

    def _connect(self) -> _SMTP | _SMTP_SSL:
        s = self.settings
        try:
            connection: _SMTP | _SMTP_SSL
            if s.smtp_sicherheit == "ssl":
                connection = _SMTP_SSL(
                    s.smtp_host, s.smtp_port, timeout=s.smtp_zeitlimit_sekunden, context=self.ssl_context
                )
            else:
                connection = _SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_zeitlimit_sekunden)
                if s.smtp_sicherheit == "starttls":
                    connection.starttls(context=self.ssl_context)
            if s.smtp_benutzer:
                password = secret("SMTP_PASSWORT")
                if password is None:
                    connection.close()
                    raise Unavailable(
                        "Für den SMTP-Versand mit Benutzer fehlt das Passwort: bitte die Umgebungsvariable "
                        "GESPRAECHSRUNDE_SMTP_PASSWORT setzen."
                    )
                try:
                    connection.login(s.smtp_benutzer, password)
                except smtplib.SMTPAuthenticationError as exc:
                    connection.close()
                    raise Unavailable(
                        f"Der {self.describe()} lehnt die Anmeldung als »{s.smtp_benutzer}« ab (Code {exc.smtp_code}). "
                        "Bitte Benutzer ([mail] smtp_benutzer) und GESPRAECHSRUNDE_SMTP_PASSWORT prüfen."
                    ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise self._unavailable(exc) from exc
        return connection

    def written(self, key: str) -> tuple[bool, str | None] | None:
        """An SMTP server cannot be asked afterwards whether a message was handed over."""
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None

    def send(self, message: EmailMessage, key: str) -> None:
        assert self.connection is not None, "send() outside of »with sender«"
        try:
            self._send(message)
        except _ClosedBeforeData as closed:  # nothing was sent: a new connection, once
            self._close()
            self.reconnects += 1
            self.connection = self._connect()
            try:
                self._send(message)
            except _ClosedBeforeData:
                raise Unavailable(
                    f"Der {self.describe()} schließt die Verbindung vor jeder Übergabe ({closed}). Es wurde "
                    "nichts gesendet; der nächste Lauf versucht es erneut."
                ) from None

    def _send(self, message: EmailMessage) -> None:
        connection = self.connection
        if connection is None:
            raise _ClosedBeforeData("keine Verbindung")
        connection.data_started = False
        try:
            refused = _hand_over(connection, message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            if code == 421:
                raise _ClosedBeforeData(f"421 {_text(reply)}") from exc
            raise _refusal(code, reply) from exc
        except smtplib.SMTPSenderRefused as exc:
            if exc.smtp_code == 421:  # the server closes this connection (e.g. too many messages on it)
                raise _ClosedBeforeData(f"421 {_text(exc.smtp_error)}") from exc
            if 400 <= exc.smtp_code < 500:
                raise Unavailable(
                    f"Der {self.describe()} nimmt gerade keine Nachrichten an ({exc.smtp_code} "
                    f"{_text(exc.smtp_error)}) – ein vorübergehender Zustand des Servers. Es wurde nichts "
                    "gesendet; der nächste Lauf versucht es erneut."
                ) from exc
            raise Unavailable(
                f"Der {self.describe()} lehnt den Absender {exc.sender} ab ({exc.smtp_code} "
                f"{_text(exc.smtp_error)}). Bitte [mail] absender_adresse prüfen."
            ) from exc
        except smtplib.SMTPDataError as exc:
            raise _refusal(exc.smtp_code, exc.smtp_error) from exc
        except (smtplib.SMTPServerDisconnected, OSError, smtplib.SMTPException) as exc:
            if not connection.data_started:
                raise _ClosedBeforeData(f"{exc.__class__.__name__}: {exc}") from exc
            raise Uncertain(
                f"Die Verbindung zum {self.describe()} brach während der Übergabe ab ({exc.__class__.__name__}: {exc})."
            ) from exc
        if refused:
            code, reply = next(iter(refused.values()))
            raise _refusal(code, reply)

    def _close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None


def _hand_over(connection: smtplib.SMTP, message: EmailMessage) -> dict[str, tuple[int, bytes]]:
    """``send_message``, but with the bytes a composed message already knows (no second pass of the email
    package's generator over every header): sender from ``From``, recipients from ``To``/``Cc``."""
    if not isinstance(message, ComposedMessage) or message.get_all("Bcc") or message.get_all("Sender"):
        return connection.send_message(message)
    raw = dict((name.lower(), value) for name, value in message.raw_items())
    senders = getaddresses([raw.get("from", "")])
    recipients = [
        address for _, address in getaddresses([v for n, v in message.raw_items() if n.lower() in ("to", "cc")])
    ]
    if len(senders) != 1 or not senders[0][1] or not recipients or not all(recipients):
        return connection.send_message(message)
    return connection.sendmail(senders[0][1], recipients, message.as_bytes())


class _ClosedBeforeData(Exception):
    """The server closed the connection before ``DATA``: nothing of the message was sent."""


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _refusal(code: int, reply: bytes | str) -> SendError:
    text = f"Server antwortet {code} {_text(reply)}"
    if 500 <= code < 600:
        return Refused(text)
    return Deferred(f"{text} (vorübergehend; die Nachricht geht im nächsten Lauf hinaus)")


_PLACEHOLDER_DOMAINS = ("example", "example.com", "example.org", "example.net", "example.de", "localhost")


def placeholder_problem(settings: MailSettings) -> str | None:
    """Why the sender address cannot be used for real mail (German), or None."""
    address = (settings.absender_adresse or "").strip()
    domain = address.rpartition("@")[2].lower().rstrip(".")
    if not address or "@" not in address:
        return "Für den Versand per SMTP fehlt die Absenderadresse ([mail] absender_adresse)."
    if any(domain == d or domain.endswith("." + d) for d in _PLACEHOLDER_DOMAINS):
        return (
            f"Die Absenderadresse »{address}« ist ein Platzhalter ([mail] absender_adresse). Mit ihr würde "
            "niemand antworten können, und Server lehnen sie ab."
        )
    return None


def check_settings(settings: MailSettings) -> None:
    """A real SMTP run does not start with a placeholder sender address (ConfigError, exit code 2)."""
    if settings.versand != "smtp":
        return
    problem = placeholder_problem(settings)
    if problem is not None:
        raise ConfigError(
            f"{problem} Bitte in gespraechsrunde.toml unter [mail] »absender_adresse« die echte Adresse der "
            "Koordination eintragen; es wurde nichts gesendet."
        )


def open_sender(settings: MailSettings, outbox: Path) -> Sender:
    """The sender named in the settings (``versand = "ausgang"`` or ``"smtp"``)."""
    if settings.versand == "smtp":
        check_settings(settings)
        return SmtpSender(settings)
    return OutboxSender(outbox)


def glob_escape(text: str) -> str:
    import glob

    return glob.escape(text)
