"""Job step of ``sync``: turn the ticks of the check-in list into attendance statuses."""

from __future__ import annotations

from automation.domain.records import Anmeldung, Hinweis, Termin
from automation.domain.teilnahme import attendance_changes
from automation.services.runner import JobContext


class AttendanceStep:
    """After a date: ``Anwesend`` ticked → »teilgenommen«, not ticked → »nicht erschienen« (before sending, so
    the feedback request goes only to those who came)."""

    name = "Anwesenheit"

    def run(self, ctx: JobContext) -> None:
        today = ctx.now.date()
        anmeldungen = ctx.dataset.all(Anmeldung)
        for termin in ctx.dataset.all(Termin):
            changes, missing = attendance_changes(termin, anmeldungen, today)
            if missing:
                ctx.report.findings.append(
                    Hinweis(
                        tabelle=Anmeldung.TAB, spalte="Anwesend", id=termin.termin_id, schwere="Info",
                        hinweis=f"Für den Termin {termin.termin_id} ist noch niemand als anwesend eingetragen; "
                        "deshalb ändert sich kein Status und es gehen noch keine Feedback-Bitten hinaus.",
                        vorschlag="Die Häkchen der Einlassliste in die Spalte »Anwesend« eintragen (ja, x oder ✓).",
                    )
                )  # fmt: skip
            for change in changes:
                ctx.dataset.put(change.anmeldung.model_copy(update={"status": change.status}))
                ctx.report.count(f"Anwesenheit: {change.status}")
