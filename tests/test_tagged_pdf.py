"""Issue 15: our PDFs are tagged (structure tree, language, bookmarks from the headings, title shown).

Chromium prints tagged PDFs: headings, paragraphs, lists and tables become structure elements, the page's
``lang`` becomes the document language and an element's own ``lang`` (an Arabic route card) its
language. ``adapters/pdf.py`` adds the bookmarks (``--generate-pdf-document-outline``). Checked on the
files the commands write, read with pypdf.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from automation.adapters.pdf import html_to_pdf
from tests.before.test_einlass import _records
from tests.conftest import WorkspaceFactory, run_cli
from tests.mail.test_bidi_isolation import _route_cards

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="kein chromium installiert"),
]


def _structure(element: Any, found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every structure element as (type, language) in document order."""
    element = element.get_object()
    if not isinstance(element, dict):
        return found
    if "/S" in element:
        found.append((str(element["/S"]), str(element.get("/Lang", ""))))
    kids = element.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        if kid is not None and (hasattr(kid, "get_object") or isinstance(kid, dict)):
            _structure(kid, found)
    return found


def _outline(reader: Any) -> list[str]:
    titles: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(str(item["/Title"]))

    walk(reader.outline)
    return titles


def test_check_in_list_pdf_is_tagged_german_with_bookmarks(make_workspace: WorkspaceFactory) -> None:
    from pypdf import PdfReader

    folder = make_workspace(_records())
    result = run_cli("-C", str(folder), "einlass", "--termin", "T-2027-1")
    assert result.exit_code == 0, result.output
    reader = PdfReader(str(folder / "ausgabe" / "einlass-T-2027-1.pdf"))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert root["/Lang"] == "de"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert str(reader.metadata["/Title"]).startswith("Einlassliste – ")
    kinds = {kind for kind, _ in _structure(root["/StructTreeRoot"], [])}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD"} <= kinds  # real headings and a real table, not just text
    outline = _outline(reader)
    assert outline[0].startswith("Einlassliste: ") and "Ohne Anmeldung gekommen" in outline


def test_arabic_route_card_is_marked_arabic_in_the_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader

    html, pdf = tmp_path / "druck.html", tmp_path / "druck.pdf"
    html.write_text(_route_cards(), encoding="utf-8")
    html_to_pdf(html, pdf)
    root = PdfReader(str(pdf)).trailer["/Root"]
    structure = _structure(root["/StructTreeRoot"], [])
    assert root["/Lang"] == "de" and bool(root["/MarkInfo"]["/Marked"])
    cards = [lang for kind, lang in structure if kind == "/Art"]
    assert sorted(cards) == ["", "", "", "", "", "", "", "ar"]  # the Arabic card is read aloud in Arabic, the
    # German ones in the document's language
