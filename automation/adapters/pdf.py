"""HTML to PDF (and PNG) with headless Chromium (Debian's ``chromium``): what a browser prints is what we ship.

The printouts: table plans, posters, letters, call and check-in lists. Chromium runs without network
features and with a fresh profile in a temporary folder, so a run leaves nothing behind; a missing browser
or a failed print is one German :class:`PdfError` (exit code 2: the machine's set-up is missing a part).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from automation.domain.errors import ConfigError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_SECONDS = 120.0

_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--hide-scrollbars",
)  # fmt: skip


class PdfError(ConfigError):
    """The browser that prints PDFs is missing or failed."""

    exit_code = 1


def find_chromium() -> str | None:
    """The browser to print with: ``GESPRAECHSRUNDE_CHROMIUM`` or the first Chromium on the PATH; None if none."""
    own = os.environ.get("GESPRAECHSRUNDE_CHROMIUM")
    if own:
        return own if Path(own).is_file() else shutil.which(own)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def browser() -> str | None:
    """The Chromium executable, or None (same as :func:`find_chromium`)."""
    return find_chromium()


def _run(args: list[str], target: Path, timeout: float) -> None:
    executable = find_chromium()
    if executable is None:
        raise PdfError(
            "Für PDF- und Bilddateien wird der Browser Chromium gebraucht, er ist aber nicht installiert. Bitte "
            "installieren (Debian/Ubuntu: »sudo apt-get install chromium«) oder den Pfad in der Umgebungsvariablen "
            f"GESPRAECHSRUNDE_CHROMIUM angeben. Die HTML-Datei neben »{target.name}« lässt sich auch im Browser "
            "öffnen und drucken."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gespraechsrunde-chromium-") as profile:
        partial = target.with_name(f".{target.stem}.tmp{target.suffix}")  # chromium picks the format by suffix
        command = [executable, *_FLAGS, f"--user-data-dir={profile}", *args]
        command = [c.replace("{ZIEL}", str(partial)) for c in command]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise PdfError(
                f"Chromium brauchte länger als {timeout:.0f} Sekunden für »{target.name}«. Bitte erneut versuchen."
            ) from None
        except OSError as exc:
            raise PdfError(f"Chromium ließ sich nicht starten ({exc}). Bitte die Installation prüfen.") from None
        if done.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
            partial.unlink(missing_ok=True)
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise PdfError(
                f"Chromium konnte »{target.name}« nicht erzeugen (Code {done.returncode}). {detail[0]}".strip()
            )
        os.replace(partial, target)
        target.chmod(0o644)


def html_to_pdf(html_path: Path, pdf_path: Path, timeout: float = TIMEOUT_SECONDS) -> None:
    """Print an HTML file to PDF; page size and margins come from the page's own ``@page`` rules.

    The PDF is tagged (Chromium writes the structure tree, ``/Lang`` from the page's ``lang`` and
    ``/DisplayDocTitle``); the headings also become bookmarks.
    """
    args = ["--no-pdf-header-footer", "--generate-pdf-document-outline", "--print-to-pdf={ZIEL}"]
    _run([*args, html_path.resolve().as_uri()], pdf_path, timeout)


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


def html_to_png(html_path: Path, png_path: Path, width: int, height: int, timeout: float = 60.0) -> None:
    """A screenshot of an HTML file at the given window size."""
    _run([f"--window-size={width},{height}", "--screenshot={ZIEL}", html_path.resolve().as_uri()], png_path, timeout)
