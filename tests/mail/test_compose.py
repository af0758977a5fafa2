"""The fast way of composing a message (stored header texts, own bytes) gives the same message as the email
package's own setters and generator, for any name, subject, key and text residents and templates bring."""

from __future__ import annotations

import datetime as dt
import io
from email import policy
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation.adapters.mail.compose import (
    Attachment,
    ComposedMessage,
    InvalidAddress,
    _compose_with_email_package,
    compose,
    make_address,
)
from automation.adapters.mail.render import Rendered

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
ICS = Attachment(
    "termin.ics",
    "text",
    "calendar",
    "BEGIN:VCALENDAR\r\nSUMMARY:Märkte\r\nEND:VCALENDAR\r\n".encode(),
    (("method", "REQUEST"),),
)

names = st.text(st.characters(codec="utf-8"), max_size=60) | st.sampled_from(
    ["Jürgen Müller", "O'Brien, Siobhan", 'Dr. "Doc" Ünal', "Ayşe Yılmaz", "محمد علي", "a" * 90, "=?utf-8?q?x?="]
)
texts = st.text(st.characters(codec="utf-8"), max_size=400) | st.sampled_from(
    ["Hallo\n" + "Zeile mit Umlaut ä " * 30, "=3D kein Code\n.\nFrom here", "\t Leerzeichen am Ende   \n", ""]
)


def _decoded(message: EmailMessage) -> dict[str, Any]:
    """What a mail program shows: decoded headers (without the random Message-ID) and each part's content."""
    headers = {k: str(v) for k, v in message.items() if k not in ("Message-ID", "Content-Type")}
    parts = [
        (p.get_content_type(), str(p.get_content()).replace("\r\n", "\n"), p.get_filename(), p.get_param("method"))
        for p in message.walk()
        if not p.is_multipart()
    ]
    return {"headers": headers, "type": message.get_content_type(), "parts": parts}


def _generated(message: EmailMessage) -> bytes:
    out = io.BytesIO()
    BytesGenerator(out, policy=policy.SMTP).flatten(message)
    return out.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=names, subject=texts, text=texts, html=texts, key=texts, ics=st.booleans(), https=st.booleans())
def test_composed_message_is_the_message_of_the_email_package(
    name: str, subject: str, text: str, html: str, key: str, ics: bool, https: bool
) -> None:
    try:
        recipient = make_address(name, "person@example.org")
    except InvalidAddress:
        return
    sender = make_address("Gesprächsrunde Musterstadt", "runde@kommune.test")
    links = ["mailto:abmelden@kommune.test?subject=abmelden%20K-0001"] + (
        ["https://kommune.test/a?k=" + "x" * 40] if https else []
    )
    args: dict[str, Any] = dict(
        sender=sender, recipient=recipient, reply_to=make_address("", "antwort@kommune.test"),
        rendered=Rendered(subject, text, html), key=key, unsubscribe=links,
        one_click=links[-1] if https else None, now=NOW, attachments=(ICS,) if ics else (),
    )  # fmt: skip
    fast, reference = compose(**args), _compose_with_email_package(**args)
    assert isinstance(fast, ComposedMessage)
    data = fast.as_bytes()
    assert data == _generated(fast)  # its own bytes are what the email package writes for it
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))  # SMTP's line limit
    reread = BytesParser(policy=policy.SMTP).parsebytes(data)
    on_the_wire = _decoded(BytesParser(policy=policy.SMTP).parsebytes(reference.as_bytes()))
    assert _decoded(reread) == on_the_wire
    assert _decoded(fast) == on_the_wire  # and in memory, as the RecordingSender keeps it
    assert str(reread["Message-ID"]) == str(fast["Message-ID"])


def test_a_changed_composed_message_is_written_by_the_email_package() -> None:
    sender = make_address("Gesprächsrunde", "runde@kommune.test")
    message = compose(
        sender=sender, recipient=make_address("Ümit", "u@example.org"), reply_to=None,
        rendered=Rendered("Betreff", "Text", "<p>Text</p>"), key="Einladung|T-1|K-1", unsubscribe=[],
        one_click=None, now=NOW,
    )  # fmt: skip
    del message["Subject"]
    message["Subject"] = "Neuer Betreff – geändert"
    assert BytesParser(policy=policy.SMTP).parsebytes(message.as_bytes())["Subject"] == "Neuer Betreff – geändert"
