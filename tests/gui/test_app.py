"""The application around the editor: start-up, settings, import, help."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QPushButton
from pytestqt.qtbot import QtBot

from annotator.corpus.importer import import_paths
from annotator.gui.app import run_app
from annotator.gui.dialogs import menu_shortcuts
from annotator.gui.mainwindow import MainWindow
from annotator.gui.settings import GuiSettings
from annotator.store import Project
from tests.gui.helpers import write_documents

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_settings_are_restored_in_the_next_window(
        qtbot: QtBot, project_path: Path, project: Project, doc_ids: list[int],
        gui_settings: GuiSettings, make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    size = window.view.font().pointSizeF()
    qtbot.keyClick(window.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)  # bigger text
    window.menus.theme_actions["dark"].trigger()
    window.menus.snapping_action.trigger()
    window.menus.show_others_action.trigger()
    window.resize(760, 560)  # within the offscreen screen, so the geometry comes back unclamped
    window.splitter.setSizes([200, 260, 300])
    sizes = window.splitter.sizes()
    window.close()

    assert gui_settings.theme == "dark" and gui_settings.font_size == round(size) + 1
    again = make_window(Project.open(project_path))
    assert again.view.font().pointSizeF() == round(size) + 1
    assert again.menus.theme_actions["dark"].isChecked() and again.theme.is_dark()
    assert not again.editor.snapping and not again.menus.snapping_action.isChecked()
    assert again.menus.show_others_action.isChecked()
    assert again.splitter.sizes() == sizes
    again.menus.theme_actions["system"].trigger()
    assert gui_settings.theme == "system"


def test_every_shortcut_is_in_a_menu_and_in_the_shortcuts_dialog(window: MainWindow) -> None:
    rows = menu_shortcuts(window.menuBar())
    listed = {(name, keys) for _menu, name, keys in rows}
    actions = window.findChildren(QAction)
    with_keys = [action for action in actions if action.shortcuts()]
    assert len(with_keys) > 20
    for action in with_keys:
        assert any(isinstance(owner, QMenu) for owner in action.associatedObjects()), action.text()
    assert ("ACTOR", "A") in listed
    assert ("Mark done and next", "Ctrl+Return, Ctrl+Enter") in listed
    assert ("Start relation", "R") in listed
    window.windows.show_shortcuts()
    assert window.windows.shortcuts_dialog.table.rowCount() == len(rows)


def test_guidelines_come_from_the_schema(window: MainWindow) -> None:
    window.windows.show_guidelines()
    shown = window.windows.guidelines_dialog.browser.toPlainText()
    assert "ACTOR" in shown and "speaker_of" in shown and "Document labels" in shown


def test_import_runs_in_the_background_and_reports(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "more"
    write_documents(folder, ["A new article about Minsk.\n", "Another one about Vilnius.\n"])
    (folder / "broken.jsonl").write_text("{not json\n", encoding="utf-8")
    (folder / "copy.txt").write_text("A new article about Minsk.\n", encoding="utf-8")

    task = window.files.import_documents([folder])
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    qtbot.waitUntil(lambda: window.files.import_report_dialog is not None)
    summary = window.files.import_report_dialog.summary.text()
    assert summary == "Imported 2 documents, skipped 1 duplicate, refused 1 file."
    assert window.doc_model.rowCount() == 5
    assert window.status_line.progress_label.text() == "0 of 5 done"


@pytest.mark.slow
def test_cancel_stops_the_import_after_the_current_file(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    write_documents(folder, [f"Article number {number} on regional security.\n" for number in range(1500)])
    task = window.files.import_documents([folder])
    cancel_button = window.files.progress_dialog.findChild(QPushButton)
    task.progressed.connect(lambda *_: cancel_button.click())
    with qtbot.waitSignal(task.succeeded, timeout=60_000) as finished:
        pass
    report = finished.args[0]
    assert task.control.cancelled and report.cancelled
    assert 0 < len(report.imported) < 1500
    assert window.project.documents.count() == 3 + len(report.imported)  # what was read is kept
    qtbot.waitUntil(lambda: window.files.import_report_dialog.summary.text().startswith("Import cancelled."))


def test_run_app_shows_a_project_error_and_returns_1(qtbot: QtBot, tmp_path: Path) -> None:
    def close_the_message() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, close_the_message)
            return
        messages.append(dialog.text())
        dialog.close()

    messages: list[str] = []
    QTimer.singleShot(50, close_the_message)
    assert run_app(project=str(tmp_path / "no" / "such" / "folder" / "p.db"), annotator="alice") == 1
    assert "[E101]" in messages[0]


@pytest.mark.slow
def test_cold_start_shows_the_default_project_before_importing_spacy(tmp_path: Path) -> None:
    """In a fresh process: the window is up, on the sample project (the five English articles and
    the three Russian statements), with spaCy not yet imported.

    The check is queued the moment the main window is shown (an application event filter sees
    the Show event before the window's own handler queues the spaCy loader), so it runs in the
    first turn of the event loop with the window on screen.
    """
    script = textwrap.dedent("""
        import sys
        from PySide6.QtCore import QEvent, QObject, QTimer
        from PySide6.QtWidgets import QApplication
        from annotator.gui.app import run_app

        app = QApplication([])

        def first_turn_of_the_event_loop():
            [window] = [w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow"]
            print("visible", window.isVisible())
            print("spacy imported", "spacy" in sys.modules)
            print("documents", window.doc_model.rowCount())
            print("open", window.editor.document is not None)
            window.close()

        class OnMainWindowShown(QObject):
            def eventFilter(self, watched, event):
                if event.type() == QEvent.Type.Show and type(watched).__name__ == "MainWindow":
                    app.removeEventFilter(self)
                    QTimer.singleShot(0, first_turn_of_the_event_loop)
                return False

        watcher = OnMainWindowShown()
        app.installEventFilter(watcher)
        print("exit", run_app(project=None, annotator="alice"))
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO_ROOT),
               XDG_DATA_HOME=str(tmp_path / "data"), ANNOTATOR_CONFIG_DIR=str(tmp_path / "config"))
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == ["visible True", "spacy imported False", "documents 8", "open True", "exit 0"]
    assert "annotator" in (tmp_path / "config" / "annotator.ini").read_text(encoding="utf-8")
    assert (tmp_path / "data").rglob("*.db")



def test_opening_another_project_switches_everything(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                     gui_settings: GuiSettings) -> None:
    other_path = tmp_path / "other.db"
    with Project.open(other_path) as other:
        import_paths(other, write_documents(tmp_path / "other", ["Only one article, about Brest.\n"]))
    window.view.select_range(0, 4)
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert window.menus.undo_action.isEnabled()

    assert window.files.open_project(str(other_path), create=False)
    assert window.project.location == str(other_path)
    assert window.doc_model.rowCount() == 1
    assert window.editor.document.text.startswith("Only one article")
    assert not window.menus.undo_action.isEnabled()  # the other project's history does not apply here
    assert window.status_line.project_label.text() == "other.db"
    assert gui_settings.recent_projects()[0] == str(other_path)
    window.menus.recent_menu.aboutToShow.emit()
    assert window.menus.recent_menu.actions()[0].text() == str(other_path)
