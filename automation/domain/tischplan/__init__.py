"""Tischplan for the Markt der Möglichkeiten: clubs to tables, participants to tables per round.

Public surface: the records (``Instanz``, ``Plan``), ``solve`` (the solver), ``violations`` (the
independent validator), ``compute_metrics``, ``plan_rows`` (rows of the ``Tischplan`` tab).
"""

from automation.domain.tischplan.checks import violations
from automation.domain.tischplan.metrics import compute_metrics
from automation.domain.tischplan.model import Instanz, Kennzahlen, Plan, read_instance
from automation.domain.tischplan.solver import Result, solve

__all__ = [
    "Instanz",
    "Kennzahlen",
    "Plan",
    "Result",
    "compute_metrics",
    "read_instance",
    "solve",
    "violations",
]
