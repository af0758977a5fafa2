"""Plan to JSON text and to the rows of the ``Tischplan`` tab (pure)."""

from __future__ import annotations

import json

from automation.tischplan.modell import Instanz, Plan


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


def eindeutige_namen(voll: dict[str, str], kurz: dict[str, str]) -> dict[str, str]:
    """Short printed names made unique: two »Anna B.« become »Anna Becker« and »Anna Brandt«; people with
    the same full name get »(1)«, »(2)« in a fixed order."""
    result = dict(kurz)
    gruppen: dict[str, list[str]] = {}
    for pid, name in kurz.items():
        gruppen.setdefault(name, []).append(pid)
    for name, pids in gruppen.items():
        if len(pids) < 2:
            continue
        lang = {pid: voll.get(pid) or name for pid in pids}
        zaehler: dict[str, int] = {}
        for pid in sorted(pids):
            if sum(1 for v in lang.values() if v == lang[pid]) > 1:
                zaehler[lang[pid]] = zaehler.get(lang[pid], 0) + 1
                result[pid] = f"{lang[pid]} ({zaehler[lang[pid]]})"
            else:
                result[pid] = lang[pid]
    return result


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
