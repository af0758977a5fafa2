"""Follow-up (Nachfrage) weeks after the date, impact, and offers kept current."""

from __future__ import annotations

import datetime as dt
import email
import json
from collections import Counter
from email import policy
from pathlib import Path
from typing import Any

from automation.domain.records import Hinweis, Kontakt, Nachfrage, Verein, Versand
from automation.services.sync import run_check, run_sync
from automation.services.wiring import Workspace
from tests.after.conftest import held_records
from tests.conftest import WorkspaceFactory, read_dataset, run_cli, write_answers

TERMIN = "T-2026-10"
WEEKS_12 = dt.datetime(2027, 1, 2, 9, 0)  # twelve weeks after 10.10.2026


def _keys(folder: Path) -> Counter[str]:
    return Counter(
        str(email.message_from_bytes(p.read_bytes(), policy=policy.default)["X-Gespraechsrunde-Schluessel"])
        for p in (folder / "ausgang").glob("*.eml")
    )


def test_follow_up_goes_to_consenting_participants_and_is_reminded_once(make_workspace: WorkspaceFactory) -> None:
    records = held_records()
    folder = make_workspace(records)
    workspace = Workspace.open(folder)
    run_sync(workspace, now=WEEKS_12 - dt.timedelta(days=2))
    assert not [k for k in _keys(folder) if k.startswith("Nachfrage")]  # not yet
    run_sync(workspace, now=WEEKS_12)
    sent = {k.split("|")[2] for k in _keys(folder) if k.startswith("Nachfrage|")}
    people = {r.kontakt_id: r for r in records if isinstance(r, Kontakt)}
    attended = {
        r.kontakt_id
        for r in records
        if getattr(r, "status", None) == "teilgenommen" and getattr(r, "termin_id", "") == TERMIN
    }
    expected = {k for k in attended if people[k].einwilligung_einladungen and not people[k].abgemeldet}
    assert sent == expected and "K-000" not in sent  # K-000 gave no consent to invitations

    # K-001 answers (CSV export of the Google form); the others get one reminder two weeks later
    write_answers(
        folder, "nachfrage",
        [("05.01.2027 10:00:00", {"anmelde_id": "A-001", "mitgemacht": "Ja", "vereine": "TSV Adorf",
                                             "geholfen": "Der Stand war freundlich"})],
    )  # fmt: skip
    run_sync(workspace, now=WEEKS_12 + dt.timedelta(days=3))
    rows = read_dataset(folder).all(Nachfrage)
    assert [(r.kontakt_id, r.termin_id, r.mitgemacht, r.vereine) for r in rows] == [
        ("K-001", TERMIN, True, ["TSV Adorf"])
    ]
    for days in (14, 15, 30):
        run_sync(workspace, now=WEEKS_12 + dt.timedelta(days=days))
    keys = _keys(folder)
    reminded = {k.split("|")[2] for k in keys if k.startswith("Nachfrage-Erinnerung|")}
    assert reminded == expected - {"K-001"}
    assert all(n == 1 for n in keys.values())

    # the overview counts K-001 as joined, by group and club
    data = json.loads(run_cli("-C", str(folder), "auswertung", "--termin", TERMIN, "--json", "--ohne-pdf").output)
    assert data["wirkung"]["alle"]["beigetreten"] == 1
    assert data["wirkung"]["alle"]["nach_verein"] == {"TSV Adorf": 1}
    assert data["wirkung"]["alle"]["nach_gruppe"] == {"Incoming": 1}


def test_stale_offers_get_one_reminder_per_club_and_date(make_workspace: WorkspaceFactory) -> None:
    upcoming = dt.date(2027, 3, 13)
    records = [
        r.model_copy(update={"termine": [TERMIN, "T-2027-03"]}) if isinstance(r, Verein) and r.termine else r
        for r in held_records()
    ]
    from automation.domain.records import Termin

    records.append(Termin(termin_id="T-2027-03", titel="Markt Frühjahr", datum=upcoming, status="Anmeldung offen"))
    folder = make_workspace(records)
    workspace = Workspace.open(folder)
    now = dt.datetime(2027, 2, 10, 9)  # about four weeks before
    run_sync(workspace, now=now)
    run_sync(workspace, now=now + dt.timedelta(days=1))
    keys = _keys(folder)
    reminded = sorted(k for k in keys if k.startswith("Angebote-Erinnerung|"))
    # V-01 was updated 09/2026 (not stale); V-02 in 01/2025, V-03 never: both stale; V-04 attends nothing
    assert reminded == ["Angebote-Erinnerung|T-2027-03|V-02", "Angebote-Erinnerung|T-2027-03|V-03"]
    assert all(n == 1 for n in keys.values())
    message = next((folder / "ausgang").glob("*V-02*.eml"), None) or next(
        p for p in (folder / "ausgang").glob("*.eml") if b"V-02" in p.read_bytes()
    )
    body = email.message_from_bytes(message.read_bytes(), policy=policy.default)
    text = body.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Sommerkonzert helfen" in text and "05.01.2025" in text
    rows = {r.schluessel: r for r in read_dataset(folder).all(Versand)}
    assert rows["Angebote-Erinnerung|T-2027-03|V-02"].kontakt_id == "V-02"
    # the same clubs are listed as Info lines in Hinweise (sync) and by pruefen
    hinweise = [h for h in read_dataset(folder).all(Hinweis) if h.spalte == "Zuletzt aktualisiert"]
    assert sorted(h.id or "" for h in hinweise) == ["V-02", "V-03"]
    assert all(h.zeile for h in hinweise) and "05.01.2025" in next(h.hinweis for h in hinweise if h.id == "V-02")
    report = run_check(workspace, now=now + dt.timedelta(days=2))
    assert sorted(f.id or "" for f in report.findings if f.spalte == "Zuletzt aktualisiert") == ["V-02", "V-03"]


