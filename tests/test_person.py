"""DSGVO: export and erasure per person, through the command line."""

from __future__ import annotations

import json

from automation.records import Anmeldung, Eingang, Kontakt
from tests.conftest import read_dataset, registration, run_cli, write_answers


def test_export_and_erase_a_person(make_workspace) -> None:
    folder = make_workspace()
    write_answers(
        folder, "anmeldung", [("01.02.2027 10:00:00", registration("Erika", "Beispiel", "erika@beispiel.example"))]
    )
    run_cli("-C", str(folder), "sync")

    exported = json.loads(run_cli("-C", str(folder), "person", "export", "ERIKA@beispiel.example").output)
    assert exported["Kontakte"][0]["Kontakt-ID"] == "K-BEKANNT1"
    assert len(exported["Anmeldungen"]) == 1 and len(exported["Eingang"]) == 1

    result = run_cli("-C", str(folder), "person", "loeschen", "K-BEKANNT1", "--ja")
    assert result.exit_code == 0, result.output
    data = read_dataset(folder)
    assert data.get(Kontakt, "K-BEKANNT1") is None
    assert data.all(Anmeldung) == []
    assert [e.daten for e in data.all(Eingang)] == ["{}"]

    # the answer is still in the CSV export: the next sync must not bring the person back
    run_cli("-C", str(folder), "sync")
    assert "erika@beispiel.example" not in {k.email for k in read_dataset(folder).all(Kontakt)}


def test_unknown_person_is_a_clear_message(make_workspace) -> None:
    folder = make_workspace()
    result = run_cli("-C", str(folder), "person", "export", "niemand@beispiel.example")
    assert result.exit_code == 1
    assert "Keine Person" in result.output
