"""The pure core: records, rules and formats as functions of (data, settings, now); no I/O.

Nothing here imports a store, a sender, the run context, openpyxl, gspread, googleapiclient or smtplib
(``tests/test_architecture.py`` enforces it).
"""
