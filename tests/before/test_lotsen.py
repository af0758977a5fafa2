"""Ehrenamtslotsen: matching (language, then municipality), briefing exactly once, the newcomer is told."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

from automation.domain.lotsen import assign_guides
from automation.domain.records import Anmeldung, Kontakt, Record, TischplanZeile, Versand
from automation.services.sync import run_sync
from automation.services.wiring import Workspace
from tests.conftest import WorkspaceFactory, base_records, read_dataset, registration, run_cli, write_answers

BEFORE = dt.datetime(2027, 3, 11, 9, 0)  # two days before TERMIN: inside the reminder window (3 days)


def _k(kid: str, vorname: str, sprache: str, kommune: str, lotse: bool = False) -> Kontakt:
    return Kontakt(
        kontakt_id=kid, vorname=vorname, nachname="Muster", email=f"{kid.lower()}@beispiel.example", sprache=sprache,
        kommune=kommune, lotse=lotse, einwilligung_speicherung=True,
    )  # fmt: skip


def _a(aid: str, kid: str, minute: int, wants: bool = False, **extra: object) -> Anmeldung:
    return Anmeldung(
        anmelde_id=aid, termin_id="T-2027-1", kontakt_id=kid, eingegangen=dt.datetime(2027, 2, 1, 8, minute),
        begleitung_gewuenscht=wants, **extra,
    )  # fmt: skip


GUIDES = [_k("K-G1", "Grete", "Englisch", "Adorf", True), _k("K-G2", "Gustav", "Deutsch", "Bergheim", True)]
PEOPLE = [
    _k("K-N1", "Nia", "Englisch", "Bergheim"),  # same language as G1
    _k("K-N2", "Nils", "Deutsch", "Adorf"),  # same language as G2
    _k("K-N3", "Noor", "Arabisch", "Bergheim"),  # no language match: same municipality as G2
    _k("K-N4", "Nadia", "Deutsch", "Adorf"),  # does not want a guide
]


def _rows() -> list[Anmeldung]:
    return [
        _a("A-G1", "K-G1", 1), _a("A-G2", "K-G2", 2), _a("A-N1", "K-N1", 3, True), _a("A-N2", "K-N2", 4, True),
        _a("A-N3", "K-N3", 5, True), _a("A-N4", "K-N4", 6),
    ]  # fmt: skip


def test_same_language_first_then_municipality_then_load() -> None:
    kontakte = {k.kontakt_id: k for k in GUIDES + PEOPLE}
    assigned, unmatched = assign_guides("T-2027-1", _rows(), kontakte)
    pairs = {a.anmeldung.anmelde_id: a.guide.kontakt_id for a in assigned}
    assert pairs == {"A-N1": "K-G1", "A-N2": "K-G2", "A-N3": "K-G2"}
    assert not unmatched
    # a guide takes at most per_guide people; the rest are reported, not squeezed in
    assigned, unmatched = assign_guides("T-2027-1", _rows(), kontakte, per_guide=1)
    assert {a.anmeldung.anmelde_id for a in assigned} == {"A-N1", "A-N2"}
    assert [a.anmelde_id for a in unmatched] == ["A-N3"]
    # an assignment once made is kept (people were told), and counts against the guide
    kept = [r.model_copy(update={"begleitet_von": "K-G1"}) if r.anmelde_id == "A-N2" else r for r in _rows()]
    assigned, _ = assign_guides("T-2027-1", kept, kontakte, per_guide=2)
    assert {a.anmeldung.anmelde_id: a.guide.kontakt_id for a in assigned} == {"A-N1": "K-G1", "A-N3": "K-G2"}


def _messages(folder: Path) -> list[EmailMessage]:
    result = []
    for path in sorted((folder / "ausgang").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        result.append(message)
    return result


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def test_briefing_once_with_people_and_tables_and_the_newcomer_learns_the_guide(
    make_workspace: WorkspaceFactory,
) -> None:
    plan = [
        TischplanZeile(termin_id="T-2027-1", runde=1, tisch="T1", teilnehmende_ids=["A-N1"], lotsen_ids=["A-G1"]),
        TischplanZeile(termin_id="T-2027-1", runde=2, tisch="T3", lotsen_ids=["A-G1"]),
        TischplanZeile(termin_id="T-2027-1", runde=2, tisch="T2", teilnehmende_ids=["A-N1"]),
    ]
    records: list[Record] = [*base_records(), *GUIDES, *PEOPLE, *_rows(), *plan]
    folder = make_workspace(records)
    workspace = Workspace.open(folder)
    run_sync(workspace, now=BEFORE)
    data = read_dataset(folder)
    assert {a.anmelde_id: a.begleitet_von for a in data.all(Anmeldung) if a.begleitet_von} == {
        "A-N1": "K-G1", "A-N2": "K-G2", "A-N3": "K-G2",
    }  # fmt: skip
    briefings = [m for m in _messages(folder) if "Begleitung" in str(m["Subject"])]
    assert sorted(str(m["To"]) for m in briefings) == ["Grete Muster <k-g1@beispiel.example>",
                                                       "Gustav Muster <k-g2@beispiel.example>"]  # fmt: skip
    grete = _text(next(m for m in briefings if "k-g1" in str(m["To"])))
    assert "Nia M., Sprache: Englisch, aus Bergheim" in grete
    assert "Runde 1: T1, Runde 2: T2" in grete  # Nia's tables
    assert "- Runde 2: Tisch T3" in grete  # Grete's own tables
    assert "13:30 Uhr" in grete  # 30 minutes before 14:00
    assert "Nils" not in grete and "k-n1@" not in grete  # only her people, never their addresses
    nia = next(m for m in _messages(folder) if "k-n1@" in str(m["To"]))
    assert "Grete M. will welcome you at the entrance and go with you." in _text(nia)  # Nia reads English
    nadia = next(m for m in _messages(folder) if "k-n4@" in str(m["To"]))
    assert "begrüßt Sie" not in _text(nadia)

    count = len(_messages(folder))
    run_sync(workspace, now=BEFORE + dt.timedelta(hours=3))
    assert len(_messages(folder)) == count
    keys = [v.schluessel for v in read_dataset(folder).all(Versand) if v.art == "Lotsen-Briefing"]
    assert sorted(keys) == ["Lotsen-Briefing|T-2027-1|K-G1", "Lotsen-Briefing|T-2027-1|K-G2"]

    # a briefing that failed can be resent on purpose, with the same people (an »unklar« one the outbox
    # proves written is »gesendet« again, so the failed state is the one to resend here)
    dataset = read_dataset(folder)
    row = dataset.get(Versand, "Lotsen-Briefing|T-2027-1|K-G1")
    assert row is not None
    dataset.put(row.model_copy(update={"status": "fehlgeschlagen"}))
    Workspace.open(folder).store().apply(dataset.changes())
    resent = run_cli("-C", str(folder), "versand", "wiederholen", "Lotsen-Briefing|T-2027-1|K-G1")
    assert resent.exit_code == 0, resent.output
    assert len(_messages(folder)) == count + 1
    to_grete = [m for m in _messages(folder) if "k-g1@" in str(m["To"]) and "Begleitung" in str(m["Subject"])]
    assert len(to_grete) == 2 and all("Nia M., Sprache: Englisch" in _text(m) for m in to_grete)


def test_the_form_asks_for_a_guide(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace()
    write_answers(folder, "anmeldung", [("01.02.2027 10:00:00", registration(begleitung="Ja, gern"))])
    run_sync(Workspace.open(folder), now=dt.datetime(2027, 2, 1, 11, 0))
    [anmeldung] = read_dataset(folder).all(Anmeldung)
    assert anmeldung.begleitung_gewuenscht is True


def test_guides_sit_with_their_people_where_it_fits() -> None:
    from automation.domain.lotsen import seat_with_guides

    groups = [["A-N2", "A-N2+1"]]
    pairs = [("A-G1", "A-N1"), ("A-G2", "A-N2"), ("A-G2", "A-N3")]
    result = sorted(sorted(g) for g in seat_with_guides(groups, pairs, limit=3))
    # G2 + N2 and companion fill the limit: N3 is not squeezed in
    assert result == [["A-G1", "A-N1"], ["A-G2", "A-N2", "A-N2+1"]]
    # who needs an accessible table (not all are) is never tied to someone else
    assert seat_with_guides([], pairs, limit=3, blocked={"A-N1"}) == [["A-G2", "A-N2", "A-N3"]]


def test_table_plan_keeps_guide_and_newcomer_together(make_workspace: WorkspaceFactory) -> None:
    from automation.domain.records import Verein
    from automation.domain.settings import TischplanSettings
    from automation.domain.tischplan import solve
    from automation.domain.tischplan.arbeitsordner import instanz_aus_arbeitsordner

    clubs = [Verein(vereins_id=f"V-{i}", name=f"Verein {i}", themen=["Sport"], termine=["T-2027-1"]) for i in range(4)]
    guide_of = {"A-N1": "K-G1", "A-N2": "K-G2", "A-N3": "K-G2"}
    rows = [r.model_copy(update={"begleitet_von": guide_of.get(r.anmelde_id)}) for r in _rows()]
    folder = make_workspace([*base_records()[:3], *clubs, *GUIDES, *PEOPLE, *rows])
    data = read_dataset(folder)
    instanz, _ = instanz_aus_arbeitsordner(data, "T-2027-1", TischplanSettings(), heute=dt.date(2027, 2, 1))
    assert ["A-G1", "A-N1"] in [sorted(g) for g in instanz.zusammen]
    plan = solve(instanz, iterations=300).plan
    for runde in plan.runden:
        tables = {pid: t.id for t in runde.tische for pid in t.teilnehmende}
        assert tables["A-G1"] == tables["A-N1"]
