"""Step »Antworten verarbeiten«: where a form answer becomes a Kontakt, an Anmeldung or Feedback.

Every ``Eingang`` row with status ``neu`` or ``fehlerhaft`` is processed. Success sets ``verarbeitet``;
an answer that cannot be processed becomes ``fehlerhaft`` with the reason, is reported in ``Hinweise``
and is tried again in the next run — it is never dropped. Without consent to storage, an answer's data
is erased and nothing about the person is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from automation.domain import ids
from automation.domain.answers.reader import AnswerProblem, AnswerReader
from automation.domain.dataset import Dataset
from automation.domain.form_options import termin_id_from_option
from automation.domain.mail.due import plan_unsubscribe_confirmation
from automation.domain.matching import ContactIndex
from automation.domain.privacy import erase_person, erasure_drift, identifiers, person_rows
from automation.domain.records import (
    GRUPPEN,
    Anmeldung,
    Eingang,
    Feedback,
    Hinweis,
    Kommune,
    Kontakt,
    Nachfrage,
    Termin,
)
from automation.domain.run import RunState
from automation.domain.words import count

NO_CONSENT = "ohne Einwilligung zur Speicherung eingegangen: Daten gelöscht, nichts übernommen"
CHECK_MARK = "Bitte prüfen: "


def answer_warnings(entries: list[Eingang]) -> list[Hinweis]:
    """Warnings about processed answers, kept in their ``Hinweis`` cell until the coordinator clears it."""
    found = []
    for entry in entries:
        if entry.status == "verarbeitet" and entry.hinweis and CHECK_MARK in entry.hinweis:
            found.append(
                Hinweis(
                    tabelle="Eingang", id=entry.antwort_id, spalte="Hinweis", schwere="Warnung",
                    hinweis=entry.hinweis.split(CHECK_MARK, 1)[1],
                    vorschlag="Prüfen; danach den Text in der Spalte »Hinweis« im Tab Eingang löschen.",
                )
            )  # fmt: skip
    return found


@dataclass
class Indexes:
    """Lookups kept up to date while answers are processed (no scans over all rows per answer)."""

    contacts: ContactIndex
    registrations: dict[tuple[str, str], str] = field(default_factory=dict)  # (Termin-ID, Kontakt-ID) → Anmelde-ID
    by_contact: dict[str, list[str]] = field(default_factory=dict)  # Kontakt-ID → Anmelde-IDs

    @classmethod
    def build(cls, dataset: Dataset) -> Indexes:
        indexes = cls(ContactIndex(dataset.all(Kontakt)))
        for anmeldung in dataset.all(Anmeldung):
            indexes.add_registration(anmeldung)
        return indexes

    def add_registration(self, anmeldung: Anmeldung) -> None:
        self.registrations.setdefault((anmeldung.termin_id, anmeldung.kontakt_id), anmeldung.anmelde_id)
        self.by_contact.setdefault(anmeldung.kontakt_id, []).append(anmeldung.anmelde_id)


# a progress display for many answers: given the run and the number of answers, a context that yields a
# function to call once per answer processed (a bar on a terminal, sparse log lines under cron; see services)
ProgressFactory = Callable[[RunState, int], AbstractContextManager[Callable[[int], None]]]
PROGRESS_FROM = 200  # fewer answers are processed in a blink: no progress display


class ProcessAnswersStep:
    name = "Antworten verarbeiten"
    needs = ("Termine", "Kontakte", "Anmeldungen", "Feedback", "Eingang")

    def __init__(self, progress: ProgressFactory | None = None) -> None:
        self.progress = progress

    def run(self, ctx: RunState) -> None:
        dataset = ctx.dataset
        index = Indexes.build(dataset)
        pending = [e for e in dataset.all(Eingang) if e.status in ("neu", "fehlerhaft")]
        pending.sort(key=lambda e: (e.geaendert or e.eingegangen or dt.datetime.min, e.antwort_id))
        handlers: dict[str, Handler] = {
            "anmeldung": _registration, "feedback": _feedback, "abmeldung": _cancellation, "nachfrage": _follow_up,
        }  # fmt: skip
        shown = len(pending) >= PROGRESS_FROM
        display = self.progress(ctx, len(pending)) if self.progress and shown else nullcontext(_no_progress)
        with display as advance:
            for entry in pending:
                self._one(ctx, entry, handlers, index)
                advance(1)
        if pending:
            counts = ctx.report.counts
            ctx.report.say(
                f"{count(counts.get('Antworten verarbeitet', 0), 'Antwort', 'Antworten')} übernommen, "
                f"{counts.get('Antworten fehlerhaft', 0)} fehlerhaft (siehe Tab Hinweise)."
            )

    @staticmethod
    def _one(ctx: RunState, entry: Eingang, handlers: dict[str, Handler], index: Indexes) -> None:
        """Process one answer: its registration, feedback, cancellation or follow-up, and its status in Eingang."""
        dataset = ctx.dataset
        form = ctx.forms.get(entry.formular)
        # findings name the Antwort-ID, not a row: a new answer's row is not known before it is saved
        reader = AnswerReader(form, entry, None) if form else None
        if reader is None or entry.formular not in handlers:
            dataset.put(entry.model_copy(update={"status": "fehlerhaft", "hinweis": "unbekanntes Formular"}))
            ctx.report.count("Antworten fehlerhaft")
            return
        try:
            outcome = handlers[entry.formular](ctx, reader, index)
        except AnswerProblem as problem:
            dataset.put(entry.model_copy(update={"status": "fehlerhaft", "hinweis": reader.with_origin(str(problem))}))
            ctx.report.findings += reader.findings  # reported in every run until fixed
            ctx.report.count("Antworten fehlerhaft")
            return
        if outcome == NO_CONSENT:
            dataset.put(entry.model_copy(update={"status": "gelöscht", "daten": "{}", "hinweis": outcome}))
            return
        if reader.findings:
            outcome += ". " + CHECK_MARK + " / ".join(f"{f.spalte}: {f.hinweis}" for f in reader.findings)
        dataset.put(entry.model_copy(update={"status": "verarbeitet", "hinweis": reader.with_origin(outcome)}))
        ctx.report.count("Antworten verarbeitet")


def _no_progress(_: int) -> None:
    """Nothing to show (few answers, or nobody asked for a progress display)."""


Handler = Callable[[RunState, AnswerReader, Indexes], str]


def _registration(ctx: RunState, reader: AnswerReader, index: Indexes) -> str:
    dataset = ctx.dataset
    if not reader.ticked("einwilligung_speicherung"):
        ctx.report.count("ohne Einwilligung verworfen")
        return NO_CONSENT
    vorname = reader.required_text("vorname")
    nachname = reader.required_text("nachname")
    email = reader.email("email")
    telefon = reader.phone("telefon")
    if not email and not telefon:
        reader.fail("email", "Weder E-Mail-Adresse noch Telefonnummer angegeben.", "Die Person anders erreichen.")
    termin_text = reader.text("termin") or ""
    termin_id = termin_id_from_option(termin_text, dataset.all(Termin))
    if termin_id is None and dataset.unreadable(Termin, bracketed := termin_id_from_option(termin_text) or ""):
        termin_id = bracketed  # a date whose row has an unreadable cell still exists
    if termin_id is None:
        reader.fail(
            "termin", f"Unbekannter Termin »{termin_text}«.",
            "Im Tab Termine einen Termin mit dieser ID anlegen oder die Antwort korrigieren.",
        )  # fmt: skip
    assert termin_id is not None
    termin = dataset.get(Termin, termin_id)
    unreadable = termin is None and bool(dataset.unreadable(Termin, termin_id))
    if termin is None and not unreadable:  # an unreadable cell of an existing date: the registration is kept
        reader.fail(
            "termin", f"Termin »{termin_id}« steht nicht (lesbar) im Tab Termine.",
            "Im Tab Termine die Zeile dieses Termins prüfen (siehe Hinweise zu Termine); danach wird die Antwort "
            "im nächsten Lauf übernommen.",
        )  # fmt: skip
    if termin is not None and termin.status != "Anmeldung offen":
        reader.note("termin", f"Anmeldung zu {termin_id}, obwohl dessen Status »{termin.status}« ist.", "Bitte prüfen.")
    gruppe = reader.choice("gruppe")
    if gruppe is not None and gruppe not in GRUPPEN:
        reader.note("gruppe", f"Unbekannte Gruppe »{gruppe}«.", "Im Tab Kontakte die Gruppe von Hand setzen.")
        gruppe = None
    kommune = reader.choice("kommune")
    known_kommunen = {k.name for k in dataset.all(Kommune)}
    if kommune and known_kommunen and kommune not in known_kommunen:
        reader.note("kommune", f"»{kommune}« ist keine der beteiligten Kommunen.", "Übernommen; bitte prüfen.", "Info")

    answered = Kontakt(
        kontakt_id="neu", vorname=vorname, nachname=nachname, email=email, telefon=telefon, kommune=kommune,
        gruppe=gruppe, anwesenheit=reader.many("anwesenheit"), interessen=reader.many("interessen"),
        sprache=reader.choice("sprache"), einwilligung_speicherung=True,
        einwilligung_einladungen=reader.ticked("einwilligung_einladungen"),
        einwilligung_weitergabe=reader.ticked("einwilligung_weitergabe"),
    )  # fmt: skip
    kontakt = _upsert_contact(ctx, reader, index.contacts, answered)
    _upsert_registration(ctx, reader, index, kontakt, termin_id)
    return f"Kontakt {kontakt.kontakt_id}, Termin {termin_id}"


def _upsert_contact(ctx: RunState, reader: AnswerReader, index: ContactIndex, answered: Kontakt) -> Kontakt:
    dataset = ctx.dataset
    now = reader.entry.geaendert or ctx.now
    match = index.match(answered)
    if match.kontakt is None:
        kontakt = answered.model_copy(
            update={
                "kontakt_id": ids.new_id("K", dataset.tabs[Kontakt.TAB].records),
                "quelle": f"Formular {reader.form.id}", "erstellt": now, "aktualisiert": now,
            }
        )  # fmt: skip
        if match.uncertain is not None:
            reader.note(
                "email", f"Vielleicht dieselbe Person wie {match.uncertain.kontakt_id} "
                f"({match.uncertain.display_name}); als neuer Kontakt {kontakt.kontakt_id} angelegt.",
                "Prüfen und ggf. von Hand zusammenführen (eine Zeile löschen, Anmeldungen umschreiben).",
            )  # fmt: skip
            ctx.report.count("unsichere Zuordnungen")
        dataset.put(kontakt)
        index.add(kontakt)
        ctx.report.count("Kontakte neu")
        return kontakt
    known = match.kontakt
    if known.aktualisiert and reader.entry.geaendert and reader.entry.geaendert < known.aktualisiert:
        return known  # an older answer must not overwrite newer data
    update: dict[str, object] = {}
    for name in ("vorname", "nachname", "email", "telefon", "kommune", "gruppe", "sprache"):
        value, before = getattr(answered, name), getattr(known, name)
        if value and (before is None or str(value).casefold() != str(before).casefold()):
            update[name] = value
    for name in ("anwesenheit", "interessen"):
        value = getattr(answered, name)
        if value and value != getattr(known, name):
            update[name] = value
    consents = {
        "einwilligung_speicherung": True,
        "einwilligung_einladungen": answered.einwilligung_einladungen,
        "einwilligung_weitergabe": answered.einwilligung_weitergabe,
    }
    for name, value in consents.items():
        if getattr(known, name) != value:
            update[name] = value
    if answered.einwilligung_einladungen and known.abgemeldet:
        update["abgemeldet"] = False  # asked for invitations again in their newest answer
    if not update:
        return known
    update["aktualisiert"] = now
    kontakt = known.model_copy(update=update)
    dataset.put(kontakt)
    index.replace(known, kontakt)
    ctx.report.count("Kontakte aktualisiert")
    return kontakt


def _upsert_registration(ctx: RunState, reader: AnswerReader, index: Indexes, kontakt: Kontakt, termin_id: str) -> None:
    dataset = ctx.dataset
    entry = reader.entry
    fields = {
        "antwort_id": entry.antwort_id,
        "personen": max(1, min(20, reader.integer("personen", 1))),
        "interessen": reader.many("interessen"),
        "barrierefreiheit": reader.text("barrierefreiheit"),
        "kinderbetreuung": (reader.choice("kinderbetreuung") or "").casefold() == "ja"
        if reader.text("kinderbetreuung") else None,
        "bemerkung": reader.text("bemerkung"),
        "begleitung_gewuenscht": (reader.choice("begleitung") or "").casefold().startswith("ja")
        if reader.text("begleitung") else None,
    }  # fmt: skip
    known_id = index.registrations.get((termin_id, kontakt.kontakt_id))
    existing = dataset.get(Anmeldung, known_id) if known_id else None
    if existing is None:
        anmeldung = Anmeldung(
            anmelde_id=ids.new_id("A", dataset.tabs[Anmeldung.TAB].records), termin_id=termin_id,
            kontakt_id=kontakt.kontakt_id, eingegangen=entry.eingegangen, status="angemeldet",
            **fields,
        )  # fmt: skip
        dataset.put(anmeldung)
        index.add_registration(anmeldung)
        ctx.report.count("Anmeldungen neu")
        return
    if existing.eingegangen and entry.eingegangen and entry.eingegangen < existing.eingegangen:
        return
    update = {k: v for k, v in fields.items() if getattr(existing, k) != v}
    if existing.status == "abgesagt":
        update["status"] = "angemeldet"  # registered again after cancelling
    if update:
        dataset.put(existing.model_copy(update=update))
        ctx.report.count("Anmeldungen aktualisiert")


def _feedback(ctx: RunState, reader: AnswerReader, index: Indexes) -> str:
    dataset = ctx.dataset
    anmeldung = _find_registration(dataset, reader.text("anmelde_id"))
    kontakt_id = anmeldung.kontakt_id if anmeldung else None
    email = reader.email("email")
    if kontakt_id is None and email:
        kontakt = index.contacts.by_email_address(email)
        kontakt_id = kontakt.kontakt_id if kontakt else None
        if kontakt is not None:
            theirs = (dataset.get(Anmeldung, a) for a in index.by_contact.get(kontakt.kontakt_id, []))
            past = [a for a in theirs if a is not None and a.status in ("angemeldet", "teilgenommen")]
            anmeldung = max(past, key=lambda a: a.eingegangen or dt.datetime.min, default=None)
    bewertung = reader.integer("bewertung", 0) or None
    if bewertung is not None and not 1 <= bewertung <= 5:
        reader.note("bewertung", f"Bewertung {bewertung} liegt nicht zwischen 1 und 5.", "Nicht übernommen.")
        bewertung = None
    dataset.put(
        Feedback(
            antwort_id=reader.entry.antwort_id, termin_id=anmeldung.termin_id if anmeldung else None,
            kontakt_id=kontakt_id, eingegangen=reader.entry.eingegangen, bewertung=bewertung,
            interessante_vereine=reader.many("interessante_vereine"), kontaktwunsch=reader.many("kontaktwunsch"),
            passende_zeiten=reader.many("passende_zeiten"), verbesserung=reader.text("verbesserung"),
            freitext=reader.text("freitext"),
        )
    )  # fmt: skip
    if anmeldung is not None and anmeldung.status == "angemeldet":
        dataset.put(anmeldung.model_copy(update={"status": "teilgenommen"}))
    ctx.report.count("Feedback übernommen")
    return f"Feedback zu {anmeldung.termin_id}" if anmeldung else "Feedback (anonym)"


def _follow_up(ctx: RunState, reader: AnswerReader, index: Indexes) -> str:
    """A follow-up answer (»Haben Sie inzwischen bei einem Verein mitgemacht?«) becomes a ``Nachfrage`` row."""
    dataset = ctx.dataset
    anmeldung = _find_registration(dataset, reader.text("anmelde_id"))
    kontakt_id = anmeldung.kontakt_id if anmeldung else None
    email = reader.email("email")
    if anmeldung is None and email:
        kontakt = index.contacts.by_email_address(email)
        if kontakt is not None:
            kontakt_id = kontakt.kontakt_id
            theirs = (dataset.get(Anmeldung, a) for a in index.by_contact.get(kontakt.kontakt_id, []))
            came = [a for a in theirs if a is not None and a.status == "teilgenommen"]
            anmeldung = max(came, key=lambda a: a.eingegangen or dt.datetime.min, default=None)
    mitgemacht = reader.choice("mitgemacht")
    dataset.put(
        Nachfrage(
            antwort_id=reader.entry.antwort_id, termin_id=anmeldung.termin_id if anmeldung else None,
            kontakt_id=kontakt_id, eingegangen=reader.entry.eingegangen,
            mitgemacht=None if mitgemacht is None else mitgemacht == "ja", vereine=reader.many("vereine"),
            geholfen=reader.text("geholfen"), gefehlt=reader.text("gefehlt"), quelle="Formular",
        )
    )  # fmt: skip
    ctx.report.count("Nachfragen übernommen")
    return f"Nachfrage zu {anmeldung.termin_id}" if anmeldung else "Nachfrage (ohne Anmeldung)"


def _find_registration(dataset: Dataset, anmelde_id: str | None) -> Anmeldung | None:
    return dataset.get(Anmeldung, anmelde_id.strip().upper()) if anmelde_id else None


def _cancellation(ctx: RunState, reader: AnswerReader, index: Indexes) -> str:
    dataset = ctx.dataset
    wunsch = reader.choice("wunsch")
    anmeldung = _find_registration(dataset, reader.text("anmelde_id"))
    kontakt_id = reader.text("kontakt_id") or (anmeldung.kontakt_id if anmeldung else None)
    kontakt = dataset.get(Kontakt, kontakt_id.strip().upper()) if kontakt_id else None
    if wunsch == "absagen":
        if anmeldung is None:
            reader.fail(
                "anmelde_id", "Absage ohne gültige Anmeldenummer.", "Die Person fragen, welche Anmeldung gemeint ist."
            )
        assert anmeldung is not None
        if anmeldung.status != "abgesagt":
            dataset.put(anmeldung.model_copy(update={"status": "abgesagt"}))
            ctx.report.count("Absagen")
        return f"Anmeldung {anmeldung.anmelde_id} abgesagt"
    if kontakt is None:
        reader.fail("kontakt_id", "Abmeldung ohne gültige Kontaktnummer.", "Die Person im Tab Kontakte suchen.")
    assert kontakt is not None
    if wunsch == "loeschen":
        drift = erasure_drift(dataset)
        if drift is not None:  # never half erased: the answer waits (»fehlerhaft«) and is tried in every run
            reader.fail("wunsch", f"Löschen von {kontakt.kontakt_id} wartet: {drift}", "Danach erneut »sync«.")
        rows = person_rows(dataset, kontakt)
        names = identifiers(kontakt, {a.anmelde_id for a in rows["Anmeldungen"]})
        erase_person(dataset, kontakt, ctx.forms)
        ctx.report.count("Personen gelöscht")
        ctx.report.erased.append(names)  # files under the workspace: cleaned by the service after saving
        by_hand = [
            f"Google-Formular »{e.formular}«: Antwort {e.antwort_id}" for e in rows["Eingang"]
            if not e.antwort_id.startswith("csv-")
        ]  # fmt: skip
        ctx.report.say(
            f"Kontakt {kontakt.kontakt_id} auf Wunsch gelöscht."
            + (" Bitte noch von Hand löschen: " + "; ".join(by_hand) if by_hand else "")
        )
        return f"Kontakt {kontakt.kontakt_id} gelöscht"
    if wunsch == "abmelden":
        if not kontakt.abgemeldet or kontakt.einwilligung_einladungen:
            dataset.put(kontakt.model_copy(update={"abgemeldet": True, "einwilligung_einladungen": False}))
            ctx.report.count("Abmeldungen")
        plan_unsubscribe_confirmation(dataset, kontakt)  # once ever; sent by the mail step
        return f"Kontakt {kontakt.kontakt_id} abgemeldet"
    reader.fail("wunsch", f"Unbekannter Wunsch »{wunsch}«.", "Die Person fragen, was sie möchte.")
    raise AssertionError
