"""All tabs as records in memory, with the findings of reading them and the changes made since.

``Dataset.from_snapshot`` parses every tab; steps of the job then ``put``/``delete``/``replace`` records,
and ``changes()`` turns what differs from the snapshot into a :class:`ChangeSet`: only cells whose value
really changed, addressed by ID, each with the raw value read (so a store can refuse to overwrite a cell
someone edited meanwhile). A cell a person filled with something unreadable is never overwritten.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from automation.domain.cells import read_cell, read_row, same_cell, to_cell, write_row
from automation.domain.normalize import CellError, is_empty
from automation.domain.records import TABS, Column, Hinweis, Record, columns, headers
from automation.domain.schema import SchemaCheck, check_schema
from automation.domain.store import (
    Append,
    ApplyResult,
    CellChange,
    ChangeSet,
    Delete,
    Replace,
    Snapshot,
    Table,
    find_header,
)

R = TypeVar("R", bound=Record)


@dataclass
class TabState:
    """One tab: its records by ID (or in order, for generated tabs) and what they were when read."""

    model: type[Record]
    present: bool
    records: dict[str, Record] = field(default_factory=dict)
    ordered: list[Record] = field(default_factory=list)  # tabs without ID column
    original_rows: list[dict[str, Any]] = field(default_factory=list)  # their rows as read
    raw: dict[str, dict[str, Any]] = field(default_factory=dict)
    row_numbers: dict[str, int] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    dirty: set[str] = field(default_factory=set)  # keys put since the last commit
    # ID → headers of cells a person filled with something unreadable (the row may have no record then)
    unreadable: dict[str, list[str]] = field(default_factory=dict)
    replaced: bool = False
    missing: set[str] = field(default_factory=set)  # headers of the model the tab lacked when read
    had_rows: bool = False  # whether the tab had rows when read


class Dataset:
    """Records of every tab, read from one snapshot of a store."""

    def __init__(self) -> None:
        self.tabs: dict[str, TabState] = {}
        self.findings: list[Hinweis] = []
        # rows written since the snapshot, per tab, and whether the stored rows are exactly known
        self.touched: dict[str, set[str]] = {}
        self.exact = True
        self.schema = SchemaCheck()  # renamed or missing tabs and headers: reported, never written to

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> Dataset:
        dataset = cls()
        dataset.schema = check_schema({name: (t.headers, bool(t.rows)) for name, t in snapshot.items()})
        dataset.findings += dataset.schema.findings
        for spec in TABS:
            dataset.tabs[spec.name] = dataset._read_tab(spec.model, snapshot.get(spec.name))
        return dataset

    def _read_tab(self, model: type[Record], table: Table | None) -> TabState:
        state = TabState(model, present=table is not None)
        if table is None:
            return state
        canonical: dict[str, str] = {}
        missing = []
        state.had_rows = bool(table.rows)
        for column in columns(model):
            index = find_header(table.headers, column.header)
            if index is None:
                state.missing.add(column.header)
                if column.required:
                    missing.append(column.header)
            else:
                canonical[table.headers[index]] = column.header
        if missing and table.rows:
            return state  # reported by the schema check (automation.domain.schema)
        renamed = any(canonical.get(h, h) != h for h in table.headers)
        for row in table.rows:
            # the row's own dict when no header needs its canonical spelling: one copy of 100,000 rows, not two
            # (never changed in place: stores and ``commit`` replace a row's dict instead)
            values = {canonical.get(h, h): v for h, v in row.values.items()} if renamed else row.values
            record, findings = _read_row_cached(model, values, row.number)
            self.findings += findings
            if model.ID is not None:
                bad = [
                    f.spalte
                    for f in findings
                    if f.schwere == "Fehler" and f.spalte and not is_empty(values.get(f.spalte))
                ]
                key_text = str(values.get(model.ID) or "").strip()
                if bad and key_text:
                    state.unreadable.setdefault(key_text, []).extend(bad)
            if record is None:
                continue
            if model.ID is None:
                state.ordered.append(record)
                state.original_rows.append(values)
                continue
            key = record.key()
            if key in state.records:
                self.findings.append(
                    Hinweis(
                        tabelle=model.TAB, zeile=row.number, id=key, spalte=model.ID, schwere="Fehler",
                        hinweis=f"Die ID {key} steht schon in Zeile {state.row_numbers[key]}; "
                        "diese Zeile wird übergangen.",
                        vorschlag="Eine eigene, noch nicht vergebene ID eintragen.",
                    )
                )  # fmt: skip
                continue
            state.records[key] = record
            state.raw[key] = values
            state.row_numbers[key] = row.number
        return state

    # -- reading ---------------------------------------------------------------------------------

    def all(self, model: type[R]) -> list[R]:
        """Every record of a tab, in sheet order (new ones last)."""
        state = self.tabs[model.TAB]
        items = state.ordered if model.ID is None else list(state.records.values())
        return [r for r in items if isinstance(r, model)]

    def get(self, model: type[R], key: str) -> R | None:
        record = self.tabs[model.TAB].records.get(key)
        return record if isinstance(record, model) else None

    def unreadable(self, model: type[Record], key: str) -> list[str]:
        """Headers of the row with this ID whose cells could not be read (empty: all readable). A row whose
        required cell is unreadable exists in the sheet but has no record: what depends on it waits."""
        return self.tabs[model.TAB].unreadable.get(key, [])

    def unreadable_text(self, model: type[Record], key: str) -> str:
        """German sentence naming the unreadable cells of the row with this ID (tab, row, column, value)."""
        columns_ = self.unreadable(model, key)
        found = [
            f for f in self.findings
            if f.tabelle == model.TAB and f.id == key and f.schwere == "Fehler" and f.spalte in columns_
        ]  # fmt: skip
        if not found:
            return ""
        row = f" (Zeile {found[0].zeile})" if found[0].zeile else ""
        cells = "; ".join(f"Spalte »{f.spalte}«: {f.hinweis}" for f in found)
        return f"Die Zeile von »{key}« im Tab »{model.TAB}«{row} ist nicht lesbar – {cells}"

    def row_number(self, model: type[Record], key: str) -> int | None:
        return self.tabs[model.TAB].row_numbers.get(key)

    def __iter__(self) -> Iterator[TabState]:
        return iter(self.tabs.values())

    # -- changing --------------------------------------------------------------------------------

    def put(self, record: Record) -> None:
        """Add a new record or replace the record with the same ID."""
        state = self.tabs[record.TAB]
        if record.ID is None:
            state.ordered.append(record)
            state.replaced = True
            return
        key = record.key()
        state.deleted.discard(key)
        state.records[key] = record
        state.dirty.add(key)

    def delete(self, model: type[Record], key: str) -> None:
        state = self.tabs[model.TAB]
        if state.records.pop(key, None) is not None and key in state.raw:
            state.deleted.add(key)

    def replace(self, model: type[R], records: list[R]) -> None:
        """Replace the whole body of a generated tab (``Hinweise``, ``Tischplan``)."""
        state = self.tabs[model.TAB]
        state.ordered = list(records)
        state.replaced = True

    def changes(self) -> ChangeSet:
        """Everything that differs from the snapshot, as a change set for the store."""
        result = ChangeSet()
        for state in self.tabs.values():
            model = state.model
            if model.TAB in self.schema.blocked:
                continue  # a renamed tab or header: never written to, never repaired by guessing
            if model.ID is None:
                rows = [write_row(r) for r in state.ordered]
                if state.replaced and not _same_rows(rows, state.original_rows):
                    result.replaces.append(Replace(model.TAB, headers(model), rows))
                continue
            for key, record in state.records.items():
                if key not in state.dirty:
                    continue
                if key not in state.raw:
                    values = write_row(record)
                    if state.had_rows and state.missing:  # never re-create a missing column under rows
                        values = {h: v for h, v in values.items() if h not in state.missing}
                    result.appends.append(Append(model.TAB, values))
                    continue
                for column in columns(model):
                    change = _cell_change(model, key, column, state.raw[key].get(column.header), record)
                    if change is not None:
                        result.cells.append(change)
            for key in sorted(state.deleted):
                result.deletes.append(Delete(model.TAB, model.ID, key))
        return result

    def commit(self, result: ApplyResult | None = None) -> None:
        """Take the current records as the new baseline (after the store wrote the changes).

        Cells the job did not change keep the value as the person typed it (``0221/4710482``, not the
        normalised ``+49 221 4710482``), so a later compare-and-set in the same run still matches the sheet.
        With the store's ``result``, appended rows learn their row numbers; without it, or after deletes or
        conflicts, the rows are no longer exactly known (:attr:`exact`), and findings need a fresh read.
        """
        pending = self.changes()
        if result is None or result.conflicts or pending.deletes or (pending.appends and result.new_rows is None):
            self.exact = False
        new_rows = {tab: list(rows) for tab, rows in (result.new_rows or {}).items()} if result else {}
        for append in pending.appends:
            model = self.tabs[append.tab].model
            numbers = new_rows.get(append.tab)
            if model.ID is not None and numbers:
                self.tabs[append.tab].row_numbers[str(append.values.get(model.ID))] = numbers.pop(0)
        for change in pending.cells:  # a new dict: the old one may be the store's own row (see _read_tab)
            raw = self.tabs[change.tab].raw
            raw[change.key] = {**raw[change.key], change.column: change.new}
        for state in self.tabs.values():
            if state.model.ID is None:
                state.replaced = False
                state.original_rows = [dict(write_row(r)) for r in state.ordered]
                continue
            for key in state.deleted:
                state.raw.pop(key, None)
            state.deleted.clear()
            for key in state.dirty:
                record = state.records.get(key)
                if record is not None and key not in state.raw:
                    state.raw[key] = dict(write_row(record))
            self.touched.setdefault(state.model.TAB, set()).update(state.dirty)
            state.dirty.clear()

    def current_findings(self) -> list[Hinweis]:
        """The findings a fresh read of the store would give, without reading it (only when :attr:`exact`):
        those of the snapshot for untouched rows, and the touched rows read again as they were written."""
        assert self.exact
        result = [f for f in self.findings if not (f.id and f.id in self.touched.get(f.tabelle, ()))]
        for tab, keys in self.touched.items():
            state = self.tabs[tab]
            for key in keys:
                if key in state.records and key in state.raw:
                    _, found = _read_row_cached(state.model, state.raw[key], state.row_numbers.get(key) or 0)
                    result += found
        return result


# model → the row's ID (or its number, for tabs without IDs) → the cell values read and what they gave
_PARSED: dict[type[Record], dict[object, tuple[dict[str, Any], Record | None, list[Hinweis]]]] = {}
_PARSED_MAX = 200_000


def _read_row_cached(
    model: type[Record], values: dict[str, Any], row_number: int
) -> tuple[Record | None, list[Hinweis]]:
    """``read_row``, remembered per tab and row: a run reads the store again after writing (for the
    Hinweise), and most rows are unchanged. The cache holds the row's dict itself (rows are never changed
    in place, see ``_read_tab``) and compares it with the row read now: no copy of the values is kept.
    Records are never changed in place either, so sharing them is safe."""
    cache = _PARSED.setdefault(model, {})
    identity: object = values.get(model.ID) if model.ID is not None else None
    if not isinstance(identity, str | int | float) or isinstance(identity, bool):
        identity = ("Zeile", row_number)
    cached = cache.get(identity)
    if cached is not None and (cached[0] is values or _same_values(cached[0], values)):
        _, record, findings = cached
    else:
        record, findings = read_row(model, values, row_number)
        if sum(len(c) for c in _PARSED.values()) > _PARSED_MAX and identity not in cache:
            _PARSED.clear()
            cache = _PARSED.setdefault(model, {})
        cache[identity] = (values, record, findings)
    if all(f.zeile == row_number for f in findings):
        return record, findings  # the cached list itself (read only): most rows have no findings
    return record, [f if f.zeile == row_number else f.model_copy(update={"zeile": row_number}) for f in findings]


def _same_values(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Equal cells, also in type (``1`` and ``True`` and ``1.0`` are different cells)."""
    return old.keys() == new.keys() and all(type(v) is type(new[k]) and v == new[k] for k, v in old.items())


def _same_rows(new: list[dict[str, Any]], old: list[dict[str, Any]]) -> bool:
    if len(new) != len(old):
        return False
    return all(
        same_cell(value, before.get(header))
        for row, before in zip(new, old, strict=True)
        for header, value in row.items()
    )


def _cell_change(model: type[Record], key: str, column: Column, raw: Any, record: Record) -> CellChange | None:
    new_value = getattr(record, column.field)
    try:
        old_value, _ = read_cell(column, raw)
    except CellError:
        return None  # never overwrite what a person typed, even if it is unreadable
    if old_value == new_value or (is_empty(old_value) and new_value in (None, [])):
        return None
    if (
        column.field in model.model_fields
        and old_value is None
        and new_value == model.model_fields[column.field].default
    ):
        return None  # an empty cell already means the default
    assert model.ID is not None
    return CellChange(model.TAB, model.ID, key, column.header, raw, to_cell(column, new_value))
