"""``gespraechsrunde anlegen``: a new, real workspace — settings with German comments and a prepared store.

Nothing here invents an address: the sender, the reply-to and the contact address are what the coordinator
typed, checked as real e-mail addresses (no ``*.example`` placeholder). The settings file lists *every*
setting with its German description; the ones not chosen stay commented out with their default value, so the
coordinator sees what can be changed without reading the README.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from automation.domain.errors import ConfigError
from automation.domain.settings import SETTINGS_FILE, Settings

# Domains reserved for examples and tests (RFC 2606, RFC 6761): never a real sender or recipient.
PLACEHOLDER_DOMAINS = ("example", "example.com", "example.org", "example.net", "invalid", "test", "localhost")
BUNDESLAENDER = {
    "BW": "Baden-Württemberg", "BY": "Bayern", "BE": "Berlin", "BB": "Brandenburg", "HB": "Bremen",
    "HH": "Hamburg", "HE": "Hessen", "MV": "Mecklenburg-Vorpommern", "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen", "RP": "Rheinland-Pfalz", "SL": "Saarland", "SN": "Sachsen",
    "ST": "Sachsen-Anhalt", "SH": "Schleswig-Holstein", "TH": "Thüringen",
}  # fmt: skip


@dataclass(frozen=True)
class NewKommune:
    name: str
    kuerzel: str


@dataclass
class NewWorkspace:
    """What the coordinator answered."""

    titel: str
    kommunen: list[NewKommune]
    bundesland: str
    absender_name: str
    absender_adresse: str
    antwort_an: str | None = None
    kontakt_adresse: str | None = None
    speicher: str = "lokal"
    tabelle: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def is_placeholder(address: str) -> bool:
    """True for an address at a domain reserved for examples (``…@kommune.example``, ``…@example.org``)."""
    domain = address.rpartition("@")[2].strip().lower().rstrip(".")
    return any(domain == d or domain.endswith("." + d) for d in PLACEHOLDER_DOMAINS)


def check_address(label: str, address: str) -> str:
    """A real e-mail address, normalised; a German :class:`ConfigError` otherwise."""
    from email_validator import EmailNotValidError, validate_email

    address = address.strip()
    if not address:
        raise ConfigError(f"{label}: bitte eine E-Mail-Adresse angeben.")
    if "@" in address and is_placeholder(address):
        raise ConfigError(
            f"{label}: »{address}« ist eine Platzhalter-Adresse, an die nichts zugestellt wird. "
            "Bitte die echte Adresse der Koordination angeben."
        )
    try:
        normalized = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ConfigError(
            f"{label}: »{address}« ist keine gültige E-Mail-Adresse. Bitte so schreiben: name@kommune.de"
        ) from None
    return normalized


def parse_kommune(text: str) -> NewKommune:
    """``Adorf:AD`` or ``Adorf`` (Kürzel: the first two letters, upper case)."""
    name, _, kuerzel = text.partition(":")
    name = name.strip()
    if not name:
        raise ConfigError(f"Kommune »{text}«: bitte den Namen angeben, z. B. »Adorf:AD«.")
    letters = re.sub(r"[^A-Za-zÄÖÜäöüß]", "", name)
    kuerzel = (kuerzel.strip() or letters[:2]).upper()
    if not re.fullmatch(r"[A-ZÄÖÜ0-9]{1,6}", kuerzel):
        raise ConfigError(
            f"Kommune »{name}«: das Kürzel »{kuerzel}« darf nur Buchstaben und Ziffern haben (höchstens 6)."
        )
    return NewKommune(name, kuerzel)


def check_bundesland(text: str) -> str:
    code = text.strip().upper()
    if code in BUNDESLAENDER:
        return code
    by_name = {name.lower(): key for key, name in BUNDESLAENDER.items()}
    if text.strip().lower() in by_name:
        return by_name[text.strip().lower()]
    raise ConfigError(
        f"Bundesland »{text}« ist unbekannt. Erlaubt sind die Kürzel "
        + ", ".join(f"{k} ({v})" for k, v in BUNDESLAENDER.items())
        + "."
    )


def validate(answers: NewWorkspace) -> NewWorkspace:
    """Every answer checked; raises :class:`ConfigError` naming the first wrong one and how to fix it."""
    if not answers.titel.strip():
        raise ConfigError("Titel: bitte einen Titel angeben, z. B. »Gesprächsrunde Adorf und Bergheim«.")
    if not answers.kommunen:
        raise ConfigError("Bitte mindestens eine Kommune angeben (--kommune »Name:Kürzel«).")
    seen: set[str] = set()
    for kommune in answers.kommunen:
        if kommune.kuerzel in seen:
            raise ConfigError(f"Das Kürzel »{kommune.kuerzel}« kommt zweimal vor. Bitte eindeutige Kürzel wählen.")
        seen.add(kommune.kuerzel)
    if answers.speicher not in ("lokal", "google"):
        raise ConfigError(f"Speicher »{answers.speicher}«: erlaubt sind »lokal« und »google«.")
    if answers.speicher == "google" and not answers.tabelle.strip():
        raise ConfigError(
            "Für den Google-Speicher bitte die ID der Google-Tabelle angeben (--tabelle; der Teil ihrer Adresse "
            "zwischen /d/ und /edit). Anleitung: docs/google-einrichtung.md"
        )
    return NewWorkspace(
        titel=answers.titel.strip(),
        kommunen=answers.kommunen,
        bundesland=check_bundesland(answers.bundesland),
        absender_name=answers.absender_name.strip() or answers.titel.strip(),
        absender_adresse=check_address("Absenderadresse", answers.absender_adresse),
        antwort_an=check_address("Antwortadresse", answers.antwort_an) if answers.antwort_an else None,
        kontakt_adresse=check_address("Kontaktadresse", answers.kontakt_adresse) if answers.kontakt_adresse else None,
        speicher=answers.speicher,
        tabelle=answers.tabelle.strip(),
        extra=answers.extra,
    )


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Path):
        return json.dumps(value.as_posix(), ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{ "
            + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)} = {_toml_value(v)}" for k, v in value.items())
            + " }"
        )
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _field_lines(name: str, info: FieldInfo, chosen: dict[str, Any]) -> list[str]:
    lines = [f"# {info.description}"] if info.description else []
    if name in chosen:
        lines.append(f"{name} = {_toml_value(chosen[name])}")
        return lines
    default = info.get_default(call_default_factory=True)
    if default is None:
        lines.append(f"# {name} = (nicht gesetzt)")
    else:
        lines.append(f"# {name} = {_toml_value(default)}")
    return lines


def settings_text(answers: NewWorkspace) -> str:
    """The complete ``gespraechsrunde.toml``: every setting with its German description as a comment."""
    chosen: dict[str, dict[str, Any]] = {
        "": {"titel": answers.titel, "speicher": answers.speicher},
        "mail": {"absender_name": answers.absender_name, "absender_adresse": answers.absender_adresse},
        "darstellung": {"kommune": " und ".join(k.name for k in answers.kommunen)},
    }
    chosen[""]["kommunen"] = {k.name: answers.bundesland for k in answers.kommunen}  # holidays per Land
    if answers.antwort_an:
        chosen["mail"]["antwort_an"] = answers.antwort_an
    if answers.kontakt_adresse:
        chosen["darstellung"]["kontakt_adresse"] = answers.kontakt_adresse
    if answers.speicher == "google":
        chosen["google"] = {"tabelle": answers.tabelle}
    for key, value in answers.extra.items():
        section, _, name = key.rpartition(".")
        chosen.setdefault(section, {})[name] = value

    out = [
        f"# Einstellungen der Gesprächsrunde »{answers.titel}«, angelegt mit »gespraechsrunde anlegen«.",
        "# Zeilen mit # sind Kommentare. Eine auskommentierte Einstellung zeigt ihren Voreinstellungswert:",
        "# zum Ändern das # am Zeilenanfang entfernen und den Wert anpassen.",
        "# Passwörter und Schlüssel stehen NIE in dieser Datei, nur in Umgebungsvariablen (siehe README).",
        "",
    ]
    sections: list[tuple[str, type[BaseModel]]] = []
    for name, info in Settings.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            sections.append((name, annotation))
            continue
        out += _field_lines(name, info, chosen[""])
        out.append("")
    for section, model in sections:
        out.append(f"[{section}]")
        for name, info in model.model_fields.items():
            out += _field_lines(name, info, chosen.get(section, {}))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _kommune_records(kommunen: Iterable[NewKommune]) -> list[Any]:
    from automation.domain.records import Kommune

    return [Kommune(name=k.name, kuerzel=k.kuerzel) for k in kommunen]


@dataclass
class Created:
    folder: Path
    lines: list[str]


def create_workspace(folder: Path, answers: NewWorkspace) -> Created:
    """Write the settings and prepare the store; the folder must not hold a workspace yet."""
    answers = validate(answers)
    if (folder / SETTINGS_FILE).exists():
        raise ConfigError(
            f"In »{folder}« gibt es schon eine {SETTINGS_FILE}. Bitte einen neuen Ordner wählen "
            "(ein bestehender Arbeitsordner wird nie überschrieben)."
        )
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"»{folder}« ist eine Datei, kein Ordner. Bitte einen Ordner angeben.")
    folder.mkdir(parents=True, exist_ok=True)
    text = settings_text(answers)
    from automation.domain.settings import load_settings

    (folder / SETTINGS_FILE).write_text(text, encoding="utf-8")
    try:
        settings = load_settings(folder)  # the file we wrote must be one the job reads
    except ConfigError:
        (folder / SETTINGS_FILE).unlink()
        raise
    lines = [f"{SETTINGS_FILE} geschrieben (alle Einstellungen mit Erklärung)."]
    if settings.speicher == "lokal":
        (folder / settings.lokal.antworten).mkdir(parents=True, exist_ok=True)
        lines += _prepare_workbook(folder / settings.lokal.arbeitsmappe, answers.kommunen)
        lines.append(f"Ordner »{settings.lokal.antworten.as_posix()}« für die CSV-Exporte der Formulare angelegt.")
    return Created(folder, lines)


def _prepare_workbook(path: Path, kommunen: list[NewKommune]) -> list[str]:
    from automation.adapters.xlsx import WorkbookStore
    from automation.domain.dataset import Dataset
    from automation.services.einrichten import set_up

    store = WorkbookStore(path)
    set_up(store)
    dataset = Dataset.from_snapshot(store.read())
    for record in _kommune_records(kommunen):
        dataset.put(record)
    store.apply(dataset.changes())
    return [
        f"Arbeitsmappe »{path.name}« mit allen Tabs angelegt.",
        f"Tab »Kommunen«: {', '.join(f'{k.name} ({k.kuerzel})' for k in kommunen)} eingetragen.",
    ]
