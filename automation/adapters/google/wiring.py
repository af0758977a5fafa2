"""Builds the Google store and answer source from a workspace's settings (the one place they are wired)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from automation.adapters.form_state import load_form_states
from automation.adapters.google.auth import authorized_session, credentials
from automation.adapters.google.http import HttplibAdapter, Transport, gspread_client_class
from automation.domain.errors import ConfigError

if TYPE_CHECKING:
    from automation.adapters.google.sheets_store import GoogleSheetsStore
    from automation.domain.answers.base import AnswerSource
    from automation.domain.settings import Settings


class GoogleWorkspace(Protocol):
    """What the wiring needs of a workspace (``automation.services.wiring.Workspace``; no import upwards)."""

    folder: Path
    settings: Settings
    google_transport: Transport | None


# How the transport waits (backoff, pace); tests replace it so that nothing really sleeps.
SLEEP: Callable[[float], None] = time.sleep


def transport(workspace: GoogleWorkspace, interactive: bool = False) -> Transport:
    """The one HTTP stack for every Google call of this workspace."""
    settings = workspace.settings.google
    creds = credentials(settings, workspace.folder, interactive)
    return Transport(
        authorized_session(creds, settings.zeitlimit_sekunden),
        timeout=settings.zeitlimit_sekunden,
        retries=settings.wiederholungen,
        per_minute=settings.anfragen_pro_minute,
        bases={"sheets": settings.sheets_url, "forms": settings.forms_url, "drive": settings.drive_url},
        sleep=lambda seconds: SLEEP(seconds),
    )


def shared_transport(workspace: GoogleWorkspace) -> Transport:
    """One transport per workspace object: the store and the forms share a token and the request pace."""
    if workspace.google_transport is None:
        workspace.google_transport = transport(workspace)
    return workspace.google_transport


def open_store(workspace: GoogleWorkspace, via: Transport | None = None) -> GoogleSheetsStore:
    import gspread

    from automation.adapters.google.sheets_store import GoogleSheetsStore, SheetsApi

    spreadsheet_id = workspace.settings.google.tabelle.strip()
    if not spreadsheet_id:
        raise ConfigError(
            "In gespraechsrunde.toml fehlt unter [google] »tabelle« (die ID der Google-Tabelle: der Teil ihrer "
            "Adresse zwischen /d/ und /edit). Anleitung: docs/google-einrichtung.md"
        )
    via = via or shared_transport(workspace)
    auth = via.session.credentials  # type: ignore[attr-defined]
    client = gspread.Client(auth=auth, session=via.session, http_client=gspread_client_class(via))
    return GoogleSheetsStore(SheetsApi(client.http_client, spreadsheet_id))


def forms_service(workspace: GoogleWorkspace, via: Transport | None = None, interactive: bool = False) -> Any:
    """The Forms API client (google-api-python-client, static discovery) over the same HTTP stack."""
    from googleapiclient.discovery import build

    via = via or (transport(workspace, interactive) if interactive else shared_transport(workspace))
    return build(
        "forms",
        "v1",
        http=HttplibAdapter(via),
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": workspace.settings.google.forms_url.rstrip("/") + "/"},
    )


def open_answer_source(workspace: GoogleWorkspace, via: Transport | None = None) -> AnswerSource:
    from automation.adapters.google.forms_source import CACHE_FILE, GoogleFormsSource

    states = load_form_states(workspace.folder)
    return GoogleFormsSource(
        forms_service(workspace, via), states, cache=workspace.folder / CACHE_FILE, folder=workspace.folder
    )
