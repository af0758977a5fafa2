"""``gespraechsrunde einrichten``: prepare the store the coordinator created (tabs, headers, dropdowns, protection).

Missing tabs are created with their headers, missing headers are added at the right end; nothing existing is
deleted or reordered, and a second run changes nothing. Both stores also get dropdowns for value sets
(warnings only: messy input like ``x`` stays allowed) and frozen header rows; Google a warning-only protection of
the tabs the job maintains, the local workbook a grey tab colour for them.
"""

from __future__ import annotations

from automation.domain.records import TABS, Kind, columns, headers
from automation.domain.store import FormattableStore, Store, TabLayout

__all__ = ["FormattableStore", "TabLayout", "layouts", "set_up"]

YES_NO = ("ja", "nein")


def layouts() -> list[TabLayout]:
    """Every tab of ``records.TABS`` with the value sets derived from its columns."""
    result = []
    for spec in TABS:
        choices: dict[str, tuple[str, ...]] = {}
        for column in columns(spec.model):
            if column.kind is Kind.CHOICE:
                choices[column.header] = column.choices
            elif column.kind in (Kind.BOOL, Kind.CONSENT, Kind.OPT_OUT):
                choices[column.header] = YES_NO
        result.append(TabLayout(spec.name, headers(spec.model), choices, spec.owner == "job"))
    return result


def set_up(store: Store, *, new_ledger: bool = False) -> list[str]:
    """Set up the store; returns German lines saying what was done (and what it refused to create)."""
    from automation.domain.gate import repairable

    tabs = layouts()
    wanted, refused = repairable({t.name: t.headers for t in tabs}, store.read(), columns=False, new_ledger=new_ledger)
    created = store.ensure_tabs(wanted)
    lines = [f"Tabellenblatt »{name}« angelegt." for name in created] + refused
    if isinstance(store, FormattableStore):
        lines += store.format_tabs(tabs)
    if not lines:
        lines.append(f"{store.describe()} ist bereits eingerichtet; nichts zu tun.")
    return lines
