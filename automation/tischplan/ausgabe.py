"""Plan to JSON text and to the rows of the ``Tischplan`` tab (pure)."""

from __future__ import annotations

import json

from automation.tischplan.model import Instanz, Plan


def plan_json(plan: Plan) -> str:
    """The plan in the exact JSON format of TISCHPLAN.md (umlauts unescaped, indented)."""
    return json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def anzeigename(name: str | None, ident: str) -> str:
    """First name and initial of the last name (``Anna Becker`` → ``Anna B.``); the id without a name."""
    if not name or not name.strip():
        return ident
    teile = name.split()
    if len(teile) == 1:
        return teile[0]
    return f"{teile[0]} {teile[-1][0]}."


def plan_rows(instanz: Instanz, plan: Plan) -> list[dict[str, str]]:
    """One row per round and table for the ``Tischplan`` tab (without Termin-ID).

    ``Vereine`` lists club names, ``Teilnehmende`` the ids of the participants who are not guides,
    ``Lotsen`` the ids of the guides, each joined by ``", "``.
    """
    namen = {v.id: v.name or v.id for v in instanz.vereine}
    lotsen = {p.id for p in instanz.teilnehmende if p.lotse}
    vereine = {t.id: t.vereine for t in plan.tische}
    rows = []
    for runde in plan.runden:
        for rt in runde.tische:
            rows.append(
                {
                    "Runde": str(runde.runde),
                    "Tisch": rt.id,
                    "Vereine": ", ".join(namen.get(v, v) for v in vereine.get(rt.id, [])),
                    "Teilnehmende": ", ".join(p for p in rt.teilnehmende if p not in lotsen),
                    "Lotsen": ", ".join(p for p in rt.teilnehmende if p in lotsen),
                }
            )
    return rows
