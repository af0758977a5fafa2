"""Edges: files, workbook, Google, mail – everything that talks to the world outside the process."""
