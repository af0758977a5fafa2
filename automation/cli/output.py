"""How command results look on a terminal: a short summary and a table of findings."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from automation.domain.records import Hinweis
    from automation.domain.run import Report

_COLOURS = {"Fehler": "red", "Warnung": "yellow", "Info": "blue"}


def findings_table(findings: list[Hinweis], limit: int = 25, width: int | None = None) -> str:
    """Findings with their whole text (first ``limit``, errors first), wrapped to the terminal's width.

    Each finding is a block: severity and place on the first line, then the finding and the suggestion,
    never cut off.
    """
    import shutil
    import textwrap

    if not findings:
        return "Keine Hinweise."
    width = max(60, width or shutil.get_terminal_size((100, 24)).columns)
    lines = []
    for f in findings[:limit]:
        place = [f.tabelle]
        if f.zeile:
            place.append(f"Zeile {f.zeile}")
        if f.spalte:
            place.append(f"Spalte »{f.spalte}«")
        if f.id and not f.zeile:
            place.append(f.id)
        lines.append(f"{f.schwere}: " + ", ".join(p for p in place if p))
        lines += textwrap.wrap(f.hinweis, width - 4, initial_indent="    ", subsequent_indent="    ")
        if f.vorschlag:
            lines += textwrap.wrap(
                f"Vorschlag: {f.vorschlag}", width - 4, initial_indent="    ", subsequent_indent="      "
            )
    if len(findings) > limit:
        lines.append(f"… und {len(findings) - limit} weitere (alle im Tab »Hinweise«).")
    return "\n".join(lines)


def print_report(report: Report, title: str) -> None:
    click.echo(click.style(title, bold=True))
    for line in report.lines:
        click.echo(f"  {line}")
    for what, n in sorted(report.counts.items()):
        click.echo(f"  {what}: {n}")
    by_severity = Counter(f.schwere for f in report.findings)
    from automation.domain.words import count

    plural = {"Fehler": "Fehler", "Warnung": "Warnungen", "Info": "Infos"}
    summary = ", ".join(count(by_severity.get(s, 0), s, plural[s]) for s in ("Fehler", "Warnung", "Info"))
    click.echo(click.style(f"Hinweise: {summary}", bold=True))
    if report.findings:
        click.echo(findings_table(report.findings))


def report_json(report: Report) -> dict[str, object]:
    return {
        "zaehler": report.counts,
        "meldungen": report.lines,
        "hinweise": [f.model_dump(by_alias=True) for f in report.findings],
        "sekunden_je_schritt": report.step_seconds,
    }