def test_a_club_edit_updates_zuletzt_aktualisiert(make_workspace: WorkspaceFactory) -> None:
    from automation.adapters.xlsx import WorkbookStore

    folder = make_workspace(held_records())
    workspace = Workspace.open(folder)
    run_sync(workspace, now=dt.datetime(2026, 11, 1, 9))  # first run: the job records what it saw
    assert read_dataset(folder).get(Verein, "V-02").zuletzt_aktualisiert == dt.datetime(2025, 1, 5, 10)  # type: ignore[union-attr]
    # the club edits its description by hand
    dataset = read_dataset(folder)
    chor = dataset.get(Verein, "V-02")
    assert chor is not None
    dataset.put(chor.model_copy(update={"beschreibung": "Wir singen jetzt auch samstags."}))
    WorkbookStore(folder / "gespraechsrunde.xlsx").apply(dataset.changes())
    edited = dt.datetime(2026, 11, 2, 9)
    run_sync(workspace, now=edited)
    after = read_dataset(folder)
    assert after.get(Verein, "V-02").zuletzt_aktualisiert == edited  # type: ignore[union-attr]
    assert after.get(Verein, "V-01").zuletzt_aktualisiert == dt.datetime(2026, 9, 1, 10)  # type: ignore[union-attr]
    run_sync(workspace, now=edited + dt.timedelta(days=1))  # nothing changed since: stays
    assert read_dataset(folder).get(Verein, "V-02").zuletzt_aktualisiert == edited  # type: ignore[union-attr]


def test_follow_up_answers_are_ingested_from_every_source(backend: Any) -> None:
    """The same answer from Google Forms (stand-in) or a CSV export becomes one ``Nachfrage`` row."""
    sent = Versand(
        schluessel=f"Nachfrage|{TERMIN}|K-002", art="Nachfrage", termin_id=TERMIN, kontakt_id="K-002",
        status="gesendet", zeit=dt.datetime(2027, 1, 2, 9),
    )  # fmt: skip
    backend.create([*held_records(), sent])
    answers = {"anmelde_id": "A-002", "mitgemacht": "Ja", "vereine": "Chor Bergheim", "gefehlt": "=Mehr Zeit"}
    backend.answer("nachfrage", dt.datetime(2027, 1, 4, 18, 30), answers)
    result = backend.sync()
    assert result.exit_code in (0, 1), result.output
    rows = backend.dataset().all(Nachfrage)
    assert [(r.kontakt_id, r.termin_id, r.mitgemacht, r.vereine, r.gefehlt) for r in rows] == [
        ("K-002", TERMIN, True, ["Chor Bergheim"], "=Mehr Zeit")
    ]


def test_follow_up_answers_are_exported_and_erased_with_the_person(make_workspace: WorkspaceFactory) -> None:
    answer = Nachfrage(antwort_id="N-1", termin_id=TERMIN, kontakt_id="K-001", mitgemacht=True, vereine=["TSV Adorf"])
    folder = make_workspace([*held_records(), answer])
    exported = json.loads(run_cli("-C", str(folder), "person", "export", "K-001").output)
    assert [row["Antwort-ID"] for row in exported["Nachfrage"]] == ["N-1"]
    assert run_cli("-C", str(folder), "person", "loeschen", "K-001", "--ja").exit_code == 0
    assert read_dataset(folder).all(Nachfrage) == []


def test_status_lists_clubs_with_stale_offers(make_workspace: WorkspaceFactory) -> None:
    from automation.services.status import workspace_status

    folder = make_workspace(held_records())
    result = workspace_status(folder, today=dt.date(2026, 11, 1))
    # V-01 was updated 09/2026 (not stale); V-02 in 01/2025; V-03 and V-04 never
    stale = {vid: last for vid, _, last in result.report.angebote_veraltet}
    assert stale == {"V-02": dt.datetime(2025, 1, 5, 10), "V-03": None, "V-04": None}
    data = result.report.as_json()["angebote_veraltet"]
    assert {"vereins_id": "V-02", "name": "Chor Bergheim", "zuletzt_aktualisiert": "2025-01-05T10:00:00"} in data
    assert result.page is not None
    page = result.page.read_text(encoding="utf-8")
    assert "Chor Bergheim (V-02)</td><td>05.01.2025" in page and "Naturschutz &amp; Co (V-03)" in page
    printed = run_cli("-C", str(folder), "status")
    assert printed.exit_code == 0, printed.output
    assert (
        "Angebote lange nicht aktualisiert: " in printed.output and "Chor Bergheim (seit 05.01.2025)" in printed.output
    )
    assert "Heimatverein (noch nie)" in printed.output
