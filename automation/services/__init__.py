"""Use cases: open the workspace, call the core, write through the adapters."""
