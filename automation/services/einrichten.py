"""``gespraechsrunde einrichten``: prepare the store the coordinator created (tabs, headers, dropdowns, protection).

Missing tabs are created with their headers, missing headers are added at the right end; nothing existing is
deleted or reordered, and a second run changes nothing. Both stores also get dropdowns for value sets
(warnings only: messy input like ``x`` stays allowed) and frozen header rows; Google a warning-only protection of
the tabs the job maintains, the local workbook a grey tab colour for them.
"""

from __future__ import annotations

from automation.domain.layout import tab_layouts
from automation.domain.schema import check_schema
from automation.domain.store import FormattableStore, Store, TabLayout

__all__ = ["FormattableStore", "TabLayout", "layouts", "set_up"]


def layouts() -> list[TabLayout]:
    """Every tab of ``records.TABS`` with the value sets derived from its columns and its readable layout."""
    return tab_layouts()


def set_up(store: Store, *, new_ledger: bool = False) -> list[str]:
    """Set up the store; returns German lines saying what was done (and what it refused to create)."""
    from automation.domain.gate import repairable

    tabs = layouts()
    snapshot = store.read()
    drift = check_schema({name: (t.headers, bool(t.rows)) for name, t in snapshot.items()})
    every = {t.name: t.headers for t in tabs}
    addable = drift.addable(every)
    reported = drift.findings
    if new_ledger:  # the coordinator asked for a new ledger on purpose (a new spreadsheet): not a rename
        addable["Versand"] = every["Versand"]
        reported = [f for f in reported if f.tabelle != "Versand"]
    wanted, refused = repairable(addable, snapshot, columns=False, new_ledger=new_ledger)
    created = store.ensure_tabs(wanted)
    lines = [f"{f.tabelle}: {f.hinweis} {f.vorschlag}" for f in reported]
    lines += [f"Tabellenblatt »{name}« angelegt." for name in created] + refused
    if isinstance(store, FormattableStore):
        lines += store.format_tabs(tabs)
    if not lines:
        lines.append(f"{store.describe()} ist bereits eingerichtet; nichts zu tun.")
    return lines
