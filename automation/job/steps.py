"""Job steps whose work is I/O: fetching the answers from their source (the rules are in the core)."""

from __future__ import annotations

from automation.answers.intake import upsert, watermarks
from automation.job.runner import JobContext
from automation.records import Eingang


class FetchAnswersStep:
    name = "Antworten abholen"

    def run(self, ctx: JobContext) -> None:
        forms = ctx.forms
        source = ctx.workspace.answer_source()
        since = watermarks(ctx.dataset.all(Eingang), list(forms))
        answers = source.fetch(forms, since)
        changed = sum(upsert(ctx, answer) for answer in answers)
        ctx.report.count("Antworten neu oder geändert", changed)
        ctx.report.say(f"{len(answers)} Antworten aus {source.describe()} gelesen, davon {changed} neu oder geändert.")
