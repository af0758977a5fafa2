"""The German findings of sending (tab ``Versand`` or ``Kontakte``, with row, column and fix)."""

from __future__ import annotations

from automation.domain.dataset import Dataset
from automation.domain.records import Hinweis, Kontakt, Schwere
from automation.domain.words import count as plural

UNCLEAR_HINT = (
    "Der Lauf brach beim Senden ab; ob die Nachricht ankam, ist unklar. Bitte beim Empfänger oder im "
    "Postausgang nachsehen und nur wenn nötig »gespraechsrunde versand wiederholen {key}« ausführen."
)


def unclear(key: str, row: int | None, reason: str | None = None) -> Hinweis:
    """An ``unklar`` message: shown in every run until someone resolves the row."""
    return Hinweis(
        tabelle="Versand",
        zeile=row,
        id=key,
        spalte="Status",
        schwere="Warnung",
        hinweis=f"Nachricht {key}: {reason or UNCLEAR_HINT.format(key=key)}",
        vorschlag=(
            "Nichts wird automatisch erneut gesendet. Kam sie an: Status »gesendet« eintragen; sonst "
            f'»gespraechsrunde versand wiederholen "{key}"« ausführen.'
        ),
    )


def stopped(reason: str) -> Hinweis:
    return Hinweis(
        tabelle="Versand",
        spalte="Status",
        schwere="Fehler",
        hinweis=reason,
        vorschlag="Die übrigen Nachrichten bleiben »geplant« und gehen im nächsten Lauf hinaus.",
    )


def address(dataset: Dataset, kontakt: Kontakt, problem: str, severity: Schwere = "Fehler") -> Hinweis:
    """No message to this contact: no address, or one that cannot be used."""
    return Hinweis(
        tabelle="Kontakte",
        zeile=dataset.row_number(Kontakt, kontakt.kontakt_id),
        id=kontakt.kontakt_id,
        spalte="E-Mail",
        schwere=severity,
        hinweis=f"{problem}; {kontakt.kontakt_id} bekommt deshalb keine Nachricht.",
        vorschlag=(
            "Die Person anrufen oder per Brief benachrichtigen; oder eine Adresse eintragen, dann folgt die "
            "Nachricht im nächsten Lauf."
            if severity == "Info"
            else "Eine gültige Adresse in der Form name@beispiel.de eintragen (ohne Namen, Kommas, "
            "Zeilenumbrüche); die Nachricht folgt im nächsten Lauf."
        ),
    )


def held(dataset: Dataset, kontakt: Kontakt, doubt: str, count: int) -> Hinweis:
    """Messages held because the job itself doubts the address (a typo warning is open)."""
    return Hinweis(
        tabelle="Kontakte",
        zeile=dataset.row_number(Kontakt, kontakt.kontakt_id),
        id=kontakt.kontakt_id,
        spalte="E-Mail",
        schwere="Warnung",
        hinweis=f"{plural(count, 'Nachricht', 'Nachrichten')} an »{kontakt.email}« zurückgehalten: {doubt}",
        vorschlag=(
            "Die Adresse in »E-Mail« korrigieren – oder, wenn sie stimmt, in der Spalte »E-Mail bestätigt« "
            "»ja« eintragen. Die Nachrichten folgen im nächsten Lauf."
        ),
    )
