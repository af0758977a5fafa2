"""Job step of ``sync``: match Ehrenamtslotsen to newcomers who asked to be accompanied."""

from __future__ import annotations

from automation.domain.lotsen import assign_guides
from automation.domain.records import Anmeldung, Hinweis, Kontakt, Termin
from automation.services.runner import JobContext

_CLOSED = ("abgesagt", "durchgeführt")


class GuideStep:
    """For upcoming dates: write the guide's Kontakt-ID into ``Begleitet von`` (before sending, so the
    confirmation can name them); a newcomer without a free guide is reported."""

    name = "Lotsen"

    def run(self, ctx: JobContext) -> None:
        today = ctx.now.date()
        kontakte = {k.kontakt_id: k for k in ctx.dataset.all(Kontakt)}
        anmeldungen = ctx.dataset.all(Anmeldung)
        for termin in ctx.dataset.all(Termin):
            if termin.status in _CLOSED or termin.datum < today:
                continue
            assigned, unmatched = assign_guides(termin.termin_id, anmeldungen, kontakte)
            for item in assigned:
                ctx.dataset.put(item.anmeldung.model_copy(update={"begleitet_von": item.guide.kontakt_id}))
                ctx.report.say(
                    f"Lotse: {item.anmeldung.anmelde_id} wird von {item.guide.kontakt_id} begleitet ({item.reason})."
                )
            ctx.report.count("Lotsen zugeordnet", len(assigned))
            for anmeldung in unmatched:
                ctx.report.findings.append(
                    Hinweis(
                        tabelle=Anmeldung.TAB, id=anmeldung.anmelde_id, spalte="Begleitet von", schwere="Warnung",
                        hinweis=f"{anmeldung.anmelde_id} möchte zu {termin.termin_id} begleitet werden, aber keine "
                        "angemeldete Ehrenamtslotsin und kein Lotse hat noch Zeit (höchstens 3 Menschen je Lotse).",
                        vorschlag="Eine Lotsin oder einen Lotsen zum Termin anmelden (Kontakte: Lotse = ja) oder "
                        "die Kontakt-ID von Hand in »Begleitet von« eintragen.",
                    )
                )  # fmt: skip
