"""Where messages go: an outbox folder of ``.eml`` files (the default) or an SMTP server.

A sender is a context manager with one method, ``send``. Errors are translated at this boundary:

- :class:`Refused` – the server refused this one message for good (5xx): mark it ``fehlgeschlagen``, go on.
- :class:`Deferred` – refused for now (4xx): nothing went out, it waits for the next run.
- :class:`Unavailable` – no connection, login failed, or a timeout before the message was handed over:
  stop the batch; nothing went out.
- :class:`Uncertain` – the connection broke while the message was being handed over: it may have gone out.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from automation.adapters.files import write_atomically
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


def _file_name(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9ÄÖÜäöüß_.-]+", "_", key).strip("_") + ".eml"


class OutboxSender:
    """Writes every message as ``<Schlüssel>.eml`` into a folder (atomically: temporary file, rename)."""

    paced = False

    def __init__(self, folder: Path) -> None:
        self.folder = folder

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

    def send(self, message: EmailMessage, key: str) -> None:
        target = self.path_for(key)
        if target.exists():  # a second file for one key would be a second message
            target = target.with_name(f"{target.stem}.{message['Message-ID'].strip('<>')}.eml")
        try:
            write_atomically(target, message.as_bytes(), durable=True, private=True)
        except OSError as exc:
            raise Unavailable(f"In den Ausgangsordner {self.folder} lässt sich nicht schreiben ({exc}).") from exc


class SmtpSender:
    """Sends over one SMTP connection per batch (STARTTLS, SSL or plain; login with the password secret)."""

    paced = True

    def __init__(self, settings: MailSettings, ssl_context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.connection: smtplib.SMTP | None = None

    def describe(self) -> str:
        return f"SMTP-Server {self.settings.smtp_host}:{self.settings.smtp_port}"

    def _unavailable(self, exc: BaseException) -> Unavailable:
        return Unavailable(
            f"Der {self.describe()} ist nicht erreichbar oder lehnt die Verbindung ab ({exc.__class__.__name__}: "
            f"{exc}). Es wurde nichts als gesendet markiert. Bitte [mail] smtp_host, smtp_port und smtp_sicherheit "
            "in gespraechsrunde.toml prüfen; der nächste Lauf versucht es erneut."
        )

    def __enter__(self) -> Self:
        s = self.settings
        try:
            if s.smtp_sicherheit == "ssl":
                connection: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.smtp_host, s.smtp_port, timeout=s.smtp_zeitlimit_sekunden, context=self.ssl_context
                )
            else:
                connection = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_zeitlimit_sekunden)
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
        self.connection = connection
        return self

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
            refused = self.connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise _refusal(code, reply) from exc
        except smtplib.SMTPSenderRefused as exc:
            raise Unavailable(
                f"Der {self.describe()} lehnt den Absender {exc.sender} ab ({exc.smtp_code} "
                f"{_text(exc.smtp_error)}). Bitte [mail] absender_adresse prüfen."
            ) from exc
        except smtplib.SMTPDataError as exc:
            raise _refusal(exc.smtp_code, exc.smtp_error) from exc
        except (smtplib.SMTPServerDisconnected, OSError, smtplib.SMTPException) as exc:
            raise Uncertain(
                f"Die Verbindung zum {self.describe()} brach während der Übergabe ab ({exc.__class__.__name__}: {exc})."
            ) from exc
        if refused:
            code, reply = next(iter(refused.values()))
            raise _refusal(code, reply)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _refusal(code: int, reply: bytes | str) -> SendError:
    text = f"Server antwortet {code} {_text(reply)}"
    if 500 <= code < 600:
        return Refused(text)
    return Deferred(text)


def open_sender(settings: MailSettings, outbox: Path) -> Sender:
    """The sender named in the settings (``versand = "ausgang"`` or ``"smtp"``)."""
    if settings.versand == "smtp":
        return SmtpSender(settings)
    return OutboxSender(outbox)
