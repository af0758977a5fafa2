"""A workspace: the folder with ``gespraechsrunde.toml``, and the store and answer source it names.

This is the one place where the backends are wired: ``speicher = "lokal"`` gives the workbook and CSV
exports, ``speicher = "google"`` the Google spreadsheet and Google Forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from automation.adapters.csv_source import CsvAnswerSource
from automation.adapters.xlsx import WorkbookStore
from automation.domain.answers.base import AnswerSource
from automation.domain.forms import FormDefinition, load_forms
from automation.domain.settings import Settings, load_settings
from automation.domain.store import Store

if TYPE_CHECKING:
    from automation.adapters.google.http import Transport
    from automation.adapters.links import LinkBuilder
    from automation.adapters.mail.journal import Journal
    from automation.adapters.mail.render import Renderer
    from automation.adapters.mail.senders import Sender


@dataclass
class Workspace:
    folder: Path
    settings: Settings
    # made once per run and shared: the form definitions, one Google transport for the store and the forms
    form_definitions: dict[str, FormDefinition] | None = field(default=None, repr=False, compare=False)
    google_transport: Transport | None = field(default=None, repr=False, compare=False)
    # edges handed in instead of those the settings name (tests, trials: ``automation.adapters.memory``)
    given_store: Store | None = field(default=None, repr=False, compare=False)
    given_answers: AnswerSource | None = field(default=None, repr=False, compare=False)
    given_sender: Sender | None = field(default=None, repr=False, compare=False)

    @classmethod
    def open(
        cls,
        folder: Path,
        *,
        store: Store | None = None,
        answers: AnswerSource | None = None,
        sender: Sender | None = None,
    ) -> Workspace:
        folder = folder.resolve()
        return cls(folder, load_settings(folder), given_store=store, given_answers=answers, given_sender=sender)

    def path(self, relative: Path) -> Path:
        """A path from the settings, relative to the workspace folder."""
        return relative if relative.is_absolute() else self.folder / relative

    def forms(self) -> dict[str, FormDefinition]:
        """The form definitions (read once per workspace object)."""
        if self.form_definitions is None:
            self.form_definitions = load_forms(self.folder)
        return self.form_definitions

    def store(self, *, interactive: bool = False) -> Store:
        """The store the settings name; ``interactive``: a first OAuth login may open a browser."""
        if self.given_store is not None:
            return self.given_store
        if self.settings.speicher == "google":
            from automation.adapters.google.wiring import open_store, transport

            return open_store(self, transport(self, interactive=True) if interactive else None)
        return WorkbookStore(self.path(self.settings.lokal.arbeitsmappe))

    def answer_source(self) -> AnswerSource:
        if self.given_answers is not None:
            return self.given_answers
        if self.settings.speicher == "google":
            from automation.adapters.google.wiring import open_answer_source

            return open_answer_source(self)
        return CsvAnswerSource(self.path(self.settings.lokal.antworten), workspace=self.folder)

    def sender(self) -> Sender:
        """The sender the settings name (``[mail] versand``): the outbox folder or SMTP."""
        if self.given_sender is not None:
            return self.given_sender
        from automation.adapters.mail.senders import open_sender

        return open_sender(self.settings.mail, self.path(self.settings.mail.ausgang))

    def store_identity(self) -> str:
        """Which store the settings name (the memo of »Versand« belongs to it): workbook or sheet."""
        if self.given_store is not None:
            return f"eigen:{type(self.given_store).__name__}"
        if self.settings.speicher == "google":
            return f"google:{self.settings.google.tabelle}"
        return f"lokal:{self.settings.lokal.arbeitsmappe.as_posix()}"

    def journal(self, *, enabled: bool = True) -> Journal:
        """The send journal beside the ledger (``enabled=False`` in a dry run)."""
        from automation.adapters.mail.journal import Journal

        return Journal(self.folder, enabled=enabled)

    def links(self) -> LinkBuilder:
        """Personal links (absage, abmelden) from the forms and their Google state."""
        from automation.adapters.links import LinkBuilder

        return LinkBuilder.for_workspace(self.folder, self.settings)

    def renderer(self) -> Renderer:
        """The message templates: the workspace's own ``vorlagen/`` first, then the packaged ones."""
        from automation.adapters.mail.render import Renderer

        return Renderer(self.folder)
