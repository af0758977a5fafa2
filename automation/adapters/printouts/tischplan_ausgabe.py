"""Plan to JSON text, and display names for print (pure). The ``Tischplan`` tab: ``automation.domain.tischplan_tab``."""

from __future__ import annotations

import json

from automation.domain.names import short_from_full
from automation.domain.tischplan.model import Plan


def plan_json(plan: Plan) -> str:
    """The plan in the exact JSON format of docs/tischplan.md (umlauts unescaped, indented)."""
    return json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def anzeigename(name: str | None, ident: str) -> str:
    """First name and initial of the last name (``Anna Becker`` → ``Anna B.``); the id without a name."""
    return short_from_full(name, ident)
