"""Printable HTML of a plan: overview grid, table signs, route cards, guide briefings (pure).

The template is ``vorlagen/tischplan/druck.html.j2`` (autoescape on). The overview is printed in
landscape with ``TISCHE_PRO_SEITE`` tables per page; each table sign and guide briefing is one A4 page;
the route cards are A6, four to an A4 sheet (cut once across, once down), in alphabetical order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from jinja2 import Environment, FileSystemLoader, select_autoescape

from automation.adapters.printouts.tischplan_ausgabe import anzeigename
from automation.domain.names import unique_names
from automation.domain.resources import vorlagen_dir
from automation.domain.sprachen import DEUTSCH, direction, language_code
from automation.domain.tischplan.model import Instanz, Plan, Teilnehmende

TISCHE_PRO_SEITE = 5
KARTEN_PRO_SEITE = 4  # A6 route cards on one A4 sheet
BEGRUESSUNG_MINUTEN = 15  # welcome before the first round
WECHSEL_MINUTEN = 5  # changing tables between rounds


@dataclass(frozen=True)
class Veranstaltung:
    """What every card shows about the event (empty for a stand-alone instance)."""

    titel: str = ""
    datum: dt.date | None = None
    ort: str = ""
    adresse: str = ""
    rundenzeiten: dict[int, str] = field(default_factory=dict)  # round -> "14:15–14:50"
    zweite_sprache: str = ""  # [darstellung] zweite_sprache: table signs in German and this language

    @property
    def datum_text(self) -> str:
        tage = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
        return f"{tage[self.datum.weekday()]}, {self.datum:%d.%m.%Y}" if self.datum else ""


def rundenzeiten(beginn: dt.time | None, ende: dt.time | None, runden: int) -> dict[int, str]:
    """Start and end of each round: a welcome first, then equal rounds with a short change between them."""
    if beginn is None or ende is None or runden < 1:
        return {}
    start = dt.datetime.combine(dt.date(2000, 1, 1), beginn) + dt.timedelta(minutes=BEGRUESSUNG_MINUTEN)
    total = (dt.datetime.combine(dt.date(2000, 1, 1), ende) - start).total_seconds() / 60
    laenge = int((total - WECHSEL_MINUTEN * (runden - 1)) // runden)
    if laenge < 5:
        return {}
    zeiten = {}
    for runde in range(1, runden + 1):
        bis = start + dt.timedelta(minutes=laenge)
        zeiten[runde] = f"{start:%H:%M}–{bis:%H:%M}"
        start = bis + dt.timedelta(minutes=WECHSEL_MINUTEN)
    return zeiten


@dataclass
class Station:
    runde: int
    tisch: str
    vereine: list[str]
    leute: list[str] = field(default_factory=list)


@dataclass
class Karte:
    name: str
    stationen: list[Station]
    sprache: str = DEUTSCH
    texte: dict[str, str] = field(default_factory=dict)  # the card's headings in its language


def _texte(code: str, veranstaltung: Veranstaltung) -> dict[str, str]:
    """Headings and date of a route card in the participant's language (catalogs of the messages)."""
    from automation.adapters.mail.render import date_long, translations

    _ = translations(code).gettext
    datum = date_long(veranstaltung.datum, code) if veranstaltung.datum else ""
    return {
        "runde": _("Runde"), "tisch": _("Tisch"), "dort": _("Dort sind"), "begegnung": _("Begegnungstisch"),
        "datum": datum if code != DEUTSCH else veranstaltung.datum_text, "richtung": direction(code),
    }  # fmt: skip


def _begleitung(code: str, anzahl: int) -> str:
    from automation.adapters.mail.render import translations

    _ = translations(code).gettext
    if anzahl == 0:
        return ""
    text = _("mit %(anzahl)s Begleitung") if anzahl == 1 else _("mit %(anzahl)s Begleitungen")
    return f" ({text % {'anzahl': anzahl}})"


