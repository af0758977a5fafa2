"""One run at a time: a lock file in the workspace, created exclusively (``O_EXCL``).

The file holds the PID, the host name, the time the lock was taken and the start time of the process
(``/proc/PID/stat`` on Linux). A lock is taken over (a second exclusive file, ``.break``, makes sure only one
run does it) when it is stale:

- its process died on this host, or its PID now belongs to another process (PID reuse: the process start
  time differs from the recorded one);
- it comes from another host and is older than :data:`FOREIGN_HOST_HOURS` hours (no run takes that long;
  a lock of another host cannot be checked otherwise).

The lock is re-entrant within one process. Otherwise :func:`workspace_lock` raises
:class:`~automation.domain.errors.LockedError` with a German message saying who holds it since when, and how to
clear the lock when that run is known to be gone.
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

from automation.domain.errors import LockedError

LOCK_FILE = ".gespraechsrunde.lock"
_BREAK_STALE_SECONDS = 60.0
FOREIGN_HOST_HOURS = 6.0


def process_start(pid: int) -> int | None:
    """The start time of a process in clock ticks after boot (Linux), None where it cannot be read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()  # the command name in parentheses may contain spaces
    try:
        return int(fields[19])  # field 22 of proc(5); the first two fields are cut off above
    except (IndexError, ValueError):
        return None


def _own_info() -> dict[str, object]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "zeit": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
        "prozessstart": process_start(os.getpid()),
    }


def _age_hours(info: dict[str, object]) -> float | None:
    try:
        taken = dt.datetime.fromisoformat(str(info.get("zeit")))
    except ValueError:
        return None
    if taken.tzinfo is None:
        taken = taken.astimezone()
    return (dt.datetime.now(dt.UTC) - taken).total_seconds() / 3600


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
    if info.get("host") != socket.gethostname():
        age = _age_hours(info)
        return age is not None and age > FOREIGN_HOST_HOURS
    if not isinstance(pid, int):
        return False
    if not _pid_alive(pid):
        return True
    recorded = info.get("prozessstart")
    current = process_start(pid)
    return isinstance(recorded, int) and current is not None and current != recorded  # PID reused


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
    host = info.get("host", "?")
    pid = info.get("pid", "?")
    text = (
        f"Im Arbeitsordner »{folder}« läuft gerade schon ein Lauf (Prozess {pid} auf »{host}«, gestartet "
        f"{info.get('zeit', '?')}). Es wurde nichts gesendet. Bitte warten, bis er fertig ist, und dann erneut "
        "starten."
    )
    if host != socket.gethostname():
        return text + (
            f" Die Sperre stammt von einem anderen Rechner (»{host}«); ob der Lauf dort noch arbeitet, lässt sich "
            f"von hier nicht prüfen. Sie verfällt nach {FOREIGN_HOST_HOURS:g} Stunden von selbst. Wenn auf »{host}« "
            f"sicher kein Lauf mehr arbeitet: die Datei {LOCK_FILE} im Arbeitsordner löschen."
        )
    return text + (
        f" Nur wenn sicher kein Lauf mehr arbeitet (z. B. »ps -p {pid}« zeigt kein gespraechsrunde): die Datei "
        f"{LOCK_FILE} im Arbeitsordner löschen."
    )


@contextlib.contextmanager
def workspace_lock(folder: Path) -> Iterator[Path]:
    """Hold the workspace lock for the ``with`` block; raises :class:`LockedError` if another run has it."""
    path = folder / LOCK_FILE
    held = _read(path)
    own = _own_info()
    if held and all(held.get(k) == own[k] for k in ("pid", "host", "prozessstart")):
        yield path  # this process holds it already (the job took it; a step asks again)
        return
    content = json.dumps(own)
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
