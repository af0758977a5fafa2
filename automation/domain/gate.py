"""Fail closed: what the job must be able to read before it may contact anyone.

Before a message is chosen, the tabs that decide *whether* a person may be contacted and *whether* a
message already went out must be readable. :func:`read_gate` looks at the dataset as read and returns a
:class:`Gate` that refuses, with a German reason:

- everything, when the ledger cannot be trusted: the ``Versand`` tab or its ``Schlüssel``/``Status``
  column is missing, or a ``Versand`` row has no readable key;
- every message of the kinds that depend on a missing column (:data:`GUARDED_COLUMNS`), e.g. no
  invitations while ``Kontakte`` has no ``Abgemeldet`` column;
- the one message whose ``Versand`` status is unreadable or empty (it may have gone out);
- every message about a registration whose ``Status`` is unclear (it still holds its place, reported);
- every message about a date whose ``Status`` is unclear.

Each refusal comes with one finding naming tab, row, column and the fix.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from automation.domain.dataset import Dataset, TabState
from automation.domain.mail.kinds import Art
from automation.domain.normalize import is_empty
from automation.domain.records import Anmeldung, Hinweis, Kontakt, Record, Termin, Versand


class Scope(enum.Enum):
    """Which messages depend on a column."""

    ALL = "alle Nachrichten"
    INVITATIONS = "Einladungen"
    REGISTRATIONS = "Nachrichten zu Anmeldungen"

    def covers(self, art: Art) -> bool:
        if self is Scope.ALL:
            return True
        if self is Scope.INVITATIONS:
            return art is Art.EINLADUNG
        return art is not Art.EINLADUNG


# (tab, header) → the messages that must not go out while the column is missing. The job never re-creates
# these columns in a tab that has rows (an empty new column would read as »not unsubscribed«, »geplant«).
GUARDED_COLUMNS: dict[tuple[str, str], Scope] = {
    (Versand.TAB, "Schlüssel"): Scope.ALL,
    (Versand.TAB, "Status"): Scope.ALL,
    (Versand.TAB, "Art"): Scope.ALL,
    (Termin.TAB, "Termin-ID"): Scope.ALL,
    (Termin.TAB, "Status"): Scope.ALL,
    (Kontakt.TAB, "Kontakt-ID"): Scope.ALL,
    (Kontakt.TAB, "Abgemeldet"): Scope.INVITATIONS,
    (Kontakt.TAB, "Einwilligung Einladungen"): Scope.INVITATIONS,
    (Anmeldung.TAB, "Status"): Scope.REGISTRATIONS,
}


def guarded_headers(tab: str) -> set[str]:
    return {header for (name, header) in GUARDED_COLUMNS if name == tab}


def _norm(header: Any) -> str:
    return " ".join(str(header or "").split()).casefold()


def repairable(
    wanted: dict[str, list[str]], snapshot: Mapping[str, Any], *, columns: bool = True, new_ledger: bool = False
) -> tuple[dict[str, list[str]], list[str]]:
    """What a repair of the tabs may create, and what it must not (German lines).

    Never the ``Versand`` tab once the job has worked here (registrations or answers exist: it was renamed
    or deleted) – unless ``new_ledger``. With ``columns`` (the silent repair of ``sync``), never a guarded
    column in a tab that has rows either (an empty new column would read as »geplant« or »not
    unsubscribed«); ``einrichten``, asked for by a person, may add them.
    """
    has_data = any(snapshot[name].rows for name in (Anmeldung.TAB, "Eingang") if name in snapshot)
    result: dict[str, list[str]] = {}
    refused: list[str] = []
    for name, headers in wanted.items():
        table = snapshot.get(name)
        if table is None and name == Versand.TAB and has_data and not new_ledger:
            refused.append(
                "Tab »Versand« nicht angelegt: es gibt schon Anmeldungen, er wurde wohl umbenannt oder gelöscht "
                "(ein leerer Tab ließe alle Nachrichten erneut hinausgehen). Bitte den alten Tab wieder »Versand« "
                "nennen. Nur bei einer neuen Tabelle, die nie Nachrichten versandt hat: einrichten --versand-neu."
            )
            continue
        if columns and table is not None and table.rows:
            present = {_norm(h) for h in table.headers}
            guarded = {h for h in guarded_headers(name) if _norm(h) not in present}
            refused += [f"Spalte »{h}« in »{name}« nicht angelegt: sie fehlt unter vorhandenen Zeilen (umbenannt?); "
                        "bitte die Überschrift wieder so nennen." for h in sorted(guarded)]  # fmt: skip
            headers = [h for h in headers if h not in guarded]
        result[name] = headers
    return result, refused


@dataclass
class Gate:
    """What must not be sent in this run, and why (German)."""

    stop_all: str | None = None
    blocked_scopes: dict[Scope, str] = field(default_factory=dict)
    blocked_keys: dict[str, str] = field(default_factory=dict)  # Versand key → reason
    blocked_registrations: dict[str, str] = field(default_factory=dict)  # Anmelde-ID → reason
    blocked_dates: dict[str, str] = field(default_factory=dict)  # Termin-ID → reason
    findings: list[Hinweis] = field(default_factory=list)

    def refuses(self, key: str, art: Art, termin_id: str, anmelde_id: str | None) -> str | None:
        """Why this message must not go out now (German), or None."""
        if self.stop_all:
            return self.stop_all
        for scope, reason in self.blocked_scopes.items():
            if scope.covers(art):
                return reason
        if key in self.blocked_keys:
            return self.blocked_keys[key]
        if termin_id in self.blocked_dates:
            return self.blocked_dates[termin_id]
        if anmelde_id is not None and anmelde_id in self.blocked_registrations:
            return self.blocked_registrations[anmelde_id]
        return None


def unclear_cells(dataset: Dataset, model: type[Record], header: str, *, empty_is_unclear: bool) -> dict[str, int]:
    """IDs (with row number) of rows whose cell in ``header`` could not be read clearly: reading reported it
    (unreadable, or only read as a close match), or it is empty where the job always writes a value."""
    state = dataset.tabs[model.TAB]
    result: dict[str, int] = {}
    for finding in dataset.findings:
        if finding.tabelle == model.TAB and finding.spalte == header and finding.id:
            result[finding.id] = finding.zeile or 0
    if empty_is_unclear:
        for key, raw in state.raw.items():
            if is_empty(raw.get(header)):
                result.setdefault(key, state.row_numbers.get(key) or 0)
    return result


def _hint(tab: str, row: int | None, key: str | None, column: str | None, message: str, fix: str) -> Hinweis:
    return Hinweis(tabelle=tab, zeile=row, id=key, spalte=column, schwere="Fehler", hinweis=message, vorschlag=fix)


def _has_data(state: TabState) -> bool:
    return state.present and state.had_rows


def read_gate(dataset: Dataset) -> Gate:
    """The gate for the dataset as it was read (see the module docstring)."""
    gate = Gate()
    ledger = dataset.tabs[Versand.TAB]
    if not ledger.present:
        gate.stop_all = (
            "Die Tabelle »Versand« fehlt (umbenannt oder gelöscht?). Ohne sie weiß der Job nicht, was schon "
            "gesendet wurde: es wird nichts gesendet."
        )
        gate.findings.append(
            _hint(Versand.TAB, None, None, None, gate.stop_all,
                  "Den Tab wieder »Versand« nennen (oder die Sicherung wiederherstellen); dann erneut starten. "
                  "Nur bei einer neuen Tabelle, die nie Nachrichten versandt hat: gespraechsrunde einrichten "
                  "--versand-neu.")
        )  # fmt: skip
        return gate
    for (tab, header), scope in GUARDED_COLUMNS.items():
        state = dataset.tabs[tab]
        if not (_has_data(state) and header in state.missing):
            continue
        consequence = (
            "ist nicht sicher, wer was bekommen darf oder schon bekam: es wird nichts gesendet"
            if scope is Scope.ALL
            else f"gehen keine {scope.value} hinaus"
        )
        reason = (
            f"In der Tabelle »{tab}« fehlt die Spalte »{header}« (umbenannt oder gelöscht?). Ohne sie {consequence}."
        )
        gate.findings.append(
            _hint(tab, 1, None, header, reason,
                  f"Die Überschrift in Zeile 1 wieder »{header}« nennen; die Nachrichten folgen im nächsten Lauf.")
        )  # fmt: skip
        if scope is Scope.ALL:
            gate.stop_all = gate.stop_all or reason
        else:
            gate.blocked_scopes.setdefault(scope, reason)
    if gate.stop_all:
        return gate
    for finding in dataset.findings:  # a ledger row without a readable key: which message it is, nobody knows
        if finding.tabelle == Versand.TAB and finding.schwere == "Fehler" and not finding.id:
            gate.stop_all = (
                f"Zeile {finding.zeile} in »Versand« hat keinen lesbaren Schlüssel; ob ihre Nachricht schon "
                "gesendet wurde, ist unklar: es wird nichts gesendet."
            )
            gate.findings.append(
                _hint(Versand.TAB, finding.zeile, None, "Schlüssel", gate.stop_all,
                      "Den Schlüssel (Art|Termin-ID|Kontakt-ID) eintragen oder die Zeile löschen, wenn sie keine "
                      "Nachricht war.")
            )  # fmt: skip
            return gate
    for key, row in unclear_cells(dataset, Versand, "Status", empty_is_unclear=True).items():
        if key in ledger.records or key in ledger.raw or row:
            reason = f"Der Status der Nachricht {key} in »Versand« ist unlesbar; sie wird nicht (erneut) gesendet."
            gate.blocked_keys[key] = reason
            gate.findings.append(
                _hint(Versand.TAB, row or None, key, "Status", reason,
                      "Einen der Werte geplant, wird gesendet, gesendet, fehlgeschlagen oder unklar eintragen "
                      "(»gesendet«, wenn die Nachricht ankam).")
            )  # fmt: skip
    for key in unclear_cells(dataset, Termin, "Status", empty_is_unclear=False):
        reason = f"Der Status von Termin {key} ist unklar; Nachrichten zu diesem Termin warten."
        gate.blocked_dates[key] = reason
    for key, row in unclear_cells(dataset, Anmeldung, "Status", empty_is_unclear=True).items():
        reason = f"Der Status der Anmeldung {key} ist unklar; Nachrichten zu ihr warten, bis er korrigiert ist."
        gate.blocked_registrations[key] = reason
        gate.findings.append(
            Hinweis(
                tabelle=Anmeldung.TAB, zeile=row or None, id=key, spalte="Status", schwere="Warnung",
                hinweis=f"{reason} Bis dahin zählt sie als belegter Platz.",
                vorschlag="Einen der Werte angemeldet, Warteliste, abgesagt, teilgenommen, nicht erschienen eintragen.",
            )
        )  # fmt: skip
    return gate
