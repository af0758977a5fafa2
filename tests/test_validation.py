"""Checks across tabs: what single cells cannot show."""

from __future__ import annotations

import datetime as dt

from automation.domain.dataset import Dataset
from automation.domain.records import Anmeldung, Kontakt
from automation.domain.validation import cross_checks
from tests.conftest import TERMIN, base_records


def _dataset(*extra: object) -> Dataset:
    dataset = Dataset.from_snapshot({})
    for record in [*base_records(), *extra]:
        dataset.put(record)  # type: ignore[arg-type]
    return dataset


def _registration(status: str, n: int = 1) -> Anmeldung:
    return Anmeldung(anmelde_id=f"A-{n}", termin_id=TERMIN.termin_id, kontakt_id="K-BEKANNT1", status=status)  # type: ignore[arg-type]


def test_missing_attendance_after_the_date_is_pointed_out() -> None:
    after = TERMIN.datum + dt.timedelta(days=2)
    found = [f for f in cross_checks(_dataset(_registration("angemeldet")), after) if "Anwesenheit" in f.hinweis]
    assert len(found) == 1 and found[0].tabelle == "Termine" and "teilgenommen" in (found[0].vorschlag or "")
    # before the date, or once attendance is recorded, nothing to say
    assert not [
        f for f in cross_checks(_dataset(_registration("angemeldet")), TERMIN.datum) if "Anwesenheit" in f.hinweis
    ]
    recorded = _dataset(_registration("angemeldet", 1), _registration("teilgenommen", 2))
    assert not [f for f in cross_checks(recorded, after) if "Anwesenheit" in f.hinweis]


def test_references_and_consent_are_checked() -> None:
    found = cross_checks(
        _dataset(
            Anmeldung(anmelde_id="A-9", termin_id="T-gibt-es-nicht", kontakt_id="K-weg"),
            Kontakt(kontakt_id="K-OHNE", vorname="Ohne", einwilligung_speicherung=False),
        ),
        TERMIN.datum,
    )
    messages = {(f.tabelle, f.spalte) for f in found}
    assert ("Anmeldungen", "Termin-ID") in messages and ("Anmeldungen", "Kontakt-ID") in messages
    assert ("Kontakte", "Einwilligung Speicherung") in messages
