"""A plain (non-editable) install ships the form definitions and templates as package data."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_finds_formulare_and_vorlagen(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    target = tmp_path / "installiert"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), *map(str, wheels.glob("*.whl"))],
        capture_output=True, text=True,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    env = dict(os.environ, PYTHONPATH=str(target))
    elsewhere = tmp_path / "anderswo"
    elsewhere.mkdir()
    probe = (
        "import automation, automation.domain.resources as r;"
        "print(automation.__file__);"
        "print(sorted(p.name for p in r.formulare_dir().glob('*.yaml')));"
        "print(sorted(p.name for p in (r.vorlagen_dir() / 'mail').glob('*.html'))[:2])"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    module_file, forms, templates = done.stdout.splitlines()
    assert module_file.startswith(str(target))  # the installed copy, not the source checkout
    shipped = set(ast.literal_eval(forms))
    assert {"abmeldung.yaml", "anmeldung.yaml", "feedback.yaml", "nachfrage.yaml", "terminumfrage.yaml"} <= shipped
    assert templates != "[]"
    demo = subprocess.run(
        [sys.executable, "-m", "automation", "demo", str(tmp_path / "demo")], cwd=elsewhere, env=env,
        capture_output=True, text=True,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    sync = subprocess.run(
        [sys.executable, "-m", "automation", "-C", str(tmp_path / "demo"), "sync"], cwd=elsewhere, env=env,
        capture_output=True, text=True,
    )  # fmt: skip
    assert sync.returncode in (0, 1), sync.stderr
    assert list((tmp_path / "demo" / "ausgang").glob("*.eml"))
    arabic = (
        "from automation.adapters.mail.render import Renderer, sample_context;"
        "from automation.domain.mail.kinds import Art;"
        "from automation.domain.settings import Settings;"
        "print(Renderer().render(Art.BESTAETIGUNG, sample_context(Settings(), Art.BESTAETIGUNG, 'Arabisch')).subject)"
    )
    rendered = subprocess.run([sys.executable, "-c", arabic], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert rendered.returncode == 0, rendered.stderr
    assert rendered.stdout.startswith("تم تأكيد التسجيل: ")  # the shipped catalog, compiled on first use
