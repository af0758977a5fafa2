"""``anlegen``: a new coordinator gets a real workspace that the job can run on, without placeholders."""

from __future__ import annotations

import tomllib
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from automation.cli import anlegen as anlegen_cli
from automation.cli import main
from automation.domain.records import TABS
from automation.domain.settings import Settings

OPTIONS = [
    "--titel", "Gesprächsrunde Adorf und Bergheim", "--kommune", "Adorf:AD", "--kommune", "Bergheim",
    "--bundesland", "Bayern", "--absender-name", "Gesprächsrunde Adorf", "--absender-adresse", " Runde@Adorf.de ",
    "--antwort-an", "koordination@adorf.de", "--kontakt-adresse", "fragen@adorf.de",
]  # fmt: skip


def _settings_keys(model: type[Settings]) -> list[str]:
    keys = []
    for name, info in model.model_fields.items():
        sub = info.annotation
        if isinstance(sub, type) and hasattr(sub, "model_fields") and name != "titel":
            keys += [f"{name}.{inner}" for inner in sub.model_fields]
        else:
            keys.append(name)
    return keys


def test_options_create_a_workspace_the_job_runs_on(tmp_path: Path) -> None:
    folder = tmp_path / "adorf"
    result = CliRunner().invoke(main, ["anlegen", str(folder), *OPTIONS])
    assert result.exit_code == 0, result.output

    text = (folder / "gespraechsrunde.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["titel"] == "Gesprächsrunde Adorf und Bergheim"
    assert data["kommunen"] == {"Adorf": "BY", "Bergheim": "BY"}  # the Land of each, for the holidays
    assert data["mail"]["absender_adresse"] == "Runde@adorf.de"  # domain normalised, nothing invented
    assert data["mail"]["antwort_an"] == "koordination@adorf.de"
    assert data["darstellung"]["kontakt_adresse"] == "fragen@adorf.de"
    assert ".example" not in text
    # every setting is explained in German in the file, set or commented out with its default
    lines = text.splitlines()
    for key in _settings_keys(Settings):
        name = key.rpartition(".")[2]
        at = next(i for i, line in enumerate(lines) if line.lstrip("# ").startswith(f"{name} = "))
        assert lines[at - 1].startswith("# ") and len(lines[at - 1]) > 8, key

    workbook = openpyxl.load_workbook(folder / "gespraechsrunde.xlsx")
    assert {spec.name for spec in TABS} <= set(workbook.sheetnames)
    kommunen = [tuple(c.value for c in row[:2]) for row in workbook["Kommunen"].iter_rows(min_row=2)]
    assert kommunen == [("Adorf", "AD"), ("Bergheim", "BE")]

    synced = CliRunner().invoke(main, ["-C", str(folder), "sync"])
    assert synced.exit_code == 0, synced.output
    assert "0 Fehler" in synced.output


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--absender-adresse", "gespraechsrunde@kommune.example", "Platzhalter-Adresse"),
        ("--absender-adresse", "runde@example.org", "Platzhalter-Adresse"),
        ("--absender-adresse", "runde(at)adorf.de", "keine gültige E-Mail-Adresse"),
        ("--kontakt-adresse", "info@test", "Platzhalter-Adresse"),
        ("--bundesland", "Bayernland", "Bundesland »Bayernland« ist unbekannt"),
    ],
)
def test_wrong_answers_are_refused_and_nothing_is_written(
    tmp_path: Path, option: str, value: str, expected: str
) -> None:
    options = list(OPTIONS)
    options[options.index(option) + 1] = value
    result = CliRunner().invoke(main, ["anlegen", str(tmp_path / "neu"), *options])
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "neu" / "gespraechsrunde.toml").exists()


def test_an_existing_workspace_is_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "adorf"
    assert CliRunner().invoke(main, ["anlegen", str(folder), *OPTIONS]).exit_code == 0
    before = (folder / "gespraechsrunde.toml").read_bytes()
    again = CliRunner().invoke(main, ["anlegen", str(folder), *OPTIONS])
    assert again.exit_code == 2
    assert "gibt es schon" in again.output
    assert (folder / "gespraechsrunde.toml").read_bytes() == before


def test_without_a_terminal_a_missing_answer_names_its_option(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["anlegen", str(tmp_path / "neu"), "--titel", "Runde"])
    assert result.exit_code == 2
    assert "--kommune" in result.output or "--bundesland" in result.output


def test_a_person_at_the_terminal_is_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(anlegen_cli, "can_ask", lambda: True)
    answers = "\n".join(
        ["Runde im Tal", "Adorf:AD", "Bergheim:BH", "", "NW", "", "runde@tal-gemeinde.de", "", "", "lokal"]
    )
    result = CliRunner().invoke(main, ["anlegen", str(tmp_path / "tal")], input=answers + "\n")
    assert result.exit_code == 0, result.output
    data = tomllib.loads((tmp_path / "tal" / "gespraechsrunde.toml").read_text(encoding="utf-8"))
    assert data["titel"] == "Runde im Tal"
    assert data["kommunen"] == {"Adorf": "NW", "Bergheim": "NW"}
    assert data["mail"]["absender_name"] == "Runde im Tal"  # the default offered was the title
    assert data["mail"]["absender_adresse"] == "runde@tal-gemeinde.de"
    assert "antwort_an" not in data["mail"]


def test_google_workspace_names_the_next_step_when_google_is_not_reachable(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    result = CliRunner().invoke(
        main, ["anlegen", str(folder), *OPTIONS, "--speicher", "google", "--tabelle", "1AbCdEfG"]
    )
    assert result.exit_code == 0, result.output
    data = tomllib.loads((folder / "gespraechsrunde.toml").read_text(encoding="utf-8"))
    assert data["speicher"] == "google" and data["google"]["tabelle"] == "1AbCdEfG"
    assert "einrichten" in result.output
    assert not (folder / "gespraechsrunde.xlsx").exists()


def test_the_readme_first_command_can_run_twice(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    runner = CliRunner()
    for _ in range(2):
        created = runner.invoke(main, ["demo", str(demo)])
        assert created.exit_code == 0, created.output
        synced = runner.invoke(main, ["-C", str(demo), "sync"])
        assert synced.exit_code in (0, 1), synced.output  # 1: the demo's deliberate errors
        assert "Traceback" not in synced.output
    # the second demo started afresh: its outbox holds one run's messages, not two
    assert len(list((demo / "ausgang").rglob("*.eml"))) == int(
        next(line.split(":")[1] for line in synced.output.splitlines() if "Nachrichten gesendet" in line)
    )


def test_a_real_workspace_is_never_taken_for_a_demo(tmp_path: Path) -> None:
    folder = tmp_path / "echt"
    assert CliRunner().invoke(main, ["anlegen", str(folder), *OPTIONS]).exit_code == 0
    result = CliRunner().invoke(main, ["demo", str(folder)])
    assert result.exit_code == 2
    assert "nicht leer" in result.output
    assert "Adorf und Bergheim" in (folder / "gespraechsrunde.toml").read_text(encoding="utf-8")
