"""The first screen (``annotator.gui.first_screen``): what it reads without the store, and the keys
it keeps for the main window, offscreen with a real project and a real main window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from annotator.gui import first_screen
from annotator.gui.first_screen import FirstScreen
from annotator.gui.mainwindow import MainWindow
from annotator.gui.settings import GuiSettings
from annotator.store import Project


def test_it_serves_the_ordinary_restart_only(project: Project, doc_ids: list[int], gui_settings: GuiSettings,
                                             tmp_path: Path) -> None:
    location = project.location
    first = first_screen.read(location, "alice", gui_settings)
    assert first is not None and first.document == doc_ids[0]  # nothing done yet: the first document
    assert [row[0] for row in first.rows] == doc_ids
    assert first.text == project.documents.get(doc_ids[0]).text
    gui_settings.set_last_document(location, doc_ids[2])
    third = first_screen.read(location, "alice", gui_settings)
    assert third is not None and (third.document, third.text) == (doc_ids[2], project.documents.get(doc_ids[2]).text)
    # where the store must answer (or ask), the splash's path starts the window
    assert first_screen.read(location, None, gui_settings) is None
    assert first_screen.read(None, "alice", gui_settings) is None
    assert first_screen.read(str(tmp_path / "missing.db"), "alice", gui_settings) is None
    assert first_screen.read("postgresql://nobody@localhost/none", "alice", gui_settings) is None
    gui_settings.set_last_document(location, 999)  # a document deleted since
    gui_settings.document_order = "uncertain"  # another order: the store knows its first document
    assert first_screen.read(location, "alice", gui_settings) is None


def test_keys_pressed_before_the_main_window_reach_it_in_order(qtbot: QtBot, project: Project, doc_ids: list[int],
                                                               gui_settings: GuiSettings) -> None:
    first = first_screen.read(project.location, "alice", gui_settings)
    assert first is not None
    screen = FirstScreen(first, project.location, gui_settings)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    QTest.keyClick(screen.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    selected = screen.view.textCursor().selectedText()
    assert selected.strip(), "a view key works on the first screen at once"
    QTest.keyClick(screen.view, Qt.Key.Key_A)  # ACTOR's key: kept, nothing written yet
    assert project.annotations.spans(doc_ids[0]) == []
    windows: list[MainWindow] = []

    def build() -> MainWindow:
        windows.append(MainWindow(project, "alice", gui_settings))
        qtbot.addWidget(windows[0])
        return windows[0]

    window = screen.hand_over(build)
    assert not screen.isVisible() and window.isVisible()
    assert window.editor.document is not None and window.editor.document.id == doc_ids[0]

    def labelled() -> bool:
        spans = project.annotations.spans(doc_ids[0])
        return len(spans) == 1 and spans[0].label == "ACTOR"

    qtbot.waitUntil(labelled, timeout=5000)
    span = project.annotations.spans(doc_ids[0])[0]
    assert (span.start, first.text[span.start:span.end]) == (0, selected.strip())
