"""After the event: consented hand-off, club reports, follow-up, stale offers – all exactly once.

Every message goes through the same :class:`~automation.services.mail.dispatch.Dispatcher` and ``Versand`` ledger
as the other kinds. Kinds addressed to a club (``Weitergabe``, ``Vereinsbericht``,
``Angebote-Erinnerung``) are keyed ``Art|Termin-ID|Vereins-ID``: the ledger's Kontakt-ID column holds
the Vereins-ID, and the recipient is the club's ``E-Mail`` from the Vereine tab.

- ``Weitergabe`` (to each club chosen under »Kontaktwunsch«, once per club and date,
  ``[nachbereitung] weitergabe_tage_nach`` days after the date) lists the consenting people; afterwards
  each of them gets one ``Weitergabe-Info`` naming the clubs. Wishes that arrive after the club's message
  went out are reported in *Hinweise* (pass them on by hand), never sent in a second message.
- ``Vereinsbericht``: only on ``auswertung --termin ID --senden``, with the club's PDF attached.
- ``Nachfrage``: ``nachfrage_wochen_nach`` weeks after the date to participants with consent to
  invitations; one ``Nachfrage-Erinnerung`` ``nachfrage_erinnerung_tage`` later if no answer came.
- ``Angebote-Erinnerung``: ``angebote_wochen_vorher`` weeks before a date to attending clubs whose row
  and offers were not updated for ``angebote_monate_alt`` months.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from automation.adapters.links import LinkBuilder
from automation.adapters.mail.compose import Attachment, InvalidAddress, make_address
from automation.adapters.mail.senders import Sender
from automation.domain.auswertung import masked
from automation.domain.dataset import Dataset
from automation.domain.errors import GespraechsrundeError
from automation.domain.mail.due import DueMessage, LedgerView
from automation.domain.mail.kinds import CLUB_KINDS, Art, MessageKey
from automation.domain.records import Angebot, Anmeldung, Feedback, Hinweis, Kontakt, Nachfrage, Termin, Verein, Versand
from automation.domain.settings import Settings
from automation.domain.sprachen import language_code
from automation.domain.weitergabe import Wish, in_window, passed_on, wishes
from automation.services.mail.dispatch import Dispatcher, progress_reporter
from automation.services.runner import JobContext

CLUB_FOOTER = "Sie möchten keine Nachrichten mehr von uns?"
DIGEST_FILE = ".vereine-stand.json"
NACHFRAGE_MAX_DAYS = 60  # the follow-up is sent only within this many days after it became due


def club_recipient(verein: Verein) -> Kontakt:
    """The club as the recipient of a message (Kontakt-ID = Vereins-ID; greeting = Ansprechperson)."""
    return Kontakt(kontakt_id=verein.vereins_id, vorname=verein.ansprechperson or verein.name, email=verein.email)


def _club_address_problem(dataset: Dataset, verein: Verein, why: str) -> Hinweis | None:
    problem = None
    if not verein.email:
        problem = "Keine E-Mail-Adresse eingetragen"
    else:
        try:
            make_address("", verein.email)
        except InvalidAddress:
            problem = f"Die E-Mail-Adresse »{verein.email}« ist ungültig"
    if problem is None:
        return None
    return Hinweis(
        tabelle="Vereine",
        zeile=dataset.row_number(Verein, verein.vereins_id),
        id=verein.vereins_id,
        spalte="E-Mail",
        schwere="Warnung",
        hinweis=f"{problem}; {verein.name} bekommt deshalb {why} nicht.",
        vorschlag="Eine gültige Adresse in der Form name@beispiel.de eintragen; die Nachricht folgt im nächsten Lauf.",
    )


def _person_line(kontakt: Kontakt, feedback: Feedback, dataset: Dataset) -> dict[str, str]:
    interests = list(kontakt.interessen)
    for anmeldung in dataset.all(Anmeldung):
        if anmeldung.kontakt_id == kontakt.kontakt_id and anmeldung.termin_id == feedback.termin_id:
            interests += [i for i in anmeldung.interessen if i not in interests]
    times = [*kontakt.anwesenheit, *(z for z in feedback.passende_zeiten if z not in kontakt.anwesenheit)]
    return {
        "name": kontakt.display_name,
        "email": kontakt.email or "",
        # the consent text names the e-mail address; a phone number only for people without one
        "telefon": "" if kontakt.email else (kontakt.telefon or ""),
        "interessen": ", ".join(interests),
        "zeiten": ", ".join(times),
    }


# -- hand-off ----------------------------------------------------------------------------------------------


def handoff_messages(dataset: Dataset, today: dt.date, settings: Settings) -> tuple[list[DueMessage], list[Hinweis]]:
    """``Weitergabe`` messages due today (to clubs), and findings (club without address, late wishes)."""
    ledger = LedgerView(dataset)
    days = settings.nachbereitung.weitergabe_tage_nach
    vereine = dataset.all(Verein)
    by_id = {v.vereins_id: v for v in vereine}
    kontakte, feedback = dataset.all(Kontakt), dataset.all(Feedback)
    result: list[DueMessage] = []
    findings: list[Hinweis] = []
    for termin in dataset.all(Termin):
        if not in_window(termin, today, days):
            continue
        for vereins_id, people in wishes(termin, vereine, kontakte, feedback).items():
            verein = by_id[vereins_id]
            key = MessageKey(Art.WEITERGABE, termin.termin_id, vereins_id)
            sent = ledger.sent(key)
            if sent is not None:
                late = [
                    w for w in people if w.feedback.eingegangen and sent.zeit and w.feedback.eingegangen > sent.zeit
                ]
                for wish in late:
                    findings.append(
                        Hinweis(
                            tabelle="Feedback",
                            zeile=dataset.row_number(Feedback, wish.feedback.antwort_id),
                            id=wish.feedback.antwort_id,
                            spalte="Kontaktwunsch",
                            schwere="Warnung",
                            hinweis=(
                                f"{wish.kontakt.kontakt_id} möchte von {verein.name} kontaktiert werden; die Antwort "
                                f"kam nach der Weitergabe vom {sent.zeit:%d.%m.%Y} und wird nicht automatisch "
                                "weitergegeben."
                            ),
                            vorschlag=f"Die Angaben von Hand an {verein.email or verein.name} weitergeben.",
                        )
                    )
                continue
            if ledger.done(key):
                continue
            problem = _club_address_problem(dataset, verein, "die Kontaktwünsche")
            if problem is not None:
                findings.append(problem)
                continue
            result.append(_handoff_message(dataset, termin, verein, people))
    return result, findings


def _handoff_message(dataset: Dataset, termin: Termin, verein: Verein, people: list[Wish]) -> DueMessage:
    extra: dict[str, Any] = {
        "verein": {"name": verein.name, "zuletzt": ""},
        "personen": [_person_line(w.kontakt, w.feedback, dataset) for w in people],
        "abmelde_text": CLUB_FOOTER,
    }
    key = MessageKey(Art.WEITERGABE, termin.termin_id, verein.vereins_id)
    return DueMessage(key, club_recipient(verein), termin, extra=extra)


def _clubs_passed_to(dataset: Dataset) -> dict[tuple[str, str], list[str]]:
    """(Termin-ID, Kontakt-ID) → names of the clubs the person's details went to."""
    vereine = dataset.all(Verein)
    names = {v.vereins_id: v.name for v in vereine}
    went = passed_on(dataset.all(Versand), dataset.all(Termin), vereine, dataset.all(Kontakt), dataset.all(Feedback))
    clubs_of: dict[tuple[str, str], list[str]] = {}
    for (termin_id, vereins_id), people in went.items():
        for kontakt_id in people:
            clubs_of.setdefault((termin_id, kontakt_id), []).append(names.get(vereins_id, vereins_id))
    return clubs_of


