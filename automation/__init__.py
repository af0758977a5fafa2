"""gespraechsrunde: Gesprächsrunden für Multilokale organisieren.

Schichten (von innen nach außen; siehe docs/architektur.md):
- ``domain``: Datenmodell und reine Regeln, ohne Ein-/Ausgabe.
- ``adapters``: Ränder – Arbeitsmappe, Google, CSV, E-Mail, Ausdrucke, Dateien.
- ``services``: Anwendungsfälle – Arbeitsordner öffnen, sperren, Regeln aufrufen, schreiben.
- ``cli``: dünne Befehle oben drauf.
"""

__version__ = "0.1.0"
