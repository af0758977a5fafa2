"""``gespraechsrunde person``: what is stored about one person; export and erasure (DSGVO)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from automation.cli.app import CliContext, dry_run_option, main
from automation.dataset import Dataset
from automation.errors import GespraechsrundeError
from automation.lock import workspace_lock
from automation.privacy import erase_person, erasure_steps, export_person, find_contact, identifiers, person_rows
from automation.records import Kontakt, TischplanZeile
from automation.services.erasure import clean_files
from automation.workspace import Workspace


def _load(workspace: Workspace, wer: str) -> tuple[Dataset, Kontakt]:
    dataset = Dataset.from_snapshot(workspace.store().read())
    kontakt = find_contact(dataset, wer)
    if kontakt is None:
        raise GespraechsrundeError(
            f"Keine Person mit Kontakt-ID oder E-Mail »{wer}« im Tab Kontakte. Bitte die Schreibweise prüfen."
        )
    return dataset, kontakt


@main.group("person")
def person() -> None:
    """Auskunft, Export und Löschung der Daten einer Person (DSGVO Art. 15, 17, 20)."""


@person.command("export")
@click.argument("wer")
@click.option("--datei", type=click.Path(dir_okay=False, path_type=Path), help="In diese JSON-Datei schreiben.")
@click.pass_obj
def export(obj: CliContext, wer: str, datei: Path | None) -> None:
    """Alles, was über eine Person gespeichert ist, als JSON ausgeben.

    WER ist die Kontakt-ID (z. B. K-7Q4MZP2C) oder die E-Mail-Adresse.
    """
    dataset, kontakt = _load(Workspace.open(obj.ordner), wer)
    text = json.dumps(export_person(dataset, kontakt), ensure_ascii=False, indent=2, default=str)
    if datei is None:
        click.echo(text)
    else:
        datei.write_text(text + "\n", encoding="utf-8")
        click.echo(f"Daten von {kontakt.kontakt_id} in {datei} geschrieben.")


def _confirmed(question: str) -> bool:
    """A German yes/no question: only ``j`` or ``ja`` mean yes (default: no)."""
    answer = click.prompt(f"{question} [j/N]", default="", show_default=False, prompt_suffix=" ")
    return str(answer).strip().casefold() in ("j", "ja")


@person.command("loeschen")
@click.argument("wer")
@dry_run_option
@click.option("--ja", "confirmed", is_flag=True, help="Ohne Rückfrage löschen.")
@click.pass_obj
def loeschen(obj: CliContext, wer: str, dry_run: bool, confirmed: bool) -> None:
    """Eine Person mit Anmeldungen, Feedback und Formularantworten löschen.

    Versand-Zeilen behalten ihren Schlüssel (damit nichts doppelt gesendet wird), verlieren aber die
    Adresse. Auch die vorige Fassung der Arbeitsmappe, Hinweise, Tischplan, Ausdrucke, .eml-Kopien und
    Protokolldateien im Arbeitsordner werden bereinigt. Was der Befehl nicht selbst löschen darf
    (CSV-Exporte, Antworten im Google-Formular), nennt er mit Datei und Zeile bzw. Antwort-ID.
    """
    from automation.store.xlsx import WorkbookStore  # openpyxl: only when needed

    workspace = Workspace.open(obj.ordner)
    with workspace_lock(workspace.folder):  # not while a sync is writing
        dataset, kontakt = _load(workspace, wer)
        question = f"{kontakt.anzeigename} ({kontakt.kontakt_id}) wirklich löschen?"
        if not dry_run and not confirmed and not _confirmed(question):
            click.echo("Abgebrochen; nichts gelöscht.")
            raise click.exceptions.Exit(1)
        rows = person_rows(dataset, kontakt)
        names = identifiers(kontakt, {a.anmelde_id for a in rows["Anmeldungen"]})
        dates = {a.termin_id for a in rows["Anmeldungen"]}
        replan = {z.termin_id for z in dataset.all(TischplanZeile) if z.termin_id in dates}
        counts = erase_person(dataset, kontakt, workspace.forms())
        summary = ", ".join(f"{tab}: {n}" for tab, n in counts.items())
        if dry_run:
            click.echo(f"Probelauf – würde löschen bzw. leeren: {summary}")
            return
        store = workspace.store()
        conflicts = [c for step in erasure_steps(dataset.changes()) for c in store.apply(step).conflicts]
        workbook = store.path if isinstance(store, WorkbookStore) else None
        printed = {p.stem.removeprefix("tischplan-") for p in (workspace.folder / "ausgabe").glob("tischplan-*")}
        files = clean_files(workspace, names, workbook, replan | (printed & dates))
    for conflict in conflicts:
        click.echo(conflict.message(), err=True)
    click.echo(f"{kontakt.kontakt_id} gelöscht ({summary}).")
    for name in files.removed:
        click.echo(f"  Datei gelöscht: {name}")
    for name in files.rewritten:
        click.echo(f"  Datei bereinigt: {name}")
    by_hand = list(files.by_hand)
    forms = workspace.forms()
    for entry in rows["Eingang"]:
        if not entry.antwort_id.startswith("csv-"):
            titel = forms[entry.formular].titel if entry.formular in forms else entry.formular
            by_hand.append(f"Google-Formular »{titel}«: die Antwort mit der ID {entry.antwort_id} löschen.")
    if by_hand:
        click.echo("Bitte noch von Hand erledigen:")
        for line in by_hand:
            click.echo(f"  {line}")
