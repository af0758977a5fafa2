"""Schema drift: which tabs and headers the job expects but does not find, and what it may add itself.

A header that is missing while a similar one exists (``Email`` for ``E-Mail``), a required header missing
from a tab with rows, or a tab missing while a similar one exists (``Termine 2027``) is drift: it is
reported with the closest existing name, nothing is added for it, and whatever depends on that tab waits
(:attr:`SchemaCheck.blocked`). A header or tab that is simply absent (a workspace from an older version,
a new empty tab) may be added. Existing headers are never moved or renamed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from automation.domain.errors import GespraechsrundeError
from automation.domain.records import TABS, Hinweis, columns


def _key(name: str) -> str:
    return " ".join(str(name or "").split()).casefold()


def _loose(name: str) -> str:
    return re.sub(r"[^0-9a-zäöüß]", "", _key(name))


def closest(name: str, candidates: list[str]) -> str | None:
    """The candidate a person most likely meant by renaming ``name`` (or None)."""
    usable = [c for c in candidates if c.strip()]
    for candidate in usable:
        if _loose(candidate) == _loose(name) or _loose(candidate).startswith(_loose(name)):
            return candidate
    loose = {_loose(c): c for c in usable}
    found = difflib.get_close_matches(_loose(name), list(loose), n=1, cutoff=0.5)
    return loose[found[0]] if found else None


@dataclass
class SchemaCheck:
    """What was found missing; ``blocked`` maps a tab to its missing headers (``[]``: the tab itself)."""

    findings: list[Hinweis] = field(default_factory=list)
    blocked: dict[str, list[str]] = field(default_factory=dict)

    def require(self, tabs: tuple[str, ...], what: str) -> None:
        """Raise a German error naming the drift when ``what`` needs one of ``tabs`` and it drifted."""
        found = [f for f in self.findings if f.tabelle in tabs]
        if found:
            raise GespraechsrundeError(
                f"{what} ist nicht möglich: " + " ".join(f"{f.hinweis} {f.vorschlag or ''}".strip() for f in found)
            )

    def waiting(self, what: str, tabs: Sequence[str]) -> list[Hinweis]:
        """One finding per needed tab whose name or headers drifted (empty: nothing blocks ``what``)."""
        return [
            Hinweis(
                tabelle=tab, zeile=1, schwere="Warnung",  # the error is the drift itself, reported once
                hinweis=f"»{what}« wartet, bis der Tab »{tab}« wieder alle Spalten hat"
                + (f" (fehlt: {', '.join(self.blocked[tab])})." if self.blocked[tab] else "."),
                vorschlag="Siehe den Hinweis zu Zeile 1 dieses Tabs.",
            )
            for tab in tabs
            if tab in self.blocked
        ]  # fmt: skip

    def addable(self, wanted: dict[str, list[str]]) -> dict[str, list[str]]:
        """The tabs and headers a store may create: everything except drift."""
        result = {}
        for tab, headers in wanted.items():
            if tab in self.blocked and not self.blocked[tab]:
                continue
            missing = {_key(h) for h in self.blocked.get(tab, [])}
            result[tab] = [h for h in headers if _key(h) not in missing]
        return result


def check_schema(tabs: dict[str, tuple[list[str], bool]]) -> SchemaCheck:
    """``tabs``: per tab present in the store, its header row and whether it has rows."""
    check = SchemaCheck()
    expected_tabs = {spec.name for spec in TABS}
    strangers = [name for name in tabs if name not in expected_tabs]
    for spec in TABS:
        if spec.name not in tabs:
            similar = closest(spec.name, strangers)
            if similar is not None:
                check.blocked[spec.name] = []
                check.findings.append(
                    Hinweis(
                        tabelle=spec.name, spalte=None, schwere="Fehler",
                        hinweis=f"Der Tab »{spec.name}« fehlt – meinten Sie »{similar}«? Es wurde kein neuer Tab "
                        "angelegt; was diesen Tab braucht, wartet.",
                        vorschlag=f"Den Tab »{similar}« wieder »{spec.name}« nennen.",
                    )
                )  # fmt: skip
            continue
        headers, has_rows = tabs[spec.name]
        expected = {_key(c.header) for c in columns(spec.model)}
        unknown = [h for h in headers if h.strip() and _key(h) not in expected]
        present = {_key(h) for h in headers}
        for column in columns(spec.model):
            if _key(column.header) in present:
                continue
            similar = closest(column.header, unknown)
            if similar is None and not (column.required and has_rows):
                continue  # simply absent (older workspace): may be added
            check.blocked.setdefault(spec.name, []).append(column.header)
            guess = f" – meinten Sie »{similar}«?" if similar else "."
            fix = (
                f"Die Überschrift »{similar}« in Zeile 1 wieder »{column.header}« nennen."
                if similar
                else f"In Zeile 1 eine Spalte mit der Überschrift »{column.header}« anlegen und füllen."
            )
            check.findings.append(
                Hinweis(
                    tabelle=spec.name, zeile=1, spalte=column.header, schwere="Fehler",
                    hinweis=f"Die Spalte »{column.header}« fehlt im Tab »{spec.name}«{guess} Es wurde nichts "
                    "angefügt; was diese Spalte braucht, wartet, bis sie wieder da ist.",
                    vorschlag=fix,
                )
            )  # fmt: skip
    return check
