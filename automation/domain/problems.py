"""How a problem is shown to a person: German, one ``ort: meldung`` line per problem.

pydantic, the TOML parser and the network speak English; coordinators read German. This module turns
their errors into German sentences that say what is wrong and, where possible, how to fix it.
"""

from __future__ import annotations

import re
import socket
import ssl
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError


def _choices(expected: str) -> str:
    """pydantic's ``'ausgang' or 'smtp'`` as ``»ausgang« oder »smtp«``."""
    names = re.findall(r"'([^']*)'", expected)
    if not names:
        return expected
    quoted = [f"»{n}«" for n in names]
    return ", ".join(quoted[:-1]) + " oder " + quoted[-1] if len(quoted) > 1 else quoted[0]


def german_message(error: Any) -> str:
    """One pydantic error (a dict of ``ValidationError.errors()``) as a German sentence."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    value = error.get("input")
    shown = f" (eingetragen: {value!r})" if value is not None and not isinstance(value, dict | list) else ""
    messages = {
        "missing": "fehlt – bitte angeben",
        "extra_forbidden": "unbekannte Einstellung (Tippfehler?) – bitte entfernen oder richtig schreiben",
        "literal_error": f"erlaubt sind {_choices(str(ctx.get('expected', '')))}",
        "enum": f"erlaubt sind {_choices(str(ctx.get('expected', '')))}",
        "int_parsing": "muss eine ganze Zahl sein, z. B. 3",
        "int_type": "muss eine ganze Zahl sein, z. B. 3",
        "int_from_float": "muss eine ganze Zahl sein (ohne Nachkommastellen)",
        "float_parsing": "muss eine Zahl sein, z. B. 2.5 (mit Punkt)",
        "float_type": "muss eine Zahl sein, z. B. 2.5 (mit Punkt)",
        "bool_parsing": "muss true oder false sein",
        "bool_type": "muss true oder false sein",
        "string_type": "muss ein Text in Anführungszeichen sein",
        "list_type": 'muss eine Liste sein, z. B. ["a", "b"]',
        "dict_type": "muss ein Abschnitt mit Einträgen sein",
        "time_parsing": "muss eine Uhrzeit sein, z. B. 14:00",
        "time_type": "muss eine Uhrzeit sein, z. B. 14:00",
        "date_parsing": "muss ein Datum sein, z. B. 2027-03-13",
        "date_from_datetime_parsing": "muss ein Datum sein, z. B. 2027-03-13",
        "string_pattern_mismatch": "hat nicht die erwartete Form",
        "greater_than": f"muss größer als {ctx.get('gt')} sein",
        "greater_than_equal": f"muss mindestens {ctx.get('ge')} sein",
        "less_than": f"muss kleiner als {ctx.get('lt')} sein",
        "less_than_equal": f"darf höchstens {ctx.get('le')} sein",
        "string_too_short": f"muss mindestens {ctx.get('min_length')} Zeichen haben",
        "string_too_long": f"darf höchstens {ctx.get('max_length')} Zeichen haben",
        "too_short": f"braucht mindestens {ctx.get('min_length')} Einträge",
        "too_long": f"darf höchstens {ctx.get('max_length')} Einträge haben",
        "url_parsing": "muss eine Internetadresse sein, z. B. https://www.kommune.de",
        "url_scheme": "muss mit https:// beginnen",
    }
    if kind in messages:
        return messages[kind] + shown
    if kind == "value_error":  # our own validators already speak German
        return str(error.get("msg", "")).removeprefix("Value error, ")
    return f"ist ungültig{shown}"


def error_lines(
    exc: ValidationError, message: Callable[[Any], str] | None = None, *, root: str = "(Wurzel)", bullet: str = ""
) -> list[str]:
    """``loc: message`` for every error, in German (``message`` may word one error differently)."""
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or root
        lines.append(f"{bullet}{where}: {(message or german_message)(error)}")
    return lines


def toml_problem(exc: Exception) -> str:
    """A TOML syntax error in German, with line and column (``tomllib`` speaks English)."""
    found = re.search(r"line (\d+), column (\d+)", str(exc))
    where = f"Zeile {found[1]}, Spalte {found[2]}" if found else "einer Stelle"
    return (
        f"In {where} ist die Datei kein gültiges TOML. Häufige Ursachen: fehlendes »=«, Text ohne "
        "Anführungszeichen, ein doppelter Eintrag oder ein Abschnitt [name] doppelt"
    )


def network_problem(exc: BaseException) -> str:
    """What a network error means, in German (no host names or addresses of people)."""
    if isinstance(exc, ConnectionRefusedError):
        return "Verbindung abgelehnt – läuft der Server, und stimmen Rechnername und Port?"
    if isinstance(exc, socket.gaierror):
        return "Rechnername unbekannt – bitte die Schreibweise prüfen"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "keine Antwort in der erlaubten Zeit (Zeitlimit) – Server überlastet oder Netz gestört"
    if isinstance(exc, ssl.SSLError):
        return "die verschlüsselte Verbindung scheiterte – stimmt die Einstellung zur Verschlüsselung (ssl/starttls)?"
    if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return "die Verbindung wurde unterbrochen"
    if isinstance(exc, OSError):
        return "Netzwerkfehler"
    return "unbekannter Fehler"
