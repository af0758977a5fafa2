"""One due message as an e-mail: template, personal links, calendar file, headers (no sending here)."""

from __future__ import annotations

import datetime as dt
from email.headerregistry import Address
from email.message import EmailMessage

from automation.adapters.links import LinkBuilder
from automation.adapters.mail.compose import Attachment, InvalidAddress, compose, make_address
from automation.adapters.mail.ics import calendar_file
from automation.adapters.mail.render import TRANSLATED, Renderer, build_context
from automation.domain import announcement
from automation.domain.errors import ConfigError
from automation.domain.mail.due import DueMessage
from automation.domain.mail.kinds import CALENDAR
from automation.domain.settings import Settings
from automation.domain.sprachen import DEUTSCH, language_code


class MessageBuilder:
    """Renders and addresses messages for one workspace (sender and reply-to from ``[mail]``)."""

    def __init__(self, settings: Settings, *, links: LinkBuilder, renderer: Renderer) -> None:
        self.settings = settings
        self.links = links
        self.renderer = renderer
        mail = settings.mail
        try:
            self.from_address = make_address(mail.absender_name, mail.absender_adresse)
            self.reply_to = make_address("", mail.antwort_an) if mail.antwort_an else None
        except InvalidAddress as exc:
            raise ConfigError(
                f"Die Absender- oder Antwortadresse »{exc}« in [mail] ist ungültig. Bitte in gespraechsrunde.toml "
                "korrigieren (Form: name@beispiel.de)."
            ) from None

    def build(
        self, item: DueMessage, recipient: Address, tables: list[tuple[int, str]], now: dt.datetime
    ) -> EmailMessage:
        anmelde_id = item.anmeldung.anmelde_id if item.anmeldung else None
        sprache = language_code(item.kontakt.sprache) if item.art in TRANSLATED else DEUTSCH
        links = self.links.links(item.kontakt.kontakt_id, anmelde_id, sprache)  # the forms in the mail's language
        context = build_context(self.settings, item.kontakt, item.termin, item.anmeldung, links, tables, art=item.art)
        context.update(item.extra)  # kind-specific variables (Lotsen-Briefing, the newcomer's guide)
        try:
            rendered = self.renderer.render(item.art, context)
        except Exception as exc:  # a broken template in the workspace's own vorlagen/
            raise ConfigError(
                f"Die Vorlage für »{item.art.value}« (vorlagen/mail/{item.art.template}.*) lässt sich nicht "
                f"verwenden: {exc}. Bitte die Vorlage korrigieren oder aus dem Arbeitsordner entfernen; "
                "es wurde nichts gesendet."
            ) from exc
        attachments: tuple[Attachment, ...] = ()
        method = CALENDAR.get(item.art)
        if method is not None and item.anmeldung is not None:
            sequence = announcement.fassung(item.termin) + (1 if method == "CANCEL" else 0)
            ics = calendar_file(
                item.termin, item.anmeldung, self.from_address.addr_spec, links.absage, now,
                sequence=sequence, method=method, attendee=recipient.addr_spec if method == "CANCEL" else None,
                sprache=context["sprache"],
            )  # fmt: skip
            attachments = (Attachment("termin.ics", "text", "calendar", ics, (("method", method),)),)
        attachments += tuple(item.attachments)  # e.g. the club report PDF (Vereinsbericht)
        unsubscribe = [self.links.unsubscribe_mailto(item.kontakt.kontakt_id)]
        if links.abmelden.startswith("https://"):
            unsubscribe.append(links.abmelden)
        return compose(
            sender=self.from_address,
            recipient=recipient,
            reply_to=self.reply_to,
            rendered=rendered,
            key=str(item.key),
            unsubscribe=unsubscribe,
            one_click=links.one_click,
            now=now,
            attachments=attachments,
        )
