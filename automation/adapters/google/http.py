"""One HTTP stack for every Google call: timeouts, bounded retries with backoff and jitter, a steady pace.

gspread goes through :class:`GspreadHttpClient`, google-api-python-client through :class:`HttplibAdapter`
(httplib2's ``request`` signature); both end in :meth:`Transport.request` on one ``requests`` session
(an ``AuthorizedSession`` that adds the access token). Base addresses are rewritten here, so the job can
run against a stand-in API (e.g. ``http://127.0.0.1:8080``). After the last retry the caller gets a
:class:`~automation.domain.errors.GoogleApiError` with a German message.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import google.auth.exceptions
import httplib2
import requests
from gspread.http_client import HTTPClient

from automation.domain.errors import GoogleApiError

log = logging.getLogger("gespraechsrunde.google")

RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
DEFAULT_BASES = {
    "sheets": "https://sheets.googleapis.com",
    "forms": "https://forms.googleapis.com",
    "drive": "https://www.googleapis.com",
}


def quote_tab(name: str) -> str:
    """A tab name for A1 notation: ``'Tab''s name'``."""
    return "'" + name.replace("'", "''") + "'"


@dataclass
class Pace:
    """At most ``per_minute`` request starts per minute (a fixed gap between two starts)."""

    per_minute: int
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _last: float | None = None

    def wait(self) -> None:
        gap = 60.0 / self.per_minute
        now = self.clock()
        if self._last is not None and now - self._last < gap:
            self.sleep(gap - (now - self._last))
            now = self.clock()
        self._last = now


class UnclearWrite(GoogleApiError):
    """A write got no clear answer (timeout, lost connection, 408/429/5xx): it may or may not have been applied."""


@dataclass
class Transport:
    """Sends a request with a timeout, retrying 408/429/5xx and connection errors a bounded number of times.

    Inside :meth:`single_attempt` nothing is retried here: a write whose answer is lost may already have
    been applied, so the caller decides (see ``GoogleSheetsStore``: a commit marker makes the retry safe).
    """

    session: requests.Session
    timeout: float = 30.0
    retries: int = 5
    per_minute: int = 50
    bases: Mapping[str, str] = field(default_factory=dict)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = random.random
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 64.0
    requests_sent: int = 0
    single: bool = False

    def __post_init__(self) -> None:
        self._pace = Pace(self.per_minute, self.sleep, self.clock)

    @contextmanager
    def single_attempt(self) -> Iterator[None]:
        """Requests in this block are sent once; no clear answer raises :class:`UnclearWrite`."""
        previous, self.single = self.single, True
        try:
            yield
        finally:
            self.single = previous

    def url(self, url: str) -> str:
        """The address with Google's base replaced by the configured one."""
        for name, default in DEFAULT_BASES.items():
            configured = self.bases.get(name, default).rstrip("/")
            if configured != default and url.startswith(default + "/"):
                return configured + url[len(default) :]
        return url

    def delay(self, attempt: int, response: requests.Response | None) -> float:
        """Exponential backoff with full jitter; a ``Retry-After`` header is honoured (capped)."""
        if response is not None:
            after = response.headers.get("Retry-After", "")
            if after.isdigit():
                return min(float(after), self.max_backoff_seconds)
        ceiling = min(self.backoff_seconds * 2**attempt, self.max_backoff_seconds)
        return float(ceiling / 2 + self.jitter() * ceiling / 2)

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        target = self.url(url)
        last: requests.Response | Exception | None = None
        for attempt in range(1 if self.single else self.retries + 1):
            if attempt:
                wait = self.delay(attempt - 1, last if isinstance(last, requests.Response) else None)
                log.info("Google: neuer Versuch %d von %d in %.1f s (%s)", attempt, self.retries, wait, _why(last))
                self.sleep(wait)
            self._pace.wait()
            self.requests_sent += 1
            try:
                response = self.session.request(method.upper(), target, timeout=self.timeout, **kwargs)
            except (requests.ConnectionError, requests.Timeout, google.auth.exceptions.TransportError) as exc:
                last = exc
                continue
            except google.auth.exceptions.RefreshError as exc:
                raise GoogleApiError(
                    f"Die Anmeldung bei Google ist fehlgeschlagen ({exc}). Bitte den Schlüssel des Dienstkontos "
                    "bzw. die Token-Datei prüfen (siehe docs/google-einrichtung.md)."
                ) from exc
            if response.status_code in RETRY_STATUS:
                last = response
                continue
            return response
        if self.single:
            raise UnclearWrite(f"Keine klare Antwort von Google ({_why(last)}; {method.upper()} {_short(target)}).")
        raise GoogleApiError(
            f"Google war nach {self.retries + 1} Versuchen nicht erreichbar ({_why(last)}; {method.upper()} "
            f"{_short(target)}). Bitte später erneut starten; bleibt der Fehler, Internetverbindung und die "
            "Einstellungen [google] prüfen."
        )


