"""A bug in the window: the crash dialog with its message, its report file and Copy details.

Bugs are forced by fault injection (a slot that raises, a core function replaced by one that
raises on the worker thread); everything else is real: the excepthook ``run_app`` installs, the
``BackgroundTask`` thread pool, the clipboard, the report file in the test's own log folder.
pytest-qt's own capture of slot exceptions is turned off where the application's hook is the
point (``qt_no_exception_capture``).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from annotator.crash_reports import crash_report_dir
from annotator.gui import app, search_window
from annotator.gui.error_dialog import CrashDialog, open_crash_dialog, show_unexpected_error
from annotator.gui.search_window import SearchWindow
from annotator.gui.workers import BackgroundTask
from annotator.store import Project


@pytest.fixture(autouse=True)
def no_dialog_left_open() -> Iterator[None]:
    yield
    dialog = open_crash_dialog()
    if dialog is not None:
        dialog.close()


def _reports() -> list[Path]:
    return sorted(crash_report_dir().glob("crash-*.txt"))


def _dialog(qtbot: QtBot) -> CrashDialog:
    qtbot.waitUntil(lambda: open_crash_dialog() is not None, timeout=30_000)
    dialog = open_crash_dialog()
    assert dialog is not None
    return dialog


def _check_report(dialog: CrashDialog, *frames: str) -> str:
    """The report exists, the dialog names it, Copy details copies it whole; its text."""
    [report] = _reports()
    assert dialog.report.path == report and str(report) in dialog.log_label.text()
    text = report.read_text(encoding="utf-8")
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == text
    assert "Traceback (most recent call last)" in text
    for frame in frames:
        assert f"in {frame}\n" in text, (frame, text)
    return text


def _look_up_the_label() -> None:
    raise KeyError("ACTOR")


@pytest.mark.qt_no_exception_capture
def test_a_bug_in_a_slot_shows_the_crash_dialog(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", app._report_unexpected_error)
    parent = QWidget()
    qtbot.addWidget(parent)
    button = QPushButton("Label", parent)

    def on_click() -> None:
        _look_up_the_label()

    button.clicked.connect(on_click)
    parent.show()
    button.click()

    dialog = _dialog(qtbot)
    message = dialog.message_label.text()
    assert message.startswith("[E182]") and "KeyError: 'ACTOR'" in message
    assert dialog.log_label.text().startswith("[E183]")
    text = _check_report(dialog, "on_click", "_look_up_the_label")
    assert "Qt: " in text and "platform plugin offscreen" in text and "PySide6: " in text
    assert dialog.copy_button.text() == "Copied"


def _search_that_breaks(*_args: object, **_kwargs: object) -> None:
    worker_threads.append(threading.get_ident())
    _score_the_hits()


def _score_the_hits() -> None:
    raise ZeroDivisionError("division by zero")


worker_threads: list[int] = []


def test_a_worker_bug_shows_the_dialog_with_the_workers_traceback(
        qtbot: QtBot, project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_window, "search", _search_that_breaks)
    worker_threads.clear()
    parent = QWidget()
    qtbot.addWidget(parent)
    window = SearchWindow(parent, project)
    window.query.setText("Minsk")
    with qtbot.waitSignal(window.searchFinished, timeout=30_000):
        window.run_search()

    dialog = _dialog(qtbot)
    assert dialog.message_label.text().startswith("[E570]")
    assert "ZeroDivisionError: division by zero" in dialog.message_label.text()
    assert window.count.text() == dialog.message_label.text()  # the window says it too
    text = _check_report(dialog, "_run", "_search_that_breaks", "_score_the_hits")
    assert worker_threads and worker_threads[0] != threading.get_ident()  # raised on the pool thread
    assert "workers.py" in text


def test_a_user_error_from_a_worker_stays_a_plain_message(qtbot: QtBot, project: Project) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    window = SearchWindow(parent, project)
    window.query.setText("!!!")  # no word to look for: the catalogue's E160
    with qtbot.waitSignal(window.searchFinished, timeout=30_000):
        window.run_search()
    assert window.count.text().startswith("[E160]")
    assert open_crash_dialog() is None and not _reports()


def test_a_task_failure_crosses_the_thread_as_the_exception_itself(qtbot: QtBot) -> None:
    def work(_control: object) -> None:
        _look_up_the_label()

    task = BackgroundTask(work)
    with qtbot.waitSignal(task.failed, timeout=30_000) as failed:
        task.start()
    [error] = failed.args
    assert isinstance(error, KeyError) and error.__traceback__ is not None
    show_unexpected_error(error)
    _check_report(_dialog(qtbot), "work", "_look_up_the_label")


def _watch_the_feed() -> None:
    raise RuntimeError("feed stopped")


def test_a_bug_on_a_python_thread_reaches_the_dialog(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threading, "excepthook", app._report_unexpected_thread_error)
    thread = threading.Thread(target=_watch_the_feed)
    thread.start()
    thread.join()
    dialog = _dialog(qtbot)  # made in the GUI thread from the queued report
    assert "RuntimeError: feed stopped" in dialog.message_label.text()
    _check_report(dialog, "_watch_the_feed")


def test_one_dialog_counts_the_bugs_that_follow(qtbot: QtBot) -> None:
    for number in range(3):
        try:
            raise ValueError(f"bug {number}")
        except ValueError as error:
            show_unexpected_error(error)
    dialog = _dialog(qtbot)
    assert "bug 0" in dialog.message_label.text()
    assert dialog.more_label.isVisible() and dialog.more_label.text().startswith("[E185] 2 more")
    assert len(_reports()) == 3
    assert [widget for widget in QApplication.topLevelWidgets()
            if isinstance(widget, CrashDialog) and widget.isVisible()] == [dialog]


def test_a_bug_while_opening_shows_the_dialog_and_returns_70(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    def open_project(_location: object, _settings: object) -> Project:
        raise AttributeError("'NoneType' object has no attribute 'location'")

    def close_the_dialog() -> None:
        dialog = open_crash_dialog()
        if dialog is None:
            QTimer.singleShot(50, close_the_dialog)
            return
        messages.append(dialog.message_label.text())
        dialog.close()

    messages: list[str] = []
    monkeypatch.setattr(app, "_open_project", open_project)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs its own: put them back after
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    QTimer.singleShot(50, close_the_dialog)
    assert app.run_app(project="p.db", annotator="alice") == 70
    assert messages and messages[0].startswith("[E182] annotator hit an internal error (AttributeError")
    assert len(_reports()) == 1
    assert not [widget for widget in QApplication.topLevelWidgets()
                if isinstance(widget, QMessageBox) and widget.isVisible()]
