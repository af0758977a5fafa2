"""HTML → PDF and PNG with headless Debian chromium (the printouts: posters, letters, check-in lists).

Every call starts chromium with a fresh profile in a temporary folder and without network extras, so a
run leaves nothing behind and never talks to the internet. Page size and margins come from the HTML's
``@page`` rule. A missing browser or a failed render is a :class:`PdfError` with a German message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from automation.errors import ConfigError

TIMEOUT_SECONDS = 120
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-pdf-header-footer",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


class PdfError(ConfigError):
    """The browser that renders printouts is missing or failed."""


def find_chromium() -> str:
    """Path of the chromium binary on the PATH; PdfError if there is none."""
    for candidate in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(candidate):
            return found
    raise PdfError(
        "Für PDF- und Bilddateien wird der Browser Chromium gebraucht, er ist nicht installiert. Unter Debian/"
        "Ubuntu: »sudo apt-get install chromium«. Die HTML-Fassung im Ordner ausgabe/ lässt sich auch im "
        "Browser öffnen und drucken."
    )


def _run(args: list[str], target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gespraechsrunde-chromium-") as profile:
        command = [find_chromium(), *_FLAGS, f"--user-data-dir={profile}", *args]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(f"Chromium hat {target.name} nicht in {TIMEOUT_SECONDS} Sekunden erzeugt.") from None
    if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise PdfError(f"Chromium konnte {target.name} nicht erzeugen (Code {done.returncode}). {detail[0]}")


def _atomic(target: Path, render: Callable[[Path], None]) -> None:
    """Render into a temporary file beside the target, then rename: never a half-written printout."""
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=target.suffix)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        render(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def html_to_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print an HTML file to PDF (page size from its ``@page`` rule)."""
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    _atomic(pdf_path, lambda tmp: _run([f"--print-to-pdf={tmp}", html_path.resolve().as_uri()], tmp))


def html_to_png(html_path: Path, png_path: Path, width: int = 1080, height: int = 1080) -> None:
    """A screenshot of an HTML file at ``width``×``height`` pixels (social media image)."""
    png_path.parent.mkdir(parents=True, exist_ok=True)
    _atomic(
        png_path,
        lambda tmp: _run([f"--screenshot={tmp}", f"--window-size={width},{height}", html_path.resolve().as_uri()], tmp),
    )
