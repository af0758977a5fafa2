"""Use cases: open and lock the workspace, call the rules of the core, write the result.

:func:`automation.services.session.open_workspace` is the one way a command opens a workspace.
"""
