"""Templates of the messages (``vorlagen/mail/``) and the data they are rendered with.

Each kind has three templates: ``<name>.betreff.txt`` (subject), ``<name>.txt`` (plain text) and
``<name>.html``. A workspace's own ``vorlagen/`` folder is searched first, so a municipality can replace
any of them. Autoescaping is on for ``.html`` (names from forms are escaped), off for plain text.
:data:`PLACEHOLDERS` names every variable with a sample value: ``gespraechsrunde vorlagen`` renders all
templates with these samples for a preview, and the golden-file tests use the same samples.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from automation.adapters.html import install_bdi
from automation.adapters.links import PersonalLinks
from automation.domain.mail.kinds import Art
from automation.domain.records import Anmeldung, Kontakt, Termin
from automation.domain.resources import vorlagen_dir
from automation.domain.settings import Settings
from automation.domain.sprachen import DEUTSCH, direction, language_code

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


CATALOGS = Path(__file__).resolve().parent / "_sprachen"
#: Message kinds to residents, in their language; the others (to clubs and guides) stay German.
TRANSLATED: frozenset[Art] = frozenset(Art) - {
    Art.LOTSEN_BRIEFING, Art.WEITERGABE, Art.VEREINSBERICHT, Art.ANGEBOTE_ERINNERUNG, Art.BELEGUNGS_HINWEIS,
    Art.FEHLER_HINWEIS,
}  # fmt: skip


@functools.cache
def translations(code: str) -> gettext.NullTranslations:
    """The catalog of a language, compiled from its ``.po`` file on first use (German: the texts themselves)."""
    if code == DEUTSCH:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with (CATALOGS / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=code)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def date_long(value: dt.date, code: str = DEUTSCH) -> str:
    """The date written out in the language: ``Samstag, 13. März 2027``, ``Saturday, March 13, 2027``."""
    from babel.dates import format_date

    return format_date(value, format="full", locale=code)


def time_span(start: dt.time | None, end: dt.time | None, code: str = DEUTSCH) -> str:
    """``10:00 bis 13:00 Uhr`` in the language (Babel's short time format)."""
    if start is None:
        return ""
    from babel.dates import format_time

    _ = translations(code).gettext
    if end is None:
        return _("ab %(start)s Uhr") % {"start": format_time(start, format="short", locale=code)}
    return _("%(start)s bis %(end)s Uhr") % {
        "start": format_time(start, format="short", locale=code),
        "end": format_time(end, format="short", locale=code),
    }


def one_line(text: str) -> str:
    """Control characters (CR, LF, TAB …) become spaces; for subjects and display names."""
    return " ".join(_CONTROL.sub(" ", text).split())


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def environment(workspace_folder: Path | None = None, code: str = DEUTSCH) -> jinja2.Environment:
    """Jinja environment in one language.

    Search order: the workspace's ``vorlagen/<code>/`` (a template for this language only), the workspace's
    ``vorlagen/`` (for all languages), then the packaged templates. ``{% trans %}`` blocks are translated with
    the language's catalog.
    """
    loaders: list[jinja2.BaseLoader] = []
    if workspace_folder is not None:
        loaders.append(jinja2.FileSystemLoader(workspace_folder / "vorlagen" / code))
        loaders.append(jinja2.FileSystemLoader(workspace_folder / "vorlagen"))
    loaders.append(jinja2.FileSystemLoader(vorlagen_dir()))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    install_bdi(env)  # {{ person.name | bdi }}: resident text isolated in HTML, unchanged in plain text
    env.install_gettext_translations(translations(code), newstyle=True)  # type: ignore[attr-defined]
    return env


class Renderer:
    """Renders subject, text and HTML of a message kind in the reader's language."""

    def __init__(self, workspace_folder: Path | None = None) -> None:
        self.workspace_folder = workspace_folder
        self._envs: dict[str, jinja2.Environment] = {}
        self.env = self.environment(DEUTSCH)

    def environment(self, code: str) -> jinja2.Environment:
        if code not in self._envs:
            self._envs[code] = environment(self.workspace_folder, code)
        return self._envs[code]

    def render(self, art: Art, context: dict[str, Any]) -> Rendered:
        code = context.get("sprache", DEUTSCH) if art in TRANSLATED else DEUTSCH
        context = {**context, "sprache": code, "richtung": direction(code)}
        env = self.environment(code)
        name = f"mail/{art.template}"
        subject = one_line(env.get_template(f"{name}.betreff.txt").render(context))
        text = env.get_template(f"{name}.txt").render(context)
        html = env.get_template(f"{name}.html").render({**context, "betreff": subject})
        return Rendered(subject=subject, text=text, html=html)


def _yes_no(value: bool | None, code: str) -> str | None:
    _ = translations(code).gettext
    return None if value is None else (_("ja") if value else _("nein"))


def build_context(
    settings: Settings,
    kontakt: Kontakt,
    termin: Termin,
    anmeldung: Anmeldung | None,
    links: PersonalLinks,
    tables: list[tuple[int, str]] | None = None,
    art: Art | None = None,
) -> dict[str, Any]:
    """The variables of a message (see :data:`PLACEHOLDERS`), in the person's language (``Kontakte.Sprache``)."""
    darstellung = settings.darstellung
    code = language_code(kontakt.sprache) if art is None or art in TRANSLATED else DEUTSCH
    return {
        "sprache": code,
        "richtung": direction(code),
        "kommune": darstellung.kommune,
        "titel": settings.titel,
        "farbe": darstellung.farbe,
        "logo": darstellung.logo,
        "kontakt_adresse": darstellung.kontakt_adresse or settings.mail.antwort_an or settings.mail.absender_adresse,
        "erinnerung_tage": settings.mail.erinnerung_tage_vorher,
        "person": {"name": kontakt.display_name, "vorname": kontakt.vorname or kontakt.display_name},
        "termin": {
            "id": termin.termin_id,
            "titel": termin.titel,
            "datum": date_long(termin.datum, code),
            "uhrzeit": time_span(termin.beginn, termin.ende, code),
            "ort": termin.ort or "",
            "adresse": termin.adresse or "",
            "anmeldeschluss": date_long(termin.anmeldeschluss, code) if termin.anmeldeschluss else "",
        },
        "anmeldung": None
        if anmeldung is None
        else {
            "id": anmeldung.anmelde_id,
            "personen": anmeldung.personen,
            "begleitpersonen": anmeldung.personen - 1,
            "interessen": ", ".join(anmeldung.interessen),
            "barrierefreiheit": anmeldung.barrierefreiheit or "",
            "kinderbetreuung": _yes_no(anmeldung.kinderbetreuung, code) or "",
            "bemerkung": anmeldung.bemerkung or "",
        },
        "links": {
            "absage": links.absage or "",
            "abmelden": links.abmelden,
            "feedback": links.feedback or "",
            "anmeldung": links.anmeldung or "",
        },
        "tische": [{"runde": runde, "tisch": tisch} for runde, tisch in (tables or [])],
    }


# Every placeholder of the templates with a sample value (the preview and the golden files use these).
PLACEHOLDERS: dict[str, str] = {
    "kommune": "Name der Kommune (darstellung.kommune)",
    "titel": "Titel der Gesprächsrunden (titel)",
    "farbe": "Hauptfarbe (darstellung.farbe)",
    "logo": "Adresse des Logos oder leer (darstellung.logo)",
    "kontakt_adresse": "E-Mail der Koordination",
    "erinnerung_tage": "Tage vor dem Termin, an denen erinnert wird",
    "person.name / person.vorname": "Name der Person",
    "termin.id / titel / datum / uhrzeit / ort / adresse / anmeldeschluss": "der Termin",
    "anmeldung.id / personen / begleitpersonen / interessen / barrierefreiheit / kinderbetreuung / bemerkung": (
        "die Anmeldung (leer bei Einladungen)"
    ),
    "links.absage / abmelden / feedback / anmeldung": "persönliche Links",
    "tische": "Liste von {runde, tisch} aus dem Tischplan (nur Erinnerung, wenn der Plan steht)",
    "lotse.name": "wer die Person am Eingang begrüßt (Bestätigung, Nachgerückt, Erinnerung; nur mit Lotsin/Lotse)",
    "lotsen_leute / lotse_tische / ankunft": "Lotsen-Briefing: begleitete Menschen, Tische, Ankunftszeit",
}


def sample_records() -> tuple[Kontakt, Termin, Anmeldung, PersonalLinks, list[tuple[int, str]]]:
    """Sample data for previews and golden files: fixed, with umlauts and a name that needs escaping."""
    kontakt = Kontakt(
        kontakt_id="K-0000BEISPIEL", vorname="Jördis", nachname="Müller-Lüdenscheidt", email="joerdis@example.org"
    )
    termin = Termin(
        termin_id="T-2027-1",
        titel="Markt der Möglichkeiten",
        datum=dt.date(2027, 3, 13),
        beginn=dt.time(10, 0),
        ende=dt.time(13, 0),
        ort="Bürgerhaus am Markt",
        adresse="Marktplatz 1, 12345 Musterstadt",
        anmeldeschluss=dt.date(2027, 3, 6),
        plaetze=60,
        status="Anmeldung offen",
    )
    anmeldung = Anmeldung(
        anmelde_id="A-0000BEISPIEL",
        termin_id=termin.termin_id,
        kontakt_id=kontakt.kontakt_id,
        personen=2,
        interessen=["Sport", "Kultur & Musik"],
        barrierefreiheit="Rollstuhl",
        kinderbetreuung=True,
        bemerkung="Wir kommen etwas später.",
    )
    links = PersonalLinks(
        absage="https://docs.google.com/forms/d/e/BEISPIEL/viewform?usp=pp_url&entry.201326593=A-0000BEISPIEL",
        abmelden="https://docs.google.com/forms/d/e/BEISPIEL/viewform?usp=pp_url&entry.201326594=K-0000BEISPIEL",
        feedback="https://docs.google.com/forms/d/e/FEEDBACK/viewform?usp=pp_url&entry.184549377=A-0000BEISPIEL",
        anmeldung="https://docs.google.com/forms/d/e/ANMELDUNG/viewform",
    )
    return kontakt, termin, anmeldung, links, [(1, "A"), (2, "C"), (3, "B")]


def sample_context(settings: Settings, art: Art, sprache: str | None = None) -> dict[str, Any]:
    kontakt, termin, anmeldung, links, tables = sample_records()
    kontakt = kontakt.model_copy(update={"sprache": sprache})
    context = build_context(
        settings,
        kontakt,
        termin,
        None if art is Art.EINLADUNG else anmeldung,
        links,
        tables if art is Art.ERINNERUNG else None,
        art=art,
    )
    if art is Art.LOTSEN_BRIEFING:  # a guide's people, their tables and when to arrive
        context.update(
            lotsen_leute=[
                {"name": "Amira <K.>", "sprache": "Arabisch", "kommune": "Musterstadt", "begleitpersonen": 1,
                 "barrierefreiheit": "Rollator", "tische": [{"runde": 1, "tisch": "T2"}, {"runde": 2, "tisch": "T4"}]},
                {"name": "Jonas B.", "sprache": "", "kommune": "", "begleitpersonen": 0, "barrierefreiheit": "",
                 "tische": []},
            ],
            lotse_tische=[{"runde": 1, "tisch": "T2"}, {"runde": 2, "tisch": "T4"}],
            ankunft="09:30 Uhr",
        )  # fmt: skip
    context.update(SAMPLE_EXTRA.get(art.value, {}))
    return context


# Sample values of the variables only the messages after the event have (see automation/services/nachbereitung.py).
_SAMPLE_CLUB = {"name": "Turn- & Sportverein Adorf", "zuletzt": "12.03.2026"}
SAMPLE_EXTRA: dict[str, dict[str, Any]] = {
    "Weitergabe": {
        "verein": _SAMPLE_CLUB,
        "abmelde_text": "Sie möchten keine Nachrichten mehr von uns?",
        "personen": [
            {
                "name": "Jördis Müller-Lüdenscheidt",
                "email": "joerdis@example.org",
                "telefon": "",
                "interessen": "Sport, Kultur & Musik",
                "zeiten": "am Wochenende",
            },
        ],
    },
    "Weitergabe-Info": {"vereine": ["Turn- & Sportverein Adorf", "Chor Bergheim"]},
    "Vereinsbericht": {
        "verein": _SAMPLE_CLUB,
        "abmelde_text": "Sie möchten keine Nachrichten mehr von uns?",
        "kennzahlen": {"am_tisch": "14", "interessiert": "11", "kontaktwunsch": "weniger als 3"},
        "vorschlaege": ["8 von 11 Interessierten sind nur am Wochenende hier; Ihre Angebote sind alle werktags."],
    },
    "Angebote-Erinnerung": {
        "verein": _SAMPLE_CLUB,
        "abmelde_text": "Sie möchten keine Nachrichten mehr von uns?",
        "angebote": [{"titel": "Lauftreff", "merkmale": "regelmäßig, wöchentlich, am Wochenende"}],
        "bearbeiten": "In der gemeinsamen Tabelle im Tab »Angebote« Ihre Zeilen ändern.",
        "bearbeiten_link": "https://docs.google.com/spreadsheets/d/BEISPIEL/edit",
    },
    "Nachfrage": {"nachfrage_link": "https://docs.google.com/forms/d/e/NACHFRAGE/viewform"},
    "Belegungs-Hinweis": {
        "belegung": {"schwelle": 80, "belegt": 49, "plaetze": 60, "frei": 11, "warteliste": 0, "prozent": 81}
    },
    "Fehler-Hinweis": {"fehler": {"anzahl": 3, "tag": "01.03.2027", "arten": "Bestätigung (2), Erinnerung (1)"}},
    "Nachfrage-Erinnerung": {"nachfrage_link": "https://docs.google.com/forms/d/e/NACHFRAGE/viewform"},
}
