"""Sending writes the ``Versand`` ledger once per batch (the journal covers the messages in between)."""

from __future__ import annotations

from typing import Any

from automation.domain.store import ApplyResult, ChangeSet
from automation.services.mail.step import SendMessagesStep
from tests.mail.conftest import NOW, TERMIN, anmeldung, kontakt, termin


def test_the_ledger_is_written_once_per_batch(make_space: Any) -> None:
    space = make_space()
    records: list[Any] = [termin(plaetze=50)]
    for i in range(1, 8):
        records += [kontakt(i), anmeldung(i)]
    space.add(*records)
    ctx = space.context(NOW)
    writes: list[dict[str, list[str]]] = []
    apply = ctx.store.apply

    def counting(changes: ChangeSet) -> ApplyResult:
        statuses: dict[str, list[str]] = {}
        for change in changes.cells:
            if change.tab == "Versand" and change.column == "Status":
                statuses.setdefault(str(change.new), []).append(change.key)
        writes.append(statuses)
        return apply(changes)

    ctx.store.apply = counting  # type: ignore[method-assign]
    SendMessagesStep(batch_size=3).run(ctx)
    ctx.save()
    assert {r.status for r in space.versand().values()} == {"gesendet"} and len(space.versand()) == 7
    # planned rows, then one write per batch of 3, 3 and 1, then the last outcomes: 5 writes, not 8
    assert len(writes) == 5
    assert [len(w.get("wird gesendet", [])) for w in writes] == [0, 3, 3, 1, 0]
    assert [len(w.get("gesendet", [])) for w in writes] == [0, 0, 3, 3, 1]
    assert all(key.startswith(f"Bestätigung|{TERMIN}|") for w in writes for keys in w.values() for key in keys)
