"""Fixtures for the Google backend: the in-memory fake behind ``responses``, and ready workspaces.

``google_workspace(...)`` (a factory) writes a ``gespraechsrunde.toml`` with ``speicher = "google"``, base
addresses that point at the fake, and a generated service-account key; ``responses`` answers every call
from the fake and nothing really sleeps (backoff and pace go to ``gw.sleeps``). Use it like::

    def test_sync(google_workspace):
        gw = google_workspace()             # or google_workspace(ordner=path, wiederholungen=1)
        gw.fake.add_sheet("Kontakte", [["Kontakt-ID", "E-Mail"], ["K-1", "a@example.org"]])
        store = gw.workspace().store()      # the real GoogleSheetsStore over gspread
        ...
        assert gw.fake.kinds() == [...]     # every request, by kind
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import responses

from automation.adapters.google import wiring
from automation.services.wiring import Workspace
from tests.google.fake_google import FakeGoogle

SHEETS_URL = "http://sheets.stand-in.test"
FORMS_URL = "http://forms.stand-in.test"
DRIVE_URL = "http://drive.stand-in.test"
TOKEN_URL = "http://oauth.stand-in.test/token"


@cache
def service_account_json() -> str:
    """A service-account key file with a freshly generated RSA key (signs real JWTs for the fake)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return json.dumps(
        {
            "type": "service_account",
            "project_id": "gespraechsrunde-test",
            "private_key_id": "test-key",
            "private_key": pem,
            "client_email": "job@gespraechsrunde-test.iam.gserviceaccount.com",
            "client_id": "1",
            "token_uri": "https://oauth2.googleapis.com/token",
        }
    )


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def write_google_settings(folder: Path, base: dict[str, str] | None = None, **google: Any) -> None:
    """``gespraechsrunde.toml`` for the Google backend against a stand-in API."""
    values: dict[str, Any] = {
        "tabelle": "tabelle-test",
        "zugang": "dienstkonto",
        "dienstkonto_datei": "dienstkonto.json",
        "sheets_url": SHEETS_URL,
        "forms_url": FORMS_URL,
        "drive_url": DRIVE_URL,
        "token_url": TOKEN_URL,
        "wiederholungen": 2,
        "anfragen_pro_minute": 600,
        "zeitlimit_sekunden": 5,
    }
    values.update(base or {})
    values.update(google)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dienstkonto.json").write_text(service_account_json(), encoding="utf-8")
    lines = ['speicher = "google"', "", "[google]"] + [f"{k} = {toml_value(v)}" for k, v in values.items()]
    (folder / "gespraechsrunde.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class GoogleWorkspace:
    """A workspace folder wired to a :class:`FakeGoogle`."""

    folder: Path
    fake: FakeGoogle
    sleeps: list[float] = field(default_factory=list)

    def workspace(self) -> Workspace:
        return Workspace.open(self.folder)


@pytest.fixture
def google_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., GoogleWorkspace]]:
    """Factory: ``google_workspace(ordner=None, fake=None, **google_settings) -> GoogleWorkspace``."""
    sleeps: list[float] = []
    monkeypatch.setattr(wiring, "SLEEP", sleeps.append)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.delenv("GESPRAECHSRUNDE_GOOGLE_DIENSTKONTO_JSON", raising=False)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fakes: dict[int, FakeGoogle] = {}

        def make(ordner: Path | None = None, fake: FakeGoogle | None = None, **google: Any) -> GoogleWorkspace:
            folder = ordner or tmp_path / "arbeitsordner"
            fake = fake or FakeGoogle()
            if id(fake) not in fakes:
                fakes[id(fake)] = fake
                fake.install(rsps, (SHEETS_URL, FORMS_URL, DRIVE_URL, TOKEN_URL.rsplit("/", 1)[0]))
            write_google_settings(folder, **google)
            return GoogleWorkspace(folder, fake, sleeps)

        yield make


@pytest.fixture
def fake_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    sleeps: list[float] = []
    monkeypatch.setattr(wiring, "SLEEP", sleeps.append)
    return sleeps
