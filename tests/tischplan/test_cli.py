"""``gespraechsrunde tischplan`` end to end with click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from automation.cli import main
from automation.domain.tischplan import Instanz, violations
from automation.domain.tischplan.model import Plan
from tests.tischplan.conftest import instanz_daten


def test_instance_to_json_plan_in_exact_format(tmp_path: Path) -> None:
    instanz_datei = tmp_path / "instanz.json"
    instanz_datei.write_text(json.dumps(instanz_daten()), encoding="utf-8")
    plan_datei = tmp_path / "plan.json"
    html_datei = tmp_path / "druck.html"
    result = CliRunner().invoke(
        main,
        [
            "tischplan",
            "--instanz",
            str(instanz_datei),
            "--json",
            str(plan_datei),
            "--html",
            str(html_datei),
            "--sekunden",
            "0.2",
            "--seed",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Wünsche" in result.output
    daten = json.loads(plan_datei.read_text(encoding="utf-8"))
    assert list(daten) == ["tische", "runden", "kennzahlen"]
    assert list(daten["kennzahlen"]) == [
        "interessen_abgedeckt",
        "interessen_schranke",
        "wiederholungen",
        "fehlende_gruppen",
        "gemeinde_ueberschuss",
        "verletzungen",
    ]
    assert set(daten["tische"][0]) == {"id", "vereine"}
    assert set(daten["runden"][0]) == {"runde", "tische"}
    assert set(daten["runden"][0]["tische"][0]) == {"id", "teilnehmende"}
    assert [r["runde"] for r in daten["runden"]] == [1, 2]
    instanz = Instanz.model_validate(instanz_daten())
    assert violations(instanz, Plan.model_validate(daten)) == []
    assert daten["kennzahlen"]["verletzungen"] == 0
    assert "<html" in html_datei.read_text(encoding="utf-8")


def test_infeasible_instance_exits_1_and_writes_no_plan(tmp_path: Path) -> None:
    instanz_datei = tmp_path / "instanz.json"
    instanz_datei.write_text(json.dumps(instanz_daten(teilnehmende=[{"id": f"K{i}"} for i in range(12)])))
    plan_datei = tmp_path / "plan.json"
    result = CliRunner().invoke(
        main, ["tischplan", "--instanz", str(instanz_datei), "--json", str(plan_datei), "--sekunden", "0.2"]
    )
    assert result.exit_code == 1
    assert "Fehler: Runde 1: 12 Teilnehmende, aber nur 9 Plätze" in result.output
    assert not plan_datei.exists()
    assert list(tmp_path.iterdir()) == [instanz_datei]


def test_broken_instance_file_is_a_configuration_error(tmp_path: Path) -> None:
    instanz_datei = tmp_path / "instanz.json"
    instanz_datei.write_text(json.dumps(instanz_daten(unbekannt=1)))
    result = CliRunner().invoke(main, ["tischplan", "--instanz", str(instanz_datei)])
    assert result.exit_code == 2
    assert "Die Instanzdatei ist fehlerhaft" in result.output
    assert "unbekannt" in result.output


def test_instance_and_termin_together_is_a_usage_error(tmp_path: Path) -> None:
    instanz_datei = tmp_path / "instanz.json"
    instanz_datei.write_text(json.dumps(instanz_daten()), encoding="utf-8")
    result = CliRunner().invoke(main, ["tischplan", "--instanz", str(instanz_datei), "--termin", "T-2027-1"])
    assert result.exit_code == 2
    assert "nicht beides" in result.output


def test_help_is_german_and_lists_the_options() -> None:
    result = CliRunner().invoke(main, ["tischplan", "--help"])
    assert result.exit_code == 0
    for option in ("--instanz", "--termin", "--json", "--html", "--sekunden", "--seed", "--iterationen", "--details"):
        assert option in result.output
    assert "Tischplan für den Markt der Möglichkeiten" in result.output


FEST = ("--sekunden", "60", "--iterationen", "20000")
"""A fixed budget far from the time limit: the tests do not depend on how busy the machine is."""


def _run(tmp_path: Path, daten: dict[str, object], *extra: str) -> tuple[str, Path]:
    instanz_datei = tmp_path / "instanz.json"
    instanz_datei.write_text(json.dumps(daten), encoding="utf-8")
    plan_datei = tmp_path / "plan.json"
    result = CliRunner().invoke(
        main,
        ["tischplan", "--instanz", str(instanz_datei), "--json", str(plan_datei), *extra],
    )
    assert result.exit_code == 0, result.output
    return result.output, plan_datei


def test_summary_names_unmet_wishes_in_plain_german(tmp_path: Path) -> None:
    # three wishes each, but only two rounds: one wish per person cannot be met (8 of 24)
    daten = instanz_daten()
    for i, person in enumerate(daten["teilnehmende"]):
        person["interessen"] = [f"V{1 + (i + k) % 3}" for k in range(3)]
    ausgabe, _plan = _run(tmp_path, daten, *FEST)
    assert "16 von 24 Wünschen sind erfüllt; 8 Wünsche konnten nicht erfüllt werden" in ausgabe
    assert "mehr ist mit diesen Tischen, Plätzen und Runden nicht möglich" in ausgabe
    assert "Alle Pflichtregeln sind eingehalten." in ausgabe
    # the technical figures only with --details
    assert "Interessen abgedeckt" not in ausgabe and "Schranke" not in ausgabe
    details, _plan = _run(tmp_path, daten, "--details", *FEST)
    assert "Interessen abgedeckt:        16 von höchstens 16" in details
    assert "Schritte der Suche:" in details and "Zeit in Sekunden:" in details


def test_summary_counts_people_who_meet_twice(tmp_path: Path) -> None:
    # 6 people at 2 tables of 3 over 3 rounds: 18 meetings but only 15 pairs, so some meet twice
    daten = {
        "runden": 3,
        "tische": [{"id": "T1", "plaetze": 3}, {"id": "T2", "plaetze": 3}],
        "teilnehmende": [{"id": f"P{i}"} for i in range(6)],
    }
    ausgabe, plan_datei = _run(tmp_path, daten, *FEST)
    plan = json.loads(plan_datei.read_text(encoding="utf-8"))
    wiederholungen = plan["kennzahlen"]["wiederholungen"]
    assert wiederholungen >= 3
    treffen: dict[tuple[str, str], int] = {}
    for runde in plan["runden"]:
        for tisch in runde["tische"]:
            for a in tisch["teilnehmende"]:
                for b in tisch["teilnehmende"]:
                    if a < b:
                        treffen[(a, b)] = treffen.get((a, b), 0) + 1
    paare = [p for p, n in treffen.items() if n > 1]
    personen = {x for p in paare for x in p}
    wie_oft = "zweimal" if max(treffen.values()) == 2 else "mehr als einmal"
    assert f"{len(personen)} Personen treffen jemanden {wie_oft} ({len(paare)} Paare)." in ausgabe


def test_time_report_lies_next_to_the_plan_and_the_plan_format_stays(tmp_path: Path) -> None:
    _ausgabe, plan_datei = _run(tmp_path, instanz_daten(), "--seed", "2", *FEST)
    assert list(json.loads(plan_datei.read_text(encoding="utf-8"))) == ["tische", "runden", "kennzahlen"]
    bericht = json.loads((tmp_path / "plan.laufzeit.json").read_text(encoding="utf-8"))
    assert bericht["sekunden_vorgabe"] == 60.0 and bericht["seed"] == 2
    assert bericht["iterationen"] == bericht["iterationen_genutzt"] == 20000
    assert bericht["zeitgrenze_erreicht"] is False
    abschnitte = bericht["abschnitte_sekunden"]
    assert {"programmstart", "vorbereitung", "kennzahlen", "ausgabe"} <= set(abschnitte)
    assert sum(abschnitte.values()) <= bericht["sekunden_gesamt"] + 0.01
    assert bericht["schranken"]["interessen"] == json.loads(plan_datei.read_text())["kennzahlen"]["interessen_schranke"]


def test_same_seed_and_budget_give_the_same_plan_file(tmp_path: Path) -> None:
    daten = instanz_daten()
    _a, plan_datei = _run(tmp_path, daten, "--seed", "9", *FEST)
    erster = plan_datei.read_text(encoding="utf-8")
    _b, plan_datei = _run(tmp_path, daten, "--seed", "9", *FEST)
    assert plan_datei.read_text(encoding="utf-8") == erster
    # with seconds alone the budget follows from them: equal unless a busy machine hit the time limit
    _c, plan_datei = _run(tmp_path, daten, "--seed", "9", "--sekunden", "1")
    bericht = json.loads((tmp_path / "plan.laufzeit.json").read_text(encoding="utf-8"))
    zweiter = plan_datei.read_text(encoding="utf-8")
    _d, plan_datei = _run(tmp_path, daten, "--seed", "9", "--sekunden", "1")
    wieder = json.loads((tmp_path / "plan.laufzeit.json").read_text(encoding="utf-8"))
    if not (bericht["zeitgrenze_erreicht"] or wieder["zeitgrenze_erreicht"]):
        assert plan_datei.read_text(encoding="utf-8") == zweiter
