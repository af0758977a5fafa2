"""One e-mail as it goes out: safe headers, plain text + HTML, the .ics file, List-Unsubscribe.

Names and addresses come from forms: they never reach a header raw. Display names and subjects lose
control characters (CR/LF cannot start a new header); display names are quoted by
``email.headerregistry.Address`` (commas and quotes stay inside the name). An address the header
parser does not accept as one plain ``name@domain`` raises :class:`InvalidAddress`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
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
    """Build the message (multipart/alternative, plus attachments under multipart/mixed)."""
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
