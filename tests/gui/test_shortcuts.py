"""The window's keys against the platforms' text keys (issue 14, problem 1).

No shortcut of the main window may be a key that Windows, macOS or Linux (X11, KDE, GNOME) use
to move, select or edit text (Qt's standard bindings, ``tests/standard_keys.py``): X11 binds
Ctrl+E to "end of line", so Export dataset's Ctrl+E moved the caret instead. Keys scoped to the
read-only text view may be editing keys (Delete, Enter: the view has no text to change), not
the keys it moves and selects with. Where a platform binds a window key anyway (a desktop's own
settings can), the window's action wins in the text.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from pytestqt.qtbot import QtBot

from annotator.gui.mainwindow import MainWindow
from tests.standard_keys import EDITING, NAVIGATION, PLATFORMS, bindings


def window_keys(window: MainWindow) -> Iterator[tuple[QAction, str, bool]]:
    """Every shortcut of the window's actions: the action, the key, whether it is the text view's."""
    for holder, in_text in ((window, False), (window.view, True)):
        for action in holder.actions():
            for key in action.shortcuts():
                yield action, key.toString(), in_text


def collisions(window: MainWindow, platform: str) -> list[str]:
    navigation, editing = bindings(NAVIGATION, platform), bindings(EDITING, platform)
    own_command = {window.menus.undo_action: "Undo", window.menus.redo_action: "Redo"}  # Edit ▸ Undo is undo
    found = []
    for action, key, in_text in window_keys(window):
        tables = (navigation,) if in_text else (navigation, editing)
        found += [f"{action.text()!r} has {key}, which is {name} on {platform}"
                  for table in tables for name, keys in table.items() if key in keys and own_command.get(action) != name]
    return found


@pytest.mark.parametrize("platform", PLATFORMS)
def test_no_window_key_moves_selects_or_edits_text(window: MainWindow, platform: str) -> None:
    assert collisions(window, platform) == []


def test_the_check_finds_a_key_a_platform_uses(window: MainWindow) -> None:
    """Ctrl+E, as Export dataset had it: end of line on Linux only; Alt+Right, as Next document
    had it: next word on macOS only."""
    export = QAction("Export dataset…", window)
    export.setShortcuts([QKeySequence("Ctrl+E"), QKeySequence("Alt+Right")])
    window.addAction(export)
    assert collisions(window, "Linux") == ["'Export dataset…' has Ctrl+E, which is MoveToEndOfLine on Linux"]
    assert collisions(window, "macOS") == ["'Export dataset…' has Alt+Right, which is MoveToNextWord on macOS"]
    assert collisions(window, "Windows") == []


def test_the_table_is_written_as_qt_writes_keys() -> None:
    for table in (NAVIGATION, EDITING):
        for platform in PLATFORMS:
            for keys in bindings(table, platform).values():
                assert {QKeySequence(key).toString() for key in keys} == keys


def test_the_windows_column_is_qts_own(qapp: object) -> None:
    """Offscreen, Qt uses its default scheme, Windows': the table's column must be what Qt says."""
    assert QGuiApplication.platformName() == "offscreen"
    for table in (NAVIGATION, EDITING):
        for name, keys in bindings(table, "Windows").items():
            qt = {key.toString() for key in QKeySequence.keyBindings(getattr(QKeySequence.StandardKey, name))}
            assert qt == keys, name


def test_a_window_action_wins_over_the_text_on_a_key_both_use(qtbot: QtBot, window: MainWindow) -> None:
    """Ctrl+Right moves the caret a word; bound to a window action, it runs the action instead."""
    view = window.view
    view.select_range(0, 0)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    moved = view.textCursor().position()
    assert moved > 0
    ran = []
    action = QAction("Something of the window's", window)
    action.setShortcut(QKeySequence("Ctrl+Right"))
    action.triggered.connect(lambda: ran.append(True))
    window.addAction(action)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert ran == [True]
    assert view.textCursor().position() == moved
    action.setEnabled(False)  # a disabled action leaves the key to the text
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert ran == [True] and view.textCursor().position() > moved
