"""What a rule sees of a run: the records, the time, the form definitions and where it reports.

:class:`Report` collects counts, findings and lines for the terminal. :class:`RunState` is the small
interface the rules (answer processing, waiting list, validation) take instead of the run context of the
services layer, so that they stay free of stores, senders and the workspace.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from automation.domain.records import Hinweis

if TYPE_CHECKING:
    from automation.domain.dataset import Dataset
    from automation.domain.forms import FormDefinition

log = logging.getLogger("gespraechsrunde")


@dataclass
class Report:
    """What a run did: counts per topic, findings, and lines for the person at the terminal."""

    counts: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    findings: list[Hinweis] = field(default_factory=list)
    step_seconds: dict[str, float] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def say(self, line: str) -> None:
        self.lines.append(line)
        log.info(line)

    @property
    def errors(self) -> list[Hinweis]:
        return [f for f in self.findings if f.schwere == "Fehler"]


class RunState(Protocol):
    """The part of a run a rule may use: records, now, form definitions, the report."""

    @property
    def dataset(self) -> Dataset: ...

    @property
    def now(self) -> dt.datetime: ...

    @property
    def report(self) -> Report: ...

    @property
    def forms(self) -> dict[str, FormDefinition]: ...
