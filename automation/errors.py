"""Exceptions of gespraechsrunde, all with a German message meant for the coordinator.

GespraechsrundeError
├── ConfigError        – settings file missing/broken, unknown option (exit code 2)
├── StoreError         – the data store cannot be read or written
│   └── WorkbookLockedError – the workbook is open in Excel/LibreOffice
├── GoogleApiError     – Google answered with an error after all retries
├── LockedError        – another run holds the workspace lock
└── InfeasibleError    – a table plan instance cannot be satisfied
"""


class GespraechsrundeError(Exception):
    """Base class: the message is German and says how to fix the problem."""

    exit_code = 1


class ConfigError(GespraechsrundeError):
    """The workspace or its settings are missing or invalid."""

    exit_code = 2


class StoreError(GespraechsrundeError):
    """The data store could not be read or written."""


class WorkbookLockedError(StoreError):
    """The workbook is open in a spreadsheet program and must not be written now."""


class GoogleApiError(GespraechsrundeError):
    """A Google API call failed after all retries."""


class LockedError(GespraechsrundeError):
    """Another run of the job holds the workspace lock."""


class InfeasibleError(GespraechsrundeError):
    """A table plan instance cannot be satisfied."""
