"""Accounts: service-account key from the environment, the coordinator's saved OAuth token, clear errors."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from automation.domain.errors import ConfigError
from tests.google.conftest import TOKEN_URL, GoogleWorkspace, service_account_json


def test_service_account_key_from_environment(
    google_workspace: Callable[..., GoogleWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    gw = google_workspace()
    (gw.folder / "dienstkonto.json").unlink()
    monkeypatch.setenv("GESPRAECHSRUNDE_GOOGLE_DIENSTKONTO_JSON", service_account_json())
    gw.fake.add_sheet("Kontakte", [["Kontakt-ID"]])
    assert set(gw.workspace().store().read()) == {"Kontakte"}


def test_saved_oauth_token_is_refreshed_at_the_configured_token_url(
    google_workspace: Callable[..., GoogleWorkspace],
) -> None:
    gw = google_workspace(zugang="oauth")
    token = {"token": "abgelaufen", "refresh_token": "r", "client_id": "c", "client_secret": "s",
             "token_uri": "https://oauth2.googleapis.com/token", "expiry": "2020-01-01T00:00:00Z"}  # fmt: skip
    (gw.folder / ".google-token.json").write_text(json.dumps(token), encoding="utf-8")
    gw.fake.add_sheet("Kontakte", [["Kontakt-ID"]])
    gw.workspace().store().read()
    (refresh,) = [c for c in gw.fake.calls if c.kind == "token"]
    assert refresh.path == "/token" and refresh.body["grant_type"] == ["refresh_token"]
    assert TOKEN_URL.endswith(refresh.path)


def test_missing_key_is_a_german_config_error(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    gw = google_workspace()
    (gw.folder / "dienstkonto.json").unlink()
    with pytest.raises(ConfigError, match="lässt sich nicht lesen"):
        gw.workspace().store()


def test_oauth_without_token_in_cron_says_what_to_do(google_workspace: Callable[..., GoogleWorkspace]) -> None:
    gw = google_workspace(zugang="oauth")
    with pytest.raises(ConfigError, match="gespraechsrunde einrichten"):
        gw.workspace().store()
