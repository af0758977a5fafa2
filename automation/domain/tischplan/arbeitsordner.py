"""The instance of one Termin built from the workspace's records, and the plan as rows of the tab (pure).

``instanz_aus_arbeitsordner`` reads only a :class:`~automation.domain.dataset.Dataset` in memory:

- clubs: the Vereine whose ``Termine (teilnehmend)`` names the Termin (``Anzahl Tische``,
  ``Barrierefreier Platz nötig``; the first theme is the club's ``thema``);
- participants: the Anmeldungen of the Termin with status ``angemeldet`` (and ``teilgenommen`` once the
  date has passed), one per Anmelde-ID, with Gruppe, Kommune and Lotse from the Kontakt; every further
  person of ``Personen`` becomes ``<Anmelde-ID>+1``, ``+2`` … with the same Gruppe, Kommune and
  interests, and sits with the registering person every round (``zusammen``);
- interests, in the order given: an answer that names a club (by name or ID) is that club, one that names
  a theme stands for the attending clubs with that theme; without any usable interest in the Anmeldung
  the Kontakt's ``Interessen`` are used;
- step-free access: an Anmeldung whose ``Barrierefreiheit`` mentions a wheelchair, a rollator, step-free
  access and the like;
- tables ``T1`` … ``Tn`` with the Termin's ``Plätze pro Tisch`` (default 6): n is the least number that
  seats everybody (``zusammen`` groups kept whole) and holds all booths at ``vereine_pro_tisch_max`` per
  table, and at least one more than the number of rounds (nobody visits a club table twice, and with
  only as many tables as rounds everybody would have to visit every table: the plan gets too tight);
  ``barrierefrei`` as ``barrierefreie_tische`` in the settings says (an empty list: every table);
- rounds: the Termin's ``Runden`` (default 4).

Names for print and tab are first name and initial of the last name; accompanying persons are
"Begleitung von …".
"""

from __future__ import annotations

import datetime as dt
import math
import re

from automation.domain.dataset import Dataset
from automation.domain.errors import ConfigError, InfeasibleError
from automation.domain.matching import fold
from automation.domain.names import full_name, short_name, unique_names
from automation.domain.records import Anmeldung, Kontakt, Termin
from automation.domain.records import Verein as VereinRecord
from automation.domain.settings import TischplanSettings
from automation.domain.sprachen import language_code
from automation.domain.tischplan.model import Instanz, PlanVerein, Teilnehmende, Tisch

RUNDEN_STANDARD = 4
PLAETZE_STANDARD = 6

_BARRIEREFREI = re.compile(
    r"stufenlos|rollstuhl|rolli\b|rollator|barrierefrei|gehbehindert|gehbehinderung|gehhilfe|aufzug|"
    r"fahrstuhl|rampe|ebenerdig|keine\s+stufen|ohne\s+stufen|treppen",
    re.IGNORECASE,
)


def braucht_barrierefreiheit(text: str | None) -> bool:
    """True when the free text of an Anmeldung asks for step-free access."""
    return bool(text) and _BARRIEREFREI.search(text or "") is not None


def kurzname(kontakt: Kontakt | None, ersatz: str) -> str:
    """First name and initial of the last name (``Anna B.``); the id when the contact has no name."""
    if kontakt is None:
        return ersatz
    return short_name(kontakt.vorname, kontakt.nachname, ersatz)


def _interessen(antworten: list[str], by_name: dict[str, str], by_theme: dict[str, list[str]]) -> list[str]:
    result: list[str] = []
    for antwort in antworten:
        key = fold(antwort)
        if not key:
            continue
        treffer = [by_name[key]] if key in by_name else by_theme.get(key, [])
        for verein in treffer:
            if verein not in result:
                result.append(verein)
    return result


def _tische_noetig(bloecke: list[int], plaetze: int, n: int) -> int:
    """The least number of tables ≥ n into which the blocks fit (first fit decreasing)."""
    while True:
        frei = [plaetze] * n
        for groesse in sorted(bloecke, reverse=True):
            for t in range(n):
                if frei[t] >= groesse:
                    frei[t] -= groesse
                    break
            else:
                break
        else:
            return n
        n += 1


