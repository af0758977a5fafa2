"""Checks across tabs (references, dates, consent) that single cells cannot show.

Cell-level findings come from reading (``automation.domain.cells``); answer findings from processing. This
module adds the rest and sorts them all (pure); ``automation.services.findings`` writes them into ``Hinweise``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from automation.domain.answers.processing import answer_warnings
from automation.domain.dataset import Dataset
from automation.domain.records import (
    MODEL_BY_TAB,
    Angebot,
    Anmeldung,
    Eingang,
    Hinweis,
    Kontakt,
    Schwere,
    Termin,
    Verein,
)
from automation.domain.tischplan_tab import stale_plan_findings

_SEVERITY_ORDER = {"Fehler": 0, "Warnung": 1, "Info": 2}


def _hint(
    dataset: Dataset, model: type[Verein | Angebot | Termin | Kontakt | Anmeldung], key: str, column: str,
    severity: Schwere, message: str, suggestion: str,
) -> Hinweis:  # fmt: skip
    return Hinweis(
        tabelle=model.TAB, zeile=dataset.row_number(model, key), id=key, spalte=column, schwere=severity,
        hinweis=message, vorschlag=suggestion,
    )  # fmt: skip


def cross_checks(dataset: Dataset, today: dt.date) -> list[Hinweis]:
    """Findings about how the tabs fit together."""
    found: list[Hinweis] = []
    termine = {t.termin_id: t for t in dataset.all(Termin)}
    vereine = {v.vereins_id: v for v in dataset.all(Verein)}
    kontakte = {k.kontakt_id for k in dataset.all(Kontakt)}
    for termin in termine.values():
        key = termin.termin_id
        if termin.beginn and termin.ende and termin.ende <= termin.beginn:
            found.append(
                _hint(dataset, Termin, key, "Ende", "Fehler", "Ende liegt vor dem Beginn.", "Uhrzeiten prüfen.")
            )
        if termin.anmeldeschluss and termin.anmeldeschluss > termin.datum:
            found.append(
                _hint(dataset, Termin, key, "Anmeldeschluss", "Warnung", "Anmeldeschluss liegt nach dem Termin.",
                      "Anmeldeschluss vor das Datum legen.")
            )  # fmt: skip
        if termin.status == "Anmeldung offen":
            if termin.plaetze is None:
                found.append(
                    _hint(dataset, Termin, key, "Plätze", "Warnung", "Keine Platzzahl: es gibt keine Warteliste.",
                          "Die Zahl der Plätze eintragen.")
                )  # fmt: skip
            if termin.datum < today:
                found.append(
                    _hint(dataset, Termin, key, "Status", "Warnung", "Der Termin liegt in der Vergangenheit, "
                          "die Anmeldung ist aber noch offen.", "Status auf »durchgeführt« setzen.")
                )  # fmt: skip
    for termin in termine.values():
        if termin.datum >= today or termin.status == "abgesagt":
            continue
        of_date = [a for a in dataset.all(Anmeldung) if a.termin_id == termin.termin_id]
        open_ones = [a for a in of_date if a.status == "angemeldet"]
        if open_ones and not any(a.status in ("teilgenommen", "nicht erschienen") for a in of_date):
            found.append(
                _hint(dataset, Termin, termin.termin_id, "Status", "Warnung",
                      f"Der Termin ist vorbei, aber bei keiner Anmeldung ist die Anwesenheit eingetragen "
                      f"({len(open_ones)} stehen auf »angemeldet«). Ohne »teilgenommen« geht keine Feedback-Bitte "
                      "hinaus.",
                      "Im Tab Anmeldungen den Status auf »teilgenommen« oder »nicht erschienen« setzen.")
            )  # fmt: skip
    for verein in vereine.values():
        for termin_id in verein.termine:
            if termin_id not in termine:
                found.append(
                    _hint(dataset, Verein, verein.vereins_id, "Termine (teilnehmend)", "Fehler",
                          f"Termin »{termin_id}« gibt es im Tab Termine nicht.",
                          "Die Termin-ID aus dem Tab Termine eintragen, z. B. " + ", ".join(list(termine)[:2]) + ".")
                )  # fmt: skip
        if not verein.email and not verein.telefon:
            found.append(
                _hint(dataset, Verein, verein.vereins_id, "E-Mail", "Warnung", "Keine E-Mail und kein Telefon: "
                      "der Verein ist nicht erreichbar.", "Eine Kontaktmöglichkeit eintragen.")
            )  # fmt: skip
        if not verein.themen:
            found.append(
                _hint(dataset, Verein, verein.vereins_id, "Themen", "Info", "Keine Themen angegeben: "
                      "Interessierte finden den Verein schwerer.", "Themen eintragen, z. B. Sport, Kultur.")
            )  # fmt: skip
    for angebot in dataset.all(Angebot):
        if angebot.vereins_id not in vereine:
            found.append(
                _hint(dataset, Angebot, angebot.angebots_id, "Vereins-ID", "Fehler",
                      f"Verein »{angebot.vereins_id}« gibt es im Tab Vereine nicht.",
                      "Die Vereins-ID aus dem Tab Vereine eintragen.")
            )  # fmt: skip
    for kontakt in dataset.all(Kontakt):
        if not kontakt.einwilligung_speicherung:
            found.append(
                _hint(dataset, Kontakt, kontakt.kontakt_id, "Einwilligung Speicherung", "Fehler",
                      "Kontakt ohne Einwilligung zur Speicherung.",
                      "Einwilligung einholen und »ja« eintragen, sonst die Zeile löschen.")
            )  # fmt: skip
    for anmeldung in dataset.all(Anmeldung):
        if anmeldung.termin_id not in termine:
            found.append(
                _hint(dataset, Anmeldung, anmeldung.anmelde_id, "Termin-ID", "Fehler",
                      f"Termin »{anmeldung.termin_id}« gibt es nicht.", "Termin-ID korrigieren.")
            )  # fmt: skip
        if anmeldung.kontakt_id not in kontakte:
            found.append(
                _hint(dataset, Anmeldung, anmeldung.anmelde_id, "Kontakt-ID", "Fehler",
                      f"Kontakt »{anmeldung.kontakt_id}« gibt es nicht.", "Kontakt-ID korrigieren.")
            )  # fmt: skip
    found += stale_plan_findings(dataset)
    return found


def sorted_findings(findings: Iterable[Hinweis]) -> list[Hinweis]:
    """Errors first, then by tab and row; each finding once."""
    unique: dict[tuple[object, ...], Hinweis] = {}
    for f in findings:
        unique.setdefault((f.tabelle, f.zeile, f.id, f.spalte, f.hinweis), f)
    return sorted(
        unique.values(), key=lambda f: (_SEVERITY_ORDER[f.schwere], f.tabelle, f.zeile or 0, f.id or "", f.spalte or "")
    )


def _with_rows(dataset: Dataset, findings: list[Hinweis]) -> list[Hinweis]:
    """Row numbers as they are in the store now (a row appended in this run has one only after saving)."""
    result = []
    for finding in findings:
        model = MODEL_BY_TAB.get(finding.tabelle)
        if finding.id and model is not None and model.ID is not None:
            row = dataset.row_number(model, finding.id)
            if row is not None and row != finding.zeile:
                finding = finding.model_copy(update={"zeile": row})
        result.append(finding)
    return result


def collect_findings(
    current: Dataset, read: list[Hinweis], reported: list[Hinweis], entries: list[Eingang], today: dt.date
) -> list[Hinweis]:
    """Every finding, sorted and with current row numbers: those of reading the cells (``read``), those a
    run reported (``reported``), the cross-tab checks and the warnings kept with processed answers."""
    return sorted_findings(
        _with_rows(current, [*read, *reported, *cross_checks(current, today), *answer_warnings(entries)])
    )
