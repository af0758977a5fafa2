"""``tischplan --termin``: the instance from the workspace's records, and the command end to end."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from automation.domain.errors import ConfigError, InfeasibleError
from automation.domain.form_options import termin_option_text
from automation.domain.records import Anmeldung, Kommune, Kontakt, Record, Termin, TischplanZeile, Verein
from automation.domain.settings import TischplanSettings
from automation.domain.tischplan import violations
from automation.domain.tischplan.arbeitsordner import braucht_barrierefreiheit, instanz_aus_arbeitsordner
from automation.domain.tischplan.model import Plan
from tests.conftest import read_dataset, registration, run_cli, write_answers

TERMIN = Termin(
    termin_id="T-2027-1", titel="Markt der Möglichkeiten", datum=dt.date(2027, 3, 13), beginn=dt.time(14),
    ort="Bürgerhaus Adorf", kommunen=["Adorf", "Bergheim"], anmeldeschluss=dt.date(2027, 3, 6), plaetze=40,
    runden=3, plaetze_pro_tisch=4, status="Anmeldung offen",
)  # fmt: skip
ANDERER = Termin(termin_id="T-2027-2", titel="Herbstmarkt", datum=dt.date(2027, 9, 4), status="geplant")


def _records() -> list[Record]:
    return [
        Kommune(name="Adorf", kuerzel="AD"),
        Kommune(name="Bergheim", kuerzel="BH"),
        TERMIN,
        ANDERER,
        Verein(vereins_id="V-01", name="TSV Adorf", themen=["Sport"], termine=["T-2027-1"]),
        Verein(vereins_id="V-02", name="Chor Bergheim", themen=["Musik", "Kultur"], termine=["T-2027-1", "T-2027-2"]),
        Verein(vereins_id="V-03", name="Tafel", themen=["Soziales"], termine=["T-2027-1"], barrierefrei_noetig=True),
        Verein(vereins_id="V-04", name="Theater am Markt", themen=["Kultur"], termine=["T-2027-1"], anzahl_tische=2),
        Verein(vereins_id="V-05", name="Feuerwehr", themen=["Sport", "Jugend"], termine=["T-2027-1"]),
        Verein(vereins_id="V-06", name="Musikverein", themen=["Musik"], termine=["T-2027-2"]),
        Kontakt(
            kontakt_id="K-LOTSE1", vorname="Erika", nachname="Beispiel", email="erika@beispiel.example",
            kommune="Adorf", gruppe="Einheimisch", lotse=True, einwilligung_speicherung=True,
        ),
        Kontakt(
            kontakt_id="K-LOTSE2", vorname="Olaf", nachname="Ortskundig", email="olaf@beispiel.example",
            kommune="Bergheim", gruppe="Einheimisch", lotse=True, einwilligung_speicherung=True,
        ),
        TischplanZeile(termin_id="T-2027-2", runde=1, tisch="T1", vereine=["Musikverein"], teilnehmende=["X Y."]),
    ]  # fmt: skip


GRUPPEN = [
    "Ich wohne zeitweise hier (z. B. Zweitwohnung, Wochenenden, Saison)",
    "Ich wohne hier, bin aber regelmäßig länger woanders",
    "Ich bin neu hierher gezogen",
    "Ich wohne schon länger hier",
]
INTERESSEN = ["Sport, Musik", "Kultur", "Soziales, Sport", "Musik, Jugend", "Kultur, Soziales", ""]


def _workspace_with_registrations(make_workspace, anzahl: int = 20) -> Path:  # type: ignore[no-untyped-def]
    folder = make_workspace(_records())
    option = termin_option_text(TERMIN)
    rows = []
    for i in range(anzahl):
        extra: dict[str, str] = {"termin": option, "interessen": INTERESSEN[i % len(INTERESSEN)],
                                 "gruppe": GRUPPEN[i % 4], "kommune": ["Adorf", "Bergheim"][i % 2]}  # fmt: skip
        if i == 3:
            extra["personen"] = "2"
        if i == 5:
            extra["barrierefreiheit"] = "Ich sitze im Rollstuhl"
        rows.append(
            (
                f"01.02.2027 10:{i:02d}:00",
                registration(f"Vorname{i}", f"Nachname{i}", f"p{i}@beispiel.example", **extra),
            )
        )
    option_b = termin_option_text(TERMIN)
    rows.append(("01.02.2027 11:00:00", registration("Erika", "Beispiel", "erika@beispiel.example", termin=option_b)))
    rows.append(("01.02.2027 11:01:00", registration("Olaf", "Ortskundig", "olaf@beispiel.example", termin=option_b)))
    write_answers(folder, "anmeldung", rows)
    result = run_cli("-C", str(folder), "sync")
    assert result.exit_code == 0, result.output
    anmeldungen = [a for a in read_dataset(folder).all(Anmeldung) if a.termin_id == "T-2027-1"]
    assert len(anmeldungen) == anzahl + 2
    return folder


def test_instance_from_records(make_workspace) -> None:  # type: ignore[no-untyped-def]
    folder = _workspace_with_registrations(make_workspace)
    data = read_dataset(folder)
    instanz, namen = instanz_aus_arbeitsordner(data, "T-2027-1", TischplanSettings(barrierefreie_tische=["T1", "T2"]))
    assert [v.id for v in instanz.vereine] == ["V-01", "V-02", "V-03", "V-04", "V-05"]
    assert instanz.runden == 3
    assert {t.plaetze for t in instanz.tische} == {4}
    # 23 people (one brings a companion) at 4 seats: 6 tables; 6 booths at 2 per table fit
    assert len(instanz.teilnehmende) == 23
    assert len(instanz.tische) == 6
    assert [t.barrierefrei for t in instanz.tische] == [True, True, False, False, False, False]
    anmeldungen = {a.kontakt_id: a for a in data.all(Anmeldung)}
    kontakte = {k.email: k for k in data.all(Kontakt)}
    personen = {p.id: p for p in instanz.teilnehmende}
    # themes map to the attending clubs with that theme, in the order named, without duplicates
    p0 = personen[anmeldungen[kontakte["p0@beispiel.example"].kontakt_id].anmelde_id]
    assert p0.interessen == ["V-01", "V-05", "V-02"]
    assert p0.gruppe == "Incoming" and p0.kommune == "Adorf"
    assert namen[p0.id] == "Vorname0 N."
    p3 = anmeldungen[kontakte["p3@beispiel.example"].kontakt_id].anmelde_id
    assert instanz.zusammen == [[p3, f"{p3}+1"]]
    assert personen[f"{p3}+1"].interessen == personen[p3].interessen
    assert namen[f"{p3}+1"] == "Begleitung von Vorname3 N."
    p5 = anmeldungen[kontakte["p5@beispiel.example"].kontakt_id].anmelde_id
    assert personen[p5].barrierefrei_noetig
    assert sum(p.barrierefrei_noetig for p in instanz.teilnehmende) == 1
    assert {p.id for p in instanz.teilnehmende if p.lotse} == {
        anmeldungen["K-LOTSE1"].anmelde_id,
        anmeldungen["K-LOTSE2"].anmelde_id,
    }
    assert next(v for v in instanz.vereine if v.id == "V-03").barrierefrei_noetig
    assert next(v for v in instanz.vereine if v.id == "V-04").anzahl_tische == 2


def test_interest_by_club_name_and_contact_fallback(make_workspace) -> None:  # type: ignore[no-untyped-def]
    records = [
        *_records(),
        Kontakt(kontakt_id="K-A", vorname="Anna", nachname="Becker", gruppe="Incoming", interessen=["Tafel", "Sport"]),
        Kontakt(kontakt_id="K-B", vorname="Ben", nachname="Cohn", interessen=["Soziales"]),
        Kontakt(kontakt_id="K-C", vorname="Cem", nachname="Dogan"),
        Anmeldung(anmelde_id="A-1", termin_id="T-2027-1", kontakt_id="K-A", interessen=[]),
        Anmeldung(anmelde_id="A-2", termin_id="T-2027-1", kontakt_id="K-B", interessen=["theater am markt", "Kultur"],
                  barrierefreiheit="keine"),
        Anmeldung(anmelde_id="A-3", termin_id="T-2027-1", kontakt_id="K-C", status="abgesagt"),
        Anmeldung(anmelde_id="A-4", termin_id="T-2027-1", kontakt_id="K-C", status="teilgenommen", personen=3),
    ]  # fmt: skip
    data = read_dataset(make_workspace(records))
    instanz, namen = instanz_aus_arbeitsordner(data, "T-2027-1", TischplanSettings(), heute=dt.date(2027, 2, 1))
    personen = {p.id: p for p in instanz.teilnehmende}
    assert set(personen) == {"A-1", "A-2"}
    assert personen["A-1"].interessen == ["V-03", "V-01", "V-05"]
    assert personen["A-2"].interessen == ["V-04", "V-02"]
    assert not personen["A-2"].barrierefrei_noetig
    assert namen == {"A-1": "Anna B.", "A-2": "Ben C."}
    assert all(t.barrierefrei for t in instanz.tische)
    assert instanz.runden == 3
    # after the date, people who took part count as well
    instanz, namen = instanz_aus_arbeitsordner(data, "T-2027-1", TischplanSettings(), heute=dt.date(2027, 3, 14))
    assert [p.id for p in instanz.teilnehmende] == ["A-1", "A-2", "A-4", "A-4+1", "A-4+2"]
    assert namen["A-4+2"] == "Begleitung 2 von Cem D."


def test_missing_termin_no_registrations_no_clubs(make_workspace) -> None:  # type: ignore[no-untyped-def]
    data = read_dataset(make_workspace(_records()))
    with pytest.raises(ConfigError, match="Den Termin »T-9« gibt es nicht"):
        instanz_aus_arbeitsordner(data, "T-9", TischplanSettings())
    with pytest.raises(InfeasibleError, match="keine Anmeldungen"):
        instanz_aus_arbeitsordner(data, "T-2027-1", TischplanSettings())
    data.put(Anmeldung(anmelde_id="A-1", termin_id="T-2027-1", kontakt_id="K-LOTSE1"))
    for verein in data.all(Verein):
        data.delete(Verein, verein.vereins_id)
    with pytest.raises(InfeasibleError, match="kein Verein angemeldet"):
        instanz_aus_arbeitsordner(data, "T-2027-1", TischplanSettings())


@pytest.mark.parametrize(
    ("text", "noetig"),
    [("Rollstuhl", True), ("stufenloser Zugang bitte", True), ("Rollator", True), ("gehbehindert", True),
     ("barrierefreier Platz", True), ("Gebärdensprache", False), ("", False), (None, False), ("nein", False)],
)  # fmt: skip
def test_accessibility_from_free_text(text: str | None, noetig: bool) -> None:
    assert braucht_barrierefreiheit(text) is noetig


def test_termin_end_to_end_writes_plan_print_and_tab(make_workspace) -> None:  # type: ignore[no-untyped-def]
    folder = _workspace_with_registrations(make_workspace)
    (folder / "gespraechsrunde.toml").write_text(
        (folder / "gespraechsrunde.toml").read_text(encoding="utf-8") + "[tischplan]\nsekunden = 0.3\n",
        encoding="utf-8",
    )
    result = run_cli("-C", str(folder), "tischplan", "--termin", "T-2027-1")
    assert result.exit_code == 0, result.output
    assert "Tabelle »Tischplan«: 18 Zeilen" in result.output
    plan_datei = folder / "ausgabe" / "tischplan-T-2027-1.json"
    html = (folder / "ausgabe" / "tischplan-T-2027-1.html").read_text(encoding="utf-8")
    plan = Plan.model_validate_json(plan_datei.read_text(encoding="utf-8"))
    data = read_dataset(folder)
    instanz, namen = instanz_aus_arbeitsordner(data, "T-2027-1", TischplanSettings())
    assert plan.kennzahlen.verletzungen == 0
    assert violations(instanz, plan) == []
    ids = {p.id for p in instanz.teilnehmende}
    for runde in plan.runden:
        assert sorted(p for t in runde.tische for p in t.teilnehmende) == sorted(ids)
    assert "Begleitung von Vorname3 N." in html and "Vorname0 N." in html and "Nachname0" not in html
    assert "Markt der Möglichkeiten" in html and "Samstag, 13.03.2027" in html and "Bürgerhaus Adorf" in html
    for printed in ("tischplan-T-2027-1.html", "tischplan-T-2027-1.json"):
        assert (folder / "ausgabe" / printed).stat().st_mode & 0o044 == 0o044  # readable, not 0600
    if shutil.which("chromium"):
        pdf = folder / "ausgabe" / "tischplan-T-2027-1.pdf"
        assert pdf.read_bytes().startswith(b"%PDF") and "PDF zum Drucken geschrieben" in result.output

    rows = data.all(TischplanZeile)
    mine = [z for z in rows if z.termin_id == "T-2027-1"]
    assert len(mine) == 3 * len(instanz.tische)
    assert next(z for z in rows if z.termin_id == "T-2027-2").vereine == ["Musikverein"]
    for r in (1, 2, 3):
        people = [n for z in mine if z.runde == r for n in z.teilnehmende + z.lotsen]
        assert sorted(people) == sorted(namen.values())
    assert {n for z in mine for n in z.lotsen} == {"Erika B.", "Olaf O."}
    assert {v for z in mine for v in z.vereine} == {
        "TSV Adorf",
        "Chor Bergheim",
        "Tafel",
        "Theater am Markt",
        "Feuerwehr",
    }
    assert json.loads(plan_datei.read_text(encoding="utf-8"))["kennzahlen"]["interessen_schranke"] > 0

    # a second run replaces the rows of the Termin instead of adding to them
    again = run_cli("-C", str(folder), "tischplan", "--termin", "T-2027-1", "--seed", "5")
    assert again.exit_code == 0, again.output
    rows2 = read_dataset(folder).all(TischplanZeile)
    assert len(rows2) == len(rows)
    assert len([z for z in rows2 if z.termin_id == "T-2027-2"]) == 1


def test_termin_dry_run_writes_nothing(make_workspace) -> None:  # type: ignore[no-untyped-def]
    folder = _workspace_with_registrations(make_workspace, anzahl=8)
    before = (folder / "gespraechsrunde.xlsx").read_bytes()
    result = run_cli("-C", str(folder), "tischplan", "--termin", "T-2027-1", "--dry-run", "--sekunden", "0.2")
    assert result.exit_code == 0, result.output
    assert "Probelauf" in result.output and "Wünsche" in result.output
    assert not (folder / "ausgabe").exists()
    assert (folder / "gespraechsrunde.xlsx").read_bytes() == before


def test_termin_without_registrations_exits_1_and_writes_nothing(make_workspace) -> None:  # type: ignore[no-untyped-def]
    folder = make_workspace(_records())
    before = (folder / "gespraechsrunde.xlsx").read_bytes()
    result = run_cli("-C", str(folder), "tischplan", "--termin", "T-2027-1", "--sekunden", "0.2")
    assert result.exit_code == 1
    assert "Fehler: Für den Termin T-2027-1 gibt es keine Anmeldungen" in result.output
    assert not (folder / "ausgabe").exists()
    assert (folder / "gespraechsrunde.xlsx").read_bytes() == before


def test_unknown_termin_is_a_configuration_error(make_workspace) -> None:  # type: ignore[no-untyped-def]
    folder = make_workspace(_records())
    result = run_cli("-C", str(folder), "tischplan", "--termin", "T-9")
    assert result.exit_code == 2
    assert "Den Termin »T-9« gibt es nicht" in result.output


def test_termin_dry_run_and_real_run_give_the_same_plan(make_workspace) -> None:  # type: ignore[no-untyped-def]
    folder = _workspace_with_registrations(make_workspace)
    budget = ("--seed", "3", "--sekunden", "60", "--iterationen", "20000", "--details")
    probe = run_cli("-C", str(folder), "tischplan", "--termin", "T-2027-1", "--dry-run", *budget)
    echt = run_cli("-C", str(folder), "tischplan", "--termin", "T-2027-1", *budget)
    assert probe.exit_code == 0 and echt.exit_code == 0, probe.output + echt.output

    def zahlen(ausgabe: str) -> list[str]:
        return [z for z in ausgabe.splitlines() if z.startswith("  ") and "Zeit in Sekunden" not in z]

    assert zahlen(probe.output) == zahlen(echt.output)
    assert any("Wiederholte Begegnungen" in z for z in zahlen(echt.output))
    plan = Plan.model_validate_json((folder / "ausgabe" / "tischplan-T-2027-1.json").read_text(encoding="utf-8"))
    k = plan.kennzahlen
    assert f"Wiederholte Begegnungen:     {k.wiederholungen} " in probe.output
    assert f"Gemeinde-Überschuss:         {k.gemeinde_ueberschuss} " in probe.output
    assert f"Fehlende Gruppen an Tischen: {k.fehlende_gruppen} " in probe.output
