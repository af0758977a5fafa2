"""``status``: the figures a coordinator looks at, computed independently here from the rows we wrote."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from automation.domain.records import Anmeldung, Kontakt, TischplanZeile, Versand
from tests.conftest import TERMIN, WorkspaceFactory, base_records, run_cli


def _people() -> list[Kontakt | Anmeldung]:
    groups = ["Incoming", "Outgoing", "Incoming", "Neu zugezogen", "Einheimisch", None]
    places = ["Adorf", "Bergheim", "Adorf", "Adorf", None, "Bergheim"]
    statuses = ["angemeldet", "angemeldet", "teilgenommen", "Warteliste", "abgesagt", "angemeldet"]
    persons = [1, 3, 1, 2, 1, 1]
    records: list[Kontakt | Anmeldung] = []
    for i, (group, place, status, n) in enumerate(zip(groups, places, statuses, persons, strict=True)):
        records.append(Kontakt(kontakt_id=f"K-{i}", vorname=f"P{i}", gruppe=group, kommune=place,
                               einwilligung_speicherung=True))  # fmt: skip
        records.append(Anmeldung(anmelde_id=f"A-{i}", termin_id=TERMIN.termin_id, kontakt_id=f"K-{i}",
                                 eingegangen=dt.datetime(2027, 1, 10 + i % 3, 9), personen=n, status=status))  # fmt: skip
    return records


def test_status_json_counts_places_waiting_list_messages_and_groups(make_workspace: WorkspaceFactory) -> None:
    people = _people()
    ledger = [
        Versand(schluessel=f"Bestätigung|{TERMIN.termin_id}|K-0", art="Bestätigung", termin_id=TERMIN.termin_id,
                kontakt_id="K-0", status="gesendet"),
        Versand(schluessel=f"Bestätigung|{TERMIN.termin_id}|K-1", art="Bestätigung", termin_id=TERMIN.termin_id,
                kontakt_id="K-1", status="unklar"),
    ]  # fmt: skip
    folder = make_workspace([*base_records(), *people, *ledger])
    result = run_cli("-C", str(folder), "status", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    (termin,) = [t for t in data["termine"] if t["termin_id"] == TERMIN.termin_id]

    anmeldungen = [r for r in people if isinstance(r, Anmeldung)]
    kontakte = {r.kontakt_id: r for r in people if isinstance(r, Kontakt)}
    holding = [a for a in anmeldungen if a.status in ("angemeldet", "teilgenommen")]
    assert termin["belegt"] == sum(a.personen for a in holding) == 6
    assert termin["frei"] == TERMIN.plaetze - 6
    assert termin["warteliste"] == 2 and termin["abgesagt"] == 1 and termin["begleitungen"] == 2
    expected_groups: dict[str, int] = {}
    for a in holding:
        group = kontakte[a.kontakt_id].gruppe or "ohne Angabe"
        expected_groups[group] = expected_groups.get(group, 0) + a.personen
    assert termin["gruppen"] == expected_groups
    assert termin["kommunen"] == {"Bergheim": 4, "Adorf": 2}
    assert termin["nachrichten"]["gesendet"] == 1 and termin["nachrichten"]["unklar"] == 1
    assert termin["tischplan"] == "keiner"
    assert data["letzter_lauf"] is None


def test_status_reads_only_and_writes_a_readable_page(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace([*base_records(), *_people()])
    workbook = (folder / "gespraechsrunde.xlsx").read_bytes()
    result = run_cli("-C", str(folder), "status")
    assert result.exit_code == 0, result.output
    assert "6 von 10 Plätzen belegt, 4 frei" in result.output
    assert "Letzter Abgleich: noch keiner" in result.output
    assert (folder / "gespraechsrunde.xlsx").read_bytes() == workbook  # nothing written to the store
    page = (folder / "ausgabe" / "status.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in page
    assert page.count("<svg") == 2 and 'role="img"' in page
    assert page.count("<caption>") == 2  # a data table beside each chart
    assert not re.search(r'(src|href)="https?://', page)  # nothing loaded from the network
    assert "P1" not in page  # no names on the overview


def test_status_shows_the_last_sync_and_a_stale_plan(make_workspace: WorkspaceFactory, tmp_path: Path) -> None:
    plan = [TischplanZeile(termin_id=TERMIN.termin_id, runde=1, tisch="T1", teilnehmende=["K-0"])]
    folder = make_workspace([*base_records(), *_people(), *plan])
    (folder / "ausgabe").mkdir()
    plan_file = folder / "ausgabe" / f"tischplan-{TERMIN.termin_id}.json"
    plan_file.write_text("{}", encoding="utf-8")
    import os

    made = dt.datetime(2027, 1, 10, 12).timestamp()  # before the registration of 11.01.
    os.utime(plan_file, (made, made))
    run_cli("-C", str(folder), "sync")
    data = json.loads(run_cli("-C", str(folder), "status", "--json").output)
    (termin,) = [t for t in data["termine"] if t["termin_id"] == TERMIN.termin_id]
    assert termin["tischplan"] == "veraltet"
    assert data["letzter_lauf"]["ergebnis"] in ("in Ordnung", "mit Hinweisen")


def test_status_lists_messages_held_for_a_doubted_address(make_workspace: WorkspaceFactory) -> None:
    typo = Kontakt(kontakt_id="K-T", vorname="Tina", email="tina@gmial.com", einwilligung_speicherung=True,
                   einwilligung_einladungen=True)  # fmt: skip
    anmeldung = Anmeldung(anmelde_id="A-T", termin_id=TERMIN.termin_id, kontakt_id="K-T",
                          eingegangen=dt.datetime(2027, 1, 10, 9), personen=1, status="angemeldet")  # fmt: skip
    folder = make_workspace([*base_records(), typo, anmeldung])
    result = run_cli("-C", str(folder), "status", "--json")
    assert result.exit_code == 0, result.output
    held = json.loads(result.output)["nachrichten_zurueckgehalten"]
    assert held == {"E-Mail-Adresse zweifelhaft (prüfen oder »E-Mail bestätigt« setzen)": 1}
    text = run_cli("-C", str(folder), "status").output
    assert "Zurückgehalten: 1 × E-Mail-Adresse zweifelhaft" in text
