"""A ``sync`` with nothing new does nothing (fast), but every edit, answer or new day is a full run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from automation.domain.records import Kontakt, Verein
from automation.domain.run import Report
from automation.services import sync as job
from automation.services.idle import STATE_FILE
from automation.services.wiring import Workspace
from tests.conftest import WorkspaceFactory, read_dataset, registration, write_answers

NOW = dt.datetime(2027, 2, 1, 10, 0)
IDLE = "Nichts Neues seit dem letzten Lauf"


def _sync(folder: Path, now: dt.datetime = NOW) -> Report:
    return job.run_sync(Workspace.open(folder), now=now)


def _idle(report: Report) -> bool:
    return any(line.startswith(IDLE) for line in report.lines)


@pytest.fixture
def folder(make_workspace: WorkspaceFactory) -> Path:
    folder = make_workspace(settings="senden_bei_sync = false\n")
    write_answers(
        folder, "anmeldung", [("01.02.2027 09:00:00", registration()), ("01.02.2027 09:05:00",
                                                                          registration("Karl", "Kaputt", "karl(at)x"))]
    )  # fmt: skip
    return folder


def test_nothing_new_is_not_read_again_and_reports_the_same(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _sync(folder)
    assert first.errors and not _idle(first)
    workbook = (folder / "gespraechsrunde.xlsx").read_bytes()

    def no_full_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("a run with nothing new must not read and validate every tab")

    monkeypatch.setattr(job, "open_workspace", no_full_run)
    again = _sync(folder, NOW + dt.timedelta(minutes=15))
    assert _idle(again)
    assert [(f.tabelle, f.id, f.spalte, f.hinweis) for f in again.findings] == [
        (f.tabelle, f.id, f.spalte, f.hinweis) for f in first.findings
    ]
    assert again.errors  # the exit code stays 1 while errors stand in Hinweise
    assert (folder / "gespraechsrunde.xlsx").read_bytes() == workbook
    assert "karl" not in (folder / STATE_FILE).read_text(encoding="utf-8").casefold()  # digests only


def test_a_clubs_edit_is_validated_and_reported(folder: Path) -> None:
    _sync(folder)
    path = folder / "gespraechsrunde.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Vereine"]
    column = [c.value for c in ws[1]].index("E-Mail") + 1
    ws.cell(2, column).value = "tsv@verein"  # a club's typo
    wb.save(path)
    report = _sync(folder)
    assert not _idle(report)
    hints = [f for f in report.findings if f.tabelle == Verein.TAB and f.spalte == "E-Mail"]
    assert hints and hints[0].zeile == 2
    assert _idle(_sync(folder))  # and then it is quiet again


def test_a_new_answer_and_a_new_day_are_full_runs(folder: Path) -> None:
    _sync(folder)
    assert _idle(_sync(folder))
    write_answers(folder, "feedback", [], name="feedback")  # an export with no rows yet: a new file
    assert not _idle(_sync(folder))
    write_answers(folder, "anmeldung", [("01.02.2027 11:00:00", registration("Erna", "Neu", "erna@beispiel.example"))],
                  name="anmeldung-2")  # fmt: skip
    assert not _idle(_sync(folder))
    assert "erna@beispiel.example" in {k.email for k in read_dataset(folder).all(Kontakt)}
    assert _idle(_sync(folder))
    assert not _idle(_sync(folder, NOW + dt.timedelta(days=1)))  # reminders and deadlines count in days


def test_messages_held_by_the_daily_limit_wait_for_tomorrow(make_workspace: WorkspaceFactory) -> None:
    folder = make_workspace(settings="tageslimit = 1\n")
    two = [("01.02.2027 09:00:00", registration()), ("01.02.2027 09:01:00", registration("Erna", "Neu", "e@b.example"))]
    write_answers(folder, "anmeldung", two)
    first = _sync(folder)
    assert first.counts.get("Nachrichten wartend") and first.counts.get("Nachrichten gesendet") == 1
    assert _idle(_sync(folder))  # today nothing more may go out
    tomorrow = _sync(folder, NOW + dt.timedelta(days=1))
    assert not _idle(tomorrow) and tomorrow.counts.get("Nachrichten gesendet") == 1


def test_messages_waiting_for_a_server_keep_runs_working(
    make_workspace: WorkspaceFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.mail.conftest import SMTP_SENDER, free_port

    monkeypatch.setenv("GESPRAECHSRUNDE_MAIL__ABSENDER_ADRESSE", SMTP_SENDER)  # a real SMTP run needs a real sender

    port = free_port()  # nobody listens: the server is down
    folder = make_workspace(settings=f'versand = "smtp"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
                            'smtp_sicherheit = "keine"\n')  # fmt: skip
    write_answers(folder, "anmeldung", [("01.02.2027 09:00:00", registration())])
    _sync(folder)
    assert not (folder / STATE_FILE).exists()
    assert not _idle(_sync(folder))  # the next run tries again


def test_settings_and_dry_runs(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _sync(folder)
    monkeypatch.setenv("GESPRAECHSRUNDE_MAIL__SENDEN_BEI_SYNC", "true")  # now sending is due
    assert not _idle(_sync(folder))
    assert not _idle(job.run_sync(Workspace.open(folder), now=NOW, dry_run=True))


def test_what_arrives_during_a_run_is_seen_by_the_next(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    late = ("01.02.2027 10:01:00", registration("Lena", "Spät", "lena@beispiel.example"))
    steps = job.sync_steps

    class LateAnswer:
        name = "eine Antwort kommt während des Laufs"

        def run(self, ctx: object) -> None:
            write_answers(folder, "anmeldung", [late], name="anmeldung-spaet")

    monkeypatch.setattr(job, "sync_steps", lambda workspace: [*steps(workspace), LateAnswer()])
    _sync(folder)
    monkeypatch.setattr(job, "sync_steps", steps)
    assert not _idle(_sync(folder))
    assert "lena@beispiel.example" in {k.email for k in read_dataset(folder).all(Kontakt)}


def test_a_club_saving_at_the_end_of_a_run_is_seen_by_the_next(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from automation.services import idle

    remember = idle.remember

    def club_saves_first(*args: object, **kwargs: object) -> None:
        path = folder / "gespraechsrunde.xlsx"
        wb = openpyxl.load_workbook(path)
        ws = wb["Vereine"]
        ws.cell(2, [c.value for c in ws[1]].index("E-Mail") + 1).value = "tsv@verein"
        wb.save(path)
        remember(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(idle, "remember", club_saves_first)
    _sync(folder)
    monkeypatch.setattr(idle, "remember", remember)
    report = _sync(folder)
    assert not _idle(report)
    assert any(f.tabelle == Verein.TAB and f.spalte == "E-Mail" for f in report.findings)


def test_an_idle_run_still_records_when_it_ran_for_status(folder: Path) -> None:
    from automation.adapters.run_log import RUN_FILE, last_run
    from tests.conftest import run_cli

    assert run_cli("-C", str(folder), "sync").exit_code == 1  # a full run: Karl's address is an error
    (folder / RUN_FILE).unlink()
    result = run_cli("-C", str(folder), "sync")
    assert IDLE in result.output and result.exit_code == 1  # the errors in Hinweise still stand
    recorded = last_run(folder)
    assert recorded is not None and recorded["ergebnis"] == "mit Hinweisen" and recorded["fehler"] >= 1


def test_a_mailbox_for_replies_is_looked_at_by_every_run(make_workspace: WorkspaceFactory) -> None:
    from tests.mail.conftest import free_port

    port = free_port()  # the mailbox cannot be reached now; a reply may arrive there any minute
    folder = make_workspace(settings=f'[imap]\nhost = "127.0.0.1"\nport = {port}\nsicherheit = "keine"\n')
    write_answers(folder, "anmeldung", [("01.02.2027 09:00:00", registration())])
    _sync(folder)
    assert not (folder / STATE_FILE).exists()
    assert not _idle(_sync(folder))
