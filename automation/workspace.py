"""A workspace: the folder with ``gespraechsrunde.toml``, and the store and answer source it names.

This is the one place where the backends are wired: ``speicher = "lokal"`` gives the workbook and CSV
exports, ``speicher = "google"`` the Google spreadsheet and Google Forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from automation.answers.base import AnswerSource
from automation.answers.csv_source import CsvAnswerSource
from automation.forms import FormDefinition, load_forms
from automation.settings import Settings, load_settings
from automation.store.base import Store
from automation.store.xlsx import WorkbookStore


@dataclass
class Workspace:
    folder: Path
    settings: Settings
    # connections made once per run and shared (e.g. one Google transport for the store and the forms)
    services: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def open(cls, folder: Path) -> Workspace:
        folder = folder.resolve()
        return cls(folder, load_settings(folder))

    def path(self, relative: Path) -> Path:
        """A path from the settings, relative to the workspace folder."""
        return relative if relative.is_absolute() else self.folder / relative

    def forms(self) -> dict[str, FormDefinition]:
        """The form definitions (read once per workspace object)."""
        forms = self.services.get("forms")
        if not isinstance(forms, dict):
            forms = self.services["forms"] = load_forms(self.folder)
        return forms

    def store(self) -> Store:
        if self.settings.speicher == "google":
            from automation.google.wiring import open_store

            return open_store(self)
        return WorkbookStore(self.path(self.settings.lokal.arbeitsmappe))

    def answer_source(self) -> AnswerSource:
        if self.settings.speicher == "google":
            from automation.google.wiring import open_answer_source

            return open_answer_source(self)
        return CsvAnswerSource(self.path(self.settings.lokal.antworten))
