"""How a pydantic validation error is shown to a person: one ``ort: meldung`` line per problem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError


def error_lines(
    exc: ValidationError, message: Callable[[Any], str] | None = None, *, root: str = "(Wurzel)", bullet: str = ""
) -> list[str]:
    """``loc: message`` for every error (``message`` may translate one error, default: pydantic's text)."""
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or root
        lines.append(f"{bullet}{where}: {message(error) if message else error['msg']}")
    return lines