def _mit_lotsen(
    anmeldungen: list[Anmeldung],
    leute: list[Teilnehmende],
    zusammen: list[list[str]],
    plaetze: int,
    nicht_alle_barrierefrei: bool,
) -> list[list[str]]:
    """Guides sit with the newcomers they welcome (``Begleitet von``) where it fits: at most half a table,
    and nobody who needs an accessible table when not all tables are (see ``automation.domain.lotsen``)."""
    from automation.domain.lotsen import seat_with_guides

    of_contact = {a.kontakt_id: a.anmelde_id for a in anmeldungen}
    pairs = [
        (of_contact[a.begleitet_von], a.anmelde_id)
        for a in anmeldungen
        if a.begleitet_von and a.begleitet_von in of_contact and a.kontakt_id != a.begleitet_von
    ]
    if not pairs:
        return zusammen
    blocked = {p.id for p in leute if p.barrierefrei_noetig} if nicht_alle_barrierefrei else set()
    return seat_with_guides(zusammen, pairs, max(2, plaetze // 2), blocked)


def instanz_aus_arbeitsordner(
    dataset: Dataset, termin_id: str, settings: TischplanSettings, heute: dt.date | None = None
) -> tuple[Instanz, dict[str, str]]:
    """Build the instance of a Termin and the display name of every participant.

    Raises ConfigError (unknown Termin) or InfeasibleError (no registrations, no clubs) with a German
    message naming the cause.
    """
    termin_id = termin_id.strip()
    termin = dataset.get(Termin, termin_id)
    if termin is None and dataset.unreadable(Termin, termin_id):
        raise ConfigError(dataset.unreadable_text(Termin, termin_id) + " Bitte korrigieren.")
    if termin is None:
        bekannt = ", ".join(t.termin_id for t in dataset.all(Termin)) or "keine"
        raise ConfigError(
            f"Den Termin »{termin_id}« gibt es nicht in der Tabelle »Termine« (bekannt: {bekannt}). "
            "Bitte die Termin-ID prüfen."
        )
    heute = heute or dt.date.today()
    runden = termin.runden or RUNDEN_STANDARD
    plaetze = termin.plaetze_pro_tisch or PLAETZE_STANDARD
    if runden < 1 or plaetze < 1:
        raise ConfigError(f"Termin {termin_id}: »Runden« und »Plätze pro Tisch« müssen mindestens 1 sein.")

    clubs = [v for v in dataset.all(VereinRecord) if termin_id in {t.strip() for t in v.termine}]
    if not clubs:
        raise InfeasibleError(
            f"Für den Termin {termin_id} hat sich kein Verein angemeldet: in der Tabelle »Vereine« nennt "
            "keine Zeile diese ID in der Spalte »Termine (teilnehmend)«. Bitte die Vereine eintragen."
        )
    vereine = [
        PlanVerein(
            id=v.vereins_id,
            name=v.name,
            thema=v.themen[0] if v.themen else "",
            barrierefrei_noetig=v.barrierefrei_noetig,
            anzahl_tische=v.anzahl_tische,
        )
        for v in clubs
    ]
    by_name: dict[str, str] = {}
    by_theme: dict[str, list[str]] = {}
    for v in clubs:
        by_name.setdefault(fold(v.vereins_id), v.vereins_id)
        by_name.setdefault(fold(v.name), v.vereins_id)
        for thema in v.themen:
            by_theme.setdefault(fold(thema), []).append(v.vereins_id)

    status = {"angemeldet"} | ({"teilgenommen"} if termin.datum < heute else set())
    anmeldungen = [a for a in dataset.all(Anmeldung) if a.termin_id.strip() == termin_id and a.status in status]
    if not anmeldungen:
        raise InfeasibleError(
            f"Für den Termin {termin_id} gibt es keine Anmeldungen mit Status »angemeldet«; "
            "ohne Teilnehmende lässt sich kein Tischplan erstellen."
        )
    leute: list[Teilnehmende] = []
    namen: dict[str, str] = {}
    zusammen: list[list[str]] = []
    kontakte = {a.anmelde_id: dataset.get(Kontakt, a.kontakt_id) for a in anmeldungen}
    printed = unique_names(
        {i: full_name(k.vorname, k.nachname, i) if k else i for i, k in kontakte.items()},
        {i: kurzname(k, i) for i, k in kontakte.items()},
    )  # two »Anna B.« are printed as »Anna Becker« and »Anna Brandt«
    for a in anmeldungen:
        kontakt = kontakte[a.anmelde_id]
        interessen = _interessen(a.interessen, by_name, by_theme)
        if not interessen and kontakt is not None:
            interessen = _interessen(kontakt.interessen, by_name, by_theme)
        gruppe = (kontakt.gruppe if kontakt else None) or ""
        kommune = (kontakt.kommune if kontakt else None) or ""
        name = printed[a.anmelde_id]
        leute.append(
            Teilnehmende(
                id=a.anmelde_id,
                name=name,
                gruppe=gruppe,
                kommune=kommune,
                interessen=interessen,
                lotse=bool(kontakt and kontakt.lotse),
                barrierefrei_noetig=braucht_barrierefreiheit(a.barrierefreiheit),
                sprache=language_code(kontakt.sprache if kontakt else None),
            )
        )
        namen[a.anmelde_id] = name
        gruppe_ids = [a.anmelde_id]
        for k in range(1, a.personen):
            ident = f"{a.anmelde_id}+{k}"
            begleitung = f"Begleitung von {name}" if a.personen == 2 else f"Begleitung {k} von {name}"
            leute.append(Teilnehmende(id=ident, name=begleitung, gruppe=gruppe, kommune=kommune, interessen=interessen))
            namen[ident] = begleitung
            gruppe_ids.append(ident)
        if len(gruppe_ids) > 1:
            zusammen.append(gruppe_ids)

    zusammen = _mit_lotsen(anmeldungen, leute, zusammen, plaetze, bool(settings.barrierefreie_tische))
    staende = sum(v.anzahl_tische for v in vereine)
    n = max(
        math.ceil(len(leute) / plaetze),
        math.ceil(staende / settings.vereine_pro_tisch_max),
        max(v.anzahl_tische for v in vereine),
        runden + 1,
    )
    groessen = [len(g) for g in zusammen] + [1] * (len(leute) - sum(len(g) for g in zusammen))
    if max(groessen) > plaetze:
        raise InfeasibleError(
            f"Eine Anmeldung bringt {max(groessen)} Personen mit, an einen Tisch passen aber nur {plaetze} "
            f"(»Plätze pro Tisch« des Termins {termin_id}). Bitte die Plätze pro Tisch erhöhen."
        )
    n = _tische_noetig(groessen, plaetze, n)
    barrierefrei = {t.strip() for t in settings.barrierefreie_tische}
    tische = [
        Tisch(id=f"T{i}", plaetze=plaetze, barrierefrei=not barrierefrei or f"T{i}" in barrierefrei)
        for i in range(1, n + 1)
    ]
    instanz = Instanz(
        runden=runden,
        vereine_pro_tisch_max=settings.vereine_pro_tisch_max,
        gemeinde_max_pro_tisch=settings.gemeinde_max_pro_tisch,
        tische=tische,
        vereine=vereine,
        teilnehmende=leute,
        zusammen=zusammen,
    )
    return instanz, namen
