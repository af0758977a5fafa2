"""Normalisation of messy cells typed by people: booleans, dates, phone numbers, e-mails, lists.

Every parser takes whatever a spreadsheet or form gave (str, int, float, datetime, None) and returns a
clean Python value, ``None`` for an empty cell, or raises :class:`CellError` with a German message and a
suggested fix. Parsers never guess silently where a person could be misread: a fuzzy match comes back
as a :class:`CellWarning` (value plus hint) so that validation can report it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email


class CellError(ValueError):
    """A cell that cannot be read; ``message`` and ``suggestion`` are German."""

    def __init__(self, message: str, suggestion: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


@dataclass(frozen=True)
class CellWarning:
    """A value that was read, but with a doubt worth telling the person."""

    message: str
    suggestion: str = ""


# Spreadsheets count days from 1899-12-30 (Excel's leap-year bug included, as Google Sheets does).
_SERIAL_EPOCH = dt.datetime(1899, 12, 30)

_TRUE = {"ja", "j", "yes", "y", "x", "✓", "✔", "☑", "true", "wahr", "1", "an", "ok", "jawohl", "ja bitte"}
_FALSE = {"nein", "n", "no", "false", "falsch", "0", "-", "–", "aus", "✗", "✘", "nö", "nee", "kein", "keine"}

_GERMAN_NUMBERS = {
    "null": 0, "kein": 0, "keine": 0, "eins": 1, "ein": 1, "eine": 1, "zwei": 2, "drei": 3,
    "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
}  # fmt: skip

_LIST_SPLIT = re.compile(r"\s*(?:[,;\n\r|•]+)\s*")


def is_empty(value: Any) -> bool:
    """True for None, empty or whitespace-only text."""
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str | None:
    """Trimmed text in Unicode NFC (umlauts typed on a Mac and on Windows compare equal)."""
    if is_empty(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    cleaned = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return cleaned.strip()


def boolean(value: Any) -> bool | None:
    """``ja``/``x``/``✓``/``nein``/… → bool; empty → None."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise CellError(f"»{value}« ist kein Ja/Nein-Wert.", "Bitte »ja« oder »nein« eintragen.")
    word = str(value).strip().lower().rstrip(".!")
    if word in _TRUE or word.startswith("ja"):
        return True
    if word in _FALSE or word.startswith("nein"):
        return False
    raise CellError(f"»{value}« ist kein Ja/Nein-Wert.", "Bitte »ja« oder »nein« eintragen (oder leer lassen).")


# Words that make a consent cell anything but a clear »ja« (»ja, aber nicht per Mail«).
_NEGATION = re.compile(
    r"\b(?:nicht|nein|kein\w*|no|not|ohne|nie|niemals|widerruf\w*|widersproch\w*|zurückgezogen|abgelehnt|"
    r"später|vielleicht|unklar|fraglich|nachfragen)\b|\?",
    re.IGNORECASE,
)
_YES_START = re.compile(r"(?:ja|j|yes|y|x|✓|✔|☑|☒|ok|jawohl)(?![a-zäöüß])", re.IGNORECASE)
# What a person types into »Abgemeldet« when someone is *not* unsubscribed; anything else means unsubscribed.
_NOT_OPTED_OUT = {"nein", "n", "no", "false", "falsch", "0", "-", "–", "—", "nö", "nee", "nicht abgemeldet"}


def consent(value: Any) -> bool | None:
    """A consent cell (fail closed): only a clear »ja« is consent; empty → None; a clear »nein« → False.

    Anything else (»ja, aber nicht per Mail«, »vielleicht«, »?«) raises :class:`CellError`: the reader
    then keeps the default, no consent, and reports the cell.
    """
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise CellError(f"»{value}« ist keine klare Einwilligung; sie gilt als nicht gegeben.", _CONSENT_FIX)
    word = unicodedata.normalize("NFC", str(value)).strip().lower().rstrip(".!")
    if word in _FALSE or word.startswith("nein"):
        return False
    if (word in _TRUE or _YES_START.match(word)) and not _NEGATION.search(word):
        return True
    raise CellError(f"»{str(value).strip()}« ist keine klare Einwilligung; sie gilt als nicht gegeben.", _CONSENT_FIX)


_CONSENT_FIX = "Nur »ja« (eingewilligt) oder »nein« eintragen; Bemerkungen bitte in eine eigene Spalte."