def _short(url: str) -> str:
    return url.split("?", 1)[0]


def _why(last: requests.Response | Exception | None) -> str:
    if isinstance(last, requests.Response):
        return f"Antwort {last.status_code}"
    if isinstance(last, requests.Timeout):
        return "Zeitlimit überschritten"
    if last is not None:
        return "Verbindungsfehler"
    return "unbekannt"


def describe_status(status: int, what: str, detail: str = "") -> str:
    """A German message for a non-retryable error answer of a Google API."""
    hint = {
        400: "Die Anfrage wurde abgelehnt; bitte die Tabelle/Formulare auf umbenannte Blätter prüfen.",
        401: "Der Zugang wurde nicht angenommen: Schlüsseldatei bzw. Anmeldung prüfen "
        "(siehe docs/google-einrichtung.md).",
        403: "Kein Zugriff: die Tabelle bzw. das Formular mit der Adresse des Dienstkontos teilen "
        "(Bearbeiter) und prüfen, ob die Sheets- und Forms-API im Cloud-Projekt aktiviert sind.",
        404: "Nicht gefunden: die ID in gespraechsrunde.toml ([google] tabelle) bzw. formulare.json prüfen.",
    }.get(status, "Bitte später erneut versuchen.")
    extra = f" ({detail})" if detail else ""
    return f"Google hat {what} mit Fehler {status} abgelehnt{extra}. {hint}"


def error_detail(response: requests.Response) -> str:
    try:
        return str(response.json().get("error", {}).get("message", ""))[:200]
    except ValueError:
        return ""


class GspreadHttpClient(HTTPClient):
    """gspread's HTTP client, sending through a :class:`Transport` (bound by :func:`gspread_client_class`)."""

    transport: Transport

    def request(
        self,
        method: str,
        endpoint: str,
        params: Any = None,
        data: Any = None,
        json: Any = None,
        files: Any = None,
        headers: Any = None,
    ) -> requests.Response:
        from gspread.exceptions import APIError

        given = {"params": params, "data": data, "json": json, "files": files, "headers": headers}
        response = self.transport.request(method, endpoint, **{k: v for k, v in given.items() if v is not None})
        if not response.ok:
            raise APIError(response)
        return response


def gspread_client_class(transport: Transport) -> type[GspreadHttpClient]:
    """A :class:`GspreadHttpClient` subclass bound to ``transport`` (gspread instantiates the class itself)."""
    return type("BoundGspreadHttpClient", (GspreadHttpClient,), {"transport": transport})


class HttplibAdapter:
    """httplib2's ``request`` interface for google-api-python-client, sent through a :class:`Transport`."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.timeout = transport.timeout

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        redirections: int = 5,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response, bytes]:
        response = self.transport.request(method, uri, data=body, headers=dict(headers or {}))
        info: dict[str, Any] = {k.lower(): v for k, v in response.headers.items()}
        info["status"] = response.status_code
        return httplib2.Response(info), response.content

    def close(self) -> None:
        """Nothing to close: the session belongs to the transport."""
