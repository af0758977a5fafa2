"""Colour contrast after WCAG 2.1 (pure): printouts keep white text on the main colour readable."""

from __future__ import annotations

MIN_CONTRAST = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of ``#rrggbb``."""
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """Contrast ratio of two colours (1 … 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def darker(colour: str, factor: float) -> str:
    """The colour mixed with black (``factor`` 0 … 1 of the original kept)."""
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return "#" + "".join(f"{round(c * factor):02x}" for c in (r, g, b))


def readable_on_white(colour: str, minimum: float = MIN_CONTRAST) -> str:
    """The colour itself if white text on it (and it on white) reaches ``minimum``, else the lightest darker
    shade that does."""
    colour = colour.lower()
    factor = 1.0
    candidate = colour
    while contrast(candidate, "#ffffff") < minimum and factor > 0:
        factor = round(factor - 0.02, 2)
        candidate = darker(colour, factor)
    return candidate
