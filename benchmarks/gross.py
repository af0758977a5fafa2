"""A large invented workspace for benchmarks: 10,000 contacts and 2,000 new registration answers.

Usage from a timing script::

    from benchmarks.gross import create_large_workspace
    summary = create_large_workspace(tmp_path / "gross")
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from automation.services.demo import DemoSummary, create_demo

CONTACTS = 10_000
REGISTRATIONS = 2_000
FEEDBACK = 400


def create_large_workspace(
    target: Path,
    *,
    seed: int = 7,
    contacts: int = CONTACTS,
    registrations: int = REGISTRATIONS,
    feedback: int = FEEDBACK,
    today: dt.date | None = None,
) -> DemoSummary:
    """The demo workspace at benchmark size (same clubs and dates, many more people and answers)."""
    return create_demo(
        target, seed=seed, contacts=contacts, registrations=registrations, feedback=feedback, today=today
    )


if __name__ == "__main__":
    import sys
    import tempfile
    import time

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="gross-"))
    started = time.perf_counter()
    result = create_large_workspace(folder)
    print("\n".join(result.lines()))
    print(f"Erzeugt in {time.perf_counter() - started:.1f} s")
