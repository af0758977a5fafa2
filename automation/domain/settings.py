"""Settings of a workspace: ``gespraechsrunde.toml``, overridden by environment variables.

Environment variables start with ``GESPRAECHSRUNDE_``; nested keys are joined with ``__``, e.g.
``GESPRAECHSRUNDE_MAIL__VERSAND=smtp``. Secrets (SMTP password, Google credentials) are never read from
the file: only from the environment, see :func:`secret`.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from automation.domain.errors import ConfigError
from automation.domain.problems import error_lines, toml_problem

SETTINGS_FILE = "gespraechsrunde.toml"
ENV_PREFIX = "GESPRAECHSRUNDE_"

# Secrets: the environment variable, and what it holds.
SECRETS = {
    "SMTP_PASSWORT": "Passwort für den SMTP-Server",
    "GOOGLE_DIENSTKONTO_JSON": "Inhalt der JSON-Schlüsseldatei des Google-Dienstkontos",
    "IMAP_PASSWORT": "Passwort für das IMAP-Postfach der Koordination",
}
_FORBIDDEN_KEYS = ("passwort", "password", "secret", "token", "private_key", "geheim")
# Settings whose names contain such a word but hold no secret (an address, a file name).
_HARMLESS_KEYS = ("google.token_url", "google.oauth_token_datei")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LokalSettings(_Section):
    arbeitsmappe: Path = Field(Path("gespraechsrunde.xlsx"), description="Arbeitsmappe (.xlsx) im Arbeitsordner.")
    antworten: Path = Field(
        Path("antworten"), description="Ordner mit den CSV-Exporten der Formularantworten (anmeldung*.csv …)."
    )


class GoogleSettings(_Section):
    tabelle: str = Field("", description="ID der Google-Tabelle (aus ihrer Adresse zwischen /d/ und /edit).")
    zugang: Literal["dienstkonto", "oauth"] = Field(
        "dienstkonto", description="»dienstkonto« für cron, »oauth« für das Konto der Koordination."
    )
    dienstkonto_datei: Path | None = Field(
        None, description="JSON-Schlüsseldatei des Dienstkontos (oder GESPRAECHSRUNDE_GOOGLE_DIENSTKONTO_JSON)."
    )
    oauth_client_datei: Path | None = Field(None, description="OAuth-Client-Datei (Desktop-App) für »oauth«.")
    oauth_token_datei: Path = Field(
        Path(".google-token.json"), description="Hier wird das OAuth-Token nach der ersten Anmeldung gespeichert."
    )
    sheets_url: str = Field("https://sheets.googleapis.com", description="Basisadresse der Sheets-API.")
    forms_url: str = Field("https://forms.googleapis.com", description="Basisadresse der Forms-API.")
    drive_url: str = Field("https://www.googleapis.com", description="Basisadresse der Drive-API.")
    token_url: str = Field("https://oauth2.googleapis.com/token", description="Adresse für Zugangstoken.")
    zeitlimit_sekunden: float = Field(30.0, gt=0, description="Zeitlimit je Anfrage an Google.")
    wiederholungen: int = Field(5, ge=0, le=10, description="Wiederholungen bei 429/5xx/Verbindungsfehlern.")
    anfragen_pro_minute: int = Field(50, ge=1, description="Höchstens so viele Anfragen je Minute an Google.")


class MailSettings(_Section):
    versand: Literal["ausgang", "smtp"] = Field(
        "ausgang", description="»ausgang«: .eml-Dateien in einen Ordner; »smtp«: echter Versand."
    )
    ausgang: Path = Field(Path("ausgang"), description="Ordner für .eml-Dateien bei versand = »ausgang«.")
    absender_name: str = Field("Gesprächsrunde", description="Name im Absender.")
    absender_adresse: str = Field("gespraechsrunde@kommune.example", description="Absenderadresse.")
    antwort_an: str | None = Field(None, description="Antwortadresse (Reply-To), z. B. der Koordination.")
    smtp_host: str = Field("localhost", description="SMTP-Server.")
    smtp_port: int = Field(587, description="SMTP-Port (587 STARTTLS, 465 SSL).")
    smtp_sicherheit: Literal["starttls", "ssl", "keine"] = Field("starttls", description="Verschlüsselung.")
    smtp_benutzer: str | None = Field(None, description="Benutzername; Passwort in GESPRAECHSRUNDE_SMTP_PASSWORT.")
    smtp_zeitlimit_sekunden: float = Field(30.0, gt=0, description="Zeitlimit je SMTP-Verbindung.")
    tageslimit: int = Field(500, ge=1, description="Höchstens so viele Nachrichten je Tag; der Rest wartet.")
    pro_minute: int = Field(60, ge=1, description="Höchstens so viele Nachrichten je Minute.")
    senden_bei_sync: bool = Field(True, description="Ob »sync« fällige Nachrichten gleich versendet.")
    erinnerung_tage_vorher: int = Field(3, ge=0, description="Erinnerung so viele Tage vor dem Termin.")
    koordination_hinweise: bool = Field(
        True,
        description="Kurze Hinweise an die Koordination ([darstellung] kontakt_adresse): Termin zu 80 % und "
        "100 % belegt, Nachrichten fehlgeschlagen – je einmal, nur Zahlen.",
    )


class ImapSettings(_Section):
    host: str = Field(
        "", description="IMAP-Server des Postfachs, an das Absagen und Abmeldungen per E-Mail gehen (leer: aus)."
    )
    port: int = Field(993, description="IMAP-Port (993 SSL, 143 STARTTLS).")
    sicherheit: Literal["ssl", "starttls", "keine"] = Field("ssl", description="Verschlüsselung.")
    benutzer: str | None = Field(None, description="Benutzername; Passwort in GESPRAECHSRUNDE_IMAP_PASSWORT.")
    ordner: str = Field("INBOX", description="Ordner, in dem die Antworten ankommen.")
    zeitlimit_sekunden: float = Field(30.0, gt=0, description="Zeitlimit je IMAP-Verbindung.")


FormularSprache = Literal["de", "en", "tr", "uk", "ar"]
FORMULAR_SPRACHEN: tuple[FormularSprache, ...] = ("de", "en", "tr", "uk", "ar")


class DarstellungSettings(_Section):
    kommune: str = Field("Ihre Kommune", description="Name der Kommune (oder des Verbunds) in Nachrichten.")
    logo: str | None = Field(None, description="Adresse eines Logos (https://…) für Nachrichten und Ausdrucke.")
    farbe: str = Field("#1f5f8b", pattern=r"^#[0-9a-fA-F]{6}$", description="Hauptfarbe (#rrggbb).")
    kontakt_adresse: str | None = Field(None, description="E-Mail der Koordination für Fragen und Absagen.")
    anmeldelink: str | None = Field(
        None, description="Öffentlicher Anmeldelink für Plakat, Briefe und Einladungen (sonst das Google-Formular)."
    )
    telefon: str | None = Field(None, description="Telefonnummer der Koordination für Anmeldungen (Briefe, Plakat).")
    postanschrift: str | None = Field(
        None, description="Postanschrift der Koordination in einer Zeile (Absender der Briefe)."
    )
    zweite_sprache: str = Field(
        "",
        description="Zweite Sprache der Tischschilder, des Plakats und der Einlassliste (z. B. »Englisch«, "
        "»Arabisch«; leer: nur Deutsch).",
    )
    formular_sprachen: list[FormularSprache] = Field(
        default_factory=lambda: [FORMULAR_SPRACHEN[0]],
        description=(
            "Sprachen der Formulare (je Sprache ein Google-Formular; Deutsch immer dabei). Jede weitere Sprache"
            " kostet je ruhigem Lauf drei Abrufe mehr bei Google Forms."
        ),
    )


class TischplanSettings(_Section):
    sekunden: float = Field(10.0, gt=0, description="Rechenzeit für den Tischplan.")
    vereine_pro_tisch_max: int = Field(2, ge=1, description="Höchstens so viele Vereine an einem Tisch.")
    gemeinde_max_pro_tisch: int = Field(2, ge=1, description="Wunsch: höchstens so viele aus einer Kommune je Tisch.")
    barrierefreie_tische: list[str] = Field(
        default_factory=list, description="IDs barrierefreier Tische (leer: alle Tische sind barrierefrei)."
    )


class TerminvorschlagSettings(_Section):
    wochentage: list[str] = Field(
        default_factory=lambda: ["Sa", "So"], description="Wochentage für Terminvorschläge (Mo … So)."
    )
    beginn: dt.time = Field(dt.time(14, 0), description="Beginn der vorgeschlagenen Termine.")
    ende: dt.time = Field(dt.time(17, 0), description="Ende der vorgeschlagenen Termine.")


class NachbereitungSettings(_Section):
    weitergabe_tage_nach: int = Field(
        7, ge=1, description="Kontaktwünsche so viele Tage nach dem Termin an die gewählten Vereine weitergeben."
    )
    nachfrage_wochen_nach: int = Field(12, ge=1, description="Nachfrage (»Mitgemacht?«) so viele Wochen danach.")
    nachfrage_erinnerung_tage: int = Field(
        14, ge=1, description="Eine Erinnerung an die Nachfrage so viele Tage später, wenn keine Antwort kam."
    )
    angebote_wochen_vorher: int = Field(6, ge=0, description="Vereine so viele Wochen vor dem Termin erinnern, …")
    angebote_monate_alt: int = Field(6, ge=1, description="… wenn ihre Angebote so viele Monate nicht geändert wurden.")


class Settings(BaseSettings):
    """Everything in ``gespraechsrunde.toml``."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", nested_model_default_partial_update=True
    )

    titel: str = Field("Gesprächsrunde für Multilokale", description="Titel der Gesprächsrunden.")
    speicher: Literal["lokal", "google"] = Field("lokal", description="»lokal« (Arbeitsmappe) oder »google«.")
    lokal: LokalSettings = Field(default_factory=LokalSettings)
    google: GoogleSettings = Field(default_factory=GoogleSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    imap: ImapSettings = Field(default_factory=ImapSettings)
    darstellung: DarstellungSettings = Field(default_factory=DarstellungSettings)
    tischplan: TischplanSettings = Field(default_factory=TischplanSettings)
    terminvorschlag: TerminvorschlagSettings = Field(default_factory=TerminvorschlagSettings)
    kommunen: dict[str, str] = Field(
        default_factory=dict, description="Bundesland je Kommune (Name oder Kürzel = »BY«, »NW« …) für die Ferien."
    )
    nachbereitung: NachbereitungSettings = Field(default_factory=NachbereitungSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = settings_cls.model_config.get("toml_file")
        return (env_settings, init_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file))


def _forbidden_secret_keys(data: Any, prefix: str = "") -> list[str]:
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}{key}"
            if path not in _HARMLESS_KEYS and any(word in str(key).lower() for word in _FORBIDDEN_KEYS):
                found.append(path)
            found += _forbidden_secret_keys(value, path + ".")
    return found


