"""Files written so that they are either the old or the new version, never half written."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: Path, *, durable: bool = False, mode: int = 0o644) -> Iterator[Path]:
    """A temporary file beside ``target`` for the block to fill; when the block ends without an error it is
    renamed over ``target``.

    For writers that stream into a path (a workbook of many megabytes) instead of handing over bytes.
    ``durable``: flush to disk before the rename. ``mode``: the file's permissions. A failure leaves no
    temporary file behind and re-raises; ``target`` stays as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if durable:
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # mkstemp alone would leave every file 0600
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_atomically(target: Path, data: str | bytes, *, durable: bool = False, private: bool = False) -> None:
    """Write ``data`` to a temporary file beside ``target``, then rename it over ``target``.

    ``durable``: flush to disk before the rename (for files whose loss would send a message twice).
    The file is readable like any other (``0644``), unless ``private`` (``0600``, e.g. messages to people).
    A failure leaves no temporary file behind and re-raises.
    """
    with atomic_path(target, durable=durable, mode=0o600 if private else 0o644) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def make_durable(folder: Path, files: list[Path]) -> None:
    """Flush ``files`` (written into ``folder`` without ``durable``) and their names to disk at once.

    On Linux one ``syncfs`` of the folder's file system is much cheaper than an ``fsync`` per file; elsewhere
    every file is synced. Then the folder itself, so that the renames are durable too.
    """
    if not files:
        return
    if not _syncfs(folder):
        for path in files:
            with contextlib.suppress(FileNotFoundError), open(path, "rb") as handle:
                os.fsync(handle.fileno())
    if os.name == "posix":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _syncfs(folder: Path) -> bool:
    """``syncfs(2)`` on the file system of ``folder``; False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        return int(function(fd)) == 0
    finally:
        os.close(fd)
