"""New IDs for rows the job creates: a prefix and eight random characters (``K-7Q4MZP2C``).

Random rather than counting up, because IDs travel in personal links (cancel, unsubscribe): a counted
ID would let anyone guess another person's link. Letters that look alike (0/O, 1/I/L) are left out.
"""

from __future__ import annotations

import secrets
from collections.abc import Container

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_id(prefix: str, taken: Container[str] = ()) -> str:
    """A fresh ID with this prefix that is not in ``taken``."""
    while True:
        candidate = f"{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(8))
        if candidate not in taken:
            return candidate
