"""``gespraechsrunde tischplan`` end to end with click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from automation.cli import main
from automation.tischplan import Instanz, violations
from automation.tischplan.model import Plan
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
    for option in ("--instanz", "--termin", "--json", "--html", "--sekunden", "--seed"):
        assert option in result.output
    assert "Tischplan für den Markt der Möglichkeiten" in result.output
