"""The span inspector and document panel: every change committed at once, each one undoable."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from annotator.gui.inspector import NOTE_COMMIT_DELAY_MS
from annotator.gui.mainwindow import MainWindow
from annotator.gui.offsets import OffsetMap
from tests.gui.helpers import press, select_text

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def stored_span(window: MainWindow, span_id: int):  # type: ignore[no-untyped-def]
    return window.project.annotations.span(span_id)


def test_attribute_change_applies_at_once_and_is_undoable(qtbot: QtBot, window: MainWindow) -> None:
    select_text(window, "NATO threatens the Kremlin's plans")
    press(qtbot, window, Key.Key_C)
    span_id = window.view.current_span_id()
    fields = window.inspector.fields
    assert set(fields) == {"claim_type", "stance", "sovereignty_position", "frames", "reporting"}
    assert fields["sovereignty_position"].value() == "not_addressed"  # the schema default, stored

    combo = fields["claim_type"].widget
    combo.setFocus()
    qtbot.keyClick(combo, Key.Key_Down)  # the empty entry → "assertion", as the analyst does it
    assert stored_span(window, span_id).attrs["claim_type"] == "assertion"
    assert window.view.span(span_id).attrs["claim_type"] == "assertion"
    assert window.menus.undo_action.text().replace("&", "") == "Undo Change claim_type"

    check = fields["frames"].checks["destabilisation"]
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(4, check.height() // 2))
    assert stored_span(window, span_id).attrs["frames"] == ["destabilisation"]

    window.undo()
    assert "frames" not in stored_span(window, span_id).attrs
    assert not check.isChecked()
    window.undo()
    assert "claim_type" not in stored_span(window, span_id).attrs
    assert combo.currentText() == ""
    window.redo()
    assert stored_span(window, span_id).attrs["claim_type"] == "assertion"
    assert combo.currentText() == "assertion"


def test_boolean_text_and_label_fields(qtbot: QtBot, window: MainWindow) -> None:
    select_text(window, "NATO")
    press(qtbot, window, Key.Key_A)
    span_id = window.view.current_span_id()
    fields = window.inspector.fields
    metonym = fields["metonym"].widget
    qtbot.mouseClick(metonym, Qt.MouseButton.LeftButton, pos=QPoint(4, metonym.height() // 2))
    assert stored_span(window, span_id).attrs["metonym"] is True

    country = fields["country"].widget
    qtbot.waitUntil(country.isVisible)  # fields built for a new span are shown by the event loop
    country.setFocus()
    qtbot.keyClicks(country, "West")
    qtbot.keyClick(country, Key.Key_Return)
    assert stored_span(window, span_id).attrs["country"] == "West"

    combo = window.inspector.label_combo
    combo.setFocus()
    qtbot.keyClick(combo, Key.Key_Down)  # ACTOR → CLAIM
    assert stored_span(window, span_id).label == "CLAIM"
    assert set(window.inspector.fields) >= {"claim_type", "frames"}
    window.undo()
    assert stored_span(window, span_id).label == "ACTOR"
    assert stored_span(window, span_id).attrs == {"metonym": True, "country": "West"}


def test_span_note_is_committed_after_a_pause_and_undone_in_one_step(qtbot: QtBot, window: MainWindow) -> None:
    select_text(window, "Minsk")
    press(qtbot, window, Key.Key_L)
    span_id = window.view.current_span_id()
    note = window.inspector.note_edit
    note.setFocus()
    qtbot.keyClicks(note, "capital")
    qtbot.waitUntil(lambda: stored_span(window, span_id).note == "capital", timeout=NOTE_COMMIT_DELAY_MS * 5)
    qtbot.keyClicks(note, " city")
    window.view.setFocus()  # leaving the field commits at once
    assert stored_span(window, span_id).note == "capital city"
    window.undo()  # consecutive note edits are one step
    assert stored_span(window, span_id).note == ""
    assert note.toPlainText() == ""


def test_note_typed_just_before_switching_span_is_kept(qtbot: QtBot, window: MainWindow) -> None:
    select_text(window, "Minsk")
    press(qtbot, window, Key.Key_L)
    first = window.view.current_span_id()
    select_text(window, "Belarus")
    press(qtbot, window, Key.Key_A)
    window.editor.select_span(first)
    window.inspector.note_edit.setPlainText("typed fast")
    press(qtbot, window, Key.Key_Tab)
    assert stored_span(window, first).note == "typed fast"


def test_document_labels_exclude_their_group_and_undo_restores_the_set(qtbot: QtBot, window: MainWindow) -> None:
    doc_id = window.editor.document.id
    checks = window.document_panel.label_checks
    annotations = window.project.annotations
    checks["RELEVANT"].click()
    checks["NEEDS_DISCUSSION"].click()
    checks["PARTLY_RELEVANT"].click()
    assert sorted(annotations.doc_labels(doc_id, "alice")) == ["NEEDS_DISCUSSION", "PARTLY_RELEVANT"]
    assert not checks["RELEVANT"].isChecked()
    window.undo()
    assert sorted(annotations.doc_labels(doc_id, "alice")) == ["NEEDS_DISCUSSION", "RELEVANT"]
    assert checks["RELEVANT"].isChecked() and not checks["PARTLY_RELEVANT"].isChecked()


def test_status_and_document_note_from_the_panel(qtbot: QtBot, window: MainWindow) -> None:
    doc_id = window.editor.document.id
    panel = window.document_panel
    panel.status_combo.setFocus()
    qtbot.keyClick(panel.status_combo, Key.Key_Down)
    assert window.project.annotations.status(doc_id, "alice") == "in_progress"
    panel.note_edit.setFocus()
    qtbot.keyClicks(panel.note_edit, "check the date")
    window.view.setFocus()
    assert window.editor.document_note() == "check the date"
    window.undo()
    assert window.editor.document_note() == ""
    window.undo()
    assert window.project.annotations.status(doc_id, "alice") == "todo"


def test_overlapping_spans_are_each_reachable_by_click_and_tab(qtbot: QtBot, window: MainWindow) -> None:
    select_text(window, "Мария Захарова")
    press(qtbot, window, Key.Key_A)
    outer = window.view.current_span_id()
    select_text(window, "Захарова said that NATO threatens")
    press(qtbot, window, Key.Key_C)
    inner = window.view.current_span_id()
    assert window.view.span(outer) is not None and window.view.span(inner) is not None

    text = window.editor.document.text
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(OffsetMap(text).to_qt(text.index("Захарова") + 2))
    rect = window.view.cursorRect(cursor)
    point = QPoint(rect.left() + 2, rect.center().y())
    shown = []
    for _ in range(2):
        qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
        shown.append(window.inspector.span.id)
    assert sorted(shown) == sorted([outer, inner])  # repeated clicks cycle through the overlap

    window.editor.cancel()
    window.editor.cancel()
    tabbed = []
    for _ in range(2):
        press(qtbot, window, Key.Key_Tab)
        tabbed.append(window.inspector.span.id)
    assert tabbed == [outer, inner]
    assert window.inspector.label_combo.currentText() == "CLAIM"


def test_a_pending_note_survives_a_change_to_the_same_span(qtbot: QtBot, window: MainWindow) -> None:
    select_text(window, "Minsk")
    press(qtbot, window, Key.Key_L)
    span_id = window.view.current_span_id()
    window.inspector.note_edit.setPlainText("not committed yet")  # typed, its pause not over
    window.editor.relabel_span(span_id, "ACTOR")  # the inspector shows the changed span again
    assert stored_span(window, span_id).note == "not committed yet"
    assert window.inspector.note_edit.toPlainText() == "not committed yet"
    assert window.view.current_span_id() == span_id
