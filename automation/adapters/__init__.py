"""Adapters: the edges of the program (workbook files, CSV, Google, mail, printouts)."""
