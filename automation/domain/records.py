"""Domain records: one pydantic model per sheet tab, with the German header of each field defined once.

A field's header is its alias; its cell kind (how a messy cell is read and how a value is written back)
is derived from its type, with :data:`Email`, :data:`Phone`, :data:`Url`, :data:`Long` as markers.
``TABS`` lists every tab with its ID column and who edits it.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, ClassVar, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field


class Kind(enum.Enum):
    """How a cell is read (see ``automation.domain.normalize``) and written back."""

    TEXT = "text"
    LONG_TEXT = "langtext"
    BOOL = "ja/nein"
    INT = "zahl"
    DATE = "datum"
    TIME = "uhrzeit"
    DATETIME = "zeitpunkt"
    LIST = "liste"
    EMAIL = "e-mail"
    PHONE = "telefon"
    URL = "webadresse"
    CHOICE = "auswahl"
    CONSENT = "einwilligung"  # ja/nein, but only a clear »ja« counts (fail closed)
    OPT_OUT = "abmeldung"  # ja/nein, but anything but a clear »nein« counts as »ja« (fail closed)


Email = Annotated[str, Kind.EMAIL]
Phone = Annotated[str, Kind.PHONE]
Url = Annotated[str, Kind.URL]
Long = Annotated[str, Kind.LONG_TEXT]
Consent = Annotated[bool, Kind.CONSENT]
OptOut = Annotated[bool, Kind.OPT_OUT]

Gruppe = Literal["Incoming", "Outgoing", "Neu zugezogen", "Einheimisch"]
AnmeldeStatus = Literal["angemeldet", "Warteliste", "abgesagt", "teilgenommen", "nicht erschienen"]
VersandStatus = Literal[
    "geplant", "wird gesendet", "gesendet", "fehlgeschlagen", "unklar",
    "gedruckt", "anzurufen", "angerufen", "nicht erreicht",  # letters and calls (Art »Brief«, »Anruf«)
]  # fmt: skip
TerminStatus = Literal["geplant", "Anmeldung offen", "Anmeldung geschlossen", "durchgeführt", "abgesagt"]
Zeitaufwand = Literal["einmalig", "gelegentlich", "regelmäßig"]
Schwere = Literal["Fehler", "Warnung", "Info"]
EingangStatus = Literal["neu", "verarbeitet", "fehlerhaft", "gelöscht"]

GRUPPEN: tuple[str, ...] = get_args(Gruppe)

# Ways people write the allowed values; matched case-insensitively before fuzzy matching.
SYNONYMS: dict[str, str] = {
    "incomer": "Incoming", "zugezogen": "Neu zugezogen", "neu": "Neu zugezogen", "neubürger": "Neu zugezogen",
    "neubürgerin": "Neu zugezogen", "einheimische": "Einheimisch", "einheimischer": "Einheimisch",
    "alteingesessen": "Einheimisch", "outgoer": "Outgoing", "wochenendpendler": "Incoming",
    "warteliste": "Warteliste", "abgesagt": "abgesagt", "storniert": "abgesagt", "offen": "Anmeldung offen",
    "geschlossen": "Anmeldung geschlossen", "einmal": "einmalig", "ab und zu": "gelegentlich",
    "regelmässig": "regelmäßig", "wöchentlich": "regelmäßig", "monatlich": "regelmäßig",
    "absage": "abgesagt", "hat abgesagt": "abgesagt", "abgemeldet": "abgesagt", "storno": "abgesagt",
    "kommt nicht": "abgesagt", "zurückgezogen": "abgesagt", "bestätigt": "angemeldet", "zugesagt": "angemeldet",
    "auf warteliste": "Warteliste", "auf der warteliste": "Warteliste", "wartet": "Warteliste",
    "war da": "teilgenommen", "anwesend": "teilgenommen", "nicht gekommen": "nicht erschienen",
    "nicht da": "nicht erschienen", "no-show": "nicht erschienen", "no show": "nicht erschienen",
}  # fmt: skip


class Record(BaseModel):
    """Base of all tab records: strict field names, German headers as aliases."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid", validate_assignment=True)

    TAB: ClassVar[str]
    ID: ClassVar[str | None]  # header of the ID column, None for generated tabs without IDs

    def key(self) -> str:
        """The value of the ID column."""
        if self.ID is None:
            raise TypeError(f"{self.TAB} hat keine ID-Spalte")
        return str(getattr(self, column_by_header(type(self), self.ID).field))


