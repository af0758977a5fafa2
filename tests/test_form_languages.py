"""Form translations (``formulare/<id>.<sprache>.yaml``): complete, mapped back by position, and a CSV export
of a translated form read into the same columns and values as a German one (local workbook, real sync)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from automation.adapters.form_state import FormState, save_form_states
from automation.adapters.links import LinkBuilder
from automation.domain.errors import ConfigError
from automation.domain.form_options import termin_option_text
from automation.domain.forms import (
    FORM_IDS,
    TRANSLATED_LANGUAGES,
    FormDefinition,
    load_forms,
    load_translations,
    load_variants,
)
from automation.domain.records import Anmeldung, Eingang, Hinweis, Kontakt
from automation.domain.resources import formulare_dir
from automation.domain.settings import load_settings
from tests.conftest import TERMIN, WorkspaceFactory, read_dataset, run_cli


@pytest.mark.parametrize("sprache", TRANSLATED_LANGUAGES)
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_form_is_translated_completely(form_id: str, sprache: str) -> None:
    assert (formulare_dir() / f"{form_id}.{sprache}.yaml").is_file()
    german = load_forms()[form_id]
    translation = load_translations(form_id, None, [sprache])[sprache]
    assert translation.titel.strip() and translation.titel != german.titel
    assert bool(translation.beschreibung) == bool(german.beschreibung)
    for question in german.fragen:
        text = translation.fragen.get(question.schluessel)
        assert text is not None, f"{form_id}.{sprache}.yaml: Frage »{question.schluessel}« fehlt"
        assert bool(text.hilfe) == bool(question.hilfe), question.schluessel
        assert len(text.optionen) == len(question.optionen), question.schluessel
        if question.skala is not None and question.skala.links:
            assert text.links and text.rechts, question.schluessel
    variant = load_variants({form_id: german})[form_id][sprache]  # translates without error
    assert [q.frage_id for q in variant.fragen] == [q.frage_id for q in german.fragen]


def test_choice_labels_map_to_the_german_value_by_position() -> None:
    tr = load_variants(load_forms())["anmeldung"]["tr"]
    assert tr.question("kinderbetreuung").option_value("Evet") == "Ja"
    assert tr.question("kinderbetreuung").option_value("Hayır") == "Nein"
    assert tr.question("gruppe").option_value("Buraya yeni taşındım") == "Neu zugezogen"
    uk = load_variants(load_forms())["abmeldung"]["uk"]
    assert uk.question("wunsch").option_value("Я скасовую свою реєстрацію.") == "absagen"


def own_translation(folder: Path, name: str, text: str) -> None:
    (folder / "formulare").mkdir(parents=True, exist_ok=True)
    (folder / "formulare" / name).write_text(text, encoding="utf-8")


def test_a_workspace_translation_wins_and_an_unfitting_one_names_file_and_question(tmp_path: Path) -> None:
    own_translation(tmp_path, "nachfrage.en.yaml", (
        "sprache: en\ntitel: Follow-up\nfragen:\n  mitgemacht:\n    titel: Joined?\n"
        "    optionen: [Yep, Still talking, Nope]\n"
    ))  # fmt: skip
    en = load_variants(load_forms(tmp_path), tmp_path)["nachfrage"]["en"]
    assert en.titel == "Follow-up"
    assert [en.question("mitgemacht").option_value(t) for t in ("Yep", "Still talking", "Nope")] == [
        "ja",
        "nein",
        "nein",
    ]
    assert en.question("geholfen").titel == "Was hat geholfen?"  # not translated: the German text stays

    own_translation(tmp_path, "nachfrage.en.yaml", (
        "sprache: en\ntitel: Follow-up\nfragen:\n  mitgemacht:\n    titel: Joined?\n    optionen: [Sure, Nah]\n"
    ))  # fmt: skip
    with pytest.raises(ConfigError, match=r"nachfrage\.en\.yaml.*»mitgemacht« hat 3 .* die Übersetzung 2"):
        load_variants(load_forms(tmp_path), tmp_path)


def test_a_workspace_form_without_a_question_keeps_the_packaged_translations(tmp_path: Path) -> None:
    german = (formulare_dir() / "anmeldung.yaml").read_text(encoding="utf-8")
    start = german.index("  - schluessel: begleitung")
    end = german.index("  - schluessel: einwilligung_speicherung")
    own_translation(tmp_path, "anmeldung.yaml", german[:start] + german[end:])  # no guide question here
    tr = load_variants(load_forms(tmp_path), tmp_path)["anmeldung"]["tr"]
    assert "begleitung" not in {q.schluessel for q in tr.fragen}
    assert tr.question("kinderbetreuung").option_value("Evet") == "Ja"


def write_export(path: Path, definition: FormDefinition, rows: list[tuple[str, dict[str, str]]]) -> None:
    """Google Forms' CSV export of ``definition``: headers are its question titles (in its language)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Zaman damgası" if definition.titel != load_forms()["anmeldung"].titel else "Zeitstempel",
                         *(q.titel for q in definition.fragen)])  # fmt: skip
        for stamp, answer in rows:
            writer.writerow([stamp, *(answer.get(q.schluessel, "") for q in definition.fragen)])


