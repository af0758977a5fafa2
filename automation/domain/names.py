"""How people are named where others may read it: the one display-name rule.

``full_name`` for messages to the person themself; ``short_name`` (first name and the initial of the last
name, ``Anna B.``) for everything shown to others – table plans, route cards, the ``Tischplan`` tab.
"""

from __future__ import annotations


def full_name(first: str | None, last: str | None, fallback: str) -> str:
    """``Vorname Nachname``; ``fallback`` when both are empty."""
    name = " ".join(p.strip() for p in (first, last) if p and p.strip())
    return name or fallback


def short_name(first: str | None, last: str | None, fallback: str) -> str:
    """``Anna B.``; only one of the two: that one (a last name as its initial); ``fallback`` without any."""
    first = (first or "").strip()
    last = (last or "").strip()
    if first and last:
        return f"{first} {last[0]}."
    return first or (f"{last[0]}." if last else fallback)


def short_from_full(name: str | None, fallback: str) -> str:
    """``Anna Maria Becker`` → ``Anna B.`` (first word and initial of the last word)."""
    parts = (name or "").split()
    if len(parts) < 2:
        return parts[0] if parts else fallback
    return short_name(parts[0], parts[-1], fallback)


def unique_names(full: dict[str, str], short: dict[str, str]) -> dict[str, str]:
    """Short printed names made unique: two »Anna B.« become »Anna Becker« and »Anna Brandt«; people with
    the same full name get »(1)«, »(2)« in a fixed order (by their ID)."""
    result = dict(short)
    groups: dict[str, list[str]] = {}
    for key, name in short.items():
        groups.setdefault(name, []).append(key)
    for name, keys in groups.items():
        if len(keys) < 2:
            continue
        long = {key: full.get(key) or name for key in keys}
        counter: dict[str, int] = {}
        for key in sorted(keys):
            if sum(1 for value in long.values() if value == long[key]) > 1:
                counter[long[key]] = counter.get(long[key], 0) + 1
                result[key] = f"{long[key]} ({counter[long[key]]})"
            else:
                result[key] = long[key]
    return result
