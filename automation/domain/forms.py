"""Form definitions (``formulare/*.yaml``): the single source for the Google Forms and for answer mapping.

A workspace may carry its own ``formulare/`` folder; a file there replaces the packaged one of the same
name. Options marked ``optionen_aus`` are filled from the data (open dates, themes, clubs, municipalities).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from automation.domain.errors import ConfigError
from automation.domain.problems import error_lines
from automation.domain.resources import formulare_dir

FORM_IDS = ("anmeldung", "feedback", "abmeldung", "nachfrage")

QuestionType = Literal["text", "email", "telefon", "absatz", "auswahl", "mehrfach", "skala", "datum", "einwilligung"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    text: str = Field(description="Was die Person sieht.")
    wert: str | None = Field(None, description="Was in der Tabelle landet (Voreinstellung: der Text).")

    @property
    def value(self) -> str:
        return self.wert if self.wert is not None else self.text


class Scale(_Strict):
    von: int = 1
    bis: int = 5
    links: str | None = None
    rechts: str | None = None


class Question(_Strict):
    schluessel: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Fester Name der Frage im Programm.")
    frage_id: str = Field(
        pattern=r"^[0-7][0-9a-f]{7}$",
        description="Feste Frage-ID im Google-Formular (8 Hex-Ziffern, höchstens 7fffffff).",
    )
    titel: str
    hilfe: str | None = None
    typ: QuestionType
    pflicht: bool = False
    optionen: tuple[Option, ...] = ()
    optionen_aus: Literal["termine", "themen", "vereine", "kommunen"] | None = None
    skala: Scale | None = None
    vorbelegt: bool = Field(False, description="Wird über den persönlichen Link vorausgefüllt.")

    @model_validator(mode="after")
    def _options_fit_type(self) -> Question:
        needs_options = self.typ in ("auswahl", "mehrfach", "einwilligung")
        if needs_options and not (self.optionen or self.optionen_aus):
            raise ValueError(f"Frage »{self.schluessel}« vom Typ {self.typ} braucht »optionen« oder »optionen_aus«")
        if not needs_options and (self.optionen or self.optionen_aus):
            raise ValueError(f"Frage »{self.schluessel}« vom Typ {self.typ} hat keine Optionen")
        if self.typ == "skala" and self.skala is None:
            raise ValueError(f"Frage »{self.schluessel}« vom Typ skala braucht »skala«")
        return self

    def option_value(self, text: str) -> str:
        """The value stored for a ticked option text (the text itself if unknown)."""
        for option in self.optionen:
            if option.text == text or option.value == text:
                return option.value
        return text


class FormDefinition(_Strict):
    id: Literal["anmeldung", "feedback", "abmeldung", "nachfrage", "terminumfrage"]  # terminumfrage: optional
    titel: str
    beschreibung: str | None = None
    fragen: tuple[Question, ...]

    @model_validator(mode="after")
    def _unique(self) -> FormDefinition:
        for attr in ("schluessel", "frage_id", "titel"):
            values = [getattr(q, attr) for q in self.fragen]
            duplicates = {v for v in values if values.count(v) > 1}
            if duplicates:
                raise ValueError(f"doppelte {attr}: {', '.join(sorted(duplicates))}")
        return self

    def question(self, key: str) -> Question:
        for question in self.fragen:
            if question.schluessel == key:
                return question
        raise KeyError(key)

    def by_title(self) -> dict[str, Question]:
        return {q.titel: q for q in self.fragen}

    def by_question_id(self) -> dict[str, Question]:
        return {q.frage_id: q for q in self.fragen}


def load_form(path: Path) -> FormDefinition:
    """Read and check one definition file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return FormDefinition.model_validate(data)
    except yaml.YAMLError as exc:
        raise ConfigError(f"Formulardatei {path.name} ist kein gültiges YAML: {exc}") from exc
    except ValidationError as exc:
        lines = error_lines(exc, bullet="- ")
        raise ConfigError(f"Formulardatei {path.name} ist fehlerhaft:\n" + "\n".join(lines)) from None


def load_forms(workspace_folder: Path | None = None) -> dict[str, FormDefinition]:
    """All form definitions; a workspace's own ``formulare/<id>.yaml`` wins over the packaged one."""
    result = {}
    for form_id in FORM_IDS:
        own = workspace_folder / "formulare" / f"{form_id}.yaml" if workspace_folder else None
        path = own if own is not None and own.is_file() else formulare_dir() / f"{form_id}.yaml"
        result[form_id] = load_form(path)
    return result
