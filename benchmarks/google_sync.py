"""Requests and seconds of a whole ``gespraechsrunde sync`` against the Google stand-in.

For 10, 1,000 and 5,000 contacts in the spreadsheet (plus the usual few new answers: two new people, a
known person and a contact from the list registering, one feedback), one real ``sync`` through the command
line, with mail sending off (``GESPRAECHSRUNDE_MAIL__SENDEN_BEI_SYNC=false``), against the in-memory fake
of Sheets and Forms (tests/google/fake_google.py) behind ``responses``. Prints the Sheets and Forms
requests of the first and of a second (idle) run, and the seconds of the first run, with the limits they
are measured against in the last line (issue 9 item 10, issue 10 item 4: a first sync with writes at most
6 Sheets requests, an idle one at most 2 Sheets and 3 Forms requests; before the atomic write and the
cached form definitions it was 11/6 and 2/6).

    python3 benchmarks/google_sync.py [10 1000 5000]

A last line shows the same for 1,000 contacts with sending on (to the outbox): there every save the
sending makes (planned, being sent, sent) is one re-read and one write on top.

The seconds are the job's own work (reading, matching, writing); Google's latency (a few hundred ms per
request) and the pace (``[google] anfragen_pro_minute``) come on top: here nothing really waits.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pytest

from tests.backends import google_backend, many_contacts, request_counts, typical_answers
from tests.conftest import base_records


def measure(contacts: int, sending: bool = False) -> tuple[int, int, int, int, float]:
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as monkeypatch:
        for name in list(os.environ):
            if name.startswith("GESPRAECHSRUNDE_") or name == "GOOGLE_APPLICATION_CREDENTIALS":
                monkeypatch.delenv(name)
        monkeypatch.setenv("GESPRAECHSRUNDE_MAIL__SENDEN_BEI_SYNC", "true" if sending else "false")
        with google_backend(Path(tmp) / "arbeitsordner", monkeypatch) as gb:
            gb.create([*base_records(), *many_contacts(contacts)])
            typical_answers(gb)
            start = len(gb.fake.calls)
            began = time.perf_counter()
            result = gb.sync()
            seconds = time.perf_counter() - began
            if result.exit_code != 0:
                raise SystemExit(f"sync ist fehlgeschlagen:\n{result.output}")
            sheets, forms = request_counts(gb.fake, start)
            start = len(gb.fake.calls)
            gb.sync()
            idle_sheets, idle_forms = request_counts(gb.fake, start)
            if gb.fake.writes(start):
                raise SystemExit("der zweite Lauf hat geschrieben")
            return sheets, forms, idle_sheets, idle_forms, seconds


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [10, 1000, 5000]
    print(f"{'Kontakte':>9} {'Sheets':>7} {'Forms':>6} {'Sheets 2.':>10} {'Forms 2.':>9} {'Sekunden':>9}")
    worst = [0, 0, 0, 0]
    for size in sizes:
        sheets, forms, idle_sheets, idle_forms, seconds = measure(size)
        worst = [max(a, b) for a, b in zip(worst, (sheets, forms, idle_sheets, idle_forms), strict=True)]
        print(f"{size:>9} {sheets:>7} {forms:>6} {idle_sheets:>10} {idle_forms:>9} {seconds:>9.2f}")
    print(f"{'Grenze':>9} {'≤ 6':>7} {'–':>6} {'≤ 2':>10} {'≤ 3':>9}")
    sheets, forms, idle_sheets, idle_forms, seconds = measure(1000, sending=True)
    print(f"{'1000 + V.':>9} {sheets:>7} {forms:>6} {idle_sheets:>10} {idle_forms:>9} {seconds:>9.2f}")
    print("(+ V.: mit Versand in den Ausgang; je Speicherschritt – geplant, wird gesendet, gesendet – 2 Anfragen)")
    if worst[0] > 6 or worst[2] > 2 or worst[3] > 3:
        raise SystemExit("Grenze überschritten")


if __name__ == "__main__":
    main(sys.argv[1:])
