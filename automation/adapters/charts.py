"""Charts as SVG, drawn offline with matplotlib (no network, no CDN); text stays text in the SVG."""

from __future__ import annotations

import datetime as dt
import io
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
