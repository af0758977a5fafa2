"""One e-mail as it goes out: safe headers, plain text + HTML, the .ics file, List-Unsubscribe.

Names and addresses come from forms: they never reach a header raw. Display names and subjects lose
control characters (CR/LF cannot start a new header); display names are quoted by
``email.headerregistry.Address`` (commas and quotes stay inside the name). An address the header
parser does not accept as one plain ``name@domain`` raises :class:`InvalidAddress`.
"""

from __future__ import annotations

import binascii
import datetime as dt
import functools
import re
import secrets
from dataclasses import dataclass
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import Policy
from email.utils import format_datetime, make_msgid

from automation.adapters.mail.render import Rendered, one_line

# ASCII local part without quoting (no SMTPUTF8); the domain in its IDNA form
_PLAIN_ADDRESS = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]{2,}$")
KEY_HEADER = "X-Gespraechsrunde-Schluessel"


class InvalidAddress(ValueError):
    """An e-mail address that cannot be used in a header."""


def make_address(display_name: str, address: str) -> Address:
    """A header address; raises :class:`InvalidAddress` for anything but one plain ``name@domain``."""
    address = address.strip()
    local, _, domain = address.rpartition("@")
    try:  # umlaut domains go into headers in their ASCII (IDNA) form
        address = f"{local}@{domain.encode('idna').decode('ascii')}" if domain else address
    except UnicodeError as exc:
        raise InvalidAddress(address) from exc
    if not _PLAIN_ADDRESS.match(address) or ".." in address:
        raise InvalidAddress(address)
    local, _, domain = address.rpartition("@")
    try:
        return Address(display_name=one_line(display_name), username=local, domain=domain)
    except (HeaderParseError, ValueError, IndexError) as exc:
        raise InvalidAddress(address) from exc


@dataclass(frozen=True)
class Attachment:
    filename: str
    maintype: str
    subtype: str
    content: bytes
    params: tuple[tuple[str, str], ...] = ()