def _umgebung() -> Environment:
    from automation.adapters.html import install_bdi

    env = Environment(
        loader=FileSystemLoader(str(vorlagen_dir())),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    install_bdi(env)
    return env


def _basis(pid: str) -> str:
    """The person a companion came with (companions are ``<Anmelde-ID>+k``)."""
    return pid.split("+", 1)[0]


def _begleitungen(personen: dict[str, Teilnehmende]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for pid in personen:
        if _basis(pid) != pid and _basis(pid) in personen:
            result.setdefault(_basis(pid), []).append(pid)
    return result


def seitenzahl(instanz: Instanz) -> int:
    """Pages the print version has: overview pages, one sign per table, the route cards four to a
    sheet, one briefing per guide."""
    t = len(instanz.tische)
    uebersicht = -(-t // TISCHE_PRO_SEITE)
    lotsen = sum(1 for p in instanz.teilnehmende if p.lotse)
    ids = {p.id for p in instanz.teilnehmende}
    karten = sum(1 for p in instanz.teilnehmende if _basis(p.id) == p.id or _basis(p.id) not in ids)
    return uebersicht + t + -(-karten // KARTEN_PRO_SEITE) + lotsen


def druckfassung(
    instanz: Instanz,
    plan: Plan,
    namen: dict[str, str] | None = None,
    veranstaltung: Veranstaltung | None = None,
) -> str:
    """Render the print version of a plan as one HTML document.

    ``namen`` gives the printed name of a participant as is (e.g. ``Begleitung von Anna B.``); without
    it, the first name and the initial of the last name of ``name`` are printed, made unique where two
    people would get the same. ``veranstaltung`` puts title, date, place and round times on every card.
    """
    vereine = {v.id: v for v in instanz.vereine}
    personen = {p.id: p for p in instanz.teilnehmende}
    namen = namen or {}
    veranstaltung = veranstaltung or Veranstaltung()
    kurz = {p.id: anzeigename(p.name, p.id) for p in instanz.teilnehmende if p.id not in namen}
    anzeige = {**unique_names({p.id: p.name or p.id for p in instanz.teilnehmende}, kurz), **namen}
    vereine_am = {t.id: [vereine[v].name or v for v in t.vereine if v in vereine] for t in plan.tische}
    themen_am = {
        t.id: sorted({vereine[v].thema for v in t.vereine if v in vereine and vereine[v].thema}) for t in plan.tische
    }
    tisch_ids = [t.id for t in instanz.tische]
    belegung: dict[tuple[int, str], list[str]] = {}
    stationen: dict[str, list[Station]] = {p: [] for p in personen}
    for runde in plan.runden:
        for rt in runde.tische:
            belegung[(runde.runde, rt.id)] = rt.teilnehmende
            for pid in rt.teilnehmende:
                if pid in stationen:
                    andere = [anzeige[x] for x in rt.teilnehmende if x != pid and x in anzeige]
                    stationen[pid].append(Station(runde.runde, rt.id, vereine_am.get(rt.id, []), andere))
    begleitungen = _begleitungen(personen)

    def zelle(ids: list[str]) -> list[str]:
        """A grid cell: companions sitting with the person they came with show as »Anna B. +2«."""
        anwesend = set(ids)
        out = []
        for p in ids:
            if p not in personen or (_basis(p) in anwesend and _basis(p) != p):
                continue
            mit = sum(1 for b in begleitungen.get(p, []) if b in anwesend)
            out.append(anzeige[p] + (f" +{mit}" if mit else "") + (" (Lotse)" if personen[p].lotse else ""))
        return out

    seiten = [tisch_ids[i : i + TISCHE_PRO_SEITE] for i in range(0, len(tisch_ids), TISCHE_PRO_SEITE)]
    raster = [
        {
            "tische": seite,
            "zeilen": [
                {
                    "runde": runde.runde,
                    "zellen": [zelle(belegung.get((runde.runde, t), [])) for t in seite],
                }
                for runde in plan.runden
            ],
        }
        for seite in seiten
    ]
    karten = [
        Karte(
            anzeige[p.id] + _begleitung(language_code(p.sprache), len(begleitungen.get(p.id, []))),
            sorted(stationen[p.id], key=lambda s: s.runde),
            language_code(p.sprache),
            _texte(language_code(p.sprache), veranstaltung),
        )
        for p in instanz.teilnehmende
        if _basis(p.id) == p.id or _basis(p.id) not in personen  # companions go with the card of their person
    ]  # fmt: skip
    karten.sort(key=lambda k: (k.name.casefold(), k.name))
    kartenbogen = [karten[i : i + KARTEN_PRO_SEITE] for i in range(0, len(karten), KARTEN_PRO_SEITE)]
    briefings = [
        Karte(anzeige[p.id], sorted(stationen[p.id], key=lambda s: s.runde)) for p in instanz.teilnehmende if p.lotse
    ]
    schilder = [{"id": t, "vereine": vereine_am.get(t, []), "themen": themen_am.get(t, [])} for t in tisch_ids]
    zweite = language_code(veranstaltung.zweite_sprache)
    schild_texte = _texte(zweite, veranstaltung) if zweite != DEUTSCH else None
    return (
        _umgebung()
        .get_template("tischplan/druck.html.j2")
        .render(
            raster=raster,
            vereine_am=vereine_am,
            schilder=schilder,
            kartenbogen=kartenbogen,
            briefings=briefings,
            veranstaltung=veranstaltung,
            zweite=schild_texte,
            zweite_sprache=zweite,
        )
    )
