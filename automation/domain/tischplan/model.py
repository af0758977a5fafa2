"""Instance and plan records of the Tischplan, exactly as in the JSON formats of docs/tischplan.md."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from automation.domain.errors import ConfigError
from automation.domain.problems import error_lines


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Tisch(_Strict):
    """A table: seats per round, optional minimum, step-free access."""

    id: str
    plaetze: int = Field(ge=1)
    plaetze_min: int = Field(default=0, ge=0)
    barrierefrei: bool = False


class PlanVerein(_Strict):
    """A club as the table plan sees it, with its theme; ``anzahl_tische`` > 1 when it brings a second booth.

    (The row of the ``Vereine`` tab is :class:`automation.domain.records.Verein`.)
    """

    id: str
    name: str = ""
    thema: str = ""
    barrierefrei_noetig: bool = False
    anzahl_tische: int = Field(default=1, ge=1)


class Teilnehmende(_Strict):
    """One participant; ``interessen`` are club ids in order of preference."""

    id: str
    name: str | None = None
    gruppe: str = ""
    kommune: str = ""
    interessen: list[str] = Field(default_factory=list)
    lotse: bool = False
    barrierefrei_noetig: bool = False
    runden: list[int] | None = None
    sprache: str = ""  # language code of the route card (automation.domain.sprachen); empty: German


class Instanz(_Strict):
    """A stand-alone table plan instance."""

    runden: int = Field(ge=1)
    vereine_pro_tisch_max: int = Field(default=2, ge=1)
    gemeinde_max_pro_tisch: int | None = Field(default=None, ge=1)
    tische: list[Tisch]
    vereine: list[PlanVerein] = Field(default_factory=list)
    teilnehmende: list[Teilnehmende]
    zusammen: list[list[str]] = Field(default_factory=list)
    getrennt: list[list[str]] = Field(default_factory=list)
    vereine_zusammen: list[list[str]] = Field(default_factory=list)
    vereine_getrennt: list[list[str]] = Field(default_factory=list)

    def rounds_of(self, person: Teilnehmende) -> list[int]:
        """The rounds (1-based) a participant attends."""
        if person.runden is None:
            return list(range(1, self.runden + 1))
        return sorted(set(person.runden))


class PlanTisch(_Strict):
    id: str
    vereine: list[str]


class RundenTisch(_Strict):
    id: str
    teilnehmende: list[str]


class PlanRunde(_Strict):
    runde: int
    tische: list[RundenTisch]


class Kennzahlen(_Strict):
    """The figures of a plan; ``verletzungen`` counts broken hard constraints."""

    interessen_abgedeckt: int = 0
    interessen_schranke: int = 0
    wiederholungen: int = 0
    fehlende_gruppen: int = 0
    gemeinde_ueberschuss: int = 0
    verletzungen: int = 0


class Plan(_Strict):
    """Clubs per table and participants per table and round."""

    tische: list[PlanTisch]
    runden: list[PlanRunde]
    kennzahlen: Kennzahlen = Field(default_factory=Kennzahlen)


def read_instance(text: str) -> Instanz:
    """Parse an instance from JSON text; a broken file becomes a ConfigError."""
    try:
        instanz = Instanz.model_validate_json(text)
    except ValidationError as exc:
        raise ConfigError("Die Instanzdatei ist fehlerhaft:\n  " + "\n  ".join(error_lines(exc))) from exc
    check_references(instanz)
    return instanz


def check_references(instanz: Instanz) -> None:
    """Unique ids and references to known ids; otherwise a ConfigError naming the id."""
    for kind, ids in (
        ("Tisch", [t.id for t in instanz.tische]),
        ("Verein", [v.id for v in instanz.vereine]),
        ("Teilnehmende", [p.id for p in instanz.teilnehmende]),
    ):
        seen: set[str] = set()
        for ident in ids:
            if ident in seen:
                raise ConfigError(f"{kind} »{ident}« kommt in der Instanz doppelt vor; IDs müssen eindeutig sein.")
            seen.add(ident)
    clubs = {v.id for v in instanz.vereine}
    persons = {p.id for p in instanz.teilnehmende}
    for person in instanz.teilnehmende:
        for interest in person.interessen:
            if interest not in clubs:
                raise ConfigError(
                    f"Teilnehmende »{person.id}« nennt das Interesse »{interest}«, aber keinen Verein mit dieser ID."
                )
        for round_ in person.runden or []:
            if not 1 <= round_ <= instanz.runden:
                raise ConfigError(
                    f"Teilnehmende »{person.id}« nennt Runde {round_}; es gibt nur die Runden 1 bis {instanz.runden}."
                )
    for field_name, groups, known in (
        ("zusammen", instanz.zusammen, persons),
        ("getrennt", instanz.getrennt, persons),
        ("vereine_zusammen", instanz.vereine_zusammen, clubs),
        ("vereine_getrennt", instanz.vereine_getrennt, clubs),
    ):
        for group in groups:
            for ident in group:
                if ident not in known:
                    raise ConfigError(f"»{field_name}« nennt die unbekannte ID »{ident}«.")