def handoff_info_messages(dataset: Dataset, today: dt.date, settings: Settings) -> list[DueMessage]:
    """``Weitergabe-Info``: to each person whose details went to at least one club (club message sent)."""
    ledger = LedgerView(dataset)
    kontakte = {k.kontakt_id: k for k in dataset.all(Kontakt)}
    clubs_of = _clubs_passed_to(dataset)
    by_termin = {t.termin_id: t for t in dataset.all(Termin)}
    result = []
    for (termin_id, kontakt_id), clubs in sorted(clubs_of.items()):
        termin, kontakt = by_termin.get(termin_id), kontakte.get(kontakt_id)
        if termin is None or kontakt is None or not in_window(termin, today, 0):
            continue
        key = MessageKey(Art.WEITERGABE_INFO, termin_id, kontakt_id)
        if not ledger.done(key):
            result.append(DueMessage(key, kontakt, termin, extra={"vereine": sorted(clubs)}))
    return result


# -- follow-up (Nachfrage) -----------------------------------------------------------------------------


def follow_up_messages(dataset: Dataset, today: dt.date, settings: Settings, links: LinkBuilder) -> list[DueMessage]:
    """``Nachfrage`` to participants (consent to invitations), then at most one ``Nachfrage-Erinnerung``."""
    cfg = settings.nachbereitung
    ledger = LedgerView(dataset)
    answered = {(n.termin_id, n.kontakt_id) for n in dataset.all(Nachfrage)}
    termine = {t.termin_id: t for t in dataset.all(Termin)}
    kontakte = {k.kontakt_id: k for k in dataset.all(Kontakt)}
    result = []
    for anmeldung in dataset.all(Anmeldung):
        termin, kontakt = termine.get(anmeldung.termin_id), kontakte.get(anmeldung.kontakt_id)
        if anmeldung.status != "teilgenommen" or termin is None or kontakt is None or termin.status == "abgesagt":
            continue
        start = termin.datum + dt.timedelta(weeks=cfg.nachfrage_wochen_nach)
        if not start <= today <= start + dt.timedelta(days=NACHFRAGE_MAX_DAYS):
            continue
        if (termin.termin_id, kontakt.kontakt_id) in answered:
            continue
        link = links.form_link("nachfrage", {"anmelde_id": anmeldung.anmelde_id}, language_code(kontakt.sprache))
        extra = {"nachfrage_link": link or ""}
        first = MessageKey(Art.NACHFRAGE, termin.termin_id, kontakt.kontakt_id)
        if not ledger.done(first):
            result.append(DueMessage(first, kontakt, termin, anmeldung, extra=extra))
            continue
        sent = ledger.sent(first)
        reminder = MessageKey(Art.NACHFRAGE_ERINNERUNG, termin.termin_id, kontakt.kontakt_id)
        if sent is None or sent.zeit is None or ledger.done(reminder):
            continue
        if (today - sent.zeit.date()).days >= cfg.nachfrage_erinnerung_tage:
            result.append(DueMessage(reminder, kontakt, termin, anmeldung, extra=extra))
    return result


