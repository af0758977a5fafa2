"""Google accounts: the service account for cron, or the coordinator's own account (OAuth) as alternative.

Service account key, in this order: the JSON content in ``GESPRAECHSRUNDE_GOOGLE_DIENSTKONTO_JSON``, the file
``[google] dienstkonto_datei``, the file in ``GOOGLE_APPLICATION_CREDENTIALS``. OAuth: a browser opens once
(``InstalledAppFlow``); the token is saved in ``[google] oauth_token_datei`` and reused (refreshed) afterwards.
The token address is ``[google] token_url`` (a stand-in API can serve it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession, Request
from requests import Session

from automation.domain.errors import ConfigError
from automation.domain.settings import GoogleSettings, secret

SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/forms.body",
    "https://www.googleapis.com/auth/forms.responses.readonly",
    "https://www.googleapis.com/auth/drive.file",
)

GUIDE = "Anleitung: docs/google-einrichtung.md"


def _service_account_info(settings: GoogleSettings, folder: Path) -> dict[str, Any]:
    content = secret("GOOGLE_DIENSTKONTO_JSON")
    source = "GESPRAECHSRUNDE_GOOGLE_DIENSTKONTO_JSON"
    if content is None:
        path = settings.dienstkonto_datei
        env_path = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
        if path is None and env_path:
            path = Path(env_path)
        if path is None:
            raise ConfigError(
                "Für den Google-Zugang fehlt der Schlüssel des Dienstkontos. In gespraechsrunde.toml unter "
                '[google] »dienstkonto_datei = "pfad/schluessel.json"« eintragen oder den Inhalt der Datei in '
                f"der Umgebungsvariablen GESPRAECHSRUNDE_GOOGLE_DIENSTKONTO_JSON bereitstellen. {GUIDE}"
            )
        path = path if path.is_absolute() else folder / path
        source = str(path)
        try:
            content = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"Die Schlüsseldatei {path} lässt sich nicht lesen ({exc.strerror}). {GUIDE}") from exc
    try:
        info = json.loads(content)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"Der Dienstkonto-Schlüssel aus {source} ist kein gültiges JSON. {GUIDE}") from exc
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise ConfigError(
            f"{source} ist kein Schlüssel eines Dienstkontos (»type« muss »service_account« sein). "
            f"Bitte in der Google Cloud Console einen JSON-Schlüssel des Dienstkontos erzeugen. {GUIDE}"
        )
    return info


def service_account_credentials(settings: GoogleSettings, folder: Path) -> Credentials:
    from google.oauth2 import service_account

    info = _service_account_info(settings, folder)
    info["token_uri"] = settings.token_url
    try:
        return service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call,no-any-return]
            info, scopes=list(SCOPES)
        )
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"Der Dienstkonto-Schlüssel ist unvollständig ({exc}). {GUIDE}") from exc


def oauth_credentials(settings: GoogleSettings, folder: Path, interactive: bool = False) -> Credentials:
    from google.oauth2.credentials import Credentials as UserCredentials

    token_file = settings.oauth_token_datei
    token_file = token_file if token_file.is_absolute() else folder / token_file
    if token_file.is_file():
        try:
            creds = UserCredentials.from_authorized_user_file(  # type: ignore[no-untyped-call]
                str(token_file), list(SCOPES)
            )
        except (ValueError, json.JSONDecodeError) as exc:
            raise ConfigError(
                f"Die Token-Datei {token_file.name} ist beschädigt ({exc}). Bitte löschen und "
                "»gespraechsrunde einrichten« erneut ausführen (ein Browser öffnet sich zur Anmeldung)."
            ) from exc
        return creds.with_token_uri(settings.token_url)  # type: ignore[no-any-return]
    if not interactive:
        raise ConfigError(
            f"Noch keine Anmeldung mit dem Google-Konto (Datei {token_file.name} fehlt). Bitte einmal an einem "
            f"Rechner mit Browser »gespraechsrunde einrichten« ausführen. {GUIDE}"
        )
    client_file = settings.oauth_client_datei
    if client_file is None:
        raise ConfigError(
            "Für zugang = »oauth« fehlt [google] oauth_client_datei (OAuth-Client vom Typ Desktop-App aus der "
            f"Google Cloud Console). {GUIDE}"
        )
    client_file = client_file if client_file.is_absolute() else folder / client_file
    from google_auth_oauthlib.flow import InstalledAppFlow

    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(client_file), list(SCOPES))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"Die OAuth-Client-Datei {client_file} lässt sich nicht lesen ({exc}). {GUIDE}") from exc
    creds = flow.run_local_server(port=0, open_browser=True)
    token_file.write_text(creds.to_json(), encoding="utf-8")
    token_file.chmod(0o600)
    return creds.with_token_uri(settings.token_url)  # type: ignore[no-any-return]


def credentials(settings: GoogleSettings, folder: Path, interactive: bool = False) -> Credentials:
    """The credentials named by ``[google] zugang``."""
    if settings.zugang == "oauth":
        return oauth_credentials(settings, folder, interactive)
    return service_account_credentials(settings, folder)


def authorized_session(creds: Credentials, timeout: float) -> AuthorizedSession:
    """A ``requests`` session that adds (and refreshes) the access token; token requests time out too."""

    class _TimedSession(Session):
        def request(self, *args: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("timeout", timeout)
            return super().request(*args, **kwargs)

    return AuthorizedSession(creds, auth_request=Request(_TimedSession()))  # type: ignore[no-untyped-call]