def load_settings(folder: Path) -> Settings:
    """Read the settings of a workspace; a missing or broken file is a :class:`ConfigError`."""
    path = folder / SETTINGS_FILE
    if not path.is_file():
        raise ConfigError(
            f"Im Ordner »{folder}« gibt es keine {SETTINGS_FILE}. Mit »gespraechsrunde -C ORDNER …« den "
            "Arbeitsordner wählen oder mit »gespraechsrunde demo ORDNER« einen Beispielordner anlegen."
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{SETTINGS_FILE} ist fehlerhaft: {toml_problem(exc)}. Bitte dort korrigieren.") from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"{SETTINGS_FILE} ist nicht als UTF-8 gespeichert. Bitte im Editor als UTF-8 speichern."
        ) from None
    secrets = _forbidden_secret_keys(data)
    if secrets:
        raise ConfigError(
            f"{SETTINGS_FILE} enthält ein Geheimnis ({', '.join(secrets)}). Passwörter und Schlüssel gehören "
            "nicht in die Datei, sondern in Umgebungsvariablen: "
            + ", ".join(f"{ENV_PREFIX}{name} ({what})" for name, what in SECRETS.items())
            + ". Bitte den Eintrag löschen."
        )

    class _WorkspaceSettings(Settings):
        model_config = SettingsConfigDict(toml_file=path)

    try:
        return _WorkspaceSettings()
    except ValidationError as exc:
        lines = error_lines(exc, bullet="- ")
        raise ConfigError(f"{SETTINGS_FILE} hat ungültige Einträge:\n" + "\n".join(lines)) from None


def secret(name: str) -> str | None:
    """A secret from the environment (``GESPRAECHSRUNDE_<name>``); never logged, never in a file."""
    if name not in SECRETS:
        raise KeyError(name)
    value = os.environ.get(ENV_PREFIX + name)
    return value or None
