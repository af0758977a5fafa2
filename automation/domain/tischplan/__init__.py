"""Tischplan for the Markt der Möglichkeiten: clubs to tables, participants to tables per round.

Public surface: the records (``Instanz``, ``Plan``), ``plane`` (the solver), ``verletzungen`` (the
independent validator), ``berechne_kennzahlen``.
"""

from automation.domain.tischplan.kennzahlen import berechne_kennzahlen
from automation.domain.tischplan.loeser import Ergebnis, plane
from automation.domain.tischplan.modell import Instanz, Kennzahlen, Plan, lies_instanz
from automation.domain.tischplan.pruefung import verletzungen

__all__ = [
    "Ergebnis",
    "Instanz",
    "Kennzahlen",
    "Plan",
    "berechne_kennzahlen",
    "lies_instanz",
    "plane",
    "verletzungen",
]
