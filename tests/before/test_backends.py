"""The new commands write through either store: the local workbook and Google Sheets (fake HTTP)."""

from __future__ import annotations

from typing import Any

from automation.domain.records import Anmeldung, Kontakt, TerminvorschlagZeile, Versand
from tests.conftest import base_records


def test_terminvorschlag_anrufliste_and_einlass_on_each_store(backend: Any) -> None:
    only_phone = Kontakt(
        kontakt_id="K-TEL1", vorname="Tilda", nachname="Telefon", telefon="0171 2345678", kommune="Adorf",
        anwesenheit=["nur Sa/So"], gruppe="Incoming", einwilligung_speicherung=True, einwilligung_einladungen=True,
    )  # fmt: skip
    anmeldung = Anmeldung(anmelde_id="A-1", termin_id="T-2027-1", kontakt_id="K-BEKANNT1")
    folder = backend.create([*base_records(), only_phone, anmeldung])
    with (folder / "gespraechsrunde.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[kommunen]\nAdorf = "BY"\nBergheim = "BY"\n')

    result = backend.run("terminvorschlag", "--von", "2027-04-01", "--bis", "2027-06-30")
    assert result.exit_code == 0, result.output
    rows = backend.dataset().all(TerminvorschlagZeile)
    assert rows and rows[0].rang == 1
    assert any("Pfingstferien" in (r.begruendung or "") for r in rows if r.ergebnis == "ausgeschlossen")

    for _ in range(2):
        result = backend.run("anrufliste", "--termin", "T-2027-1")
        assert result.exit_code == 0, result.output
        assert "K-TEL1" in result.output
    calls = [v for v in backend.dataset().all(Versand) if v.art == "Anruf"]
    assert [(v.kontakt_id, v.status) for v in calls] == [("K-TEL1", "anzurufen")]

    result = backend.run("einlass", "--termin", "T-2027-1", "--ohne-pdf")
    assert result.exit_code == 0, result.output
    assert "Beispiel, Erika" in (folder / "ausgabe" / "einlass-T-2027-1.html").read_text(encoding="utf-8")
