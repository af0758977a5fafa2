"""Printouts and plan files: HTML for the browser to print, JSON."""
