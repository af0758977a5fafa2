"""Charts as SVG, drawn offline with matplotlib (no network, no CDN); text stays text in the SVG.

Bars of groups with fewer than three people are not drawn for clubs' reports: their value is ``None``
and the bar is replaced by the label »weniger als 3«, the same wording as in the data table beside it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

# Colours that stay apart for colour-blind readers (Okabe–Ito), in a fixed order; lines also differ in style.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
STYLES = ("-", "--", "-.", ":")


def line_chart_svg(title: str, days: list[dt.date], series: dict[str, list[int]], y_label: str) -> str:
    """A step chart of running totals over days, one line per series; the SVG as text.

    ``title`` becomes the SVG's accessible name; the page shows it as a heading above the chart.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates  # type: ignore[attr-defined,unused-ignore]
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"  # text as text: searchable, read by screen readers
    plt.rcParams["svg.hashsalt"] = "gespraechsrunde"  # the same data gives the same file
    from matplotlib.ticker import MaxNLocator

    figure, axes_ = plt.subplots(figsize=(7.5, 3.6), dpi=96)
    axes: Any = axes_  # matplotlib's stubs do not know dates on an axis
    try:
        for index, (name, values) in enumerate(series.items()):
            axes.step(days, values, where="post", label=name, color=PALETTE[index % len(PALETTE)],
                      linestyle=STYLES[index % len(STYLES)], linewidth=2)  # fmt: skip
        axes.set_ylabel(y_label)
        axes.grid(True, color="#dddddd")
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%d.%m."))  # type: ignore[no-untyped-call]
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        if series:
            axes.legend(loc="upper left", frameon=False, fontsize=9)
        figure.autofmt_xdate()
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
        svg = buffer.getvalue()
        from xml.sax.saxutils import escape

        return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" ', 1)
    finally:
        plt.close(figure)


SMALL_LABEL = "< 3"


def bar_chart(labels: Sequence[str], values: Sequence[int | float | None], *, color: str = "#1f5f8b") -> str:
    """A horizontal bar chart as an ``<svg>`` element (text stays text; no timestamps, deterministic)."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    height = 0.5 + 0.42 * max(1, len(labels))
    figure = Figure(figsize=(5.2, height))
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    drawn = [0.0 if v is None else float(v) for v in values]
    positions = list(range(len(labels)))
    axes.barh(positions, drawn, color=color, height=0.6)
    safe = [label.replace("$", r"\$") for label in labels]  # no mathtext from club names
    axes.set_yticks(positions, labels=safe, fontsize=9)
    axes.invert_yaxis()
    top = max(drawn, default=0.0) or 1.0
    axes.set_xlim(0, top * 1.18)
    for position, value in zip(positions, values, strict=True):
        text = SMALL_LABEL if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
        axes.text((0 if value is None else float(value)) + top * 0.02, position, text, va="center", fontsize=9)
    axes.set_xticks([])  # the values stand at the bars; no axis numbers that could show a small group
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    # fixed margins instead of tight_layout (which measures every text: the slowest part of a chart)
    longest = max((len(label) for label in labels), default=0)
    figure.subplots_adjust(
        left=min(0.5, 0.04 + 0.0125 * longest), right=0.97, top=1 - 0.12 / height, bottom=0.12 / height
    )
    buffer = io.StringIO()
    from matplotlib import rc_context

    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "gespraechsrunde", "font.family": "sans-serif"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
