"""German for click's own texts (»Usage:«, »Options«, error lines), so that every line a user reads is German.

click translates these strings with ``gettext``, bound per module at import; :func:`install` replaces
those bindings with a lookup in the table below (unknown strings stay as they are).
"""

from __future__ import annotations

import importlib

GERMAN = {
    "Usage:": "Aufruf:",
    "Options": "Optionen",
    "Commands": "Befehle",
    "Show this message and exit.": "Diese Hilfe zeigen und beenden.",
    "Show the version and exit.": "Die Version zeigen und beenden.",
    "Error: {message}": "Fehler: {message}",
    "Try '{command} {option}' for help.": "Hilfe mit »{command} {option}«.",
    "No such command {name!r}.": "Unbekannter Befehl »{name}«.",
    "No such option {name!r}.": "Unbekannte Option »{name}«.",
    "No such option: {name}": "Unbekannte Option: {name}",
    "Missing argument": "Fehlendes Argument",
    "Missing argument {param_hint}.": "Fehlendes Argument {param_hint}.",
    "Missing option": "Fehlende Option",
    "Missing option {param_hint}.": "Fehlende Option {param_hint}.",
    "Missing parameter": "Fehlende Angabe",
    "Missing command.": "Befehl fehlt.",
    "Invalid value for {param_hint}: {message}": "Ungültiger Wert für {param_hint}: {message}",
    "Invalid value: {message}": "Ungültiger Wert: {message}",
    "Aborted!": "Abgebrochen.",
    "Option {name!r} does not take a value.": "Option »{name}« nimmt keinen Wert.",
    "Option {name!r} requires an argument.": "Option »{name}« braucht einen Wert.",
    "Got unexpected extra argument ({args})": "Unerwartetes zusätzliches Argument ({args})",
    "Got unexpected extra arguments ({args})": "Unerwartete zusätzliche Argumente ({args})",
    "Did you mean {possibility}?": "Meinten Sie {possibility}?",
    "(Possible options: {possibilities})": "(Mögliche Optionen: {possibilities})",
    "{value!r} is not a valid {number_type}.": "»{value}« ist keine gültige Zahl ({number_type}).",
    "{value} is not in the range {range}.": "{value} liegt nicht im Bereich {range}.",
    "{name} {filename!r} does not exist.": "{name} »{filename}« gibt es nicht.",
    "{name} {filename!r} is a directory.": "{name} »{filename}« ist ein Ordner.",
    "{name} {filename!r} is a file.": "{name} »{filename}« ist eine Datei.",
    "{name} {filename!r} is not writable.": "{name} »{filename}« ist nicht beschreibbar.",
    "{name} {filename!r} is not readable.": "{name} »{filename}« ist nicht lesbar.",
    "{value!r} is not one of {choices}.": "»{value}« ist nicht erlaubt; möglich: {choices}.",
    "{value!r} is not {choice}.": "»{value}« ist nicht erlaubt; möglich: {choice}.",
    "default: {default}": "Voreinstellung: {default}",
    "env var: {var}": "Umgebungsvariable: {var}",
    "required": "Pflicht",
    "Do you want to continue?": "Fortfahren?",
    "Confirm the action without prompting.": "Ohne Rückfrage bestätigen.",
    "file": "Datei",
    "directory": "Ordner",
    "path": "Pfad",
    "%(prog)s, version %(version)s": "%(prog)s, Version %(version)s",
}

_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


def translate(message: str) -> str:
    return GERMAN.get(message, message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


def install() -> None:
    """Make click speak German (idempotent)."""
    import click.types

    for type_, name in ((click.types.IntParamType, "zahl"), (click.types.IntRange, "zahl"),
                        (click.types.FloatParamType, "kommazahl"), (click.types.FloatRange, "kommazahl"),
                        (click.types.BoolParamType, "ja/nein")):  # fmt: skip
        type_.name = name
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        namespace = vars(module)
        if "_" in namespace:
            namespace["_"] = translate
        if "ngettext" in namespace:
            namespace["ngettext"] = translate_plural
