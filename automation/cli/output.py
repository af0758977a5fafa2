"""How command results look on a terminal: a short summary and a table of findings."""

from __future__ import annotations

from collections import Counter

import click

from automation.domain.addresses import mask_addresses
from automation.job.runner import Report
from automation.records import Hinweis

_COLOURS = {"Fehler": "red", "Warnung": "yellow", "Info": "blue"}


def findings_table(findings: list[Hinweis], limit: int = 25) -> str:
    """Findings as an aligned text table (first ``limit`` rows, errors first)."""
    if not findings:
        return "Keine Hinweise."
    rows = [("Schwere", "Tabelle", "Zeile", "Spalte", "Hinweis", "Vorschlag")]
    for f in findings[:limit]:
        hinweis, vorschlag = mask_addresses(f.hinweis), mask_addresses(f.vorschlag or "")  # stdout goes to logs
        rows.append((f.schwere, f.tabelle, str(f.zeile or ""), f.spalte or "", hinweis, vorschlag))
    widths = [min(max(len(r[i]) for r in rows), cap) for i, cap in enumerate((7, 12, 5, 24, 70, 60))]
    lines = []
    for row in rows:
        cells = [(c if len(c) <= w else c[: w - 1] + "…").ljust(w) for c, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    if len(findings) > limit:
        lines.append(f"… und {len(findings) - limit} weitere (alle im Tab »Hinweise«).")
    return "\n".join(lines)


def print_report(report: Report, title: str) -> None:
    click.echo(click.style(title, bold=True))
    for line in report.lines:
        click.echo(f"  {mask_addresses(line)}")
    for what, n in sorted(report.counts.items()):
        click.echo(f"  {what}: {n}")
    by_severity = Counter(f.schwere for f in report.findings)
    summary = ", ".join(f"{by_severity.get(s, 0)} {s}" for s in ("Fehler", "Warnung", "Info"))
    click.echo(click.style(f"Hinweise: {summary}", bold=True))
    if report.findings:
        click.echo(findings_table(report.findings))


def report_json(report: Report) -> dict[str, object]:
    return {
        "zaehler": report.counts,
        "meldungen": [mask_addresses(line) for line in report.lines],
        "hinweise": [
            f.model_copy(
                update={"hinweis": mask_addresses(f.hinweis), "vorschlag": f.vorschlag and mask_addresses(f.vorschlag)}
            ).model_dump(by_alias=True)
            for f in report.findings
        ],
        "sekunden_je_schritt": report.step_seconds,
    }
