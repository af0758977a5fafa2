"""HTML file → PDF file with headless Chromium (Debian's ``chromium``), offline and without a profile.

The browser runs with a fresh, temporary ``--user-data-dir`` and without background networking, updates
or sync, so printing never reaches the network and never depends on a user's browser profile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from automation.errors import GespraechsrundeError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_SECONDS = 120


class PdfError(GespraechsrundeError):
    """A PDF could not be made (no browser, or the browser failed)."""

    exit_code = 1


def find_chromium() -> str | None:
    """The browser to print with: ``GESPRAECHSRUNDE_CHROMIUM`` or the first Chromium on the PATH."""
    own = os.environ.get("GESPRAECHSRUNDE_CHROMIUM")
    if own:
        return own if Path(own).is_file() else shutil.which(own)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print ``html_path`` to ``pdf_path``; raises :class:`PdfError` with a German message on failure."""
    browser = find_chromium()
    if browser is None:
        raise PdfError(
            "Für PDF-Dateien wird der Browser Chromium gebraucht, er ist aber nicht installiert. Bitte installieren "
            "(Debian/Ubuntu: »sudo apt-get install chromium«) oder den Pfad in der Umgebungsvariablen "
            f"GESPRAECHSRUNDE_CHROMIUM angeben. Die HTML-Datei {html_path.name} lässt sich auch im Browser drucken."
        )
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    target = pdf_path.with_name(pdf_path.name + ".neu")
    with tempfile.TemporaryDirectory(prefix="gespraechsrunde-chromium-") as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            html_path.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            target.unlink(missing_ok=True)
            raise PdfError(
                f"Chromium hat {html_path.name} nicht in {TIMEOUT_SECONDS} Sekunden gedruckt. Bitte erneut versuchen."
            ) from None
        except OSError as exc:
            raise PdfError(f"Chromium ließ sich nicht starten ({exc}). Bitte die Installation prüfen.") from None
    if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        target.unlink(missing_ok=True)
        detail = (done.stderr or "").strip().splitlines()[-1:] or ["ohne Meldung"]
        raise PdfError(f"Chromium konnte {html_path.name} nicht als PDF drucken ({detail[0]}).")
    target.replace(pdf_path)


def html_to_pdf_many(pages: Sequence[tuple[Path, Path]], workers: int | None = None) -> None:
    """Print several HTML files (one Chromium each, a few at a time); raises the first :class:`PdfError`."""
    from concurrent.futures import ThreadPoolExecutor

    if pages and find_chromium() is None:
        html_to_pdf(*pages[0])  # raises the German message about the missing browser
    workers = workers or max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = [pool.submit(html_to_pdf, html, pdf) for html, pdf in pages]
    for result in results:
        result.result()
