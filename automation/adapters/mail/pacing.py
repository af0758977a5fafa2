"""Pacing: at most ``[mail] pro_minute`` messages a minute to an SMTP server (an outbox folder is not paced)."""

from __future__ import annotations

import time
from collections.abc import Callable


class Pacer:
    """Waits before each message so that they are ``60 / per_minute`` seconds apart (no wait when unpaced)."""

    def __init__(
        self,
        per_minute: int | None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.sleep = sleep
        self.clock = clock
        self.next_at = clock()

    def wait(self) -> None:
        if not self.interval:
            return
        wait = self.next_at - self.clock()
        if wait > 0:
            self.sleep(wait)
        self.next_at = max(self.next_at, self.clock()) + self.interval