def opt_out(value: Any) -> bool | None:
    """The »Abgemeldet« cell (fail closed): anything typed there means unsubscribed, except a clear »nein«.

    ``x (per Mail 03.11.)``, ``abgemeldet``, ``☒``, ``seit 11/2026`` → True; empty → None (not unsubscribed).
    """
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    word = unicodedata.normalize("NFC", str(value)).strip().lower().rstrip(".!")
    return word not in _NOT_OPTED_OUT


def integer(value: Any) -> int | None:
    """``2``, ``"2"``, ``2.0``, ``"zwei"`` → 2; empty → None."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"»{value}« ist keine Zahl.", "Bitte eine ganze Zahl eintragen, z. B. 2.")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(f"»{value}« ist keine Zahl.", "Bitte eine ganze Zahl eintragen, z. B. 2.")
        if value.is_integer():
            return int(value)
        raise CellError(f"»{value}« ist keine ganze Zahl.", f"Bitte runden, z. B. {round(value)}.")
    word = str(value).strip().lower()
    if word in _GERMAN_NUMBERS:
        return _GERMAN_NUMBERS[word]
    match = re.fullmatch(r"([+-]?\d+)(?:[.,]0+)?(?:\s*(?:personen|person|pers\.?|plätze|stück))?", word)
    if match:
        return int(match.group(1))
    raise CellError(f"»{value}« ist keine ganze Zahl.", "Bitte nur Ziffern eintragen, z. B. 2.")


def _serial_to_datetime(number: float) -> dt.datetime:
    if not 1 <= number < 2958466:  # 1899-12-31 … 9999-12-31
        raise CellError(f"»{number}« ist kein Datum.", "Bitte ein Datum wie 12.03.2027 eintragen.")
    return _SERIAL_EPOCH + dt.timedelta(days=number)


def _expand_year(year: int) -> int:
    return 2000 + year if year < 100 else year


_DATE_PATTERNS = (
    # 12.03.2027, 12.3.27, 12. 3. 2027
    (re.compile(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4}|\d{2})"), ("d", "m", "y")),
    # 2027-03-12, 2027/03/12
    (re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})"), ("y", "m", "d")),
    # 12/03/2027 (European slash order)
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), ("d", "m", "y")),
)

_TIME_PATTERN = re.compile(
    r"(?:\s+|T)(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:\.\d+)?)?\s*(am|pm|vorm\.|nachm\.)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[A-Za-z]{2,5}(?:[+-]\d{1,2})?)?\s*$",
    re.IGNORECASE,
)


def date(value: Any) -> dt.date | None:
    """German (``12.03.2027``, ``12.3.27``), ISO dates and spreadsheet serial numbers → date."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial_to_datetime(float(value)).date()
    raw = str(value).strip()
    if re.fullmatch(r"\d{5}(?:[.,]\d+)?", raw):
        return _serial_to_datetime(float(raw.replace(",", "."))).date()
    for pattern, order in _DATE_PATTERNS:
        match = pattern.fullmatch(raw)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return dt.date(_expand_year(parts["y"]), parts["m"], parts["d"])
            except ValueError:
                raise CellError(
                    f"»{raw}« ist kein gültiges Datum.", "Bitte Tag und Monat prüfen, Form: 12.03.2027."
                ) from None
    raise CellError(f"»{raw}« ist kein Datum.", "Bitte ein Datum in der Form 12.03.2027 eintragen.")


