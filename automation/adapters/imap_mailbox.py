"""The coordination's mailbox over IMAP: read unread replies without marking them, mark handled ones.

Only headers are fetched, with ``BODY.PEEK`` so that reading never marks a message as read; a message
is marked ``\\Seen`` only after the job stored what it did with it. Connection and login problems become
one German :class:`MailboxError` (the password never appears in it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import imaplib
import ssl
from email import policy
from email.utils import parseaddr, parsedate_to_datetime
from types import TracebackType

from automation.domain.errors import GespraechsrundeError
from automation.domain.replies import MailReply


class MailboxError(GespraechsrundeError):
    """The IMAP mailbox could not be read or changed."""


class ImapMailbox:
    """One IMAP session on one folder; use as a context manager."""

    def __init__(
        self,
        host: str,
        port: int,
        security: str,
        user: str | None,
        password: str | None,
        folder: str = "INBOX",
        timeout: float = 30.0,
    ) -> None:
        self.host, self.port, self.security = host, port, security
        self.user, self._password, self.folder, self.timeout = user, password, folder, timeout
        self._imap: imaplib.IMAP4 | None = None

    def _where(self) -> str:
        return f"IMAP-Server {self.host}:{self.port}"

    def __enter__(self) -> ImapMailbox:
        try:
            if self.security == "ssl":
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    self.host, self.port, ssl_context=ssl.create_default_context(), timeout=self.timeout
                )
            else:
                imap = imaplib.IMAP4(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    imap.starttls(ssl.create_default_context())
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxError(
                f"Der {self._where()} ist nicht erreichbar ({type(exc).__name__}). Bitte [imap] host, port und "
                "sicherheit prüfen; die übrigen Schritte laufen weiter."
            ) from None
        self._imap = imap
        try:
            if self.user:
                imap.login(self.user, self._password or "")
            status, _ = imap.select(self._quoted(self.folder))
            if status != "OK":
                raise MailboxError(f"Den Ordner »{self.folder}« gibt es im Postfach nicht. Bitte [imap] ordner prüfen.")
        except imaplib.IMAP4.error:
            self._close()
            raise MailboxError(
                f"Anmeldung am {self._where()} als »{self.user}« abgelehnt. Bitte [imap] benutzer und die "
                "Umgebungsvariable GESPRAECHSRUNDE_IMAP_PASSWORT prüfen."
            ) from None
        except (TimeoutError, OSError):
            self._close()
            raise MailboxError(
                f"Die Verbindung zum {self._where()} brach ab. Der nächste Lauf versucht es wieder."
            ) from None
        return self

    @staticmethod
    def _quoted(folder: str) -> str:
        return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def _close(self) -> None:
        if self._imap is not None:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                self._imap.logout()
            self._imap = None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._close()

    def _session(self) -> imaplib.IMAP4:
        if self._imap is None:
            raise MailboxError("Das Postfach ist nicht geöffnet.")
        return self._imap

    def unread(self) -> list[MailReply]:
        """Every unread message's headers (From, Subject, Message-ID, Date); nothing is marked as read."""
        imap = self._session()
        try:
            status, data = imap.uid("SEARCH", None, "UNSEEN")  # type: ignore[arg-type]
            uids = data[0].split() if status == "OK" and data and data[0] else []
            replies = []
            for uid in uids:
                status, parts = imap.uid("FETCH", uid, "(BODY.PEEK[HEADER.FIELDS (FROM SUBJECT MESSAGE-ID DATE)])")
                header = next((p[1] for p in parts if isinstance(p, tuple)), b"") if status == "OK" else b""
                replies.append(_reply(uid.decode("ascii"), header))
            return replies
        except (OSError, imaplib.IMAP4.error):
            raise MailboxError(
                f"Der {self._where()} brach beim Lesen ab. Der nächste Lauf versucht es wieder."
            ) from None

    def mark_read(self, uids: list[str]) -> None:
        """Mark handled messages as read (``\\Seen``)."""
        if not uids:
            return
        try:
            self._session().uid("STORE", ",".join(uids), "+FLAGS.SILENT", "(\\Seen)")
        except (OSError, imaplib.IMAP4.error):
            raise MailboxError(
                f"Der {self._where()} brach beim Markieren ab; die Nachrichten werden im nächsten Lauf erkannt "
                "und nicht doppelt ausgeführt."
            ) from None


def _reply(uid: str, header: bytes) -> MailReply:
    message = email.message_from_bytes(header, policy=policy.default)
    sender = parseaddr(str(message.get("From", "")))[1]
    try:
        received = parsedate_to_datetime(str(message.get("Date", "")))
        received = received.astimezone().replace(tzinfo=None) if received.tzinfo else received
    except (TypeError, ValueError):
        received = dt.datetime.now().replace(microsecond=0)
    return MailReply(
        uid=uid,
        message_id=str(message.get("Message-ID", "")).strip(),
        sender=sender,
        subject=str(message.get("Subject", "")),
        received=received.replace(microsecond=0),
    )
