"""This process as the operating system sees it: when it started and its peak memory (Linux ``/proc``)."""

from __future__ import annotations

import os
import time
from pathlib import Path

FRESH_PROCESS_SECONDS = 15.0
"""A process younger than this was started for the command that asks: its start counts."""


def process_start() -> float:
    """When this process started, as a ``time.perf_counter`` value (Linux: from /proc).

    In a process that has run for a while already (a command called from Python, e.g. in tests), or
    where /proc is missing, now counts as the start.
    """
    now = time.perf_counter()
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return now
    return now - age if 0 <= age < FRESH_PROCESS_SECONDS else now


def peak_memory_mb() -> float | None:
    """Peak memory of this process in MB (Linux: VmHWM, which starts afresh at program start)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return None
