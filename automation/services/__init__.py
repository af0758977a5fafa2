"""Use cases: open and lock the workspace, then orchestrate one task."""
