"""``terminvorschlag``: holidays excluded as the ``holidays`` data says, ranking by presence, the tab."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import holidays
import pytest

from automation.domain.anwesenheit import parse_presence
from automation.domain.records import Kommune, Kontakt, Record, TerminvorschlagZeile
from tests.conftest import WorkspaceFactory, read_dataset, run_cli


@pytest.mark.parametrize(
    ("text", "days", "months"),
    [
        ("Wochenende", {5, 6}, None),
        ("nur Sa/So", {5, 6}, None),
        ("werktags", {0, 1, 2, 3, 4}, None),
        ("Fr–So", {4, 5, 6}, None),
        ("Freitag bis Sonntag", {4, 5, 6}, None),
        ("Juli, August", None, {7, 8}),
        ("Mai bis September am Wochenende", {5, 6}, {5, 6, 7, 8, 9}),
        ("im Sommer", None, {6, 7, 8}),
        ("Nov–Feb", None, {11, 12, 1, 2}),
    ],
)
def test_common_phrasings_are_read(text: str, days: set[int] | None, months: set[int] | None) -> None:
    presence = parse_presence(text)
    assert presence is not None
    assert presence.weekdays == frozenset(days if days is not None else range(7))
    assert presence.months == frozenset(months if months is not None else range(1, 13))


def test_unreadable_presence_is_unknown_not_guessed() -> None:
    assert parse_presence("keine Ahnung") is None
    assert parse_presence("so oft es geht") is None
    holiday_only = parse_presence("in den Ferien")
    assert holiday_only is not None and holiday_only.only_school_holidays
    assert not holiday_only.present_on(dt.date(2027, 3, 13))


def _people() -> list[Record]:
    specs = [
        ("Incoming", "Wochenende"), ("Incoming", "nur Sa/So"), ("Outgoing", "Fr–So"), ("Outgoing", "Juli, August"),
        ("Einheimisch", "werktags"), ("Einheimisch", "Samstag"), ("Neu zugezogen", "Sonntag"),
        ("Incoming", "Mai bis September, am Wochenende"), ("Einheimisch", "immer"), (None, "keine Ahnung"),
        ("Incoming", "unregelmäßig"),
    ]  # fmt: skip
    return [
        Kontakt(
            kontakt_id=f"K-{i:02d}",
            vorname=f"P{i}",
            gruppe=gruppe,
            anwesenheit=[anwesenheit],
            einwilligung_speicherung=True,
        )
        for i, (gruppe, anwesenheit) in enumerate(specs)
    ]


def _workspace(make_workspace: WorkspaceFactory, laender: dict[str, str]) -> Path:
    kommunen = [Kommune(name=n, kuerzel=n[:2].upper()) for n in laender]
    settings = "[kommunen]\n" + "".join(f'{n} = "{land}"\n' for n, land in laender.items())
    return make_workspace([*kommunen, *_people()], settings)


@pytest.mark.parametrize(
    ("laender", "von", "bis"),
    [
        ({"Adorf": "BY"}, dt.date(2027, 1, 1), dt.date(2027, 12, 31)),
        ({"Adorf": "NW", "Bergheim": "NI"}, dt.date(2026, 3, 1), dt.date(2026, 10, 31)),
        ({"Adorf": "BE", "Bergheim": "BB", "Cedorf": "SN"}, dt.date(2028, 1, 1), dt.date(2028, 8, 31)),
    ],
)
def test_no_suggestion_on_a_public_or_school_holiday_of_any_land(
    make_workspace: WorkspaceFactory, laender: dict[str, str], von: dt.date, bis: dt.date
) -> None:
    folder = _workspace(make_workspace, laender)
    result = run_cli("-C", str(folder), "terminvorschlag", "--von", von.isoformat(), "--bis", bis.isoformat(), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    years = list(range(von.year, bis.year + 1))
    closed: dict[dt.date, set[str]] = {}
    for land in laender.values():
        for category in ("public", "school"):
            for day, name in holidays.country_holidays(
                "DE", subdiv=land, years=years, categories=(category,), language="de"
            ).items():
                closed.setdefault(day, set()).add(name)
    suggested = {dt.date.fromisoformat(v["datum"]) for v in data["vorschlaege"]}
    excluded = {dt.date.fromisoformat(v["datum"]): v["gruende"] for v in data["ausgeschlossen"]}
    weekends = {von + dt.timedelta(days=i) for i in range((bis - von).days + 1)}
    weekends = {d for d in weekends if d.weekday() >= 5}
    assert suggested | set(excluded) == weekends
    assert not suggested & set(closed)
    assert set(excluded) == {d for d in weekends if d in closed}
    summer = [d for d in excluded if any("Sommerferien" in g for g in excluded[d])]
    if bis.month >= 8:
        assert summer, "die Sommerferien fallen in jedes dieser Fenster"
        land_names = {"BY": "Bayern", "NW": "Nordrhein-Westfalen", "NI": "Niedersachsen", "BE": "Berlin"}
        assert any(name in g for d in summer for g in excluded[d] for name in land_names.values())


def test_ranking_by_presence_weighted_by_group(make_workspace: WorkspaceFactory) -> None:
    folder = _workspace(make_workspace, {"Adorf": "BY"})
    von, bis = dt.date(2027, 4, 3), dt.date(2027, 7, 31)
    result = run_cli("-C", str(folder), "terminvorschlag", "--von", von.isoformat(), "--bis", bis.isoformat(), "--json")
    data = json.loads(result.output)
    # independently: who is here on which day (the table above, by hand)
    weight = {"Incoming": 3, "Outgoing": 3, "Neu zugezogen": 2, "Einheimisch": 1}

    def expected(day: dt.date) -> float:
        sat, sun, summer = day.weekday() == 5, day.weekday() == 6, day.month in (7, 8)
        season = 5 <= day.month <= 9
        here = [("Incoming", 1), ("Incoming", 1), ("Outgoing", 1), ("Incoming", 0.5), ("Einheimisch", 1)]
        here += [("Outgoing", 1)] if summer else []
        here += [("Einheimisch", 1)] if sat else []
        here += [("Neu zugezogen", 1)] if sun else []
        here += [("Incoming", 1)] if season else []
        return sum(weight[g] * f for g, f in here)

    ranked = data["vorschlaege"]
    scores = [(dt.date.fromisoformat(v["datum"]), v["punkte"]) for v in ranked]
    assert all(points == pytest.approx(expected(day)) for day, points in scores)
    assert [p for _, p in scores] == sorted((p for _, p in scores), reverse=True)
    best = dt.date.fromisoformat(ranked[0]["datum"])
    assert best.month == 7 and best.weekday() == 6  # Neu zugezogen (2) on Sundays beats Einheimisch (1)
    assert "Incoming" in ranked[0]["begruendung"]
    assert any("1 Kontakte ohne lesbare Angabe" in h for h in data["hinweise"])


def test_writes_the_tab_and_prints_german_reasons(make_workspace: WorkspaceFactory) -> None:
    folder = _workspace(make_workspace, {"Adorf": "BY"})
    result = run_cli("-C", str(folder), "terminvorschlag", "--von", "01.08.2027", "--bis", "30.09.2027")
    assert result.exit_code == 0, result.output
    assert "Sommerferien in Bayern" in result.output
    rows = read_dataset(folder).all(TerminvorschlagZeile)
    assert rows[0].rang == 1 and rows[0].ergebnis == "vorgeschlagen"
    assert any(r.ergebnis == "ausgeschlossen" and "Sommerferien in Bayern" in (r.begruendung or "") for r in rows)
    again = run_cli("-C", str(folder), "terminvorschlag", "--von", "01.08.2027", "--bis", "30.09.2027")
    assert again.exit_code == 0
    assert len(read_dataset(folder).all(TerminvorschlagZeile)) == len(rows)


def test_missing_land_is_a_clear_german_error(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace([Kommune(name="Adorf", kuerzel="AD")])
    result = run_cli("-C", str(folder), "terminvorschlag", "--von", "2027-01-01", "--bis", "2027-02-01")
    assert result.exit_code == 2
    assert "[kommunen]" in result.output and "Traceback" not in result.output


def test_date_poll_answers_of_contacts_and_clubs_lift_a_date(make_workspace: WorkspaceFactory) -> None:
    import csv

    folder = _workspace(make_workspace, {"Adorf": "BY"})
    von, bis = "2027-04-10", "2027-04-25"  # BY: Easter holidays end 09.04.
    before = json.loads(run_cli("-C", str(folder), "terminvorschlag", "--von", von, "--bis", bis, "--json").output)[
        "vorschlaege"
    ]
    points = {v["datum"]: v["punkte"] for v in before}
    assert len(set(points.values())) <= 2  # all Saturdays alike, all Sundays alike
    title = "Welche Tage passen Ihnen?"
    with (folder / "antworten" / "terminumfrage.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Zeitstempel", "Ihr Name oder der Name Ihres Vereins", "Sie antworten als …", title])
        writer.writerow(["01.02.2027 10:00:00", "Anna", "Privatperson", "Samstag, 17.04.2027; Sonntag, 18.04.2027"])
        writer.writerow(["01.02.2027 11:00:00", "TSV Adorf", "Verein oder Initiative", "17.4.27"])
        writer.writerow(["01.02.2027 12:00:00", "Bodo", "Privatperson", "31.02.2027, weiß nicht"])
    after = json.loads(run_cli("-C", str(folder), "terminvorschlag", "--von", von, "--bis", bis, "--json").output)
    ranked = after["vorschlaege"]
    assert ranked[0]["datum"] == "2027-04-17"
    assert ranked[0]["punkte"] == pytest.approx(points["2027-04-17"] + 2 * 3)
    assert "2× »passt« in der Terminumfrage" in ranked[0]["begruendung"]
    sunday = next(v for v in ranked if v["datum"] == "2027-04-18")
    assert sunday["punkte"] == pytest.approx(points["2027-04-18"] + 3)
    assert any("Terminumfrage: 2 Antworten" in h for h in after["hinweise"])


def test_poll_form_definition_is_valid() -> None:
    from automation.domain.forms import load_form
    from automation.domain.resources import formulare_dir

    form = load_form(formulare_dir() / "terminumfrage.yaml")
    assert form.id == "terminumfrage" and form.question("termine").pflicht
