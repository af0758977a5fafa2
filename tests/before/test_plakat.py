"""``plakat``: A4/A3 PDFs of the right size, a 1080×1080 PNG whose QR code decodes to the registration link."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from automation.domain.farben import contrast, readable_on_white
from automation.domain.form_options import termin_option_text
from automation.domain.records import Verein
from tests.conftest import TERMIN, WorkspaceFactory, base_records, run_cli

needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None, reason="kein chromium installiert")
MM = 72 / 25.4


def test_contrast_follows_wcag_and_falls_back_to_a_darker_colour() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the well-known AA grey
    assert readable_on_white("#1f5f8b") == "#1f5f8b"
    fixed = readable_on_white("#ffcc00")  # yellow: 1.5:1 on white
    assert contrast(fixed, "#ffffff") >= 4.5
    assert fixed != "#ffcc00"


def _clubs() -> list[Verein]:
    return [
        Verein(vereins_id=f"V-1{i}", name=name, termine=["T-2027-1"])
        for i, name in enumerate(["Feuerwehr <Adorf>", "Tafel & Co", "Kleingartenverein Bergheim"])
    ]


@pytest.mark.browser
@needs_chromium
def test_poster_sizes_and_qr_code_decodes_to_the_link(make_workspace: WorkspaceFactory) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image
    from pypdf import PdfReader

    link = "https://anmeldung.adorf.example/gespraechsrunde?termin=T-2027-1&q=ä"
    folder = make_workspace(
        [*base_records(), *_clubs()],
        f'[darstellung]\nkommune = "Gemeinde Adorf"\nfarbe = "#ffcc00"\nanmeldelink = "{link}"\n'
        'telefon = "06201 123456"\n',
    )
    result = run_cli("-C", str(folder), "plakat", "--termin", "T-2027-1")
    assert result.exit_code == 0, result.output
    assert "Kontrast" in result.output  # the yellow was replaced, and the coordinator is told
    out = folder / "ausgabe"
    for name, (width, height) in {"A4": (210, 297), "A3": (297, 420)}.items():
        reader = PdfReader(str(out / f"plakat-T-2027-1-{name}.pdf"))
        assert len(reader.pages) == 1, f"{name}: der Inhalt passt nicht auf eine Seite"
        box = reader.pages[0].mediabox
        assert float(box.width) == pytest.approx(width * MM, abs=1.5)
        assert float(box.height) == pytest.approx(height * MM, abs=1.5)
        text = reader.pages[0].extract_text()
        assert "Markt der" in text and "13. März 2027" in text and "14:00–17:00 Uhr" in text
        assert "Feuerwehr <Adorf>" in text and "06201 123456" in text
    image = Image.open(out / "plakat-T-2027-1-quadrat.png")
    assert image.size == (1080, 1080)
    codes = zxingcpp.read_barcodes(image)
    assert [c.text for c in codes] == [link]
    html = (out / "plakat-T-2027-1-A4.html").read_text(encoding="utf-8")
    assert "Feuerwehr &lt;Adorf&gt;" in html and "<Adorf>" not in html
    assert link.replace("&", "&amp;") in html  # the URL is printed beside the code
    plain = (out / "plakat-T-2027-1.txt").read_text(encoding="utf-8")
    assert link in plain and "Samstag, 13. März 2027" in plain
    assert "Tafel &amp; Co" in (out / "plakat-T-2027-1.html").read_text(encoding="utf-8")


@pytest.mark.browser
@needs_chromium
def test_google_form_link_has_the_date_preselected(make_workspace: WorkspaceFactory) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    folder = make_workspace()
    responder = "https://docs.google.com/forms/d/e/FORM123/viewform"
    (folder / "formulare.json").write_text(
        json.dumps({"anmeldung": {"form_id": "FORM123", "responder_url": responder}}), encoding="utf-8"
    )
    result = run_cli("-C", str(folder), "plakat", "--termin", "T-2027-1")
    assert result.exit_code == 0, result.output
    decoded = zxingcpp.read_barcodes(Image.open(folder / "ausgabe" / "plakat-T-2027-1-quadrat.png"))[0].text
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(decoded)
    assert decoded.startswith(responder)
    assert parse_qs(parts.query)[f"entry.{int('0a000007', 16)}"] == [termin_option_text(TERMIN)]


def test_without_any_link_the_coordinator_is_told_what_to_do(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace()
    result = run_cli("-C", str(folder), "plakat", "--termin", "T-2027-1")
    assert result.exit_code == 2
    assert "anmeldelink" in result.output and "Traceback" not in result.output
    assert not (folder / "ausgabe").exists()


def test_unknown_date_names_the_known_ones(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace()
    result = run_cli("-C", str(folder), "plakat", "--termin", "T-1999")
    assert result.exit_code == 2 and "T-2027-1" in result.output


def test_poster_text_mentions_the_clubs(make_workspace: WorkspaceFactory, tmp_path: Path) -> None:
    from automation.adapters.xlsx import WorkbookStore
    from automation.domain.dataset import Dataset
    from automation.services.plakat import event, web_text
    from automation.services.wiring import Workspace

    folder = make_workspace([*base_records(), *_clubs()], '[darstellung]\nanmeldelink = "https://x.example/a"\n')
    workspace = Workspace.open(folder)
    dataset = Dataset.from_snapshot(WorkbookStore(folder / "gespraechsrunde.xlsx").read())
    text = web_text(event(workspace, dataset, "T-2027-1"))
    assert "Mit dabei: Feuerwehr <Adorf>, Kleingartenverein Bergheim, Tafel & Co, TSV Adorf." in text
