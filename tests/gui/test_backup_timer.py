"""The window's backups: taken off the GUI thread when due, and when a project is closed; a
damaged project's message, with the restore command, shown when the app starts."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.gui.app import run_app
from annotator.gui.backup_timer import BackupScheduler
from annotator.gui.mainwindow import MainWindow
from annotator.gui.settings import GuiSettings
from annotator.gui.workers import wait_for_background_tasks
from annotator.store import Project
from annotator.store.backups import BACKUP_INTERVAL, list_backups, take_backup


def test_due_backup_runs_in_the_background_and_is_reported(qtbot: QtBot, project: Project,
                                                           doc_ids: list[int]) -> None:
    path = Path(project.location)
    messages: list[str] = []
    parent = QObject()
    scheduler = BackupScheduler(parent, project, messages.append)
    assert scheduler.timer.isActive() and scheduler.timer.interval() == BACKUP_INTERVAL.total_seconds() * 1000
    assert scheduler.backup_if_due() is not None
    qtbot.waitUntil(lambda: bool(messages), timeout=30_000)
    [backup] = list_backups(path)
    assert messages == [f"Backup saved: {backup.path.name}"]
    assert scheduler.backup_if_due() is not None  # not due again within the interval: nothing new, nothing said
    assert wait_for_background_tasks()
    QApplication.processEvents()
    assert list_backups(path) == [backup] and len(messages) == 1


def test_closing_the_window_backs_up_an_edited_project(project: Project, doc_ids: list[int],
                                                        make_window: Callable[..., MainWindow]) -> None:
    path = Path(project.location)
    window = make_window(project)
    window.project.annotations.add_span(doc_ids[0], 0, 4, "ACTOR", "alice")
    window.close()
    [backup] = list_backups(path)
    with Project.open(backup.path) as copy:
        assert [span.label for span in copy.annotations.spans(doc_ids[0])] == ["ACTOR"]


def _show_message_and_close(messages: list[str]) -> None:
    dialog = QApplication.activeModalWidget()
    if dialog is None:
        QTimer.singleShot(50, lambda: _show_message_and_close(messages))
        return
    messages.append(dialog.text())  # type: ignore[attr-defined]
    dialog.close()


def test_a_damaged_project_shows_the_restore_command(qtbot: QtBot, tmp_path: Path,
                                                     gui_settings: GuiSettings) -> None:
    path = tmp_path / "damaged.db"
    with Project.open(path):
        pass
    backup = take_backup(path)
    with path.open("r+b") as handle:
        handle.write(b"\x00not sqlite" * 10)
    for location in (str(path), None):  # named on the command line, or the last project reopened
        gui_settings.remember_project(str(path))
        messages: list[str] = []
        QTimer.singleShot(50, partial(_show_message_and_close, messages))
        assert run_app(project=location, annotator="alice") == 1
        assert "[E122]" in messages[0] and str(backup.path) in messages[0]
        assert f"annotator restore {path}" in messages[0]