# -- offers kept current ----------------------------------------------------------------------------------


def last_update(verein: Verein, angebote: list[Angebot]) -> dt.datetime | None:
    """The newest »Zuletzt aktualisiert« of the club's row and its offers (None: never recorded)."""
    stamps = [s for s in (verein.zuletzt_aktualisiert, *(a.zuletzt_aktualisiert for a in angebote)) if s is not None]
    return max(stamps, default=None)


def stale_clubs(dataset: Dataset, today: dt.date, months: int) -> list[tuple[Verein, dt.datetime | None]]:
    """Clubs whose row and offers were not updated for ``months`` months (the ``status`` command lists them)."""
    limit = dt.datetime.combine(today, dt.time()) - dt.timedelta(days=round(months * 30.44))
    offers = dataset.all(Angebot)
    result = []
    for verein in dataset.all(Verein):
        last = last_update(verein, [a for a in offers if a.vereins_id == verein.vereins_id])
        if last is None or last < limit:
            result.append((verein, last))
    return result


def stale_findings(dataset: Dataset, today: dt.date, settings: Settings) -> list[Hinweis]:
    """Info lines for *Hinweise* / ``pruefen``: clubs with stale offers attending a date in the reminder window."""
    window = dt.timedelta(weeks=settings.nachbereitung.angebote_wochen_vorher)
    upcoming = {
        t.termin_id
        for t in dataset.all(Termin)
        if today <= t.datum <= today + window and t.status not in ("abgesagt", "durchgeführt")
    }
    found = []
    for verein, last in stale_clubs(dataset, today, settings.nachbereitung.angebote_monate_alt):
        if not upcoming & set(verein.termine):
            continue
        since = f"seit {last:%d.%m.%Y}" if last else "noch nie"
        found.append(
            Hinweis(
                tabelle="Vereine",
                zeile=dataset.row_number(Verein, verein.vereins_id),
                id=verein.vereins_id,
                spalte="Zuletzt aktualisiert",
                schwere="Info",
                hinweis=f"Die Angaben von {verein.name} wurden {since} nicht aktualisiert.",
                vorschlag="Den Verein bitten, Zeile und Angebote zu prüfen (die Erinnerung geht vor dem Termin raus).",
            )
        )
    return found


