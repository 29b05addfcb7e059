"""Annotating through the main window as an analyst does: select, press a key, undo, redo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from annotator.gui.mainwindow import MainWindow
from annotator.gui.offsets import OffsetMap
from annotator.store import Project
from tests.gui.helpers import double_click, press, select_text

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def own_spans(window: MainWindow) -> list:
    return window.project.annotations.spans(window.editor.document.id, annotators=["alice"])


def test_label_key_makes_a_span_in_database_and_view_and_undo_redo_follow(qtbot: QtBot, window: MainWindow) -> None:
    text = window.editor.document.text
    start, end = select_text(window, "Мария Захарова")
    assert start == text.index("Мария")  # after an emoji pair, a flag and Cyrillic

    press(qtbot, window, Key.Key_A)

    [span] = own_spans(window)
    assert (span.start, span.end, span.label, span.layer) == (start, end, "ACTOR", "annotation")
    assert text[span.start:span.end] == "Мария Захарова"
    assert window.view.span(span.id) == span
    assert window.view.current_span_id() == span.id
    assert window.view.selected_range() is None
    assert window.inspector.span == span
    assert window.menus.undo_action.text().replace("&", "") == "Undo Add ACTOR"

    press(qtbot, window, Key.Key_Z, CTRL)
    assert own_spans(window) == []
    assert window.view.span(span.id) is None

    press(qtbot, window, Key.Key_Z, CTRL | SHIFT)
    assert own_spans(window) == [span]  # the same id, offsets and attributes
    assert window.view.span(span.id) == span


def test_selection_made_with_a_qt_cursor_in_utf16_units_lands_on_the_right_code_points(
        qtbot: QtBot, window: MainWindow) -> None:
    text = window.editor.document.text
    start = text.index("Minsk")
    offsets = OffsetMap(text)
    assert offsets.to_qt(start) == start + 3  # three astral characters before it: 😀 and the flag's two
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(offsets.to_qt(start))
    cursor.setPosition(offsets.to_qt(start + len("Minsk")), QTextCursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)

    press(qtbot, window, Key.Key_L)

    [span] = own_spans(window)
    assert (text[span.start:span.end], span.label) == ("Minsk", "LOCATION")


def test_token_snapping_on_and_off(qtbot: QtBot, window: MainWindow) -> None:
    text = window.editor.document.text
    assert window.menus.snapping_action.isChecked()
    select_text(window, "Kremlin's", length=len("Kreml"))
    press(qtbot, window, Key.Key_A)
    [snapped] = own_spans(window)
    assert text[snapped.start:snapped.end] == "Kremlin"  # spaCy splits off the "'s"

    select_text(window, " the threat of")  # surrounding spaces are never part of a span
    press(qtbot, window, Key.Key_T)
    assert text[own_spans(window)[-1].start:own_spans(window)[-1].end] == "the threat of"

    press(qtbot, window, Key.Key_T, CTRL)  # Edit ▸ Snap to tokens, off
    assert not window.menus.snapping_action.isChecked() and not window.editor.snapping
    assert window.status_line.snapping_label.text() == "Snapping: off"
    start, _end = select_text(window, "sanctions", length=len("sanction"))
    press(qtbot, window, Key.Key_E)
    exact = next(span for span in own_spans(window) if span.label == "EVENT")
    assert (exact.start, text[exact.start:exact.end]) == (start, "sanction")


def test_without_selection_a_label_key_relabels_the_current_span(qtbot: QtBot, window: MainWindow) -> None:
    select_text(window, "NATO")
    press(qtbot, window, Key.Key_A)
    [span] = own_spans(window)
    window.inspector.fields["metonym"].widget.setChecked(True)  # an attribute ACTOR and CLAIM do not share

    press(qtbot, window, Key.Key_C)

    [relabelled] = own_spans(window)
    assert (relabelled.id, relabelled.label) == (span.id, "CLAIM")
    assert "metonym" not in relabelled.attrs
    assert relabelled.attrs["sovereignty_position"] == "not_addressed"  # the schema default
    assert window.view.span(span.id).label == "CLAIM"
    assert window.menus.undo_action.text().replace("&", "") == "Undo Relabel ACTOR → CLAIM"
    press(qtbot, window, Key.Key_Z, CTRL)
    [restored] = own_spans(window)
    assert (restored.label, restored.attrs["metonym"]) == ("ACTOR", True)


def test_tab_walks_own_spans_and_delete_removes_the_current_one(qtbot: QtBot, window: MainWindow) -> None:
    for fragment, key in (("NATO", Key.Key_A), ("Minsk", Key.Key_L), ("Belarus", Key.Key_A)):
        select_text(window, fragment)
        press(qtbot, window, key)
    nato, minsk, belarus = own_spans(window)
    window.editor.cancel()  # Esc: no current span
    press(qtbot, window, Key.Key_Escape)
    assert window.view.current_span_id() is None

    visited = []
    for _ in range(4):
        press(qtbot, window, Key.Key_Tab)
        visited.append(window.view.current_span_id())
    assert visited == [nato.id, minsk.id, belarus.id, nato.id]  # text order, wrapping
    press(qtbot, window, Key.Key_Tab, SHIFT)
    assert window.view.current_span_id() == belarus.id
    assert window.inspector.span.id == belarus.id

    press(qtbot, window, Key.Key_Delete)
    assert [span.id for span in own_spans(window)] == [nato.id, minsk.id]
    assert window.view.span(belarus.id) is None
    assert window.inspector.span is None
    press(qtbot, window, Key.Key_Z, CTRL)
    assert [span.id for span in own_spans(window)] == [nato.id, minsk.id, belarus.id]


def test_a_whitespace_selection_or_no_selection_explains_itself(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, window, Key.Key_A)
    assert "[E503]" in window.statusBar().currentMessage()
    text = window.editor.document.text
    gap = text.index("NATO") - 1
    window.view.select_range(gap, gap + 1)
    press(qtbot, window, Key.Key_A)
    assert "[E504]" in window.statusBar().currentMessage()
    assert own_spans(window) == []


def test_clicking_a_palette_label_applies_it_to_the_selection(qtbot: QtBot, window: MainWindow) -> None:
    select_text(window, "9 February")
    qtbot.mouseClick(window.palette.buttons["DATE"], Qt.MouseButton.LeftButton)
    [span] = own_spans(window)
    assert span.label == "DATE"
    assert window.view.hasFocus()


def test_double_click_a_word_then_press_a_key_labels_that_word(qtbot: QtBot, window: MainWindow) -> None:
    text = window.editor.document.text
    start = text.index("Belarus")
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(OffsetMap(text).to_qt(start) + 2)
    window.view.ensureCursorVisible()
    point = window.view.cursorRect(cursor).center()
    double_click(qtbot, window.view.viewport(), point)
    press(qtbot, window, Key.Key_A)
    [span] = own_spans(window)
    assert text[span.start:span.end] == "Belarus"


def test_other_annotators_are_shown_read_only(qtbot: QtBot, window: MainWindow, project: Project) -> None:
    text = window.editor.document.text
    doc_id = window.editor.document.id
    start = text.index("NATO")
    theirs = project.annotations.add_span(doc_id, start, start + 4, "ACTOR", "bob")
    assert window.view.span(theirs.id) is None  # hidden by default

    window.menus.show_others_action.trigger()
    assert window.view.span(theirs.id) is not None
    press(qtbot, window, Key.Key_Tab)
    assert window.view.current_span_id() is None  # Tab walks only one's own spans

    window.editor.select_span(theirs.id)  # as a click on it does
    assert window.inspector.span == theirs
    assert not window.inspector.fields["actor_type"].widget.isEnabled()
    press(qtbot, window, Key.Key_C)
    press(qtbot, window, Key.Key_Delete)
    assert "[E501]" in window.statusBar().currentMessage()
    assert project.annotations.spans(doc_id) == [theirs]
