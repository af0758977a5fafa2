"""Without a Google Form, invitations link to the configured public registration page (any web form)."""

from __future__ import annotations

from pathlib import Path

from automation.adapters.links import LinkBuilder
from automation.domain.forms import load_forms
from automation.domain.settings import load_settings


def _settings(folder: Path, extra: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "gespraechsrunde.toml").write_text(
        '[mail]\nabsender_adresse = "runde@adorf.de"\n' + extra, encoding="utf-8"
    )
    return folder


def test_invitations_use_the_public_link_when_there_is_no_form(tmp_path: Path) -> None:
    link = "https://www.adorf.de/anmeldung?runde=winter"
    folder = _settings(tmp_path / "a", f'[darstellung]\nanmeldelink = "{link}"\n')
    links = LinkBuilder(load_settings(folder), {}, load_forms(folder)).links("K-1", None)
    assert links.anmeldung == link


def test_without_form_and_link_there_is_no_registration_link(tmp_path: Path) -> None:
    folder = _settings(tmp_path / "b", "")
    links = LinkBuilder(load_settings(folder), {}, load_forms(folder)).links("K-1", None)
    assert links.anmeldung is None  # the invitation then asks to reply instead of showing a dead button
