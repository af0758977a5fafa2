"""Issue 9.2: whatever a person types into a consent or status cell, no message goes out that the person
did not consent to – checked through the real reading (cells) and the real choice of messages (prepare)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation.adapters.mail.senders import OutboxSender
from automation.domain.cells import write_row
from automation.domain.dataset import Dataset
from automation.domain.mail.due import invitations, registration_messages
from automation.domain.records import TABS, Anmeldung, Kontakt, Termin, Versand, headers
from automation.domain.settings import Settings
from automation.domain.store import Row, Table
from automation.services.mail.dispatch import Dispatcher
from automation.services.runner import JobContext
from automation.services.wiring import Workspace
from tests.mail.conftest import NOW, TERMIN, anmeldung, kontakt, termin

# what people really type, plus anything at all
CELLS = st.one_of(
    st.text(max_size=25),
    st.sampled_from(
        [
            "ja",
            "Ja!",
            "x",
            "✓",
            "☒",
            "nein",
            "-",
            "",
            " ",
            "ja, aber nicht per Mail",
            "x (per Mail 03.11.)",
            "abgemeldet",
            "seit 11/2026",
            "vielleicht",
            "jaguar",
            "nein danke",
            "angemeldet",
            "abgesagt (tel.)",
            "nicht angemeldet",
            "angemeldt",
            "Warteliste",
            "geplant",
            "gesendet",
            "erledigt",
            "GEPLANT ",
            "1",
            "0",
        ]
    ),
    st.booleans(),
    st.integers(min_value=-2, max_value=3),
)
_NEGATIONS = re.compile(r"nicht|kein|nein|vielleicht|\?|absag|abgesagt|storn|warte|später|widerruf", re.I)
_NOT_OPTED_OUT = {"nein", "n", "no", "false", "falsch", "0", "-", "–", "—", "nö", "nee", "nicht abgemeldet"}


def clearly_yes(cell: Any) -> bool:
    """A necessary condition for consent, independent of the parser: »ja«-like and nothing against it."""
    if isinstance(cell, bool | int):
        return cell is True or cell == 1
    text = str(cell).strip().casefold()
    return bool(text) and not _NEGATIONS.search(text) and not text.startswith("n")


def not_opted_out(cell: Any) -> bool:
    if isinstance(cell, bool | int):
        return cell is False or cell == 0
    text = str(cell).strip().casefold().rstrip(".!")
    return text == "" or text in _NOT_OPTED_OUT


def _table(model: Any, records: list[Any], raw: dict[str, dict[str, Any]]) -> Table:
    rows = []
    for number, record in enumerate(records, start=2):
        values: dict[str, Any] = dict(write_row(record))
        values.update(raw.get(record.key(), {}))
        rows.append(Row(number, values))
    return Table(model.TAB, headers(model), rows)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(einwilligung=CELLS, abgemeldet=CELLS, status=CELLS, versand_status=CELLS)
def test_no_cell_text_leads_to_a_message_without_consent(
    tmp_path: Path, einwilligung: Any, abgemeldet: Any, status: Any, versand_status: Any
) -> None:
    confirmed = f"Bestätigung|{TERMIN}|K-0003"
    versand = Versand(schluessel=confirmed, art="Bestätigung", termin_id=TERMIN, kontakt_id="K-0003")
    snapshot = {spec.name: Table(spec.name, headers(spec.model)) for spec in TABS}
    snapshot[Termin.TAB] = _table(Termin, [termin(plaetze=50)], {})
    snapshot[Kontakt.TAB] = _table(
        Kontakt, [kontakt(1), kontakt(2), kontakt(3)],
        {"K-0001": {"Einwilligung Einladungen": einwilligung, "Abgemeldet": abgemeldet}},
    )  # fmt: skip
    snapshot[Anmeldung.TAB] = _table(Anmeldung, [anmeldung(2), anmeldung(3)], {"A-0002": {"Status": status}})
    snapshot[Versand.TAB] = _table(Versand, [versand], {confirmed: {"Status": versand_status}})
    dataset = Dataset.from_snapshot(snapshot)
    ctx = JobContext(
        workspace=Workspace(tmp_path, Settings()),
        store=None,
        dataset=dataset,
        now=NOW,
        dry_run=True,  # type: ignore[arg-type]
    )
    dispatcher = Dispatcher(ctx, OutboxSender(tmp_path / "ausgang"))
    due = registration_messages(dataset, NOW.date()) + invitations(dataset, NOW.date(), [TERMIN])
    keys = {p.key for p in dispatcher.prepare(due)}

    if f"Einladung|{TERMIN}|K-0001" in keys:
        assert clearly_yes(einwilligung) and not_opted_out(abgemeldet), (einwilligung, abgemeldet)
    if keys & {f"Bestätigung|{TERMIN}|K-0002", f"Nachgerückt|{TERMIN}|K-0002"}:
        assert clearly_yes(status) or str(status).strip().casefold() == "angemeldet", status
    if confirmed in keys:  # the ledger row must say »geplant«, nothing else, for the message to go out
        assert str(versand_status).strip().casefold() == "geplant", versand_status
    if einwilligung == "ja" and abgemeldet in ("", "nein"):  # not vacuous: a clear case does go out
        assert f"Einladung|{TERMIN}|K-0001" in keys
    if status == "angemeldet":
        assert f"Bestätigung|{TERMIN}|K-0002" in keys
