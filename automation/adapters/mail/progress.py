"""Progress of a sending run: a bar on stderr for a person at a terminal, log lines (every 50) for cron."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("gespraechsrunde")

Progress = Callable[[int], None]


@contextmanager
def progress_reporter(total: int, interactive: bool, label: str = "Versand") -> Iterator[Progress]:
    """A progress bar on stderr for a person at a terminal; log lines (every 50) otherwise."""
    if interactive and total > 1:
        import sys

        import click

        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            yield bar.update
        return
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if done % 50 == 0 or done == total:
            log.info("%s: %d von %d", label, done, total)

    yield step
