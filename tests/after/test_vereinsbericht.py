"""``auswertung --senden``: each attending club gets its report PDF once, only after release."""

from __future__ import annotations

import email
import shutil
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import Result

from tests.after.conftest import held_records
from tests.conftest import WorkspaceFactory

TERMIN = "T-2026-10"


def _outbox(folder: Path) -> list[EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for p in sorted((folder / "ausgang").glob("*.eml"))
    ]


@pytest.mark.browser
def test_reports_go_to_each_attending_club_once(make_workspace: WorkspaceFactory, cli: Callable[..., Result]) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("kein chromium installiert")
    pypdf = pytest.importorskip("pypdf")
    folder = make_workspace(held_records())
    # nothing is sent by the report alone, nor by a preview
    assert cli("-C", str(folder), "auswertung", "--termin", TERMIN).exit_code == 0
    preview = cli("-C", str(folder), "auswertung", "--termin", TERMIN, "--senden", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert "Probelauf: 3 Nachrichten würden gesendet" in preview.output
    assert not _outbox(folder)

    sent = cli("-C", str(folder), "auswertung", "--termin", TERMIN, "--senden")
    assert sent.exit_code == 0, sent.output
    messages = _outbox(folder)
    keys = sorted(str(m["X-Gespraechsrunde-Schluessel"]) for m in messages)
    assert keys == [f"Vereinsbericht|{TERMIN}|V-0{i}" for i in (1, 2, 3)]  # V-04 did not attend
    tsv = next(m for m in messages if "V-01" in str(m["X-Gespraechsrunde-Schluessel"]))
    assert "tsv@verein.example" in str(tsv["To"])
    pdfs = [part for part in tsv.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    attached = folder / "anhang.pdf"
    attached.write_bytes(pdfs[0].get_content())
    assert "Rückmeldung für TSV Adorf" in pypdf.PdfReader(attached).pages[0].extract_text()

    again = cli("-C", str(folder), "auswertung", "--termin", TERMIN, "--senden")
    assert again.exit_code == 0
    assert len(_outbox(folder)) == 3  # once per club and date


def test_reports_are_not_sent_without_pdf_or_before_the_date(
    make_workspace: WorkspaceFactory, cli: Callable[..., Result]
) -> None:
    folder = make_workspace()  # the date T-2027-1 lies in the future
    result = cli("-C", str(folder), "auswertung", "--termin", "T-2027-1", "--senden", "--ohne-pdf")
    assert result.exit_code == 2 and "--ohne-pdf" in result.output
    if shutil.which("chromium") is None:
        return
    result = cli("-C", str(folder), "auswertung", "--termin", "T-2027-1", "--senden")
    assert result.exit_code == 2 and "noch nicht stattgefunden" in result.output
    assert not _outbox(folder)
