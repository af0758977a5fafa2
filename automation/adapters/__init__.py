"""Edges: files, workbooks, Google, mail servers — everything that talks to the outside."""
