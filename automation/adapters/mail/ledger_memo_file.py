"""The file beside the workbook that remembers which ``Versand`` rows the job wrote (see
:mod:`automation.domain.mail.ledger_memo`): keys, statuses, times and Message-IDs; no addresses, no names."""

from __future__ import annotations

import json
from pathlib import Path

from automation.adapters.files import write_atomically
from automation.domain.mail.ledger_memo import MEMO_FILE, Memo, parse_memo


class MemoUnreadable(Exception):
    """The memo file exists but cannot be read (German reason)."""


class MemoFile:
    """``.versand-stand.json`` in the workspace folder, for one store (``identity``: which workbook/sheet)."""

    def __init__(self, folder: Path, identity: str) -> None:
        self.path = folder / MEMO_FILE
        self.identity = identity

    def read(self) -> Memo:
        """The memo for this store (empty: none yet, or one of another store); raises :class:`MemoUnreadable`."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            raise MemoUnreadable(f"nicht lesbar: {type(exc).__name__}") from None
        try:
            data = json.loads(text)
            if isinstance(data, dict) and data.get("speicher") != self.identity:
                return {}  # the memo of another workbook or sheet: starts anew with the next write
            return parse_memo(data)
        except ValueError:
            raise MemoUnreadable("kein gültiges JSON des Versand-Stands") from None

    def write(self, memo: Memo) -> None:
        data = {"speicher": self.identity, "zeilen": memo}
        write_atomically(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")), durable=True)
