"""Counted nouns in German sentences: »1 Antwort«, »2 Antworten«."""

from __future__ import annotations


def count(n: int, one: str, many: str) -> str:
    """``n`` with the noun in singular or plural (``count(1, "Antwort", "Antworten")`` → ``1 Antwort``)."""
    return f"{n} {one if n == 1 else many}"
