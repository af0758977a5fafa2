"""Job steps around the rules of the core: fetching answers from their source, the waiting list."""

from __future__ import annotations

from automation.domain.answers.intake import forms_to_fetch, take_in, watermarks
from automation.domain.records import Anmeldung, Eingang
from automation.domain.warteliste import assign_places
from automation.domain.words import count
from automation.services.runner import JobContext


class FetchAnswersStep:
    name = "Antworten abholen"
    needs = ("Eingang",)

    def run(self, ctx: JobContext) -> None:
        wanted = forms_to_fetch(ctx.dataset, ctx.forms)
        forms = {k: v for k, v in ctx.forms.items() if k in wanted}
        source = ctx.workspace.answer_source()
        since = watermarks(ctx.dataset.all(Eingang), list(forms))
        answers = source.fetch(forms, since)
        ctx.report.findings += getattr(source, "findings", [])  # files that are no CSV export, say
        changed = take_in(ctx, answers)
        ctx.report.count("Antworten neu oder geändert", changed)
        ctx.report.say(
            f"{count(len(answers), 'Antwort', 'Antworten')} aus {source.describe()} gelesen, "
            f"davon {changed} neu oder geändert."
        )


class WaitlistStep:
    """Assign places and the waiting list (before :class:`~automation.services.mail.step.SendMessagesStep`)."""

    name = "Warteliste"
    needs = ("Termine", "Anmeldungen")

    def run(self, ctx: JobContext) -> None:
        promoted, findings = assign_places(ctx.dataset, ctx.now.date())
        ctx.report.findings += findings
        waiting = sum(1 for a in ctx.dataset.all(Anmeldung) if a.status == "Warteliste")
        for anmeldung in promoted:
            ctx.report.say(f"Nachgerückt: {anmeldung.anmelde_id} ({anmeldung.termin_id})")
        ctx.report.count("Nachgerückt", len(promoted))
        ctx.report.count("Warteliste", waiting)


class DisplayNamesStep:
    """Names beside the IDs in ``Anmeldungen`` (Name, Termin) and ``Versand`` (Name), refreshed from
    ``Kontakte`` and ``Termine``: for people reading the workbook, never read by the job."""

    name = "Namen neben den IDs"
    needs = ("Kontakte", "Termine", "Anmeldungen", "Versand")

    def run(self, ctx: JobContext) -> None:
        from automation.domain.layout import display_names

        for record in display_names(ctx.dataset):
            ctx.dataset.put(record)
