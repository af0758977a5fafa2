"""The edges: the workbook, CSV exports, Google, mail senders, printouts and files."""
