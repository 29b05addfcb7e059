"""Where the keys go after the analyst works outside the text (issue 14, problem 2): back to the
text after a click in a side panel, after undo and redo, after a window action; not while the
analyst works in the inspector from the keyboard (F2) or types in a field. The same paths with
real X events are in tests/xwindow/test_daily_path.py."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from annotator.gui.mainwindow import MainWindow
from tests.gui.helpers import press, select_text

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(4, widget.height() // 2))


def test_a_click_in_the_inspector_gives_the_keys_back_to_the_text(qtbot: QtBot, window: MainWindow) -> None:
    select_text(window, "Мария Захарова")
    press(qtbot, window, Key.Key_A)
    span_id = window.editor.current_span().id
    click(qtbot, window.inspector.fields["metonym"].widget)
    assert window.project.annotations.span(span_id).attrs["metonym"] is True
    assert focused() is window.view
    press(qtbot, window, Key.Key_Z, CTRL)  # and the keys work there: undo, redo
    assert window.project.annotations.span(span_id).attrs["metonym"] is False
    press(qtbot, window, Key.Key_Z, CTRL_SHIFT)
    assert window.project.annotations.span(span_id).attrs["metonym"] is True


def test_a_click_in_the_document_panel_gives_the_keys_back_to_the_text(qtbot: QtBot, window: MainWindow) -> None:
    click(qtbot, window.document_panel.label_checks["RELEVANT"])
    assert window.editor.doc_labels() == ["RELEVANT"]
    assert focused() is window.view


def test_from_the_keyboard_the_inspector_keeps_the_keys_and_undo_gives_them_back(
        qtbot: QtBot, window: MainWindow) -> None:
    """F2 and a number set the attribute and leave the focus on it, for the next field; Ctrl+Z
    there undoes it and hands the keys back to the text."""
    select_text(window, "Мария Захарова")
    press(qtbot, window, Key.Key_A)
    span_id = window.editor.current_span().id
    press(qtbot, window, Key.Key_F2)
    combo = window.inspector.fields["actor_type"].widget
    assert focused() is combo
    qtbot.keyClick(combo, Key.Key_3)
    assert window.project.annotations.span(span_id).attrs["actor_type"] == "official"
    assert focused() is combo
    qtbot.keyClick(combo, Key.Key_Z, CTRL)
    assert "actor_type" not in window.project.annotations.span(span_id).attrs
    assert focused() is window.view


def test_typing_in_a_text_attribute_keeps_the_keys(qtbot: QtBot, window: MainWindow) -> None:
    """Clicked into and typed in, the country field keeps the focus when Enter commits it."""
    select_text(window, "Мария Захарова")
    press(qtbot, window, Key.Key_A)
    span_id = window.editor.current_span().id
    country = window.inspector.fields["country"].widget
    qtbot.waitUntil(country.isVisible)
    click(qtbot, country)
    qtbot.keyClicks(country, "Russia")
    qtbot.keyClick(country, Key.Key_Return)
    assert window.project.annotations.span(span_id).attrs["country"] == "Russia"
    assert focused() is country


def test_a_window_action_gives_the_keys_back(qtbot: QtBot, window: MainWindow) -> None:
    """Edit ▸ Snap to tokens with the focus in the document list: the keys are the text's after."""
    window.doc_list.setFocus()
    window.menus.snapping_action.trigger()
    assert focused() is window.view