def time(value: Any) -> dt.time | None:
    """``18:00``, ``18.30``, ``18 Uhr``, a serial day fraction or a time object → time."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(microsecond=0)
    if isinstance(value, float | int) and not isinstance(value, bool) and 0 <= value < 1:
        seconds = round(float(value) * 86400)
        return dt.time(seconds // 3600 % 24, seconds // 60 % 60)
    raw = str(value).strip().lower()
    match = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?(?::\d{2})?\s*(?:uhr|h)?", raw)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise CellError(f"»{value}« ist keine Uhrzeit.", "Bitte eine Uhrzeit wie 18:00 eintragen.")


def timestamp(value: Any) -> dt.datetime | None:
    """Date and time as typed, exported by Google Forms (CSV) or sent by the API → naive local datetime.

    API timestamps in UTC (``2026-11-20T09:15:32.123Z``) are converted to Europe/Berlin.
    """
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0, tzinfo=None) if value.tzinfo is None else _to_local(value)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial_to_datetime(float(value)).replace(microsecond=0)
    raw = str(value).strip()
    iso = raw.replace("Z", "+00:00") if raw.endswith("Z") else raw
    try:
        parsed = dt.datetime.fromisoformat(iso)
        return _to_local(parsed) if parsed.tzinfo else parsed.replace(microsecond=0)
    except ValueError:
        pass
    day = date(raw.split(" ")[0].split("T")[0])
    if day is None:
        raise CellError(f"»{raw}« ist kein Zeitpunkt.", "Bitte in der Form 12.03.2027 18:30 eintragen.")
    match = _TIME_PATTERN.search(raw)
    if not match:
        if re.fullmatch(r"[\d./-]+", raw):
            return dt.datetime.combine(day, dt.time())
        raise CellError(f"»{raw}« ist kein Zeitpunkt.", "Bitte in der Form 12.03.2027 18:30 eintragen.")
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    meridiem = (match.group(4) or "").lower()
    if meridiem in ("pm", "nachm.") and hour < 12:
        hour += 12
    if meridiem in ("am", "vorm.") and hour == 12:
        hour = 0
    return dt.datetime.combine(day, dt.time(hour, minute, second))


def _to_local(value: dt.datetime) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo("Europe/Berlin")).replace(tzinfo=None, microsecond=0)


def text_list(value: Any) -> list[str]:
    """``Sport, Kultur``, ``Sport;Kultur``, one per line, bullets → ``["Sport", "Kultur"]`` (no repeats)."""
    if is_empty(value):
        return []
    if isinstance(value, list | tuple):
        items: Iterable[Any] = value
    else:
        items = _LIST_SPLIT.split(unicodedata.normalize("NFC", str(value)))
    seen: dict[str, str] = {}
    for item in items:
        cleaned = str(item).strip().strip("-–•*").strip()
        if cleaned and cleaned.casefold() not in seen:
            seen[cleaned.casefold()] = cleaned
    return list(seen.values())


def split_known_options(value: Any, options: Sequence[str]) -> list[str]:
    """Split a checkbox answer joined with ``", "`` where the options themselves may contain commas."""
    if is_empty(value):
        return []
    raw = str(value).strip()
    found: list[str] = []
    for option in sorted(options, key=len, reverse=True):
        if option and option in raw:
            found.append(option)
            raw = raw.replace(option, "\0")
    rest = [part for part in text_list(raw.replace("\0", ",")) if part]
    ordered = sorted(found, key=lambda o: str(value).find(o))
    return ordered + rest


def phone(value: Any, region: str = "DE") -> str | None:
    """Any German way of writing a number → ``+49 30 1234567`` (international format)."""
    if is_empty(value):
        return None
    raw = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    return _phone(raw, region)


@functools.lru_cache(maxsize=65536)
def _phone(raw: str, region: str) -> str:
    cleaned = re.sub(r"(?i)^(tel\.?|telefon|handy|mobil|fon)[:\s]*", "", raw)
    cleaned = cleaned.replace("(0)", "").replace("/", " ")
    if re.search(r"[^\d\s()+\-.]", cleaned):
        raise CellError(
            f"»{raw}« enthält Zeichen, die in keiner Telefonnummer stehen.",
            "Nur Ziffern, Leerzeichen, + und - eintragen, z. B. 0171 2345678 (Buchstabe O statt Null?).",
        )
    if re.fullmatch(r"\d{9,13}", cleaned) and not cleaned.startswith(("0", "49")):
        cleaned = "0" + cleaned  # spreadsheet ate the leading zero
    try:
        parsed = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        raise CellError(
            f"»{raw}« ist keine Telefonnummer.", "Bitte mit Vorwahl eintragen, z. B. 0171 2345678."
        ) from None
    if not phonenumbers.is_valid_number(parsed):
        raise CellError(
            f"»{raw}« ist keine gültige Telefonnummer.",
            "Bitte Vorwahl und Ziffern prüfen, z. B. 030 1234567 oder +49 171 2345678.",
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# Common German mail providers; typos of them are suggested back.
KNOWN_DOMAINS = (
    "gmail.com", "googlemail.com", "gmx.de", "gmx.net", "web.de", "t-online.de", "yahoo.de", "yahoo.com",
    "outlook.de", "outlook.com", "hotmail.de", "hotmail.com", "icloud.com", "freenet.de", "posteo.de",
    "mailbox.org", "aol.com", "arcor.de", "online.de", "live.de", "me.com", "vodafone.de", "email.de",
)  # fmt: skip


# Plainly well-formed addresses skip the (slower, thorough) check of email_validator.
_SIMPLE_EMAIL = re.compile(
    r"[A-Za-z0-9_%+'-]+(?:\.[A-Za-z0-9_%+'-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}"
)


def email(value: Any) -> tuple[str | None, CellWarning | None]:
    """Trim and check an e-mail address; lower-case its domain; suggest a fix for provider typos."""
    if is_empty(value):
        return None, None
    return _email(str(value))


@functools.lru_cache(maxsize=65536)
def _email(raw: str) -> tuple[str | None, CellWarning | None]:
    cleaned = unicodedata.normalize("NFC", raw).strip().strip("<>\"'").rstrip(".,;")
    cleaned = re.sub(r"^mailto:", "", cleaned, flags=re.IGNORECASE)
    cleaned = re.sub(r"\s+", "", cleaned).replace("(at)", "@").replace("[at]", "@")
    if cleaned.count("@") != 1:
        raise CellError(f"»{raw.strip()}« ist keine E-Mail-Adresse.", "Bitte in der Form name@beispiel.de eintragen.")
    local, domain = cleaned.split("@")
    domain = domain.lower().strip(".")
    if _SIMPLE_EMAIL.fullmatch(f"{local}@{domain}") and len(local) <= 64:
        return f"{local}@{domain}", _domain_typo(local, domain)
    try:
        result = validate_email(f"{local}@{domain}", check_deliverability=False)
    except EmailNotValidError:
        raise CellError(
            f"»{raw.strip()}« ist keine gültige E-Mail-Adresse.",
            "Bitte die Adresse prüfen, Form: name@beispiel.de.",
        ) from None
    normalized = f"{result.local_part}@{result.domain.lower()}"
    return normalized, _domain_typo(result.local_part, result.domain.lower())


@functools.lru_cache(maxsize=4096)
def _close_provider(domain: str) -> str | None:
    if domain in KNOWN_DOMAINS or domain.endswith((".example", ".invalid", ".test")):
        return None
    close = difflib.get_close_matches(domain, KNOWN_DOMAINS, n=1, cutoff=0.84)
    return close[0] if close else None


def _domain_typo(local: str, domain: str) -> CellWarning | None:
    provider = _close_provider(domain)
    if provider is None:
        return None
    close = [provider]
    return CellWarning(
        f"Tippfehler in der E-Mail-Adresse? »{domain}« ähnelt »{close[0]}«.",
        f"Falls gemeint: {local}@{close[0]} eintragen.",
    )


# Where a remark starts after a value: »abgesagt (tel.)«, »abgesagt, per Mail«, »abgesagt – krank«, »abgesagt am 3.11.«
_REMARK = re.compile(r"\s*[(\[,;:/]|\s+[-–—]\s*|\s+(?:am|per|seit|wegen|laut|lt\.|durch|von)\s+", re.IGNORECASE)


def choice(
    value: Any, options: Sequence[str], synonyms: dict[str, str] | None = None
) -> tuple[str | None, CellWarning | None]:
    """Match a cell to one of ``options`` ignoring case; close typos are accepted with a warning."""
    if is_empty(value):
        return None, None
    raw = unicodedata.normalize("NFC", str(value)).strip()
    folded = raw.casefold()
    for option in options:
        if option.casefold() == folded:
            return option, None
    for key, option in (synonyms or {}).items():
        if key.casefold() == folded:
            return option, None
    head = _REMARK.split(raw, maxsplit=1)[0].strip().casefold()  # »abgesagt (tel.)«, »abgesagt, per Mail«
    if head and head != folded and not _NEGATION.search(raw):
        for option in options:
            if option.casefold() == head:
                return option, None
        for key, option in (synonyms or {}).items():
            if key.casefold() == head:
                return option, None
    by_fold = {o.casefold(): o for o in options}
    close = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.75)
    if close and _NEGATION.search(raw) and not _NEGATION.search(close[0]):
        close = []  # »nicht angemeldet« is no typo of »angemeldet«
    if close:
        option = by_fold[close[0]]
        return option, CellWarning(f"»{raw}« als »{option}« gelesen.", f"Bitte »{option}« eintragen.")
    raise CellError(f"»{raw}« ist kein erlaubter Wert.", "Erlaubt sind: " + ", ".join(options) + ".")


def url(value: Any) -> str | None:
    """A web address; ``www.verein.de`` gets ``https://``."""
    cleaned = text(value)
    if cleaned is None:
        return None
    cleaned = cleaned.replace(" ", "")
    if not re.match(r"^https?://", cleaned, flags=re.IGNORECASE):
        cleaned = "https://" + cleaned
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*\.[^\s]{2,}", cleaned, flags=re.IGNORECASE):
        raise CellError(f"»{value}« ist keine Webadresse.", "Bitte in der Form www.verein.de eintragen.")
    return cleaned
