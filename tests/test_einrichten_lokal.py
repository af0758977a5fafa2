"""``einrichten`` on the local workbook: tabs, headers, warning-only dropdowns; twice changes nothing."""

from __future__ import annotations

import hashlib

import openpyxl

from automation.adapters.xlsx import WorkbookStore
from automation.domain.dataset import Dataset
from automation.domain.records import Kontakt
from tests.conftest import run_cli


def test_einrichten_adds_dropdowns_once_and_keeps_the_data(make_workspace) -> None:
    folder = make_workspace()
    path = folder / "gespraechsrunde.xlsx"
    first = run_cli("-C", str(folder), "einrichten")
    assert first.exit_code == 0, first.output
    assert "Auswahllisten in »Kontakte«" in first.output and "Gruppe" in first.output
    wb = openpyxl.load_workbook(path)
    ws = wb["Kontakte"]
    header = [c.value for c in ws[1]]
    gruppe = openpyxl.utils.get_column_letter(header.index("Gruppe") + 1)
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    dv = validations[f"{gruppe}2:{gruppe}5000"]
    assert dv.formula1 == '"Incoming,Outgoing,Neu zugezogen,Einheimisch"'
    assert dv.errorStyle == "warning"  # messy input (»x«, typos) stays possible, the job reads it
    assert ws.sheet_properties.tabColor is not None and wb["Vereine"].sheet_properties.tabColor is None
    assert Dataset.from_snapshot(WorkbookStore(path).read()).get(Kontakt, "K-BEKANNT1") is not None

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    second = run_cli("-C", str(folder), "einrichten")
    assert "nichts zu tun" in second.output
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
