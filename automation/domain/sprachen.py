"""The languages of the messages: which one a person reads (``Kontakte.Sprache``) and its writing direction."""

from __future__ import annotations

import unicodedata

#: Languages with a complete message catalog (``automation/adapters/mail/_sprachen/<code>/LC_MESSAGES/messages.po``).
SPRACHEN: tuple[str, ...] = ("de", "en", "tr", "uk", "ar")
DEUTSCH = "de"
RIGHT_TO_LEFT = frozenset({"ar"})

_NAMES: dict[str, str] = {
    # German
    "de": "de", "deu": "de", "ger": "de", "deutsch": "de", "german": "de", "almanca": "de",
    # English
    "en": "en", "eng": "en", "englisch": "en", "english": "en", "ingilizce": "en",
    # Turkish
    "tr": "tr", "tur": "tr", "turkisch": "tr", "turkish": "tr", "turkce": "tr",
    # Ukrainian
    "uk": "uk", "ua": "uk", "ukr": "uk", "ukrainisch": "uk", "ukrainian": "uk", "українська": "uk",
    "украинский": "uk", "украинская": "uk",
    # Arabic
    "ar": "ar", "ara": "ar", "arabisch": "ar", "arabic": "ar", "العربية": "ar", "عربي": "ar", "عربى": "ar",
    "اللغة العربية": "ar",
}  # fmt: skip


def _key(value: str) -> str:
    # »Türkçe«, »Türkisch«: drop accents of Latin letters; Cyrillic and Arabic letters stay as they are.
    decomposed = unicodedata.normalize("NFD", value.strip().casefold())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


def language_code(sprache: str | None) -> str:
    """The catalog for a ``Sprache`` cell: ``"Türkisch"`` → ``"tr"``; empty or unknown → German.

    A cell may name several languages (``"Arabisch, Deutsch"``): the first one we have wins.
    """
    if not sprache:
        return DEUTSCH
    for part in sprache.replace(";", ",").replace("/", ",").split(","):
        for key in (part.strip().casefold(), _key(part)):
            code = _NAMES.get(key) or _NAMES.get(key.split("-")[0].split("_")[0])
            if code is not None:
                return code
    return DEUTSCH


def direction(code: str) -> str:
    """``rtl`` for Arabic, else ``ltr`` (the HTML ``dir`` attribute)."""
    return "rtl" if code in RIGHT_TO_LEFT else "ltr"
