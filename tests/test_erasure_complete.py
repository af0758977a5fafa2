"""Issue 9 item 7: after ``person loeschen`` the person is nowhere under the workspace, and what the tool
cannot delete itself is named precisely. Logs and stdout never contain e-mail addresses."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from click.testing import CliRunner

from automation.cli import main
from automation.domain.records import Hinweis, Kontakt, TischplanZeile, Versand
from tests.backends import Backend, LocalBackend
from tests.conftest import TERMIN, registration
from tests.sheet_edits import set_cell

DAY = dt.datetime(2027, 2, 1, 10)
ADDRESS = "max@beispiel.example"


def files_naming(folder: Path, texts: list[str]) -> list[str]:
    """Every file under the folder (inside .xlsx too) that contains one of the texts."""
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                raw = b"\n".join(archive.read(n) for n in archive.namelist())
        text = raw.decode("utf-8", "replace").casefold()
        if any(t.casefold() in text for t in texts):
            found.append(str(path.relative_to(folder)))
    return found


def _prepare(backend: Backend) -> str:
    backend.create()
    backend.answer("anmeldung", DAY, registration(telefon="0171 2345678"))
    backend.answer("anmeldung", DAY.replace(hour=11), registration("Eva", "Zwei", "eva@beispiel.example"))
    # a family member with the same phone: the job notes »vielleicht dieselbe Person wie … (Max Muster)«
    backend.answer(
        "anmeldung",
        DAY.replace(hour=12),
        registration("Moritz", "Muster", "moritz@beispiel.example", telefon="0171 2345678"),
    )
    backend.sync()
    data = backend.dataset()
    max_id = next(k.kontakt_id for k in data.all(Kontakt) if k.vorname == "Max")
    assert any("(Max Muster)" in h.hinweis for h in data.all(Hinweis))  # Hinweise and Eingang name Max
    key = next(v.schluessel for v in data.all(Versand) if v.kontakt_id == max_id)
    set_cell(backend, "Versand", "Schlüssel", key, "Fehler", f"550 5.1.1 <{ADDRESS}>: Postfach von Max Muster voll")
    plan = backend.run("tischplan", "--termin", TERMIN.termin_id, "--sekunden", "1")
    assert plan.exit_code == 0, plan.output
    assert backend.dataset().all(TischplanZeile)
    (backend.folder / "sync.log").write_text(f"2027-02-01 INFO an {ADDRESS} gesendet\nanderes\n", encoding="utf-8")
    (backend.folder / ".speichern-abc123.xlsx").write_bytes(b"Max Muster " + ADDRESS.encode())
    return max_id


def test_erasure_leaves_nothing_behind_and_names_what_it_cannot_delete(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path)
    max_id = _prepare(backend)
    folder = backend.folder
    assert "gespraechsrunde.vorher.xlsx" in files_naming(folder, [ADDRESS])
    assert any(p.startswith("ausgang/") for p in files_naming(folder, [ADDRESS]))

    runner = CliRunner()
    for answer in ("n", "y", ""):  # English »y« or just Enter: nothing is deleted
        result = runner.invoke(main, ["-C", str(folder), "person", "loeschen", max_id], input=answer + "\n")
        assert "[j/N]" in result.output and result.exit_code == 1
        assert backend.dataset().get(Kontakt, max_id) is not None
    result = runner.invoke(main, ["-C", str(folder), "person", "loeschen", max_id], input="ja\n")
    assert result.exit_code == 0, result.output

    left = files_naming(folder, [ADDRESS, "Max Muster"])
    assert left == ["antworten/anmeldung.csv"], left  # only the export the coordinator owns
    assert "antworten/anmeldung.csv, Zeile 2:" in result.output
    assert f"Tischplan für {TERMIN.termin_id} neu erstellen" in result.output
    assert not list(folder.glob(".speichern-*"))
    assert (folder / "sync.log").read_text(encoding="utf-8").startswith("2027-02-01 INFO an [gelöscht] gesendet")
    data = backend.dataset()
    assert data.get(Kontakt, max_id) is None
    assert "Moritz" in {k.vorname for k in data.all(Kontakt)}  # the others stay

    backend.sync()  # the next run does not bring anything back
    assert files_naming(folder, [ADDRESS, "Max Muster"]) == ["antworten/anmeldung.csv"]


def test_erasure_names_the_google_responses(backend: Backend) -> None:
    if backend.name != "google":
        return
    backend.create()
    backend.answer("anmeldung", DAY, registration())
    backend.sync()
    max_id = next(k.kontakt_id for k in backend.dataset().all(Kontakt) if k.vorname == "Max")
    result = backend.run("person", "loeschen", max_id, "--ja")
    assert result.exit_code == 0, result.output
    assert "Google-Formular" in result.output and "ACYDBN-anmeldung-1" in result.output
    assert ADDRESS not in result.output


def test_a_whole_sync_logs_and_prints_no_e_mail_address(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    command = [sys.executable, "-m", "automation"]
    subprocess.run([*command, "demo", str(demo)], check=True, capture_output=True, env=env)
    workbook = zipfile.ZipFile(demo / "gespraechsrunde.xlsx")
    cells = b"\n".join(workbook.read(n) for n in workbook.namelist()).decode("utf-8", "replace")
    answers = "\n".join(p.read_text(encoding="utf-8") for p in (demo / "antworten").glob("*.csv"))
    addresses = set(re.findall(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+", cells + answers))
    assert len(addresses) > 50
    run = subprocess.run([*command, "-v", "-C", str(demo), "sync"], capture_output=True, text=True, env=env)
    assert run.returncode in (0, 1), run.stderr
    output = run.stdout + run.stderr
    assert "INFO" in run.stderr  # the log lines are there …
    leaked = sorted(a for a in addresses if a in output)
    assert leaked == []  # … but no address, neither in them nor in the findings on stdout


def test_erasure_asked_for_in_the_form_also_cleans_the_files(backend: Backend) -> None:
    backend.create()
    backend.answer("anmeldung", DAY, registration())
    backend.sync()
    backend.sync()  # a second save: the previous version of the workbook names Max too
    max_id = next(k.kontakt_id for k in backend.dataset().all(Kontakt) if k.vorname == "Max")
    assert any(p.startswith("ausgang/") for p in files_naming(backend.folder, [ADDRESS]))
    wish = {"kontakt_id": max_id, "wunsch": "Bitte löschen Sie alle meine Daten."}
    backend.answer("abmeldung", DAY.replace(day=2), wish)
    result = backend.sync()
    assert f"Kontakt {max_id} auf Wunsch gelöscht" in result.output
    expected = ["antworten/anmeldung.csv"] if backend.name == "lokal" else []
    assert files_naming(backend.folder, [ADDRESS, "Max Muster"]) == expected
    if backend.name == "google":
        assert "ACYDBN-anmeldung-1" in result.output
    else:
        assert "antworten/anmeldung.csv, Zeile 2" in result.output


def test_erasing_a_guide_frees_the_people_they_guided() -> None:
    """The guide's Kontakt-ID does not stay in »Begleitet von« of others: they get a guide again."""
    from automation.domain.dataset import Dataset
    from automation.domain.privacy import erase_person
    from automation.domain.records import Anmeldung

    data = Dataset.from_snapshot({})
    guide = Kontakt(kontakt_id="K-LOTSE", vorname="Lea", nachname="Lotse", email="lea@beispiel.example",
                    einwilligung_speicherung=True, lotse=True)  # fmt: skip
    data.put(guide)
    data.put(Anmeldung(anmelde_id="A-LOTSE", termin_id=TERMIN.termin_id, kontakt_id="K-LOTSE"))
    data.put(Anmeldung(anmelde_id="A-NEU", termin_id=TERMIN.termin_id, kontakt_id="K-NEU", begleitet_von="K-LOTSE"))
    erase_person(data, guide)
    assert data.get(Anmeldung, "A-LOTSE") is None
    newcomer = data.get(Anmeldung, "A-NEU")
    assert newcomer is not None and newcomer.begleitet_von is None
