"""IDs and addresses of the workspace's Google Forms, kept in ``formulare.json`` in the workspace.

Written by ``gespraechsrunde formulare``; read for answers and for personal (prefilled) links.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from automation.adapters.files import write_atomically
from automation.domain.errors import ConfigError

STATE_FILE = "formulare.json"


class FormState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    form_id: str
    responder_url: str  # the public link (…/viewform) people fill in
    edit_url: str | None = None
    revision_id: str | None = None
    definition_hash: str | None = None  # hash of what was last sent, for idempotent updates


def load_form_states(folder: Path) -> dict[str, FormState]:
    """The known forms of a workspace (empty when ``formulare`` has not run yet)."""
    path = folder / STATE_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {key: FormState.model_validate(value) for key, value in data.items()}
    except (json.JSONDecodeError, ValidationError, AttributeError) as exc:
        raise ConfigError(
            f"{STATE_FILE} ist beschädigt ({exc}). Bitte löschen und »gespraechsrunde formulare« erneut ausführen."
        ) from exc


def save_form_states(folder: Path, states: dict[str, FormState]) -> None:
    """Write atomically (temporary file, then rename)."""
    text = json.dumps({k: v.model_dump() for k, v in states.items()}, ensure_ascii=False, indent=2)
    write_atomically(folder / STATE_FILE, text)
