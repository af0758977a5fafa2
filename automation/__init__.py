"""gespraechsrunde: Gesprächsrunden für Multilokale organisieren.

Schichten (von innen nach außen):
- ``records``, ``normalize``, ``validation``, ``tischplan``: Datenmodell und reine Logik, ohne Ein-/Ausgabe.
- ``store`` (Arbeitsmappe, Google Sheets), ``answers`` (Formularantworten), ``mail`` (Versand): Ränder.
- ``job`` (die Schritte von ``sync``) und ``cli``: dünn, oben drauf.
"""

__version__ = "0.1.0"
