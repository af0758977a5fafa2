"""Form definitions (``formulare/*.yaml``): the single source for the Google Forms and for answer mapping.

A workspace may carry its own ``formulare/`` folder; a file there replaces the packaged one of the same
name. Options marked ``optionen_aus`` are filled from the data (open dates, themes, clubs, municipalities).

Translations: ``formulare/<id>.<sprache>.yaml`` (``anmeldung.tr.yaml``) carries the texts of one form in one
language – title, description, and per question (by ``schluessel``) title, help text, scale labels and the
choice labels *in the order of the German file*. :func:`translate` turns the German definition into the
translated one: same ``schluessel`` and ``frage_id``, and every choice keeps the German value as ``wert``, so
a Turkish »Evet« is read back as »Ja« by position, never by guessing.
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
TRANSLATED_LANGUAGES = ("en", "tr", "uk", "ar")  # besides German, the languages of the forms (domain/sprachen.py)
LANGUAGE_NAMES = {"de": "Deutsch", "en": "Englisch", "tr": "Türkisch", "uk": "Ukrainisch", "ar": "Arabisch"}

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


class QuestionTranslation(_Strict):
    titel: str
    hilfe: str | None = None
    optionen: tuple[str, ...] = Field((), description="Beschriftungen in der Reihenfolge der deutschen Datei.")
    links: str | None = None  # scale labels
    rechts: str | None = None


class FormTranslation(_Strict):
    """``formulare/<id>.<sprache>.yaml``: the texts of one form in one language."""

    sprache: Literal["en", "tr", "uk", "ar"]
    titel: str
    beschreibung: str | None = None
    fragen: dict[str, QuestionTranslation]


def variant_key(form_id: str, sprache: str) -> str:
    """Key of a language variant in ``formulare.json``: ``anmeldung`` (German), ``anmeldung.tr`` …"""
    return form_id if sprache == "de" else f"{form_id}.{sprache}"


def translate(form: FormDefinition, translation: FormTranslation, source: str = "") -> FormDefinition:
    """The definition with the translated texts; choices keep their German value (by position).

    A question the translation lacks keeps its German texts; a translated question the German file no longer
    has is ignored (a workspace may drop questions). A translation whose choices do not fit the
    German file (another number, a question without choices) is a :class:`ConfigError` naming the file.
    """
    name = source or f"{form.id}.{translation.sprache}.yaml"
    questions = []
    for question in form.fragen:
        text = translation.fragen.get(question.schluessel)
        if text is None:
            questions.append(question)
            continue
        if len(text.optionen) != len(question.optionen):
            raise ConfigError(
                f"Übersetzung {name} passt nicht zu {form.id}.yaml: Frage »{question.schluessel}« hat "
                f"{len(question.optionen)} Antwortmöglichkeiten, die Übersetzung {len(text.optionen)}. Bitte die "
                "Übersetzung anpassen (gleiche Reihenfolge wie in der deutschen Datei; eine eigene Fassung in "
                "formulare/ des Arbeitsordners hat Vorrang)."
            )
        if len(set(text.optionen)) != len(text.optionen):
            raise ConfigError(f"Übersetzung {name}: Frage »{question.schluessel}« hat doppelte Antwortmöglichkeiten.")
        options = tuple(
            Option(text=label, wert=option.value)
            for label, option in zip(text.optionen, question.optionen, strict=True)
        )
        scale = question.skala
        if scale is not None:
            scale = Scale(
                von=scale.von, bis=scale.bis, links=text.links or scale.links, rechts=text.rechts or scale.rechts
            )
        questions.append(
            question.model_copy(update={"titel": text.titel, "hilfe": text.hilfe, "optionen": options, "skala": scale})
        )
    try:
        return FormDefinition(
            id=form.id, titel=translation.titel, beschreibung=translation.beschreibung, fragen=tuple(questions)
        )
    except ValidationError as exc:
        lines = error_lines(exc, bullet="- ")
        raise ConfigError(f"Übersetzung {name} ist fehlerhaft:\n" + "\n".join(lines)) from None


def load_translation(path: Path) -> FormTranslation:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return FormTranslation.model_validate(data)
    except yaml.YAMLError as exc:
        raise ConfigError(f"Übersetzung {path.name} ist kein gültiges YAML: {exc}") from exc
    except ValidationError as exc:
        lines = error_lines(exc, bullet="- ")
        raise ConfigError(f"Übersetzung {path.name} ist fehlerhaft:\n" + "\n".join(lines)) from None


def load_translations(
    form_id: str, workspace_folder: Path | None = None, languages: tuple[str, ...] | list[str] = TRANSLATED_LANGUAGES
) -> dict[str, FormTranslation]:
    """The translation files of one form: the workspace's ``formulare/<id>.<sprache>.yaml``, else the packaged
    one; a language without a file is left out."""
    result: dict[str, FormTranslation] = {}
    for sprache in languages:
        if sprache == "de":
            continue
        name = f"{form_id}.{sprache}.yaml"
        own = workspace_folder / "formulare" / name if workspace_folder else None
        path = own if own is not None and own.is_file() else formulare_dir() / name
        if path.is_file():
            translation = load_translation(path)
            if translation.sprache != sprache:
                raise ConfigError(f"Übersetzung {name}: »sprache: {translation.sprache}« passt nicht zum Dateinamen.")
            result[sprache] = translation
    return result


def load_variants(
    forms: dict[str, FormDefinition],
    workspace_folder: Path | None = None,
    languages: tuple[str, ...] | list[str] = ("de", *TRANSLATED_LANGUAGES),
) -> dict[str, dict[str, FormDefinition]]:
    """Per form, its language variants: ``{"anmeldung": {"de": …, "en": …, "tr": …}}``.

    German is always there; a language without a translation file has no variant of that form. A broken or
    unfitting translation is a :class:`ConfigError` naming the file.
    """
    result: dict[str, dict[str, FormDefinition]] = {}
    for form_id, form in forms.items():
        variants = {"de": form}
        for sprache, translation in load_translations(form_id, workspace_folder, languages).items():
            variants[sprache] = translate(form, translation, f"{form_id}.{sprache}.yaml")
        result[form_id] = variants
    return result


def canonical_answers(variant: FormDefinition, sprache: str, werte: dict[str, list[str]]) -> dict[str, list[str]]:
    """The answers of a language variant as if given in the German form: choice labels become the German
    values (by position, see :func:`translate`), and the form's language fills »sprache« when the person
    left it open or chose »Andere« – whoever fills the Turkish form gets Turkish messages."""
    if sprache == "de":
        return werte
    by_key = {q.schluessel: q for q in variant.fragen}
    result: dict[str, list[str]] = {}
    for key, values in werte.items():
        question = by_key.get(key)
        result[key] = [question.option_value(v) for v in values] if question and question.optionen else values
    if "sprache" in by_key and result.get("sprache", ["Andere"]) in (["Andere"], []):
        result["sprache"] = [LANGUAGE_NAMES.get(sprache, sprache)]
    return result
