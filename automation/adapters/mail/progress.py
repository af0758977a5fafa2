"""Progress of long work (sending, answers): a bar on stderr at a terminal, a few log lines for cron."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("gespraechsrunde")

Progress = Callable[[int], None]


@contextmanager
def progress_reporter(total: int, interactive: bool, label: str = "Versand") -> Iterator[Progress]:
    """A progress bar on stderr for a person at a terminal; otherwise a log line every 50 (at most about ten)."""
    if interactive and total > 1:
        import sys

        import click

        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            yield bar.update
        return
    done = 0
    every = max(50, total // 10)  # under cron: a handful of lines, also for 50.000 answers

    def step(n: int) -> None:
        nonlocal done
        before, done = done, done + n
        if done // every > before // every or done == total:
            log.info("%s: %d von %d", label, done, total)

    yield step