def ticked(definition: FormDefinition, vorname: str, mail: str) -> dict[str, str]:
    option = {q.schluessel: [o.text for o in q.optionen] for q in definition.fragen}
    return {
        "vorname": vorname, "nachname": "Kaya", "email": mail, "kommune": "Adorf",
        "gruppe": option["gruppe"][2], "termin": termin_option_text(TERMIN), "interessen": "Sport",
        "personen": "2", "anwesenheit": ", ".join(option["anwesenheit"][:2]),
        "kinderbetreuung": option["kinderbetreuung"][0], "sprache": option["sprache"][0],
        "einwilligung_speicherung": option["einwilligung_speicherung"][0],
        "einwilligung_einladungen": option["einwilligung_einladungen"][0],
    }  # fmt: skip


def test_csv_export_of_a_turkish_form_maps_like_a_german_one(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace()
    variants = load_variants(load_forms())["anmeldung"]
    answers = folder / "antworten"
    write_export(
        answers / "anmeldung.csv",
        variants["de"],
        [("01.02.2027 10:00:00", ticked(variants["de"], "Deniz", "d@x.example"))],
    )
    turkish = [("01.02.2027 10:05:00", ticked(variants["tr"], "Ayşe", "a@x.example"))]
    write_export(answers / "anmeldung-tr.csv", variants["tr"], turkish)
    result = run_cli("-C", str(folder), "sync")
    assert result.exit_code in (0, 1), result.output
    data = read_dataset(folder)
    assert {e.status for e in data.all(Eingang)} == {"verarbeitet"}
    kontakte = {k.vorname: k for k in data.all(Kontakt)}
    deniz, ayse = kontakte["Deniz"], kontakte["Ayşe"]
    for field in ("gruppe", "anwesenheit", "sprache", "einwilligung_speicherung", "einwilligung_einladungen"):
        assert getattr(ayse, field) == getattr(deniz, field), field
    assert (ayse.gruppe, ayse.sprache) == ("Neu zugezogen", "Deutsch")  # »Almanca« ticked: German, as ticked
    assert ayse.anwesenheit == ["unter der Woche", "am Wochenende"]
    anmeldungen = {a.kontakt_id: a for a in data.all(Anmeldung)}
    assert anmeldungen[ayse.kontakt_id].kinderbetreuung is True  # »Evet«

    # the Turkish file exported again (same rows, one more): nothing twice
    turkish.append(("02.02.2027 09:00:00", ticked(variants["tr"], "Emre", "e@x.example")))
    write_export(answers / "anmeldung-tr.csv", variants["tr"], turkish)
    assert run_cli("-C", str(folder), "sync").exit_code in (0, 1)
    data = read_dataset(folder)
    assert sorted(k.vorname for k in data.all(Kontakt) if k.vorname in ("Ayşe", "Deniz", "Emre")) == [
        "Ayşe", "Deniz", "Emre"
    ]  # fmt: skip
    assert len(data.all(Eingang)) == 3


def test_an_unfitting_translation_skips_only_the_translated_export(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace()
    variants = load_variants(load_forms())["anmeldung"]
    write_export(folder / "antworten" / "anmeldung.csv", variants["de"],
                 [("01.02.2027 10:00:00", ticked(variants["de"], "Deniz", "d@x.example"))])  # fmt: skip
    write_export(folder / "antworten" / "anmeldung-tr.csv", variants["tr"],
                 [("01.02.2027 10:05:00", ticked(variants["tr"], "Ayşe", "a@x.example"))])  # fmt: skip
    packaged = (formulare_dir() / "anmeldung.tr.yaml").read_text(encoding="utf-8")
    own_translation(folder, "anmeldung.tr.yaml", packaged.replace("      - Evet\n", ""))  # one choice missing
    result = run_cli("-C", str(folder), "sync")
    assert result.exit_code == 1, result.output  # findings, no traceback, the run went on
    data = read_dataset(folder)
    assert [k.vorname for k in data.all(Kontakt) if k.vorname in ("Deniz", "Ayşe")] == ["Deniz"]
    (finding,) = [h for h in data.all(Hinweis) if "anmeldung.tr.yaml" in h.hinweis]
    assert "kinderbetreuung" in finding.hinweis and finding.schwere == "Fehler"


def test_a_turkish_export_resaved_by_excel_in_windows_1252_maps_and_stays_one_answer(
    make_workspace: WorkspaceFactory,
) -> None:
    folder = make_workspace()
    tr = load_variants(load_forms())["anmeldung"]["tr"]
    answer = ticked(tr, "Ayşe", "a@x.example")
    answer.update(kinderbetreuung="Hayır", gruppe=tr.question("gruppe").optionen[3].text)  # »ı«, »ş«: not in cp1252
    path = folder / "antworten" / "anmeldung-tr.csv"
    write_export(path, tr, [("01.02.2027 10:05:00", answer)])
    original = path.read_text(encoding="utf-8")
    # German Excel: opened and saved again as »CSV (Trennzeichen-getrennt)«: semicolons, Windows-1252, »?«
    rows = list(csv.reader(original.splitlines()))
    with path.open("w", encoding="cp1252", errors="replace", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    assert "Hay?r" in path.read_text(encoding="cp1252") and "Ad?n?z" in path.read_text(encoding="cp1252")
    assert run_cli("-C", str(folder), "sync").exit_code in (0, 1)
    data = read_dataset(folder)
    (entry,) = data.all(Eingang)
    assert entry.status == "verarbeitet", entry.hinweis
    (ayse,) = [k for k in data.all(Kontakt) if k.email == "a@x.example"]
    assert ayse.gruppe == "Einheimisch"  # »Uzun zamandır burada yaşıyorum«, damaged, still the fourth option
    (anmeldung,) = [a for a in data.all(Anmeldung) if a.kontakt_id == ayse.kontakt_id]
    assert anmeldung.kinderbetreuung is False  # »Hay?r« is »Hayır« is »Nein«

    path.write_text(original, encoding="utf-8")  # exported again from Google: the same answer, not a second
    assert run_cli("-C", str(folder), "sync").exit_code in (0, 1)
    assert len(read_dataset(folder).all(Eingang)) == 1


def test_damaged_labels_map_back_only_where_unambiguous() -> None:
    from automation.adapters.csv_source import _lossy, _split

    uk = load_variants(load_forms())["anmeldung"]["uk"]
    # Ukrainian labels lose every letter in Windows-1252: »Так«/»Ні« become »???«/»??« – different lengths, so
    # each still names one option; the two-option consent question maps, too
    question = uk.question("kinderbetreuung")
    assert [question.option_value(p) for p in _split(question, "??", _lossy)] == ["Nein"]
    anwesenheit = uk.question("anwesenheit")
    folded = [_lossy(o.text) for o in anwesenheit.optionen]
    ambiguous = {f for f in folded if folded.count(f) > 1}
    for option in anwesenheit.optionen:
        (part,) = _split(anwesenheit, _lossy(option.text), _lossy)
        expected = option.value if _lossy(option.text) not in ambiguous else _lossy(option.text)
        assert anwesenheit.option_value(part) == expected


def _links(tmp_path: Path, *keys: str) -> LinkBuilder:
    states = {
        k: FormState(form_id=f"id-{k}", responder_url=f"https://docs.google.com/forms/d/e/id-{k}/viewform")
        for k in keys
    }
    save_form_states(tmp_path, states)
    (tmp_path / "gespraechsrunde.toml").write_text('[mail]\nabsender_adresse = "runde@adorf.de"\n', encoding="utf-8")
    return LinkBuilder.for_workspace(tmp_path, load_settings(tmp_path))


def test_links_go_to_the_form_in_the_persons_language_else_german(tmp_path: Path) -> None:
    links = _links(
        tmp_path, "anmeldung", "anmeldung.tr", "abmeldung", "abmeldung.tr", "feedback", "nachfrage", "nachfrage.tr"
    )
    turkish = links.links("K-1", "A-1", "tr")
    assert turkish.anmeldung is not None and "/id-anmeldung.tr/" in turkish.anmeldung
    assert turkish.absage is not None and "/id-abmeldung.tr/" in turkish.absage
    assert "Kayd%C4%B1m%C4%B1%20iptal%20ediyorum." in turkish.absage  # the choice preselected in Turkish
    assert turkish.feedback is not None and "/id-feedback/" in turkish.feedback  # no Turkish feedback form yet
    ukrainian = links.links("K-1", "A-1", "uk")  # no Ukrainian forms: the German ones
    assert ukrainian.anmeldung is not None and "/id-anmeldung/" in ukrainian.anmeldung
    assert "Ich%20sage%20meine%20Anmeldung%20ab." in (ukrainian.absage or "")


def test_the_follow_up_links_the_follow_up_form_in_the_persons_language(tmp_path: Path) -> None:
    import datetime as dt

    from automation.adapters.memory import MemoryStore
    from automation.domain.dataset import Dataset
    from automation.services.nachbereitung import follow_up_messages
    from tests.factory import seed_store

    links = _links(tmp_path, "nachfrage", "nachfrage.tr", "nachfrage.ar")
    people = [
        Kontakt(kontakt_id=f"K-{code}", vorname=code, nachname="X", email=f"{code}@x.example", sprache=sprache,
                einwilligung_speicherung=True, einwilligung_einladungen=True)
        for code, sprache in (("TR", "Türkisch"), ("AR", "العربية"), ("DE", ""))
    ]  # fmt: skip
    came = [
        Anmeldung(anmelde_id=f"A-{k.kontakt_id}", termin_id=TERMIN.termin_id, kontakt_id=k.kontakt_id,
                  status="teilgenommen")
        for k in people
    ]  # fmt: skip
    dataset = Dataset.from_snapshot(seed_store(MemoryStore(), [TERMIN, *people, *came]).read())
    today = TERMIN.datum + dt.timedelta(weeks=load_settings(tmp_path).nachbereitung.nachfrage_wochen_nach)
    due = {
        m.kontakt.kontakt_id: m.extra["nachfrage_link"]
        for m in follow_up_messages(dataset, today, load_settings(tmp_path), links)
    }
    assert "/id-nachfrage.tr/" in due["K-TR"] and "/id-nachfrage.ar/" in due["K-AR"] and "/id-nachfrage/" in due["K-DE"]
