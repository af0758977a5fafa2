"""Printout templates (Jinja2, autoescape on): the workspace's ``vorlagen/`` first, then the packaged ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automation.domain.resources import vorlagen_dir

if TYPE_CHECKING:
    import jinja2

MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
    "Dezember",
)  # fmt: skip
WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def german_date(day: dt.date, weekday: bool = True) -> str:
    """»Samstag, 13. März 2027«."""
    text = f"{day.day}. {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]}, {text}" if weekday else text


def time_span(start: dt.time | None, end: dt.time | None) -> str:
    """»14:00–17:00 Uhr«, »ab 14:00 Uhr« or empty."""
    if start and end:
        return f"{start:%H:%M}–{end:%H:%M} Uhr"
    return f"ab {start:%H:%M} Uhr" if start else ""


def install_bdi(env: jinja2.Environment) -> None:
    """Adds the filter ``bdi``: ``{{ name | bdi }}`` isolates what a person typed (``<bdi>…</bdi>``, escaped).

    In an Arabic page a German remark keeps its full stop at its end, and an Arabic name in a German page
    does not pull the neighbouring numbers or punctuation across (Unicode bidi isolation). Without
    autoescaping (plain-text mails) and for empty values it returns the value unchanged.
    """
    import jinja2
    import markupsafe

    @jinja2.pass_eval_context
    def bdi(eval_ctx: jinja2.nodes.EvalContext, value: Any) -> Any:
        if not eval_ctx.autoescape or value is None or value == "" or isinstance(value, jinja2.Undefined):
            return value
        return markupsafe.Markup("<bdi>{}</bdi>").format(value)

    env.filters["bdi"] = bdi


def render(template: str, folder: Path | None = None, **context: Any) -> str:
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

    loaders = [FileSystemLoader(str(folder / "vorlagen"))] if folder is not None else []
    env = Environment(
        loader=ChoiceLoader([*loaders, FileSystemLoader(str(vorlagen_dir()))]),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    install_bdi(env)
    return env.get_template(template).render(**context)