class Kommune(Record):
    TAB: ClassVar[str] = "Kommunen"
    ID: ClassVar[str | None] = "Kürzel"
    name: str = Field(alias="Kommune")
    kuerzel: str = Field(alias="Kürzel")
    ansprechperson: str | None = Field(None, alias="Ansprechperson")
    email: Email | None = Field(None, alias="E-Mail")


class Termin(Record):
    TAB: ClassVar[str] = "Termine"
    ID: ClassVar[str | None] = "Termin-ID"
    termin_id: str = Field(alias="Termin-ID")
    titel: str = Field(alias="Titel")
    datum: dt.date = Field(alias="Datum")
    beginn: dt.time | None = Field(None, alias="Beginn")
    ende: dt.time | None = Field(None, alias="Ende")
    ort: str | None = Field(None, alias="Ort")
    adresse: str | None = Field(None, alias="Adresse")
    kommunen: list[str] = Field(default_factory=list, alias="Kommunen")
    anmeldeschluss: dt.date | None = Field(None, alias="Anmeldeschluss")
    plaetze: int | None = Field(None, alias="Plätze")
    runden: int | None = Field(None, alias="Runden")
    plaetze_pro_tisch: int | None = Field(None, alias="Plätze pro Tisch")
    status: TerminStatus = Field("geplant", alias="Status")
    # written by the job: what registered people were last told (see automation/domain/announcement.py)
    bekanntgegeben: str | None = Field(None, alias="Bekanntgegeben")


class Verein(Record):
    TAB: ClassVar[str] = "Vereine"
    ID: ClassVar[str | None] = "Vereins-ID"
    vereins_id: str = Field(alias="Vereins-ID")
    name: str = Field(alias="Name")
    kommune: str | None = Field(None, alias="Kommune")
    ansprechperson: str | None = Field(None, alias="Ansprechperson")
    email: Email | None = Field(None, alias="E-Mail")
    telefon: Phone | None = Field(None, alias="Telefon")
    themen: list[str] = Field(default_factory=list, alias="Themen")
    beschreibung: Long | None = Field(None, alias="Beschreibung")
    webseite: Url | None = Field(None, alias="Webseite")
    termine: list[str] = Field(default_factory=list, alias="Termine (teilnehmend)")
    barrierefrei_noetig: bool = Field(False, alias="Barrierefreier Platz nötig")
    strom_noetig: bool = Field(False, alias="Strom nötig")
    anzahl_tische: int = Field(1, alias="Anzahl Tische", ge=1, le=5)
    zuletzt_aktualisiert: dt.datetime | None = Field(None, alias="Zuletzt aktualisiert")


class Angebot(Record):
    TAB: ClassVar[str] = "Angebote"
    ID: ClassVar[str | None] = "Angebots-ID"
    angebots_id: str = Field(alias="Angebots-ID")
    vereins_id: str = Field(alias="Vereins-ID")
    titel: str = Field(alias="Titel")
    beschreibung: Long | None = Field(None, alias="Beschreibung")
    themen: list[str] = Field(default_factory=list, alias="Themen")
    zeitaufwand: Zeitaufwand | None = Field(None, alias="Zeitaufwand")
    rhythmus: str | None = Field(None, alias="Rhythmus")
    am_wochenende: bool | None = Field(None, alias="Am Wochenende")
    aus_der_ferne: bool | None = Field(None, alias="Aus der Ferne möglich")
    geeignet_fuer: list[str] = Field(default_factory=list, alias="Geeignet für")
    zuletzt_aktualisiert: dt.datetime | None = Field(None, alias="Zuletzt aktualisiert")


