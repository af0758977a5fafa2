"""One run at a time: a lock file in the workspace, created exclusively (``O_EXCL``).

The file holds the PID, host name and start time of the run that holds it. A lock left behind by a
process that died on this host is recovered (a second exclusive file, ``.break``, makes sure only one
run takes it over). The lock is re-entrant within one process. A lock of a live process, or of another
host, makes :func:`workspace_lock` raise :class:`~automation.errors.LockedError` with a German message
saying who holds it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from automation.errors import LockedError

LOCK_FILE = ".gespraechsrunde.lock"
_BREAK_STALE_SECONDS = 60.0


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _is_stale(path: Path, info: dict[str, object]) -> bool:
    """A lock of a dead process on this host is stale; so is an unreadable one older than a minute."""
    if not info:  # possibly being written right now: only stale once it is old
        try:
            return time.time() - path.stat().st_mtime > _BREAK_STALE_SECONDS
        except FileNotFoundError:
            return False
    pid = info.get("pid")
    if info.get("host") != socket.gethostname() or not isinstance(pid, int):
        return False
    return not _pid_alive(pid)


def _create(path: Path, content: str) -> bool:
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    return True


def _break_stale(path: Path, seen: dict[str, object]) -> None:
    """Remove a stale lock, unless another run was faster (then leave everything as it is)."""
    breaker = path.with_name(path.name + ".break")
    if not _create(breaker, str(os.getpid())):
        with contextlib.suppress(FileNotFoundError):
            if time.time() - breaker.stat().st_mtime > _BREAK_STALE_SECONDS:
                breaker.unlink()
        return
    try:
        if _read(path) == seen:
            path.unlink(missing_ok=True)
    finally:
        breaker.unlink(missing_ok=True)


def _message(folder: Path, info: dict[str, object]) -> str:
    return (
        f"Im Arbeitsordner »{folder}« läuft gerade schon ein Lauf (Prozess {info.get('pid', '?')} auf "
        f"»{info.get('host', '?')}«, gestartet {info.get('zeit', '?')}). Es wurde nichts gesendet. Bitte warten, "
        f"bis er fertig ist, und dann erneut starten. Nur wenn sicher kein Lauf mehr arbeitet: die Datei "
        f"{LOCK_FILE} im Arbeitsordner löschen."
    )


@contextlib.contextmanager
def workspace_lock(folder: Path) -> Iterator[Path]:
    """Hold the workspace lock for the ``with`` block; raises :class:`LockedError` if another run has it."""
    path = folder / LOCK_FILE
    held = _read(path)
    if held and held.get("pid") == os.getpid() and held.get("host") == socket.gethostname():
        yield path  # this process holds it already (the job took it; a step asks again)
        return
    content = json.dumps(
        {"pid": os.getpid(), "host": socket.gethostname(), "zeit": dt.datetime.now().isoformat(timespec="seconds")}
    )
    for _ in range(5):
        if _create(path, content):
            break
        info = _read(path)
        if info is None:
            continue  # released meanwhile: try again
        if not _is_stale(path, info):
            raise LockedError(_message(folder, info))
        _break_stale(path, info)
    else:
        raise LockedError(_message(folder, _read(path) or {}))
    try:
        yield path
    finally:
        if _read(path) == json.loads(content):
            path.unlink(missing_ok=True)
