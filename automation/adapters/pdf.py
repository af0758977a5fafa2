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
from pathlib import Path

from automation.domain.errors import ConfigError

_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars",
)  # fmt: skip


class PdfError(ConfigError):
    """The browser that prints PDFs is missing or failed."""


def browser() -> str | None:
    """The Chromium executable, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(args: list[str], target: Path, timeout: float) -> None:
    executable = browser()
    if executable is None:
        raise PdfError(
            "Für PDF- und Bilddateien wird der Browser Chromium gebraucht (Debian/Ubuntu: "
            "»sudo apt-get install chromium«). Die HTML-Datei daneben lässt sich auch im Browser öffnen und drucken."
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
            raise PdfError(f"Chromium brauchte länger als {timeout:.0f} Sekunden für »{target.name}«.") from None
        if done.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
            partial.unlink(missing_ok=True)
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise PdfError(
                f"Chromium konnte »{target.name}« nicht erzeugen (Code {done.returncode}). {detail[0]}".strip()
            )
        os.replace(partial, target)
        target.chmod(0o644)


def html_to_pdf(html_path: Path, pdf_path: Path, timeout: float = 120.0) -> None:
    """Print an HTML file to PDF; page size and margins come from the page's own ``@page`` rules."""
    _run(["--no-pdf-header-footer", "--print-to-pdf={ZIEL}", html_path.resolve().as_uri()], pdf_path, timeout)


def html_to_png(html_path: Path, png_path: Path, width: int, height: int, timeout: float = 60.0) -> None:
    """A screenshot of an HTML file at the given window size."""
    _run([f"--window-size={width},{height}", "--screenshot={ZIEL}", html_path.resolve().as_uri()], png_path, timeout)
