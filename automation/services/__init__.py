"""Use cases: open and lock the workspace, call the domain rules, write the results."""
