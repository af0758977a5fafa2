"""Settings: the file, environment overrides, secrets only from the environment, German errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from automation.domain.errors import ConfigError
from automation.domain.settings import load_settings, secret
from tests.conftest import run_cli


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "gespraechsrunde.toml").write_text(text, encoding="utf-8")
    return folder


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    result = run_cli("-C", str(tmp_path), "sync")
    assert result.exit_code == 2
    assert "keine gespraechsrunde.toml" in result.output and "gespraechsrunde demo" in result.output
    assert "Traceback" not in result.output


def test_broken_file_names_the_place(tmp_path: Path) -> None:
    folder = _write(tmp_path, 'titel = "ohne Ende\n')
    with pytest.raises(ConfigError) as info:
        load_settings(folder)
    assert "fehlerhaft" in str(info.value) and "Zeile 1" in str(info.value)


def test_typo_and_wrong_value_are_named(tmp_path: Path) -> None:
    folder = _write(tmp_path, '[mail]\nversnad = "smtp"\nsmtp_sicherheit = "tls"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(folder)
    message = str(info.value)
    assert "mail.versnad: unbekannte Einstellung" in message
    assert "mail.smtp_sicherheit" in message and "starttls" in message


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _write(tmp_path, '[mail]\nversand = "ausgang"\ntageslimit = 100\n')
    monkeypatch.setenv("GESPRAECHSRUNDE_MAIL__VERSAND", "smtp")
    settings = load_settings(folder)
    assert settings.mail.versand == "smtp" and settings.mail.tageslimit == 100


def test_secrets_are_refused_in_the_file_and_read_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _write(tmp_path, '[mail]\nsmtp_passwort = "geheim"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(folder)
    assert "GESPRAECHSRUNDE_SMTP_PASSWORT" in str(info.value) and "geheim" not in str(info.value)
    monkeypatch.setenv("GESPRAECHSRUNDE_SMTP_PASSWORT", "s3cret")
    assert secret("SMTP_PASSWORT") == "s3cret"


ENGLISH_WORDS = ("Input should", "should be", " or '", "Expected", "line ", "valid", "Field required")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[mail]\ntageslimit = "viele"\n', "mail.tageslimit: muss eine ganze Zahl sein"),
        ('[mail]\nversand = "post"\n', "mail.versand: erlaubt sind »ausgang« oder »smtp«"),
        ("[mail]\ntageslimit = 0\n", "mail.tageslimit: muss mindestens 1 sein"),
        ("[mail]\nsenden_bei_sync = vielleicht\n", "Zeile 2, Spalte"),
        ('[darstellung]\nfarbe = "blau"\n', "darstellung.farbe: hat nicht die erwartete Form"),
        ('[tischplan]\nsekunden = "schnell"\n', "tischplan.sekunden: muss eine Zahl sein"),
        ("titel = 'a'\ntitel = 'b'\n", "kein gültiges TOML"),
    ],
)
def test_broken_settings_are_explained_in_german(tmp_path: Path, text: str, expected: str) -> None:
    folder = _write(tmp_path, text)
    result = run_cli("-C", str(folder), "sync")
    assert result.exit_code == 2
    assert expected in result.output
    assert not any(word in result.output for word in ENGLISH_WORDS), result.output
    assert "Traceback" not in result.output