class Kontakt(Record):
    TAB: ClassVar[str] = "Kontakte"
    ID: ClassVar[str | None] = "Kontakt-ID"
    kontakt_id: str = Field(alias="Kontakt-ID")
    vorname: str | None = Field(None, alias="Vorname")
    nachname: str | None = Field(None, alias="Nachname")
    email: Email | None = Field(None, alias="E-Mail")
    telefon: Phone | None = Field(None, alias="Telefon")
    kommune: str | None = Field(None, alias="Kommune")
    gruppe: Gruppe | None = Field(None, alias="Gruppe")
    anwesenheit: list[str] = Field(default_factory=list, alias="Anwesenheit")
    interessen: list[str] = Field(default_factory=list, alias="Interessen")
    sprache: str | None = Field(None, alias="Sprache")
    lotse: bool = Field(False, alias="Lotse")
    einwilligung_speicherung: Consent = Field(False, alias="Einwilligung Speicherung")
    einwilligung_einladungen: Consent = Field(False, alias="Einwilligung Einladungen")
    einwilligung_weitergabe: Consent = Field(False, alias="Einwilligung Weitergabe")
    abgemeldet: OptOut = Field(False, alias="Abgemeldet")
    quelle: str | None = Field(None, alias="Quelle")
    erstellt: dt.datetime | None = Field(None, alias="Erstellt")
    aktualisiert: dt.datetime | None = Field(None, alias="Aktualisiert")
    strasse: str | None = Field(None, alias="Straße")  # optional postal address, for letters
    plz: str | None = Field(None, alias="PLZ")
    ort: str | None = Field(None, alias="Ort")
    # the coordinator confirms an address the job doubts (typo warning): messages to it are held until then
    email_bestaetigt: bool = Field(False, alias="E-Mail bestätigt")

    @property
    def display_name(self) -> str:
        """First and last name, or the e-mail address when both are missing."""
        from automation.domain.names import full_name

        return full_name(self.vorname, self.nachname, self.email or self.kontakt_id)


class Anmeldung(Record):
    TAB: ClassVar[str] = "Anmeldungen"
    ID: ClassVar[str | None] = "Anmelde-ID"
    anmelde_id: str = Field(alias="Anmelde-ID")
    termin_id: str = Field(alias="Termin-ID")
    kontakt_id: str = Field(alias="Kontakt-ID")
    # readable beside the IDs: written by the job from Kontakte and Termine, never read as input (in a workbook
    # made before these columns existed they are added at the end)
    name: str | None = Field(None, alias="Name")
    termin: str | None = Field(None, alias="Termin")
    antwort_id: str | None = Field(None, alias="Antwort-ID")
    eingegangen: dt.datetime | None = Field(None, alias="Eingegangen")
    personen: int = Field(1, alias="Personen", ge=1, le=20)
    interessen: list[str] = Field(default_factory=list, alias="Interessen")
    barrierefreiheit: str | None = Field(None, alias="Barrierefreiheit")
    kinderbetreuung: bool | None = Field(None, alias="Kinderbetreuung")
    status: AnmeldeStatus = Field("angemeldet", alias="Status")
    bemerkung: Long | None = Field(None, alias="Bemerkung")
    anwesend: bool | None = Field(None, alias="Anwesend")  # ticked at the door (ja/x/✓); see »einlass«
    begleitung_gewuenscht: bool | None = Field(None, alias="Begleitung gewünscht")  # by an Ehrenamtslotse
    begleitet_von: str | None = Field(None, alias="Begleitet von")  # Kontakt-ID of the guide (sync assigns it)


class Feedback(Record):
    TAB: ClassVar[str] = "Feedback"
    ID: ClassVar[str | None] = "Antwort-ID"
    antwort_id: str = Field(alias="Antwort-ID")
    termin_id: str | None = Field(None, alias="Termin-ID")
    kontakt_id: str | None = Field(None, alias="Kontakt-ID")
    eingegangen: dt.datetime | None = Field(None, alias="Eingegangen")
    bewertung: int | None = Field(None, alias="Bewertung", ge=1, le=5)
    interessante_vereine: list[str] = Field(default_factory=list, alias="Interessante Vereine")
    kontaktwunsch: list[str] = Field(default_factory=list, alias="Kontaktwunsch")
    passende_zeiten: list[str] = Field(default_factory=list, alias="Passende Zeiten")
    verbesserung: Long | None = Field(None, alias="Verbesserung")
    freitext: Long | None = Field(None, alias="Freitext")