def compose(
    *,
    sender: Address,
    recipient: Address,
    reply_to: Address | None,
    rendered: Rendered,
    key: str,
    unsubscribe: list[str],
    one_click: str | None,
    now: dt.datetime,
    attachments: tuple[Attachment, ...] = (),
) -> EmailMessage:
    """Build the message (multipart/alternative, plus attachments under multipart/mixed).

    Headers are folded once and stored as they go out (``set_raw``): the email package parses a header
    only when someone reads it, and writes a stored one as it is. The common header texts (ASCII, short)
    need no folding; everything else is folded by the email package itself (:func:`_header_text`). This
    makes a message about four times cheaper than building it with ``EmailMessage.__setitem__`` and
    ``set_content`` (issue 10); ``tests/mail/test_compose.py`` checks both give the same message.
    """
    if any(item.maintype != "text" or not _SIMPLE_VALUE.match(item.filename) for item in attachments):
        return _compose_with_email_package(
            sender=sender, recipient=recipient, reply_to=reply_to, rendered=rendered, key=key,
            unsubscribe=unsubscribe, one_click=one_click, now=now, attachments=attachments,
        )  # fmt: skip
    message = ComposedMessage(policy=policy.SMTP)
    message.set_raw("From", _address_text("From", sender))
    message.set_raw("To", _address_text("To", recipient))
    if reply_to is not None:
        message.set_raw("Reply-To", _address_text("Reply-To", reply_to))
    message.set_raw("Subject", _header_text("Subject", one_line(rendered.subject)))
    message.set_raw("Date", format_datetime(now if now.tzinfo else now.astimezone()))
    message.set_raw("Message-ID", make_msgid(domain=sender.domain or "gespraechsrunde.invalid"))
    message.set_raw(KEY_HEADER, _header_text(KEY_HEADER, one_line(key)))
    links = [u for u in unsubscribe if u]
    if links:
        message.set_raw(
            "List-Unsubscribe", _header_text("List-Unsubscribe", ", ".join(f"<{one_line(u)}>" for u in links))
        )
    if one_click and one_click.startswith("https://"):
        message.set_raw("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
    message.set_raw("MIME-Version", "1.0")
    alternative = [_text_part("plain", rendered.text), _text_part("html", rendered.html)]
    if not attachments:
        _make_multipart(message, "alternative", alternative)
        return message
    inner = ComposedMessage(policy=policy.SMTP)
    _make_multipart(inner, "alternative", alternative)
    parts: list[ComposedMessage] = [inner]
    for item in attachments:
        part = _text_part(item.subtype, item.content.decode("utf-8"), item.params)
        part.set_raw("Content-Disposition", f'attachment; filename="{item.filename}"')
        parts.append(part)
    _make_multipart(message, "mixed", parts)
    return message


class ComposedMessage(EmailMessage):
    """A message built by :func:`compose`: its bytes are written straight from the stored header texts and
    payloads, without the email package's generator parsing every header again (the same bytes as
    ``BytesGenerator`` with ``policy.SMTP``). Changed afterwards through the email package's setters, it
    falls back to the generator."""

    def as_bytes(self, unixfrom: bool = False, policy: Policy | None = None) -> bytes:
        if unixfrom or policy is not None:
            return super().as_bytes(unixfrom, policy)
        out: list[str] = []
        if not _flatten(self, out):
            return super().as_bytes()
        return "".join(out).encode("ascii")


def _flatten(message: EmailMessage, out: list[str]) -> bool:
    """Append the message's lines as ``BytesGenerator`` would write them; False when it holds anything else
    than ASCII texts stored by :func:`compose`."""
    for name, value in message.raw_items():
        if not isinstance(value, str) or not value.isascii():
            return False
        out.append(f"{name}: {value}\r\n")
    out.append("\r\n")
    payload = message.get_payload()  # not decoded: the text as stored
    if isinstance(payload, str):
        if not payload.isascii() or "\r" in payload:
            return False
        out.append(payload.replace("\n", "\r\n"))
        return True
    boundary = message.get_boundary()
    if not isinstance(payload, list) or not payload or boundary is None:
        return False
    for index, part in enumerate(payload):
        if not isinstance(part, ComposedMessage):
            return False
        out.append(f"\r\n--{boundary}\r\n" if index else f"--{boundary}\r\n")
        if not _flatten(part, out):
            return False
    out.append(f"\r\n--{boundary}--\r\n")
    return True


# a header text that needs neither encoding nor quoting nor folding (printable ASCII, no CR/LF)
_SIMPLE_VALUE = re.compile(r"^[\x20-\x7e]*$")
# a display name that goes into a header as it is (atoms and spaces, see RFC 5322 »atext«)
_SIMPLE_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+( [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_MAX_LINE = 78


def _header_text(name: str, value: str) -> str:
    """The header's value as it goes out: as it is when short printable ASCII, else folded and encoded by
    the email package (``=?utf-8?q?…?=``, the same as ``message[name] = value``)."""
    simple = _SIMPLE_VALUE.match(value) and value.strip() == value and "=?" not in value  # »=?«: no encoded word
    if simple and len(name) + 2 + len(value) <= _MAX_LINE:
        return value
    return _folded(name, value)


@functools.lru_cache(maxsize=4096)
def _folded(name: str, value: str) -> str:
    """Folded and encoded by the email package (cached: subjects and senders repeat)."""
    return _value_of(name, policy.SMTP.header_factory(name, value).fold(policy=policy.SMTP))


def _address_text(name: str, address: Address) -> str:
    text = f"{address.display_name} <{address.addr_spec}>" if address.display_name else address.addr_spec
    display = address.display_name
    simple = not display or (_SIMPLE_NAME.match(display) is not None and "=?" not in display)
    if simple and len(name) + 2 + len(text) <= _MAX_LINE:
        return text
    return _folded_address(name, address.display_name, address.username, address.domain)


@functools.lru_cache(maxsize=4096)
def _folded_address(name: str, display_name: str, username: str, domain: str) -> str:
    address = Address(display_name=display_name, username=username, domain=domain)
    return _value_of(name, policy.SMTP.header_factory(name, address).fold(policy=policy.SMTP))


def _value_of(name: str, folded: str) -> str:
    """``Name: value\r\n  more\r\n`` → ``value\r\n  more`` (a value that starts on the next line keeps its
    line break: the header is then written ``Name: \r\n value``, which is the same header)."""
    value = str(folded)[len(name) + 1 :].removesuffix("\r\n")
    return value.removeprefix(" ")


def _text_part(subtype: str, text: str, params: tuple[tuple[str, str], ...] = ()) -> ComposedMessage:
    """A text part in UTF-8: 7bit when it is short-lined ASCII, quoted-printable otherwise."""
    lines = text.encode("utf-8").splitlines()  # bytes: only CR and LF end a line (str splits at \x1e too)
    body = b"\n".join(lines) + b"\n"
    part = ComposedMessage(policy=policy.SMTP)
    extra = "".join(f'; {k}="{v}"' for k, v in params if _SIMPLE_VALUE.match(k + v) and '"' not in v + k)
    part.set_raw("Content-Type", _header_text("Content-Type", f'text/{subtype}; charset="utf-8"{extra}'))
    if body.isascii() and all(len(line) <= _MAX_LINE for line in lines):
        part.set_raw("Content-Transfer-Encoding", "7bit")
        part.set_payload(body.decode("ascii"))
    else:
        part.set_raw("Content-Transfer-Encoding", "quoted-printable")
        part.set_payload(binascii.b2a_qp(body, istext=True).decode("ascii"))
    return part


def _make_multipart(message: ComposedMessage, subtype: str, parts: list[ComposedMessage]) -> None:
    boundary = f"===============gr{secrets.token_hex(12)}=="
    message.set_raw("Content-Type", f'multipart/{subtype};\r\n boundary="{boundary}"')
    for part in parts:
        message.attach(part)


def _compose_with_email_package(
    *,
    sender: Address,
    recipient: Address,
    reply_to: Address | None,
    rendered: Rendered,
    key: str,
    unsubscribe: list[str],
    one_click: str | None,
    now: dt.datetime,
    attachments: tuple[Attachment, ...] = (),
) -> EmailMessage:
    """The message built with the email package's own setters: for attachments other than text files."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = recipient
    if reply_to is not None:
        message["Reply-To"] = reply_to
    message["Subject"] = one_line(rendered.subject)
    message["Date"] = format_datetime(now if now.tzinfo else now.astimezone())
    message["Message-ID"] = make_msgid(domain=sender.domain or "gespraechsrunde.invalid")
    message[KEY_HEADER] = one_line(key)
    links = [u for u in unsubscribe if u]
    if links:
        message["List-Unsubscribe"] = ", ".join(f"<{one_line(u)}>" for u in links)
    if one_click and one_click.startswith("https://"):
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(rendered.text, subtype="plain", charset="utf-8")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8")
    for item in attachments:
        if item.maintype == "text":  # text attachments (.ics) carry charset=utf-8
            message.add_attachment(
                item.content.decode("utf-8"), subtype=item.subtype, charset="utf-8", filename=item.filename,
                params=dict(item.params),
            )  # fmt: skip
        else:
            message.add_attachment(
                item.content, maintype=item.maintype, subtype=item.subtype, filename=item.filename,
                params=dict(item.params),
            )  # fmt: skip
    return message