def _offer_features(angebot: Angebot) -> str:
    parts = [angebot.zeitaufwand or "", angebot.rhythmus or ""]
    if angebot.am_wochenende is not None:
        parts.append("am Wochenende" if angebot.am_wochenende else "nicht am Wochenende")
    if angebot.aus_der_ferne:
        parts.append("auch aus der Ferne")
    return ", ".join(p for p in parts if p) or "ohne Angaben zu Zeit und Ort"


def offer_reminders(dataset: Dataset, today: dt.date, settings: Settings) -> tuple[list[DueMessage], list[Hinweis]]:
    """``Angebote-Erinnerung``: once per club and date, ``angebote_wochen_vorher`` weeks before it."""
    cfg = settings.nachbereitung
    ledger = LedgerView(dataset)
    stale = stale_clubs(dataset, today, cfg.angebote_monate_alt)
    result: list[DueMessage] = []
    findings: list[Hinweis] = []
    for termin in dataset.all(Termin):
        if termin.status in ("abgesagt", "durchgeführt") or termin.datum < today:
            continue
        if (termin.datum - today).days > cfg.angebote_wochen_vorher * 7:
            continue
        for verein, last in stale:
            if termin.termin_id not in verein.termine:
                continue
            key = MessageKey(Art.ANGEBOTE_ERINNERUNG, termin.termin_id, verein.vereins_id)
            if ledger.done(key):
                continue
            problem = _club_address_problem(dataset, verein, "die Erinnerung an seine Angebote")
            if problem is not None:
                findings.append(problem)
                continue
            result.append(_offer_message(dataset, settings, termin, verein, last))
    return result, findings


def _offer_message(
    dataset: Dataset, settings: Settings, termin: Termin, verein: Verein, last: dt.datetime | None
) -> DueMessage:
    if settings.speicher == "google" and settings.google.tabelle:
        link = f"https://docs.google.com/spreadsheets/d/{settings.google.tabelle}/edit"
        how = "In der gemeinsamen Google-Tabelle im Tab »Angebote« Ihre Zeilen ändern (Link oben)."
    else:
        link = ""
        how = "Antworten Sie auf diese E-Mail mit den Änderungen; die Koordination trägt sie ein."
    own = [a for a in dataset.all(Angebot) if a.vereins_id == verein.vereins_id]
    extra = {
        "verein": {"name": verein.name, "zuletzt": f"{last:%d.%m.%Y}" if last else "der Aufnahme"},
        "angebote": [{"titel": a.titel, "merkmale": _offer_features(a)} for a in own],
        "bearbeiten": how,
        "bearbeiten_link": link,
        "abmelde_text": CLUB_FOOTER,
    }
    key = MessageKey(Art.ANGEBOTE_ERINNERUNG, termin.termin_id, verein.vereins_id)
    return DueMessage(key, club_recipient(verein), termin, extra=extra)


