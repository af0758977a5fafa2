"""Exceptions of gespraechsrunde, all with a German message meant for the coordinator.

GespraechsrundeError
├── ConfigError        – settings file missing/broken, unknown option (exit code 2)
├── StoreError         – the data store cannot be read or written (exit code 3)
│   └── WorkbookLockedError – the workbook is open in Excel/LibreOffice
├── GoogleApiError     – Google answered with an error after all retries (exit code 3)
├── LockedError        – another run holds the workspace lock (exit code 3)
└── InfeasibleError    – a table plan instance cannot be satisfied

Exit codes (documented in the README): 0 ok, 1 findings or partial failure, 2 usage or configuration
error, 3 the run could not run at all (:data:`COULD_NOT_RUN`: lock held, store unreadable or unreachable,
unexpected crash) – cron can tell "look at Hinweise" from "a person must look now".
"""

COULD_NOT_RUN = 3


class GespraechsrundeError(Exception):
    """Base class: the message is German and says how to fix the problem."""

    exit_code = 1


class ConfigError(GespraechsrundeError):
    """The workspace or its settings are missing or invalid."""

    exit_code = 2


class StoreError(GespraechsrundeError):
    """The data store could not be read or written."""

    exit_code = COULD_NOT_RUN


class WorkbookLockedError(StoreError):
    """The workbook is open in a spreadsheet program and must not be written now."""


class GoogleApiError(GespraechsrundeError):
    """A Google API call failed after all retries."""

    exit_code = COULD_NOT_RUN


class LockedError(GespraechsrundeError):
    """Another run of the job holds the workspace lock."""

    exit_code = COULD_NOT_RUN


class InfeasibleError(GespraechsrundeError):
    """A table plan instance cannot be satisfied."""
