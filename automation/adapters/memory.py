"""In-package fakes of the edges, for tests and trials – the way httpx ships ``MockTransport``.

- :class:`MemoryStore`: a :class:`~automation.domain.store.Store` whose tabs live in memory, with the same
  rules as the real stores (columns by header, rows by ID, cells edited meanwhile are conflicts).
- :class:`ListAnswerSource`: an :class:`~automation.domain.answers.base.AnswerSource` over a list of answers.
- :class:`RecordingSender`: a :class:`~automation.adapters.mail.senders.Sender` that keeps every message.

Hand them to :class:`~automation.services.wiring.Workspace` (``Workspace.open(folder, store=…, answers=…,
sender=…)``) and every command runs in-process against them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from automation.domain.cells import Cell, same_cell
from automation.domain.store import ApplyResult, ChangeSet, Conflict, Row, Snapshot, Table, find_header, header_key

if TYPE_CHECKING:
    from automation.domain.answers.base import RawAnswer
    from automation.domain.forms import FormDefinition


@dataclass
class _Tab:
    headers: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)  # header (as in ``headers``) → value

    def column(self, name: str) -> str:
        index = find_header(self.headers, name)
        if index is None:
            self.headers.append(name)
            return name
        return self.headers[index]

    def row_of(self, key_column: str, key: str) -> dict[str, Any] | None:
        column = self.column(key_column)
        return next((r for r in self.rows if str(r.get(column) or "").strip() == key), None)


@dataclass
class MemoryStore:
    """Tabs in memory; ``tabs`` maps a tab name to its header row and rows."""

    tabs: dict[str, _Tab] = field(default_factory=dict)
    reads: int = 0
    applies: int = 0

    def describe(self) -> str:
        return "Tabelle im Arbeitsspeicher"

    def read(self) -> Snapshot:
        self.reads += 1
        snapshot: Snapshot = {}
        for name, tab in self.tabs.items():
            rows = [
                Row(number, {h: row.get(h) for h in tab.headers})
                for number, row in enumerate(tab.rows, start=2)
                if any(row.get(h) not in (None, "") for h in tab.headers)
            ]
            snapshot[name] = Table(name, list(tab.headers), rows)
        return snapshot

    def ensure_tabs(self, tabs: dict[str, list[str]]) -> list[str]:
        created = []
        for name, headers in tabs.items():
            if name not in self.tabs:
                self.tabs[name] = _Tab(list(headers))
                created.append(name)
            else:
                known = {header_key(h) for h in self.tabs[name].headers}
                self.tabs[name].headers += [h for h in headers if header_key(h) not in known]
        return created

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        yield

    def _tab(self, name: str) -> _Tab:
        return self.tabs.setdefault(name, _Tab([]))

    def apply(self, changes: ChangeSet) -> ApplyResult:
        self.applies += 1
        result = ApplyResult(new_rows={})
        for change in changes.cells:
            tab = self._tab(change.tab)
            row = tab.row_of(change.key_column, change.key)
            if row is None:
                result.conflicts.append(Conflict(change.tab, change.key, "", change.old, None))
                continue
            column = tab.column(change.column)
            if not same_cell(row.get(column), change.old):
                result.conflicts.append(Conflict(change.tab, change.key, change.column, change.old, row.get(column)))
                continue
            row[column] = change.new
            result.written_cells += 1
        for replace in changes.replaces:
            tab = self._tab(replace.tab)
            for header in replace.headers:
                tab.column(header)
            tab.rows = [{tab.column(h): v for h, v in values.items()} for values in replace.rows]
        for append in changes.appends:
            tab = self._tab(append.tab)
            tab.rows.append({tab.column(h): v for h, v in append.values.items()})
            result.appended_rows += 1
            assert result.new_rows is not None
            result.new_rows.setdefault(append.tab, []).append(len(tab.rows) + 1)
        for delete in changes.deletes:
            tab = self._tab(delete.tab)
            found = tab.row_of(delete.key_column, delete.key)
            if found is not None:
                tab.rows.remove(found)
                result.deleted_rows += 1
        return result

    def cells(self, tab: str) -> list[dict[str, Cell]]:
        """The rows of a tab as header → value (for assertions)."""
        return [dict(r) for r in self.tabs[tab].rows] if tab in self.tabs else []


@dataclass
class ListAnswerSource:
    """Form answers from a list (``add`` more between runs)."""

    answers: list[RawAnswer] = field(default_factory=list)

    def describe(self) -> str:
        return "Antwortliste im Arbeitsspeicher"

    def add(self, answer: RawAnswer) -> None:
        self.answers.append(answer)

    def fetch(self, forms: dict[str, FormDefinition], since: dict[str, dt.datetime | None]) -> list[RawAnswer]:
        result = []
        for answer in self.answers:
            if answer.formular not in forms:
                continue
            mark = since.get(answer.formular)
            if mark is None or answer.geaendert >= mark:
                result.append(answer)
        return result


@dataclass
class RecordingSender:
    """Keeps every message by its ledger key instead of sending it."""

    sent: list[tuple[str, EmailMessage]] = field(default_factory=list)
    connections: int = 0
    paced: bool = False

    def __enter__(self) -> Self:
        self.connections += 1
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        return None

    def send(self, message: EmailMessage, key: str) -> None:
        self.sent.append((key, message))

    def describe(self) -> str:
        return "Aufzeichnung im Arbeitsspeicher"

    def sent_keys(self) -> list[str]:
        return [key for key, _ in self.sent]
