"""Relations: linking by keyboard and by click, only the types the schema allows, undo with ids."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from annotator.gui.editor_relations import RELATION_PROMPT
from annotator.gui.mainwindow import MainWindow
from annotator.gui.offsets import OffsetMap
from annotator.store.records import SpanRecord
from tests.gui.helpers import annotate, press

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def span_point(window: MainWindow, span: SpanRecord, *, inside: int = 1) -> QPoint:
    """A viewport point on the ``inside``-th character of a span."""
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(OffsetMap(window.editor.document.text).to_qt(span.start + inside))
    rect = window.view.cursorRect(cursor)
    return QPoint(rect.left() + 3, rect.center().y())


def test_relation_by_keyboard_then_delete_head_and_undo_restores_both(qtbot: QtBot, window: MainWindow) -> None:
    project = window.project
    doc_id = window.editor.document.id
    actor = annotate(qtbot, window, "Мария Захарова", Key.Key_A)
    claim = annotate(qtbot, window, "NATO threatens the Kremlin's plans", Key.Key_C)

    press(qtbot, window, Key.Key_Tab)  # from the claim, wrapping round to the actor
    assert window.view.current_span_id() == actor.id
    press(qtbot, window, Key.Key_R)
    assert window.editor.in_relation_mode
    assert RELATION_PROMPT in window.statusBar().currentMessage()
    press(qtbot, window, Key.Key_Tab)
    assert window.view.current_span_id() == claim.id
    press(qtbot, window, Key.Key_Return)

    assert not window.editor.in_relation_mode
    [relation] = project.annotations.relations(doc_id)
    assert (relation.head_id, relation.tail_id, relation.label, relation.annotator) == (
        actor.id, claim.id, "speaker_of", "alice")
    assert window.menus.undo_action.text().replace("&", "") == "Undo Add relation speaker_of"

    window.editor.select_span(actor.id)
    assert window.inspector.relations_list.count() == 1
    press(qtbot, window, Key.Key_Delete)
    assert project.annotations.relations(doc_id) == []
    assert [span.id for span in project.annotations.spans(doc_id)] == [claim.id]
    assert window.view.span(actor.id) is None

    press(qtbot, window, Key.Key_Z, CTRL)
    assert project.annotations.relations(doc_id) == [relation]  # same ids, same ends
    assert [span.id for span in project.annotations.spans(doc_id)] == [actor.id, claim.id]
    assert window.view.span(actor.id) == actor
    assert window.view.current_span_id() == actor.id
    assert window.inspector.relations_list.count() == 1

    press(qtbot, window, Key.Key_Z, CTRL)  # the relation itself
    assert project.annotations.relations(doc_id) == []
    press(qtbot, window, Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert project.annotations.relations(doc_id) == [relation]


def test_relation_by_clicking_the_tail(qtbot: QtBot, window: MainWindow) -> None:
    threat = annotate(qtbot, window, "the threat of sanctions", Key.Key_T)
    target = annotate(qtbot, window, "Belarus", Key.Key_A)
    window.editor.select_span(threat.id)
    press(qtbot, window, Key.Key_R)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=span_point(window, target))
    [relation] = window.project.annotations.relations(window.editor.document.id)
    assert (relation.head_id, relation.tail_id, relation.label) == (threat.id, target.id, "targets")


def test_several_allowed_types_are_offered_in_a_menu(qtbot: QtBot, window: MainWindow) -> None:
    threat = annotate(qtbot, window, "the threat of sanctions", Key.Key_T)
    place = annotate(qtbot, window, "Minsk", Key.Key_L)
    window.editor.select_span(threat.id)
    press(qtbot, window, Key.Key_R)
    window.editor.select_span(place.id)  # as a click on it does

    menu = window.editor.relations.menu
    assert menu is not None and menu.isVisible()
    titles = [action.text().split()[0] for action in menu.actions()]
    assert titles == ["targets", "located_at"]  # THREAT → LOCATION in the schema, in schema order
    menu.actions()[1].trigger()
    [relation] = window.project.annotations.relations(window.editor.document.id)
    assert (relation.head_id, relation.tail_id, relation.label) == (threat.id, place.id, "located_at")
    assert not window.editor.in_relation_mode


def test_no_allowed_type_is_explained_and_nothing_is_stored(qtbot: QtBot, window: MainWindow) -> None:
    actor = annotate(qtbot, window, "NATO", Key.Key_A)
    place = annotate(qtbot, window, "Minsk", Key.Key_L)
    window.editor.select_span(actor.id)
    press(qtbot, window, Key.Key_R)
    window.editor.select_span(actor.id)
    assert "[E506]" in window.statusBar().currentMessage()  # the head cannot be its own tail
    window.editor.select_span(place.id)
    message = window.statusBar().currentMessage()
    assert "[E502]" in message and "ACTOR" in message and "LOCATION" in message
    assert window.project.annotations.relations(window.editor.document.id) == []
    assert not window.editor.in_relation_mode


def test_escape_cancels_relation_mode(qtbot: QtBot, window: MainWindow) -> None:
    annotate(qtbot, window, "NATO", Key.Key_A)
    press(qtbot, window, Key.Key_R)
    assert window.editor.in_relation_mode
    press(qtbot, window, Key.Key_Escape)
    assert not window.editor.in_relation_mode
    assert window.view.current_span_id() is not None  # Esc took back only the relation


def test_deleting_a_relation_from_the_inspector_is_undoable(qtbot: QtBot, window: MainWindow) -> None:
    actor = annotate(qtbot, window, "Мария Захарова", Key.Key_A)
    claim = annotate(qtbot, window, "NATO threatens the Kremlin's plans", Key.Key_C)
    window.editor.select_span(actor.id)
    press(qtbot, window, Key.Key_R)
    window.editor.select_span(claim.id)
    [relation] = window.project.annotations.relations(window.editor.document.id)

    window.editor.select_span(claim.id)
    window.inspector.relations_list.setCurrentRow(0)
    qtbot.mouseClick(window.inspector.delete_relation_button, Qt.MouseButton.LeftButton)
    assert window.project.annotations.relations(window.editor.document.id) == []
    assert window.inspector.relations_list.count() == 0
    window.undo()
    assert window.project.annotations.relations(window.editor.document.id) == [relation]
