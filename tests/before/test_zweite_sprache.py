"""Issue 15: with ``[darstellung] zweite_sprache`` the poster and the part of the check-in list that walk-ins
fill in themselves carry a second language beside the German (own ``lang`` and ``dir``)."""

from __future__ import annotations

import shutil

import pytest

from tests.before.test_einlass import _records
from tests.before.test_plakat import _clubs
from tests.conftest import WorkspaceFactory, base_records, run_cli

SECOND = '[darstellung]\nzweite_sprache = "{}"\nanmeldelink = "https://anmeldung.example/runde"\n'


def test_check_in_list_headings_for_walk_ins_in_the_second_language(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace(_records(), SECOND.format("Ukrainisch"))
    result = run_cli("-C", str(folder), "einlass", "--termin", "T-2027-1", "--ohne-pdf")
    assert result.exit_code == 0, result.output
    html = (folder / "ausgabe" / "einlass-T-2027-1.html").read_text(encoding="utf-8")
    walk_ins = html.split("<h2>", 1)[1]
    assert walk_ins.startswith('Ohne Anmeldung gekommen<span class="zweite" lang="uk" dir="ltr">Прийшли без реєстрації')
    assert "Електронна пошта або телефон (за бажанням, для відгуків і запрошень)" in walk_ins
    assert 'lang="uk"' not in html.split("<h2>", 1)[0]  # the helpers' part stays German


def test_without_a_second_language_everything_stays_german(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace(_records())
    assert run_cli("-C", str(folder), "einlass", "--termin", "T-2027-1", "--ohne-pdf").exit_code == 0
    assert 'class="zweite"' not in (folder / "ausgabe" / "einlass-T-2027-1.html").read_text(encoding="utf-8")


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="kein chromium installiert")
def test_arabic_poster_still_fits_one_page(make_workspace: WorkspaceFactory) -> None:
    from pypdf import PdfReader

    folder = make_workspace([*base_records(), *_clubs()], SECOND.format("Arabisch"))
    result = run_cli("-C", str(folder), "plakat", "--termin", "T-2027-1")
    assert result.exit_code == 0, result.output
    html = (folder / "ausgabe" / "plakat-T-2027-1-A4.html").read_text(encoding="utf-8")
    assert '<div class="einladung zweite" lang="ar" dir="rtl">جديد هنا' in html
    assert '<div class="aufruf zweite" lang="ar" dir="rtl">سجّل الآن!</div>' in html
    for size in ("A4", "A3"):
        reader = PdfReader(str(folder / "ausgabe" / f"plakat-T-2027-1-{size}.pdf"))
        assert len(reader.pages) == 1
        text = reader.pages[0].extract_text()
        assert "Jetzt anmelden!" in text and "Kleingartenverein Bergheim" in text  # nothing pushed off the page
