"""Rows of ``Versand`` deleted by hand: noticed, put back, never sent again.

The ``Versand`` tab is the ledger: a message is chosen while its key has no row (or a ``geplant`` one).
A row a person deletes in the workbook or the sheet would make its message due again. So the job keeps,
beside the workbook, a memo of every row beyond ``geplant`` it wrote (key, status, time, Message-ID; no
address, no name): :func:`memo_of` after each write. Before anything is chosen, :func:`restore_missing`
compares the memo with the tab: a key in the memo without a row is a row deleted by hand. It is put back
as it was (with a note in ``Fehler``), so the message counts as sent and nothing that depends on it (e.g.
»Nachgerückt« after »Warteliste«) goes out wrong; each such row is reported with the fix.

Nothing is restored while the tab itself drifted or is missing (the gate stops everything then).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from automation.domain.dataset import Dataset
from automation.domain.ledger import is_done
from automation.domain.records import Hinweis, Versand

MEMO_FILE = ".versand-stand.json"
MAX_FINDINGS = 20  # per restored row up to this many findings; the rest in one more

# key → [status, time (ISO) or None, Message-ID or None]
Memo = dict[str, list[str | None]]


def ledger_readable(dataset: Dataset) -> bool:
    """Whether the ``Versand`` tab is there with its key and status columns (rows can be compared)."""
    state = dataset.tabs[Versand.TAB]
    return (
        state.present
        and Versand.TAB not in dataset.schema.blocked
        and not ({"Schlüssel", "Status"} & state.missing and state.had_rows)
    )


def memo_of(dataset: Dataset) -> Memo:
    """What the memo keeps of the ledger: every row whose message is no longer just planned."""
    return {
        row.schluessel: [row.status, row.zeit.isoformat() if row.zeit else None, row.message_id]
        for row in dataset.all(Versand)
        if is_done(row.status)
    }


def parse_memo(data: Any) -> Memo:
    """The memo as read from its file (JSON); raises ValueError when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("zeilen"), dict):
        raise ValueError("kein Versand-Stand")
    result: Memo = {}
    for key, entry in data["zeilen"].items():
        if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str)):
            raise ValueError(f"Eintrag {key!r} unlesbar")
        if not all(value is None or isinstance(value, str) for value in entry):
            raise ValueError(f"Eintrag {key!r} unlesbar")
        result[str(key)] = list(entry)
    return result


def _present(dataset: Dataset) -> set[str]:
    state = dataset.tabs[Versand.TAB]
    return set(state.records) | set(state.raw) | set(state.unreadable)


def restore_missing(dataset: Dataset, memo: Memo, now: dt.datetime) -> tuple[int, list[Hinweis]]:
    """Put every row the memo knows and the tab lacks back into ``dataset``; how many, and the findings."""
    if not ledger_readable(dataset):
        return 0, []
    present = _present(dataset)
    missing = [key for key in memo if key not in present]
    findings: list[Hinweis] = []
    restored = 0
    for index, key in enumerate(missing):
        status, zeit_text, message_id = memo[key]
        zeit = _time(zeit_text)
        parts = [p.strip() for p in key.split("|")]
        note = f"Zeile fehlte (von Hand gelöscht?); am {now:%d.%m.%Y} vom Job wiederhergestellt."
        try:
            row = Versand(
                schluessel=key, art=parts[0], termin_id=parts[1] if len(parts) > 1 else None,
                kontakt_id=parts[2] if len(parts) > 2 else None, status=status, zeit=zeit,
                message_id=message_id, fehler=note,
            )  # fmt: skip
        except ValueError:
            continue  # a status this version does not know: nothing sure to restore
        dataset.put(row)
        restored += 1
        if index < MAX_FINDINGS:
            when = f" am {zeit:%d.%m.%Y um %H:%M}" if zeit else ""
            findings.append(
                Hinweis(
                    tabelle=Versand.TAB, id=key, spalte="Schlüssel", schwere="Warnung",
                    hinweis=f"Die Zeile der Nachricht {key} (Status »{status}«{when}) fehlte im Tab »Versand« – "
                    "von Hand gelöscht? Sie wurde wiederhergestellt; die Nachricht wird nicht erneut gesendet.",
                    vorschlag="Nichts zu tun; Zeilen in »Versand« bitte nicht löschen. Soll die Person sie wirklich "
                    f"noch einmal bekommen: gespraechsrunde versand wiederholen \"{key}\" --auch-gesendet",
                )
            )  # fmt: skip
    if len(missing) > MAX_FINDINGS:
        findings.append(
            Hinweis(
                tabelle=Versand.TAB, spalte="Schlüssel", schwere="Warnung",
                hinweis=f"Weitere {len(missing) - MAX_FINDINGS} Zeilen fehlten im Tab »Versand« (von Hand "
                "gelöscht?) und wurden wiederhergestellt (Spalte »Fehler«); nichts davon wird erneut gesendet.",
                vorschlag="Nichts zu tun; Zeilen in »Versand« bitte nicht löschen.",
            )
        )  # fmt: skip
    return restored, findings


def unreadable_memo(reason: str) -> tuple[str, Hinweis]:
    """Why nothing is sent while the memo cannot be read, and the finding with the fix."""
    stop = (
        f"Die Datei {MEMO_FILE} im Arbeitsordner ist unlesbar ({reason}); ob Zeilen in »Versand« von Hand "
        "gelöscht wurden, ist unklar: es wird nichts gesendet."
    )
    return stop, Hinweis(
        tabelle=Versand.TAB, spalte="Schlüssel", schwere="Fehler", hinweis=stop,
        vorschlag=f"Die Datei {MEMO_FILE} aus der Sicherung holen; sonst, wenn in »Versand« keine Zeile fehlt, "
        "die Datei löschen: der nächste Lauf legt sie neu an.",
    )  # fmt: skip


def _time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None
