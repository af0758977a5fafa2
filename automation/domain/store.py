"""The store interface: read every tab at once, write back a set of changes addressed by ID.

Stores (the local workbook, Google Sheets) hand out raw cells; turning them into records is the job of
``automation.domain.cells``. Writes are a :class:`ChangeSet`:

- ``CellChange``: one cell of the row whose ID column holds ``key``, with the value the job read
  (``old``). A store re-reads the row right before writing and skips the change when the cell no longer
  holds ``old`` (someone edited it meanwhile) — reported as a :class:`Conflict`, never overwritten.
- ``Append``: a new row at the end of a tab (missing job columns are added to the header).
- ``Replace``: the whole body of a generated tab (``Hinweise``, ``Tischplan``).
- ``Delete``: the row with this ID (erasure on request, DSGVO).

Text is always written as a plain value, never as a formula.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from automation.domain.cells import Cell


@dataclass(frozen=True)
class TabLayout:
    """A tab as ``einrichten`` sets it up: headers, allowed values per column, owned by the job or not."""

    name: str
    headers: list[str]
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    job_owned: bool = False
    # A workbook people can read (issue 12): width in characters, number formats (Excel codes such as
    # ``DD.MM.YYYY``), columns with wrapped text, background colours per value (the text keeps the meaning).
    widths: dict[str, float] = field(default_factory=dict)
    number_formats: dict[str, str] = field(default_factory=dict)
    wrap: tuple[str, ...] = ()
    colours: dict[str, dict[str, str]] = field(default_factory=dict)


@runtime_checkable
class FormattableStore(Protocol):
    """A store that can also add dropdowns, frozen rows and protection (both stores)."""

    def format_tabs(self, layouts: list[TabLayout]) -> list[str]: ...


@dataclass
class Row:
    """A sheet row as read: its 1-based row number in the sheet and header → raw value."""

    number: int
    values: dict[str, Any]


@dataclass
class Table:
    """A tab as read: its header row (in sheet order) and its non-empty rows."""

    name: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)


Snapshot = dict[str, Table]


@dataclass(frozen=True)
class CellChange:
    tab: str
    key_column: str
    key: str
    column: str
    old: Cell
    new: Cell


@dataclass(frozen=True)
class Append:
    tab: str
    values: dict[str, Cell]


@dataclass(frozen=True)
class Replace:
    tab: str
    headers: list[str]
    rows: list[dict[str, Cell]]


@dataclass(frozen=True)
class Delete:
    tab: str
    key_column: str
    key: str


@dataclass
class ChangeSet:
    """Everything one step wants written; applied by a store in one go."""

    cells: list[CellChange] = field(default_factory=list)
    appends: list[Append] = field(default_factory=list)
    replaces: list[Replace] = field(default_factory=list)
    deletes: list[Delete] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.cells or self.appends or self.replaces or self.deletes)

    def extend(self, other: ChangeSet) -> None:
        self.cells += other.cells
        self.appends += other.appends
        self.replaces += other.replaces
        self.deletes += other.deletes


@dataclass(frozen=True)
class Conflict:
    """A change that was not written because the row changed after the job read it."""

    tab: str
    key: str
    column: str
    expected: Cell
    found: Any

    def message(self) -> str:
        if self.column == "":
            return f"{self.tab}: Zeile mit ID {self.key} nicht mehr gefunden; Änderung folgt im nächsten Lauf."
        return (
            f"{self.tab}, ID {self.key}, Spalte »{self.column}«: wurde inzwischen von Hand geändert "
            f"(»{self.found}«); der Job hat nichts überschrieben."
        )


@dataclass
class ApplyResult:
    written_cells: int = 0
    appended_rows: int = 0
    deleted_rows: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    # where the appended rows landed, per tab in the order of the appends (None: the store does not say)
    new_rows: dict[str, list[int]] | None = None


class Store(Protocol):
    """Where the tabs live: a local workbook or a Google spreadsheet."""

    def describe(self) -> str:
        """A German phrase naming the store for messages, e.g. ``Arbeitsmappe daten.xlsx``."""
        ...

    def read(self) -> Snapshot:
        """Read every tab at once (missing tabs are absent from the snapshot)."""
        ...

    def apply(self, changes: ChangeSet) -> ApplyResult:
        """Write the changes; cells edited since ``read`` are left alone and reported as conflicts."""
        ...

    def ensure_tabs(self, tabs: dict[str, list[str]]) -> list[str]:
        """Create missing tabs with these headers and add missing headers; returns what was created."""
        ...

    def deferred(self) -> AbstractContextManager[None]:
        """Within this block, several ``apply`` calls may be written together when it ends."""
        ...


def header_key(header: Any) -> str:
    """How headers are compared: case, surrounding and doubled blanks do not matter."""
    return " ".join(str(header or "").split()).casefold()


def find_header(headers: list[str], name: str) -> int | None:
    """Index of ``name`` in a header row (compared with :func:`header_key`), or None."""
    wanted = header_key(name)
    for index, header in enumerate(headers):
        if header_key(header) == wanted:
            return index
    return None