class Versand(Record):
    TAB: ClassVar[str] = "Versand"
    ID: ClassVar[str | None] = "Schlüssel"
    schluessel: str = Field(alias="Schlüssel")
    art: str = Field(alias="Art")
    termin_id: str | None = Field(None, alias="Termin-ID")
    kontakt_id: str | None = Field(None, alias="Kontakt-ID")
    name: str | None = Field(None, alias="Name")  # readable beside the Kontakt-ID: written by the job, never read
    adresse: str | None = Field(None, alias="Adresse")
    status: VersandStatus = Field("geplant", alias="Status")
    zeit: dt.datetime | None = Field(None, alias="Zeit")
    message_id: str | None = Field(None, alias="Message-ID")
    fehler: str | None = Field(None, alias="Fehler")


class TischplanZeile(Record):
    TAB: ClassVar[str] = "Tischplan"
    ID: ClassVar[str | None] = None
    termin_id: str = Field(alias="Termin-ID")
    runde: int = Field(alias="Runde")
    tisch: str = Field(alias="Tisch")
    vereine: list[str] = Field(default_factory=list, alias="Vereine")
    teilnehmende: list[str] = Field(default_factory=list, alias="Teilnehmende")
    lotsen: list[str] = Field(default_factory=list, alias="Lotsen")
    # the IDs beside the readable names (format owned by automation.domain.tischplan_tab)
    vereins_ids: list[str] = Field(default_factory=list, alias="Vereins-IDs")
    teilnehmende_ids: list[str] = Field(default_factory=list, alias="Teilnehmende-IDs")
    lotsen_ids: list[str] = Field(default_factory=list, alias="Lotsen-IDs")
    erstellt: dt.datetime | None = Field(None, alias="Erstellt")


class Hinweis(Record):
    """One validation finding, as shown in the ``Hinweise`` tab."""

    TAB: ClassVar[str] = "Hinweise"
    ID: ClassVar[str | None] = None
    tabelle: str = Field(alias="Tabelle")
    zeile: int | None = Field(None, alias="Zeile")
    id: str | None = Field(None, alias="ID")
    spalte: str | None = Field(None, alias="Spalte")
    schwere: Schwere = Field("Fehler", alias="Schwere")
    hinweis: Long = Field(alias="Hinweis")
    vorschlag: Long | None = Field(None, alias="Vorschlag")


class Eingang(Record):
    """A form answer as received, kept until it has been processed (nothing is lost on bad input)."""

    TAB: ClassVar[str] = "Eingang"
    ID: ClassVar[str | None] = "Antwort-ID"
    antwort_id: str = Field(alias="Antwort-ID")
    formular: str = Field(alias="Formular")
    eingegangen: dt.datetime | None = Field(None, alias="Eingegangen")
    geaendert: dt.datetime | None = Field(None, alias="Geändert")
    daten: Long = Field(alias="Daten")
    status: EingangStatus = Field("neu", alias="Status")
    hinweis: Long | None = Field(None, alias="Hinweis")


class TerminvorschlagZeile(Record):
    """A candidate date of ``gespraechsrunde terminvorschlag``: ranked, or excluded with the reason."""

    TAB: ClassVar[str] = "Terminvorschläge"
    ID: ClassVar[str | None] = None
    datum: dt.date = Field(alias="Datum")
    wochentag: str | None = Field(None, alias="Wochentag")
    beginn: dt.time | None = Field(None, alias="Beginn")
    ende: dt.time | None = Field(None, alias="Ende")
    rang: int | None = Field(None, alias="Rang")
    punkte: int | None = Field(None, alias="Punkte")
    anwesend: int | None = Field(None, alias="Anwesend")
    ergebnis: Literal["vorgeschlagen", "ausgeschlossen"] = Field("vorgeschlagen", alias="Ergebnis")
    begruendung: Long | None = Field(None, alias="Begründung")


class Nachfrage(Record):
    """An answer to the follow-up a few weeks after a date (or a club's report, entered by hand)."""

    TAB: ClassVar[str] = "Nachfrage"
    ID: ClassVar[str | None] = "Antwort-ID"
    antwort_id: str = Field(alias="Antwort-ID")
    termin_id: str | None = Field(None, alias="Termin-ID")
    kontakt_id: str | None = Field(None, alias="Kontakt-ID")
    eingegangen: dt.datetime | None = Field(None, alias="Eingegangen")
    mitgemacht: bool | None = Field(None, alias="Mitgemacht")
    vereine: list[str] = Field(default_factory=list, alias="Vereine")
    geholfen: Long | None = Field(None, alias="Was hat geholfen")
    gefehlt: Long | None = Field(None, alias="Was hat gefehlt")
    quelle: str | None = Field(None, alias="Quelle")