def _digest(verein: Verein, angebote: list[Angebot]) -> str:
    def content(record: Verein | Angebot) -> dict[str, Any]:
        data = record.model_dump(mode="json")
        data.pop("zuletzt_aktualisiert", None)
        return data

    text = json.dumps([content(verein), *sorted((content(a) for a in angebote), key=str)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def track_club_edits(dataset: Dataset, folder: Path, now: dt.datetime, *, write: bool) -> list[str]:
    """Set »Zuletzt aktualisiert« of clubs whose row or offers changed since the last run.

    The job keeps a digest of each club's row and offers in ``.vereine-stand.json`` in the workspace; a
    club seen for the first time is only recorded. Returns the Vereins-IDs that were updated.
    """
    path = folder / DIGEST_FILE
    try:
        known = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, json.JSONDecodeError):
        known = {}
    if not isinstance(known, dict):
        known = {}
    offers = dataset.all(Angebot)
    current: dict[str, str] = {}
    changed = []
    for verein in dataset.all(Verein):
        own = [a for a in offers if a.vereins_id == verein.vereins_id]
        digest = _digest(verein, own)
        current[verein.vereins_id] = digest
        before = known.get(verein.vereins_id)
        if before is None or before == digest:
            continue
        changed.append(verein.vereins_id)
        dataset.put(verein.model_copy(update={"zuletzt_aktualisiert": now}))
    if write and current != known:
        path.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return changed


# -- the steps of sync and pruefen ----------------------------------------------------------------------


class StaleOffersCheck:
    """Step of ``pruefen``: clubs with stale offers as *Info* lines (no message, no write)."""

    name = "Angebote aktuell?"

    def run(self, ctx: JobContext) -> None:
        ctx.report.findings += stale_findings(ctx.dataset, ctx.now.date(), ctx.workspace.settings)


class AfterEventStep:
    """Step »Nachbereitung« of ``sync``: hand-off, follow-up and reminders about offers (exactly once)."""

    name = "Nachbereitung"

    def __init__(self, sender: Sender | None = None) -> None:
        self.sender = sender

    def run(self, ctx: JobContext) -> None:
        settings = ctx.workspace.settings
        today = ctx.now.date()
        updated = track_club_edits(ctx.dataset, ctx.workspace.folder, ctx.now, write=not ctx.dry_run)
        if updated:
            ctx.report.say(f"»Zuletzt aktualisiert« gesetzt (geänderte Angaben): {', '.join(updated)}")
        ctx.report.findings += stale_findings(ctx.dataset, today, settings)
        if not settings.mail.senden_bei_sync:
            return
        # the caller holds the workspace lock (automation.services.session.open_workspace)
        dispatcher = Dispatcher(ctx, self.sender or ctx.workspace.sender())
        dispatcher.reconcile()
        handoffs, findings = handoff_messages(ctx.dataset, today, settings)
        reminders, more = offer_reminders(ctx.dataset, today, settings)
        ctx.report.findings += findings + more
        due = handoffs + reminders + follow_up_messages(ctx.dataset, today, settings, dispatcher.builder.links)
        self._send(ctx, dispatcher, due)
        # the people are told only about clubs whose message really went out
        self._send(ctx, dispatcher, handoff_info_messages(ctx.dataset, today, settings))

    @staticmethod
    def _send(ctx: JobContext, dispatcher: Dispatcher, due: list[DueMessage]) -> None:
        if not due:
            return
        limit = None if ctx.dry_run else dispatcher.remaining_today()
        prepared = dispatcher.prepare(due, limit=limit)
        with progress_reporter(len(prepared), ctx.interactive, "Nachbereitung") as progress:
            dispatcher.send(prepared, progress=progress)


# -- club reports (auswertung --senden) --------------------------------------------------------------------


def club_report_messages(dataset: Dataset, result: Any) -> tuple[list[DueMessage], list[Hinweis]]:
    """``Vereinsbericht`` for each attending club of the report, with its PDF (not yet sent ones)."""
    from automation.services.auswertung import club_pdf

    ledger = LedgerView(dataset)
    termin = result.zahlen.termin
    out: list[DueMessage] = []
    findings: list[Hinweis] = []
    for zahlen in result.zahlen.vereine:
        verein = dataset.get(Verein, zahlen.vereins_id)
        if verein is None:
            continue
        key = MessageKey(Art.VEREINSBERICHT, termin.termin_id, verein.vereins_id)
        if ledger.done(key):
            continue
        problem = _club_address_problem(dataset, verein, "den Bericht")
        if problem is not None:
            findings.append(problem)
            continue
        pdf = club_pdf(result, verein.vereins_id)
        if not pdf.is_file():
            findings.append(
                Hinweis(
                    tabelle="Vereine", zeile=dataset.row_number(Verein, verein.vereins_id), id=verein.vereins_id,
                    schwere="Fehler", hinweis=f"Der Bericht {pdf.name} fehlt; {verein.name} bekommt ihn deshalb nicht.",
                    vorschlag=f"»gespraechsrunde auswertung --termin {termin.termin_id}« mit Chromium ausführen.",
                )
            )  # fmt: skip
            continue
        out.append(_report_message(termin, verein, zahlen, pdf))
    return out, findings


def _report_message(termin: Termin, verein: Verein, zahlen: Any, pdf: Path) -> DueMessage:
    attachment = Attachment(f"rueckmeldung-{verein.vereins_id}.pdf", "application", "pdf", pdf.read_bytes())
    extra = {
        "verein": {"name": verein.name, "zuletzt": ""},
        "kennzahlen": {
            "am_tisch": masked(zahlen.am_tisch),
            "interessiert": masked(zahlen.interessiert),
            "kontaktwunsch": masked(zahlen.kontaktwunsch),
        },
        "vorschlaege": zahlen.vorschlaege,
        "abmelde_text": CLUB_FOOTER,
    }
    key = MessageKey(Art.VEREINSBERICHT, termin.termin_id, verein.vereins_id)
    return DueMessage(key, club_recipient(verein), termin, extra=extra, attachments=(attachment,))


AFTER_EVENT_KINDS = frozenset(
    {Art.WEITERGABE, Art.WEITERGABE_INFO, Art.VEREINSBERICHT, Art.ANGEBOTE_ERINNERUNG, Art.NACHFRAGE,
     Art.NACHFRAGE_ERINNERUNG}
)  # fmt: skip


class RebuildError(GespraechsrundeError):
    """A message after the event cannot be built again (nobody consents any more, report missing …)."""

    exit_code = 2


def rebuild_message(ctx: JobContext, links: LinkBuilder, key: MessageKey) -> DueMessage | None:
    """The message of a ``Versand`` key after the event, built from today's data (``versand wiederholen``).

    Consent is checked again: a hand-off lists only people who still consent. None for other kinds.
    """
    if key.art not in AFTER_EVENT_KINDS:
        return None
    dataset = ctx.dataset
    termin = dataset.get(Termin, key.termin_id)
    if termin is None:
        raise RebuildError(f"Termin {key.termin_id} gibt es nicht mehr; {key} kann nicht erneut gesendet werden.")
    if key.art in CLUB_KINDS:
        verein = dataset.get(Verein, key.kontakt_id)
        if verein is None:
            raise RebuildError(f"Verein {key.kontakt_id} gibt es nicht mehr im Tab Vereine; {key} wird nicht gesendet.")
        if key.art is Art.WEITERGABE:
            people = wishes(termin, dataset.all(Verein), dataset.all(Kontakt), dataset.all(Feedback))
            chosen = people.get(verein.vereins_id, [])
            if not chosen:
                raise RebuildError(f"{key} wird nicht gesendet: niemand willigt mehr in die Weitergabe ein.")
            return _handoff_message(dataset, termin, verein, chosen)
        if key.art is Art.ANGEBOTE_ERINNERUNG:
            offers = [a for a in dataset.all(Angebot) if a.vereins_id == verein.vereins_id]
            return _offer_message(dataset, ctx.workspace.settings, termin, verein, last_update(verein, offers))
        from automation.services.auswertung import club_pdf, compute

        result = compute(dataset, termin.termin_id, ctx.workspace.folder)
        pdf = club_pdf(result, verein.vereins_id)
        zahlen = next((z for z in result.zahlen.vereine if z.vereins_id == verein.vereins_id), None)
        if zahlen is None or not pdf.is_file():
            raise RebuildError(
                f"Für {key} fehlt der Bericht {pdf.name}. Bitte zuerst »gespraechsrunde auswertung --termin "
                f"{termin.termin_id}« ausführen."
            )
        return _report_message(termin, verein, zahlen, pdf)
    kontakt = dataset.get(Kontakt, key.kontakt_id)
    if kontakt is None:
        raise RebuildError(f"Kontakt {key.kontakt_id} gibt es nicht mehr; {key} kann nicht erneut gesendet werden.")
    if key.art is Art.WEITERGABE_INFO:
        clubs = _clubs_passed_to(dataset).get((termin.termin_id, kontakt.kontakt_id), [])
        if not clubs:
            raise RebuildError(f"{key}: an keinen Verein weitergegeben; es gibt nichts mitzuteilen.")
        return DueMessage(key, kontakt, termin, extra={"vereine": sorted(clubs)})
    came = [
        a
        for a in dataset.all(Anmeldung)
        if a.termin_id == termin.termin_id and a.kontakt_id == kontakt.kontakt_id and a.status == "teilgenommen"
    ]
    if not came:
        raise RebuildError(f"{key}: {kontakt.kontakt_id} hat laut »Anmeldungen« nicht teilgenommen.")
    link = links.form_link("nachfrage", {"anmelde_id": came[-1].anmelde_id}, language_code(kontakt.sprache))
    return DueMessage(key, kontakt, termin, came[-1], extra={"nachfrage_link": link or ""})


def send_club_reports(folder: Path, result: Any, *, dry_run: bool, interactive: bool) -> Any:
    """Send the club reports of an ``auswertung`` (after release by the coordination); an ``Outcome``."""
    from automation.services.mail.commands import CommandOutcome, open_context

    with open_context(folder, dry_run=dry_run, interactive=interactive) as ctx:
        termin = result.zahlen.termin
        if termin.datum > ctx.now.date() or termin.status == "abgesagt":
            raise RebuildError(
                f"Termin {termin.termin_id} ({termin.datum:%d.%m.%Y}, {termin.status}) hat noch nicht stattgefunden: "
                "Berichte an Vereine gehen erst danach hinaus."
            )
        dispatcher = Dispatcher(ctx, ctx.workspace.sender())
        dispatcher.reconcile()
        due, findings = club_report_messages(ctx.dataset, result)
        ctx.report.findings += findings
        prepared = dispatcher.prepare(due)
        with progress_reporter(len(prepared), interactive, "Vereinsberichte") as progress:
            summary = dispatcher.send(prepared, progress=progress)
        return CommandOutcome(ctx, prepared, summary)
