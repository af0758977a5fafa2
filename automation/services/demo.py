"""A realistic, invented demo workspace: ``gespraechsrunde demo ZIEL``.

Three neighbouring invented municipalities run their Gesprächsrunde together. The workspace holds a
settings file, the workbook with clubs, offers, two dates (one open for registration, one held some
months ago) and known contacts, and the form answers as Google Forms' own CSV export – including the
messy input real people produce, so that ``pruefen`` and ``sync`` have something to do.

Everything is generated from a seeded :class:`random.Random`: the same seed and day give the same files.
All names are invented combinations; e-mail addresses use domains reserved for documentation
(``example.org`` …, ``*.example``); telephone numbers come from the ranges the Bundesnetzagentur keeps
free for media productions ("Drama Numbers"), so nobody is called by accident.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from automation.adapters.xlsx import WorkbookStore
from automation.domain import ids
from automation.domain.cells import Cell
from automation.domain.dataset import Dataset
from automation.domain.form_options import termin_option_text
from automation.domain.forms import FormDefinition, Question, load_forms
from automation.domain.mail.ledger_memo import MEMO_FILE
from automation.domain.records import (
    TABS,
    Angebot,
    Anmeldung,
    Feedback,
    Kommune,
    Kontakt,
    Record,
    Termin,
    TischplanZeile,
    Verein,
    tab_headers,
)
from automation.domain.settings import SETTINGS_FILE
from automation.domain.store import Append
from automation.services.einrichten import layouts

WORKBOOK_FILE = "gespraechsrunde.xlsx"
ANSWERS_FOLDER = "antworten"
README_FILE = "LIESMICH.txt"
SENDER = "gespraechsrunde@adorf.example"

# -- invented municipalities, clubs, offers and people: the tables are data (demo_daten.json) -----------


@dataclass(frozen=True)
class _KommuneSpec:
    name: str
    kuerzel: str
    domain: str
    stelle: str  # mailbox of the municipal contact


@dataclass(frozen=True)
class _OfferSpec:
    titel: str
    beschreibung: str
    zeitaufwand: str
    rhythmus: str
    wochenende: bool
    ferne: bool
    geeignet: tuple[str, ...] = ()


@dataclass(frozen=True)
class _ClubSpec:
    name: str
    slug: str
    kommune: int
    themen: tuple[str, ...]
    beschreibung: str
    offers: tuple[_OfferSpec, ...]
    strom: bool = False
    barrierefrei: bool = False


def _load_data() -> dict[str, Any]:
    text = (resources.files("automation") / "demo_daten.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _pairs(rows: list[list[Any]]) -> tuple[tuple[str, int], ...]:
    return tuple((str(a), int(b)) for a, b in rows)


_DATA = _load_data()
THEMEN: tuple[str, ...] = tuple(_DATA["themen"])
KOMMUNEN = tuple(_KommuneSpec(**k) for k in _DATA["kommunen"])
CLUBS: tuple[_ClubSpec, ...] = tuple(
    _ClubSpec(
        **{k: v for k, v in c.items() if k not in ("themen", "angebote")},
        themen=tuple(c["themen"]),
        offers=tuple(_OfferSpec(**{**o, "geeignet": tuple(o["geeignet"])}) for o in c["angebote"]),
    )
    for c in _DATA["vereine"]
)
FIRST_NAMES: tuple[str, ...] = tuple(_DATA["vornamen"])
LAST_NAMES: tuple[str, ...] = tuple(_DATA["nachnamen"])
# Reserved for documentation (RFC 2606/6761): nobody receives mail there.
MAIL_DOMAINS: tuple[str, ...] = tuple(_DATA["mail_domains"])
# Bundesnetzagentur "Drama Numbers": area code, block; the last three digits are free (000–999).
DRAMA_NUMBERS: tuple[tuple[str, str], ...] = tuple((a, b) for a, b in _DATA["drama_numbers"])
ANWESENHEIT: tuple[str, ...] = tuple(_DATA["anwesenheit"])
GRUPPEN_WEIGHTS = _pairs(_DATA["gruppen_gewichte"])
QUELLEN = _pairs(_DATA["quellen"])
BEMERKUNGEN: tuple[str, ...] = tuple(_DATA["bemerkungen"])
BARRIEREN: tuple[str, ...] = tuple(_DATA["barrieren"])
VERBESSERUNGEN: tuple[str, ...] = tuple(_DATA["verbesserungen"])
FREITEXTE: tuple[str, ...] = tuple(_DATA["freitexte"])


@dataclass(frozen=True)
class DemoSummary:
    """What ``create_demo`` wrote: the folder, rows per tab and answer rows per form."""

    target: Path
    rows: dict[str, int]
    answers: dict[str, int]
    open_termin: str
    files: tuple[str, ...] = field(default=())

    def lines(self) -> list[str]:
        """German lines for the terminal."""
        result = [f"Beispiel-Arbeitsordner angelegt: {self.target}"]
        result += [f"  {tab}: {count} Zeilen" for tab, count in self.rows.items() if count]
        for form_id, count in self.answers.items():
            result.append(f"  Antworten {form_id}.csv: {count} Zeilen")
        result.append(f"  Offener Termin: {self.open_termin}")
        return result


@dataclass
class _Person:
    vorname: str
    nachname: str
    email: str
    telefon: str | None
    kommune: str
    gruppe: str
    anwesenheit: list[str]
    interessen: list[str]
    sprache: str


def _ascii(text: str) -> str:
    """A name as it appears in an e-mail address: lower case, umlauts spelled out, no accents."""
    text = text.lower()
    for old, new in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ı", "i"), ("ø", "oe"), ("ł", "l")):
        text = text.replace(old, new)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in ".-")).replace(" ", "")


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _saturday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(5 - day.weekday()) % 7)


def _saturday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - 5) % 7)


def _season(day: dt.date) -> str:
    names = {12: "Winter", 1: "Winter", 2: "Winter", 3: "Frühjahr", 4: "Frühjahr", 5: "Frühjahr"}
    names.update({6: "Sommer", 7: "Sommer", 8: "Sommer", 9: "Herbst", 10: "Herbst", 11: "Herbst"})
    return f"{names[day.month]} {day.year}"


def _at(day: dt.date, rng: random.Random, first_hour: int = 7, last_hour: int = 22) -> dt.datetime:
    seconds = rng.randrange(first_hour * 3600, last_hour * 3600)
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)


class _Generator:
    """All random choices of one demo, in a fixed order."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.used_emails: set[str] = set()
        self.used_ids: set[str] = set()
        self.free_phones = [(area, block, f"{ext:03d}") for area, block in DRAMA_NUMBERS for ext in range(1000)]
        self.rng.shuffle(self.free_phones)

    # -- people ---------------------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        """An ID like the job's own (``K-7Q4MZP2C``), drawn from the seeded generator."""
        while True:
            candidate = f"{prefix}-" + "".join(self.rng.choice(ids.ALPHABET) for _ in range(8))
            if candidate not in self.used_ids:
                self.used_ids.add(candidate)
                return candidate

    def email(self, vorname: str, nachname: str) -> str:
        rng = self.rng
        first, last = _ascii(vorname), _ascii(nachname.replace(" ", ""))
        pattern = rng.randrange(5)
        local = (f"{first}.{last}", f"{first[0]}.{last}", f"{first}{last}", f"{last}.{first}", f"{first}_{last}")[
            pattern
        ]
        domain = rng.choice(MAIL_DOMAINS)
        address = f"{local}@{domain}"
        while address in self.used_emails:
            address = f"{local}{rng.randrange(2, 1000)}@{domain}"
        self.used_emails.add(address)
        return address

    def phone(self) -> str | None:
        """A number from the media ranges, each given to one person only (None when all are taken)."""
        rng = self.rng
        if not self.free_phones:
            return None
        area, block, ext = self.free_phones.pop()
        formats = (
            f"{area} {block} {ext}", f"{area}/{block}{ext}", f"({area}) {block}-{ext}", f"+49 {area[1:]} {block} {ext}",
            f"+49 (0){area[1:]} {block}{ext}", f"{area}-{block}-{ext}", f"0049 {area[1:]} {block}{ext}",
        )  # fmt: skip
        return rng.choice(formats)

    def person(self, *, with_phone: float = 0.4) -> _Person:
        rng = self.rng
        vorname, nachname = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if rng.random() < 0.15:
            nachname = f"{nachname}-{rng.choice(LAST_NAMES)}" if " " not in nachname else nachname
        gruppe = _weighted(rng, GRUPPEN_WEIGHTS)
        if gruppe == "Incoming":
            anwesenheit = rng.choice([["am Wochenende"], ["am Wochenende", "in den Ferien"], ["in den Ferien"]])
        elif gruppe == "Outgoing":
            anwesenheit = rng.choice([["am Wochenende"], ["unter der Woche"], ["unregelmäßig"]])
        else:
            anwesenheit = rng.choice([["unter der Woche", "am Wochenende"], ["am Wochenende"], ["unter der Woche"]])
        sprache = _weighted(rng, (("Deutsch", 82), ("Englisch", 10), ("Leichte Sprache", 3), ("Andere", 5)))
        return _Person(
            vorname=vorname,
            nachname=nachname,
            email=self.email(vorname, nachname),
            telefon=self.phone() if rng.random() < with_phone else None,
            kommune=rng.choice(KOMMUNEN).name,
            gruppe=gruppe,
            anwesenheit=anwesenheit,
            interessen=rng.sample(THEMEN, rng.randint(1, 3)),
            sprache=sprache,
        )

    # -- workbook -------------------------------------------------------------------------------------

    def kommunen(self) -> list[Kommune]:
        result = []
        for spec in KOMMUNEN:
            person = self.person(with_phone=0)
            result.append(
                Kommune(
                    name=spec.name,
                    kuerzel=spec.kuerzel,
                    ansprechperson=f"{person.vorname} {person.nachname}",
                    email=f"{spec.stelle}@{spec.domain}",
                )
            )
        return result

    def termine(self, registrations: int) -> tuple[Termin, Termin]:
        past_day = _saturday_on_or_before(self.today - dt.timedelta(days=150))
        open_day = _saturday_on_or_after(self.today + dt.timedelta(days=35))
        past = Termin(
            termin_id=f"T-{past_day:%Y-%m}",
            titel=f"Markt der Möglichkeiten {_season(past_day)}",
            datum=past_day,
            beginn=dt.time(15, 0),
            ende=dt.time(18, 0),
            ort="Gemeindesaal Cellingen",
            adresse="Kirchgasse 2, Cellingen",
            kommunen=[k.name for k in KOMMUNEN],
            anmeldeschluss=past_day - dt.timedelta(days=7),
            plaetze=50,
            runden=3,
            plaetze_pro_tisch=6,
            status="durchgeführt",
        )
        # Fewer places than people register (with companions), so the waiting list has work to do.
        places = 60 if registrations <= 80 else max(60, round(registrations * 0.9, -1))
        opened = Termin(
            termin_id=f"T-{open_day:%Y-%m}",
            titel=f"Markt der Möglichkeiten {_season(open_day)}",
            datum=open_day,
            beginn=dt.time(14, 0),
            ende=dt.time(17, 30),
            ort="Bürgerhaus Adorf",
            adresse="Lindenplatz 4, Adorf",
            kommunen=[k.name for k in KOMMUNEN],
            anmeldeschluss=max(self.today, open_day - dt.timedelta(days=7)),
            plaetze=int(places),
            runden=4,
            plaetze_pro_tisch=6,
            status="Anmeldung offen",
        )
        return past, opened

    def vereine(self, past: Termin, opened: Termin) -> tuple[list[Verein], list[Angebot]]:
        rng = self.rng
        clubs: list[Verein] = []
        offers: list[Angebot] = []
        past_clubs = set(rng.sample(range(len(CLUBS)), min(15, len(CLUBS))))
        not_open = set(rng.sample(range(len(CLUBS)), 4))
        for index, spec in enumerate(CLUBS):
            vereins_id = f"V-{index + 1:03d}"
            kommune = KOMMUNEN[spec.kommune]
            contact = self.person(with_phone=0)
            termine = [
                t
                for t, attends in ((past.termin_id, index in past_clubs), (opened.termin_id, index not in not_open))
                if attends
            ]
            updated = _at(self.today - dt.timedelta(days=rng.randint(3, 120)), rng, 8, 21)
            clubs.append(
                Verein(
                    vereins_id=vereins_id,
                    name=spec.name,
                    kommune=kommune.name,
                    ansprechperson=f"{contact.vorname} {contact.nachname}",
                    email=f"kontakt@{spec.slug}.example",
                    telefon=self.phone(),
                    themen=list(spec.themen),
                    beschreibung=spec.beschreibung,
                    webseite=f"https://www.{spec.slug}.example",
                    termine=termine,
                    barrierefrei_noetig=spec.barrierefrei,
                    strom_noetig=spec.strom,
                    anzahl_tische=1,
                    zuletzt_aktualisiert=updated,
                )
            )
            for offer in spec.offers:
                offers.append(
                    Angebot(
                        angebots_id=f"AG-{len(offers) + 1:03d}",
                        vereins_id=vereins_id,
                        titel=offer.titel,
                        beschreibung=offer.beschreibung,
                        themen=list(spec.themen),
                        zeitaufwand=offer.zeitaufwand,
                        rhythmus=offer.rhythmus,
                        am_wochenende=offer.wochenende,
                        aus_der_ferne=offer.ferne,
                        geeignet_fuer=list(offer.geeignet),
                        zuletzt_aktualisiert=updated,
                    )
                )
        return clubs, offers

    def kontakte(self, count: int) -> tuple[list[Kontakt], dict[str, _Person]]:
        rng = self.rng
        contacts: list[Kontakt] = []
        people: dict[str, _Person] = {}
        lotsen = set(rng.sample(range(count), min(count, max(3, count // 30))))
        for index in range(count):
            person = self.person()
            if index in lotsen:
                person.gruppe = "Einheimisch"
            kontakt_id = self.new_id("K")
            created = _at(self.today - dt.timedelta(days=rng.randint(30, 700)), rng, 8, 20)
            updated = created + dt.timedelta(days=rng.randint(0, 25), minutes=rng.randint(0, 600))
            invitations = rng.random() < 0.75
            contacts.append(
                Kontakt(
                    kontakt_id=kontakt_id,
                    vorname=person.vorname,
                    nachname=person.nachname,
                    email=person.email if rng.random() < 0.95 else None,
                    telefon=person.telefon,
                    kommune=person.kommune,
                    gruppe=person.gruppe if rng.random() < 0.97 else None,
                    anwesenheit=person.anwesenheit,
                    interessen=person.interessen,
                    sprache=person.sprache,
                    lotse=index in lotsen,
                    einwilligung_speicherung=True,
                    einwilligung_einladungen=invitations,
                    einwilligung_weitergabe=rng.random() < 0.45,
                    abgemeldet=rng.random() < 0.06,
                    quelle=_weighted(rng, QUELLEN),
                    erstellt=created,
                    aktualisiert=min(updated, dt.datetime.combine(self.today, dt.time(7, 0))),
                )
            )
            people[kontakt_id] = person
        return contacts, people

    def past_registrations(
        self, contacts: list[Kontakt], past: Termin, count: int
    ) -> tuple[list[Anmeldung], list[Feedback]]:
        rng = self.rng
        chosen = rng.sample(contacts, min(count, len(contacts)))
        chosen.sort(key=lambda k: k.erstellt or dt.datetime.min)
        registrations: list[Anmeldung] = []
        for index, contact in enumerate(chosen, start=1):
            received = _at(past.datum - dt.timedelta(days=rng.randint(8, 40)), rng)
            status = _weighted(rng, (("teilgenommen", 80), ("nicht erschienen", 10), ("abgesagt", 10)))
            registrations.append(
                Anmeldung(
                    anmelde_id=self.new_id("A"),
                    termin_id=past.termin_id,
                    kontakt_id=contact.kontakt_id,
                    antwort_id=f"frueher-{index:05d}",
                    eingegangen=received,
                    personen=rng.choices([1, 2, 3], weights=[75, 20, 5])[0],
                    interessen=list(contact.interessen),
                    barrierefreiheit=rng.choice(BARRIEREN) if rng.random() < 0.08 else None,
                    kinderbetreuung=rng.random() < 0.15,
                    status=status,
                    bemerkung=None,
                )
            )
        attended = [r for r in registrations if r.status == "teilgenommen"]
        feedback: list[Feedback] = []
        for index, registration in enumerate(attended[:3], start=1):
            feedback.append(
                Feedback(
                    antwort_id=f"papier-{index:03d}",
                    termin_id=past.termin_id,
                    kontakt_id=registration.kontakt_id,
                    eingegangen=dt.datetime.combine(past.datum, dt.time(17, 45)),
                    bewertung=rng.choice([4, 5, 5]),
                    interessante_vereine=[],
                    kontaktwunsch=[],
                    passende_zeiten=["am Wochenende"],
                    verbesserung=rng.choice(VERBESSERUNGEN),
                    freitext="Auf Papier abgegeben, von der Koordination übertragen.",
                )
            )
        return registrations, feedback


# -- messy cells, as people type them -----------------------------------------------------------------


def _short_date(value: dt.datetime) -> str:
    return f"{value.day}.{value.month}.{value.year % 100:02d}"


def _messy_clubs(clubs: list[Verein], offers: list[Angebot]) -> dict[tuple[str, str], dict[str, Cell]]:
    """Cells of club and offer rows overwritten with what volunteers really type."""
    messy: dict[tuple[str, str], dict[str, Cell]] = {}

    def club(index: int, values: dict[str, Cell]) -> None:
        if index < len(clubs):
            messy.setdefault(("Vereine", clubs[index].vereins_id), {}).update(values)

    def offer(index: int, values: dict[str, Cell]) -> None:
        if index < len(offers):
            messy.setdefault(("Angebote", offers[index].angebots_id), {}).update(values)

    club(0, {"Barrierefreier Platz nötig": "x"})
    club(1, {"Strom nötig": "✓"})
    club(3, {"Barrierefreier Platz nötig": "Ja"})
    if len(clubs) > 5 and clubs[5].zuletzt_aktualisiert is not None:
        club(5, {"Zuletzt aktualisiert": _short_date(clubs[5].zuletzt_aktualisiert)})
    both = [i for i, c in enumerate(clubs) if len(c.termine) > 1 and i not in range(7, 15)]
    if both:
        club(both[0], {"Termine (teilnehmend)": ";".join(clubs[both[0]].termine)})
    club(7, {"Themen": "Kultur;Theater"})
    club(8, {"Webseite": "www.jugendtreff-bergheim.example"})
    club(9, {"Telefon": "030 23125 12O"})  # letter O instead of zero
    club(10, {"E-Mail": " Kontakt@Musikverein-Cellingen.example. "})
    club(11, {"Anzahl Tische": "zwei"})
    club(12, {"Telefon": "0221 4710 123 oder 124"})
    club(13, {"Strom nötig": "nö", "Barrierefreier Platz nötig": "vielleicht"})
    if len(clubs) > 14 and clubs[14].termine:
        club(14, {"Termine (teilnehmend)": clubs[14].termine[-1].replace("-", "", 1)})  # T2027-01 for T-2027-01
    offer(0, {"Am Wochenende": "x"})
    offer(2, {"Zeitaufwand": "ab und zu"})
    offer(5, {"Zeitaufwand": "Regelmässig"})
    offer(8, {"Aus der Ferne möglich": "nö"})
    offer(11, {"Zeitaufwand": "je nach Lust und Laune"})
    offer(14, {"Themen": "Jugend\nIntegration"})
    return messy


# -- form answers as Google Forms exports them --------------------------------------------------------


def _stamp(value: dt.datetime) -> str:
    return value.strftime("%d.%m.%Y %H:%M:%S")


def _option_text(question: Question, value: str) -> str:
    for option in question.optionen:
        if option.value == value or option.text == value:
            return option.text
    return value


def _consent(question: Question | None, given: bool) -> str:
    if question is None or not given or not question.optionen:
        return ""
    return question.optionen[0].text


def _mangle_email(address: str) -> str:
    """The same address as a person types it on a phone: capitals and stray blanks."""
    local, domain = address.split("@")
    parts = [p[:1].upper() + p[1:] for p in local.split(".")]
    return f" {'.'.join(parts)} @{domain.upper()} "


# What real people send, applied to randomly chosen registrations ({local}: their e-mail's local part).
_MESSY_REGISTRATIONS: tuple[dict[str, str], ...] = (
    {"email": "{local}@gmial.com"},  # typo of a known provider
    {"email": "{local}@web.dee"},
    {"vorname": "Max", "nachname": "Mustermann", "email": "max.mustermann(at)web"},  # not an address
    {"einwilligung_speicherung": "", "bemerkung": "Bitte meine Daten nicht speichern, ich komme einfach vorbei."},
    {"bemerkung": '=HYPERLINK("http://evil.example","klick")'},  # formula injection
    {"bemerkung": "+49 bitte nur abends anrufen"},
    {"bemerkung": "@home ab Freitagabend, am liebsten per E-Mail"},
    {"barrierefreiheit": "-- Rollstuhl, bitte stufenlos"},
    {"telefon": "0221 4710 O17 (abends)"},  # letters in a number
    {"personen": "5"},
)


@dataclass
class _Row:
    when: dt.datetime
    values: dict[str, str]


def _write_csv(path: Path, form: FormDefinition, rows: list[_Row]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Zeitstempel", *(q.titel for q in form.fragen)])
    for row in sorted(rows, key=lambda r: r.when):
        writer.writerow([_stamp(row.when), *(row.values.get(q.schluessel, "") for q in form.fragen)])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def _registration_rows(
    gen: _Generator,
    form: FormDefinition,
    opened: Termin,
    contacts: list[Kontakt],
    people: dict[str, _Person],
    count: int,
) -> list[_Row]:
    rng = gen.rng
    questions = form.by_title()
    by_key = {q.schluessel: q for q in questions.values()}
    duplicates = 2 if count >= 12 else 0
    base = count - duplicates
    candidates = [c for c in contacts if c.email and not c.abgemeldet]
    existing = rng.sample(candidates, min(len(candidates), max(1, base // 8))) if base else []

    def answer(person: _Person) -> dict[str, str]:
        values: dict[str, str] = {
            "vorname": person.vorname,
            "nachname": person.nachname,
            "email": person.email,
            "telefon": person.telefon or "",
            "kommune": person.kommune,
            "termin": termin_option_text(opened),
            "interessen": ", ".join(person.interessen),
            "personen": str(rng.choices([1, 2, 3, 4], weights=[68, 22, 7, 3])[0]),
            "anwesenheit": ", ".join(a for a in ANWESENHEIT if a in person.anwesenheit),
            "barrierefreiheit": rng.choice(BARRIEREN) if rng.random() < 0.08 else "",
            "kinderbetreuung": rng.choices(["Nein", "Ja", ""], weights=[60, 15, 25])[0],
            "sprache": person.sprache,
            "bemerkung": rng.choice(BEMERKUNGEN) if rng.random() < 0.2 else "",
        }
        if "gruppe" in by_key:
            values["gruppe"] = _option_text(by_key["gruppe"], person.gruppe)
        values["einwilligung_speicherung"] = _consent(by_key.get("einwilligung_speicherung"), True)
        values["einwilligung_einladungen"] = _consent(by_key.get("einwilligung_einladungen"), rng.random() < 0.7)
        values["einwilligung_weitergabe"] = _consent(by_key.get("einwilligung_weitergabe"), rng.random() < 0.5)
        return values

    rows: list[_Row] = []
    new_rows: list[_Row] = []
    existing_rows: list[_Row] = []
    for index in range(base):
        when = _at(gen.today - dt.timedelta(days=rng.randint(1, 28)), rng, 6, 23)
        if index < len(existing):
            contact = existing[index]
            known = people[contact.kontakt_id]
            person = _Person(
                vorname=contact.vorname or known.vorname,
                nachname=contact.nachname or known.nachname,
                email=contact.email or known.email,
                telefon=known.telefon,
                kommune=contact.kommune or known.kommune,
                gruppe=contact.gruppe or known.gruppe,
                anwesenheit=list(contact.anwesenheit),
                interessen=list(contact.interessen),
                sprache=contact.sprache or "Deutsch",
            )
            row = _Row(when, answer(person))
            existing_rows.append(row)
        else:
            row = _Row(when, answer(gen.person(with_phone=0.35)))
            new_rows.append(row)
        rows.append(row)

    # Second submissions of the same person come later; their first answers stay plain.
    originals = rng.sample(new_rows or existing_rows, min(duplicates, len(new_rows or existing_rows)))
    # The messy part: what real people send.
    rest = [r for r in new_rows if all(r is not o for o in originals)]
    specials = rng.sample(rest, min(len(rest), len(_MESSY_REGISTRATIONS)))
    for special, values in zip(specials, _MESSY_REGISTRATIONS, strict=False):
        for key, value in values.items():
            special.values[key] = value.replace("{local}", special.values["email"].split("@")[0])
    if existing_rows:
        existing_rows[0].values["email"] = _mangle_email(existing_rows[0].values["email"])

    for number, original in enumerate(originals):
        latest = dt.datetime.combine(gen.today, dt.time()) - dt.timedelta(minutes=30)
        later = min(original.when + dt.timedelta(hours=rng.randint(2, 72)), latest)
        values = dict(original.values)
        values["personen"] = str(int(values["personen"]) % 4 + 1)
        if number == 1:
            values["email"] = _mangle_email(values["email"])
            values["bemerkung"] = "Korrektur: wir kommen doch zu mehreren."
        rows.append(_Row(max(later, original.when + dt.timedelta(minutes=5)), values))
    return rows


def _feedback_rows(
    gen: _Generator,
    form: FormDefinition,
    past: Termin,
    clubs: list[Verein],
    registrations: list[Anmeldung],
    paper: list[Feedback],
    contacts: dict[str, Kontakt],
    count: int,
) -> list[_Row]:
    rng = gen.rng
    by_key = {q.schluessel: q for q in form.fragen}
    zeiten = [o.text for o in by_key["passende_zeiten"].optionen] if "passende_zeiten" in by_key else []
    attended = [r for r in registrations if r.status == "teilgenommen"]
    done = {f.kontakt_id for f in paper}
    open_ones = [r for r in attended if r.kontakt_id not in done]
    pool = rng.sample(open_ones, min(len(open_ones), count))
    by_id_count = round(len(pool) * 0.75)
    at_table = [c.name for c in clubs if past.termin_id in c.termine] or [c.name for c in clubs]

    rows: list[_Row] = []
    for index in range(count):
        when = _at(past.datum + dt.timedelta(days=rng.randint(1, 21)), rng, 8, 23)
        values: dict[str, str] = {}
        if index < len(pool):
            registration = pool[index]
            address = contacts[registration.kontakt_id].email
            if index < by_id_count or not address:
                values["anmelde_id"] = registration.anmelde_id
            else:
                values["email"] = address if rng.random() < 0.6 else _mangle_email(address)
        else:  # more answers than participants: someone without the personal link
            values["email"] = gen.email(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
        interesting = rng.sample(at_table, min(len(at_table), rng.randint(1, 3)))
        values["bewertung"] = str(rng.choices([5, 4, 3, 2, 1], weights=[40, 35, 15, 7, 3])[0])
        values["interessante_vereine"] = ", ".join(interesting)
        if rng.random() < 0.55:
            values["kontaktwunsch"] = ", ".join(interesting[: rng.randint(1, len(interesting))])
        if zeiten:
            picked = rng.sample(zeiten, rng.randint(1, 2))
            values["passende_zeiten"] = ", ".join(z for z in zeiten if z in picked)
        if rng.random() < 0.5:
            values["verbesserung"] = rng.choice(VERBESSERUNGEN)
        if rng.random() < 0.35:
            values["freitext"] = rng.choice(FREITEXTE)
        rows.append(_Row(when, values))
    if len(rows) > 2:
        rows[1].values["freitext"] = "=1+1 – und die Vereine waren super!"
        rows[2].values["verbesserung"] = "- mehr Sitzplätze\n- Getränke für alle"
    if pool and by_id_count > 3:
        rows[3].values["anmelde_id"] = f" {rows[3].values['anmelde_id'].lower()} "
    return rows


# -- settings and read-me -----------------------------------------------------------------------------


def _settings_text() -> str:
    kommunen = ", ".join(k.name for k in KOMMUNEN[:-1]) + f" und {KOMMUNEN[-1].name}"
    return f"""\
# Einstellungen der Gesprächsrunde (Beispiel-Arbeitsordner, alle Angaben erfunden).
# Passwörter und Schlüssel gehören NICHT in diese Datei, sondern in Umgebungsvariablen
# (GESPRAECHSRUNDE_SMTP_PASSWORT, GESPRAECHSRUNDE_GOOGLE_DIENSTKONTO_JSON).

# Titel, wie er in Nachrichten und Ausdrucken erscheint.
titel = "Gesprächsrunde für Multilokale in {kommunen}"

# Wo die Tabellen liegen: "lokal" (Arbeitsmappe in diesem Ordner) oder "google" (Google-Tabelle).
speicher = "lokal"

[lokal]
# Die Arbeitsmappe mit allen Tabellenblättern.
arbeitsmappe = "{WORKBOOK_FILE}"
# Hier die CSV-Exporte der Formulare ablegen (anmeldung.csv, feedback.csv, abmeldung.csv).
antworten = "{ANSWERS_FOLDER}"

[mail]
# "ausgang": Nachrichten landen als .eml-Dateien im Ordner »ausgang« (nichts wird verschickt).
# "smtp": echter Versand; dann smtp_host, smtp_benutzer usw. eintragen.
versand = "ausgang"
ausgang = "ausgang"
absender_name = "Gesprächsrunde {kommunen}"
absender_adresse = "{SENDER}"
antwort_an = "{SENDER}"
# Höchstens so viele Nachrichten je Tag; der Rest wartet auf den nächsten Lauf.
tageslimit = 500
# Erinnerung so viele Tage vor dem Termin.
erinnerung_tage_vorher = 3

[darstellung]
# Name der Kommune oder des Verbunds in Nachrichten.
kommune = "Gemeinden {kommunen}"
# Hauptfarbe für Nachrichten und Ausdrucke (#rrggbb).
farbe = "#2e6b4f"
# Adresse für Fragen und Absagen.
kontakt_adresse = "{SENDER}"
# Anmeldelink für Plakat und Briefe (sonst das Google-Formular), Telefon für Anmeldungen ohne Internet.
anmeldelink = "https://www.adorf.example/gespraechsrunde"
telefon = "030 23125 999"
postanschrift = "Gemeinde Adorf · Lindenplatz 4 · 12345 Adorf"

[tischplan]
# Rechenzeit für den Tischplan in Sekunden.
sekunden = 10
# Höchstens so viele Vereine an einem Tisch.
vereine_pro_tisch_max = 2
# Wunsch: höchstens so viele Personen aus einer Kommune je Tisch.
gemeinde_max_pro_tisch = 2

[kommunen]
# Bundesland je Kommune: »terminvorschlag« lässt deren Feiertage und Schulferien aus.
Adorf = "BY"
"Bergheim an der Aue" = "BY"
Cellingen = "BW"
"""


README_TEXT = """\
Beispiel-Arbeitsordner der Gesprächsrunde
==========================================

Alles in diesem Ordner ist erfunden: die Kommunen Adorf, Bergheim an der Aue und Cellingen,
die Vereine, die Personen, ihre E-Mail-Adressen (example.org, *.example) und Telefonnummern
(von der Bundesnetzagentur für Filme und Bücher freigehaltene Nummern).

Inhalt
  gespraechsrunde.toml   Einstellungen (Nachrichten landen im Ordner »ausgang«, nichts wird verschickt)
  gespraechsrunde.xlsx   Arbeitsmappe: Kommunen, Termine, Vereine, Angebote, Kontakte, …
  antworten/             CSV-Exporte der Formulare, wie Google Forms sie herunterlädt

Absichtlich unordentlich: einige Vereinszeilen enthalten »x« oder »✓« statt »ja«, Daten wie
»12.3.27«, Listen mit »;«, eine Telefonnummer mit Buchstaben. Die Anmeldungen enthalten
Tippfehler in E-Mail-Adressen, doppelte Anmeldungen und Text, der wie eine Formel aussieht.

Nächste Schritte
  gespraechsrunde -C ORDNER pruefen   zeigt, was in den Tabellen auffällt
  gespraechsrunde -C ORDNER sync      übernimmt die Antworten und bereitet Nachrichten vor
"""


# -- the whole workspace ------------------------------------------------------------------------------


def _written_files(target: Path) -> list[Path]:
    store = WorkbookStore(target / WORKBOOK_FILE)
    return [
        target / SETTINGS_FILE,
        target / README_FILE,
        store.path,
        store.backup_path,
        target / ANSWERS_FOLDER / "anmeldung.csv",
        target / ANSWERS_FOLDER / "feedback.csv",
        target / MEMO_FILE,  # the memo of the earlier demo's »Versand« would put its rows into the new workbook
    ]


def _write_workbook(path: Path, records: Sequence[Record], messy: dict[tuple[str, str], dict[str, Cell]]) -> None:
    store = WorkbookStore(path)
    store.ensure_tabs(tab_headers())
    dataset = Dataset.from_snapshot(store.read())
    for record in records:
        dataset.put(record)
    changes = dataset.changes()
    appends = []
    for append in changes.appends:
        model_id = next(spec.model.ID for spec in TABS if spec.name == append.tab)
        key = str(append.values.get(model_id or "", ""))
        override = messy.get((append.tab, key))
        appends.append(Append(append.tab, {**append.values, **override}) if override else append)
    changes.appends = appends
    with store.deferred():
        store.apply(changes)
        store.format_tabs(layouts())  # dropdowns, as »gespraechsrunde einrichten« adds them
    store.backup_path.unlink(missing_ok=True)  # only the empty tabs; nothing worth keeping


def past_table_plan(
    past: Termin, clubs: list[Verein], registrations: list[Anmeldung], contacts: list[Kontakt]
) -> list[TischplanZeile]:
    """The table plan the past date had (rounds × tables), so that ``auswertung`` has seats to count.

    In the tab's format (``automation.domain.tischplan_tab``): IDs beside the readable names, ``Erstellt``
    before the date and after the last registration.
    """
    from automation.domain.names import short_name

    attending = [c for c in clubs if past.termin_id in c.termine]
    people = {k.kontakt_id: k for k in contacts}
    came = [a for a in registrations if a.status == "teilgenommen"]
    seats = [f"{a.anmelde_id}+{k}" if k else a.anmelde_id for a in came for k in range(a.personen)]
    names: dict[str, str] = {}
    for a in came:
        kontakt = people.get(a.kontakt_id or "")
        name = short_name(kontakt.vorname, kontakt.nachname, a.anmelde_id) if kontakt else a.anmelde_id
        names[a.anmelde_id] = name
        names.update({f"{a.anmelde_id}+{k}": f"Begleitung von {name}" for k in range(1, a.personen)})
    made = max((a.eingegangen for a in registrations if a.eingegangen), default=None)
    created = made + dt.timedelta(hours=1) if made else dt.datetime.combine(past.datum, dt.time(8))
    tables = max(1, (len(attending) + 1) // 2)
    rows = []
    for runde in range(1, (past.runden or 3) + 1):
        order = seats[runde - 1 :] + seats[: runde - 1]
        for t in range(tables):
            at_table = attending[2 * t : 2 * t + 2]
            ids = order[t::tables]
            rows.append(
                TischplanZeile(
                    termin_id=past.termin_id, runde=runde, tisch=f"T{t + 1}",
                    vereine=[c.name for c in at_table], teilnehmende=[names[i] for i in ids],
                    vereins_ids=[c.vereins_id for c in at_table], teilnehmende_ids=ids, erstellt=created,
                )
            )  # fmt: skip
    return rows


def create_demo(
    target: Path,
    *,
    seed: int = 7,
    contacts: int = 150,
    registrations: int = 60,
    feedback: int = 20,
    today: dt.date | None = None,
) -> DemoSummary:
    """Write an invented demo workspace into ``target`` (files of an earlier demo are replaced)."""
    today = today or dt.date.today()
    target.mkdir(parents=True, exist_ok=True)
    for path in _written_files(target):
        path.unlink(missing_ok=True)
    gen = _Generator(seed, today)
    forms = load_forms(target)

    kommunen = gen.kommunen()
    past, opened = gen.termine(registrations)
    clubs, offers = gen.vereine(past, opened)
    contact_list, people = gen.kontakte(contacts)
    past_count = max(30, feedback + feedback // 2)
    registrations_past, paper_feedback = gen.past_registrations(contact_list, past, past_count)

    records: list[Record] = [
        *kommunen, past, opened, *clubs, *offers, *contact_list, *registrations_past, *paper_feedback,
    ]  # fmt: skip
    records += past_table_plan(past, clubs, registrations_past, contact_list)
    _write_workbook(target / WORKBOOK_FILE, records, _messy_clubs(clubs, offers))

    anmeldung = _registration_rows(gen, forms["anmeldung"], opened, contact_list, people, registrations)
    _write_csv(target / ANSWERS_FOLDER / "anmeldung.csv", forms["anmeldung"], anmeldung)
    by_id = {c.kontakt_id: c for c in contact_list}
    rueckmeldungen = _feedback_rows(
        gen, forms["feedback"], past, clubs, registrations_past, paper_feedback, by_id, feedback
    )
    _write_csv(target / ANSWERS_FOLDER / "feedback.csv", forms["feedback"], rueckmeldungen)

    (target / SETTINGS_FILE).write_text(_settings_text(), encoding="utf-8")
    (target / README_FILE).write_text(README_TEXT, encoding="utf-8")

    rows = {spec.name: 0 for spec in TABS}
    for record in records:
        rows[record.TAB] += 1
    return DemoSummary(
        target=target,
        rows=rows,
        answers={"anmeldung": len(anmeldung), "feedback": len(rueckmeldungen)},
        open_termin=termin_option_text(opened),
        files=tuple(str(p.relative_to(target)) for p in _written_files(target) if p.exists()),
    )
