"""The status bar's relation prompt lasts as long as relation mode: linking by keys, by a click,
from the menu of types, and leaving it (Esc, the menu closed, another document) all clear it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.editor_relations import RELATION_PROMPT
from annotator.gui.mainwindow import MainWindow
from tests.gui.helpers import press
from tests.gui.test_relations import annotate, span_point

Key = Qt.Key


def prompt_shown(window: MainWindow) -> bool:
    message = window.statusBar().currentMessage()
    return RELATION_PROMPT in message or "Enter links" in message


def test_linking_by_keys_clears_the_prompt(qtbot: QtBot, window: MainWindow) -> None:
    actor = annotate(qtbot, window, "Мария Захарова", Key.Key_A)
    annotate(qtbot, window, "NATO threatens the Kremlin's plans", Key.Key_C)
    window.editor.select_span(actor.id)
    press(qtbot, window, Key.Key_R)
    assert prompt_shown(window)
    press(qtbot, window, Key.Key_Tab)
    assert prompt_shown(window)  # "… Enter links, Tab the next nearest, Esc cancels."
    press(qtbot, window, Key.Key_Return)
    assert len(window.project.annotations.relations(window.editor.document.id)) == 1
    assert window.statusBar().currentMessage() == ""


def test_linking_by_a_click_and_from_the_menu_clears_the_prompt(qtbot: QtBot, window: MainWindow) -> None:
    threat = annotate(qtbot, window, "the threat of sanctions", Key.Key_T)
    target = annotate(qtbot, window, "Belarus", Key.Key_A)
    place = annotate(qtbot, window, "Minsk", Key.Key_L)
    window.editor.select_span(threat.id)
    press(qtbot, window, Key.Key_R)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=span_point(window, target))
    assert window.statusBar().currentMessage() == ""

    window.editor.select_span(threat.id)
    press(qtbot, window, Key.Key_R)
    window.editor.select_span(place.id)  # two types allowed: the menu
    menu = window.editor.relations.menu
    assert menu is not None and prompt_shown(window)
    menu.actions()[1].trigger()
    assert len(window.project.annotations.relations(window.editor.document.id)) == 2
    assert window.statusBar().currentMessage() == ""


def test_leaving_relation_mode_replaces_the_prompt(qtbot: QtBot, window: MainWindow, doc_ids: list[int]) -> None:
    threat = annotate(qtbot, window, "the threat of sanctions", Key.Key_T)
    place = annotate(qtbot, window, "Minsk", Key.Key_L)
    press(qtbot, window, Key.Key_R)
    press(qtbot, window, Key.Key_Escape)
    assert window.statusBar().currentMessage() == "Relation cancelled."

    window.editor.select_span(threat.id)
    press(qtbot, window, Key.Key_R)
    window.editor.select_span(place.id)
    menu = window.editor.relations.menu
    assert menu is not None
    menu.hide()  # Esc on the menu of types
    assert not window.editor.in_relation_mode and window.statusBar().currentMessage() == ""

    press(qtbot, window, Key.Key_R)
    assert prompt_shown(window)
    window.open_document(doc_ids[1])
    assert not window.editor.in_relation_mode and not prompt_shown(window)