@dataclass(frozen=True)
class TabSpec:
    """A tab of the store: its record type and who edits it."""

    name: str
    model: type[Record]
    owner: Literal["koordination", "vereine", "job"]
    description: str


TABS: tuple[TabSpec, ...] = (
    TabSpec("Kommunen", Kommune, "koordination", "Beteiligte Kommunen mit Ansprechperson."),
    TabSpec("Termine", Termin, "koordination", "Termine der Gesprächsrunden mit Ort, Plätzen und Status."),
    TabSpec("Vereine", Verein, "vereine", "Vereine und Initiativen; jeder Verein pflegt seine Zeile."),
    TabSpec("Angebote", Angebot, "vereine", "Angebote der Vereine (Zeitaufwand, Wochenende, aus der Ferne)."),
    TabSpec("Kontakte", Kontakt, "job", "Personen mit ihren Einwilligungen; vom Job gepflegt."),
    TabSpec("Anmeldungen", Anmeldung, "job", "Anmeldungen zu Terminen, mit Warteliste."),
    TabSpec("Feedback", Feedback, "job", "Antworten aus dem Feedback-Formular."),
    TabSpec("Versand", Versand, "job", "Jede Nachricht mit Schlüssel und Status: nichts geht doppelt."),
    TabSpec("Tischplan", TischplanZeile, "job", "Tischplan je Termin, Runde und Tisch."),
    TabSpec("Hinweise", Hinweis, "job", "Befunde der letzten Prüfung: Tabelle, Zeile, Spalte, Vorschlag."),
    TabSpec("Eingang", Eingang, "job", "Eingegangene Formularantworten, bis sie verarbeitet sind."),
    TabSpec("Terminvorschläge", TerminvorschlagZeile, "job", "Terminvorschläge mit Rang und Begründung."),
    TabSpec("Nachfrage", Nachfrage, "job", "Antworten auf die Nachfrage einige Wochen nach dem Termin."),
)

MODEL_BY_TAB: dict[str, type[Record]] = {t.name: t.model for t in TABS}


@dataclass(frozen=True)
class Column:
    """A column of a tab: German header, model field, cell kind, allowed values."""

    header: str
    field: str
    kind: Kind
    required: bool
    choices: tuple[str, ...] = ()


def _kind_of(annotation: Any) -> tuple[Kind, tuple[str, ...]]:
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in get_args(annotation) if a is not type(None)]
        return _kind_of(inner[0])
    if origin is Annotated:
        base, *meta = get_args(annotation)
        for item in meta:
            if isinstance(item, Kind):
                return item, ()
        return _kind_of(base)
    if origin is Literal:
        return Kind.CHOICE, tuple(str(a) for a in get_args(annotation))
    if origin is list:
        return Kind.LIST, ()
    simple = {
        str: Kind.TEXT, bool: Kind.BOOL, int: Kind.INT, dt.datetime: Kind.DATETIME,
        dt.date: Kind.DATE, dt.time: Kind.TIME,
    }  # fmt: skip
    if annotation in simple:
        return simple[annotation], ()
    raise TypeError(f"unbekannter Feldtyp {annotation!r}")


@cache
def columns(model: type[Record]) -> tuple[Column, ...]:
    """The columns of a tab, in the order they are created in a new sheet."""
    result = []
    hints = typing.get_type_hints(model, include_extras=True)
    for name, info in model.model_fields.items():
        kind, choices = _kind_of(hints[name])
        result.append(Column(str(info.alias), name, kind, info.is_required(), choices))
    return tuple(result)


def headers(model: type[Record]) -> list[str]:
    """The German headers of a tab."""
    return [c.header for c in columns(model)]


@cache
def column_by_header(model: type[Record], header: str) -> Column:
    """The column of a tab with this header."""
    for column in columns(model):
        if column.header == header:
            return column
    raise KeyError(header)


def tab_headers() -> dict[str, list[str]]:
    """Every tab of ``TABS`` with its German headers (what a store creates)."""
    return {spec.name: headers(spec.model) for spec in TABS}
