"""Edges: files, printouts/PDF, holidays data, QR codes."""
