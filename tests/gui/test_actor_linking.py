"""Canonical actors in the editor: linking an ACTOR span from the inspector, undoably, and the
actor registry dialog."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from annotator.gui.actor_registry import NAME, TYPE
from annotator.gui.mainwindow import MainWindow
from annotator.gui.textview.tooltips import tooltip_html
from annotator.nlp.pipelines import LoadedPipeline
from annotator.nlp.suggest import suggest
from annotator.store.records import ActorRecord
from tests.gui.helpers import press, select_text

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def actor_span(qtbot: QtBot, window: MainWindow, fragment: str) -> int:
    select_text(window, fragment)
    press(qtbot, window, Key.Key_A)
    span_id = window.view.current_span_id()
    assert span_id is not None
    return span_id


def linked(window: MainWindow, span_id: int) -> str | None:
    stored = window.project.annotations.span(span_id).actor
    assert window.view.span(span_id).actor == stored, "the view shows what is stored"
    return stored


def undo_text(window: MainWindow) -> str:
    return window.menus.undo_action.text().replace("&", "")


def government(window: MainWindow) -> ActorRecord:
    return window.project.actors.create("Russian government", type="state", country="Russia",
                                        aliases=["the Kremlin"])


# --- the actor field -------------------------------------------------------------------------


def test_typing_offers_candidates_and_picking_one_links_the_span_undoably(qtbot: QtBot, window: MainWindow) -> None:
    government(window)
    window.project.actors.create("NATO", type="international_organisation")
    span_id = actor_span(qtbot, window, "Kremlin")
    field = window.inspector.actor_field
    assert field.isVisible() and field.line.text() == "" and not field.unlink_button.isEnabled()

    field.line.setFocus()
    qtbot.keyClicks(field.line, "kreml")
    popup = field.completer.popup()
    assert popup.isVisible()
    model = popup.model()
    offered = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert offered == ["Russian government (state, Russia) — as “the Kremlin”"]
    qtbot.keyClick(popup, Key.Key_Down)
    qtbot.keyClick(popup, Key.Key_Return)

    assert linked(window, span_id) == "Russian government"
    assert field.line.text() == "Russian government" and field.unlink_button.isEnabled()
    assert undo_text(window) == "Undo Link to Russian government"
    text = window.editor.document.text
    assert "Actor: Russian government" in tooltip_html([window.view.span(span_id)], text, "alice")

    window.view.setFocus()
    press(qtbot, window, Key.Key_Z, CTRL)
    assert linked(window, span_id) is None and field.line.text() == ""
    press(qtbot, window, Key.Key_Z, CTRL | SHIFT)
    assert linked(window, span_id) == "Russian government"


def test_enter_links_only_an_exact_alias_and_says_what_to_do_otherwise(qtbot: QtBot, window: MainWindow) -> None:
    government(window)
    span_id = actor_span(qtbot, window, "NATO")
    field = window.inspector.actor_field
    field.line.setFocus()
    qtbot.keyClicks(field.line, "Kremli")
    field.completer.popup().hide()
    qtbot.keyClick(field.line, Key.Key_Return)
    assert linked(window, span_id) is None
    assert "No actor in the registry matches “Kremlin”" not in window.statusBar().currentMessage()
    assert "matches “Kremli”" in window.statusBar().currentMessage()

    field.line.setText("the kremlin")
    qtbot.keyClick(field.line, Key.Key_Return)
    assert linked(window, span_id) == "Russian government"


def test_new_actor_from_span_and_unlink_are_undoable(qtbot: QtBot, window: MainWindow) -> None:
    actors = window.project.actors
    minsk = actor_span(qtbot, window, "Minsk")
    field = window.inspector.actor_field
    qtbot.mouseClick(field.new_button, Qt.MouseButton.LeftButton)
    assert linked(window, minsk) == "Minsk" and actors.find("Minsk").mentions == 1
    assert undo_text(window) == "Undo New actor Minsk"

    cabinet = actor_span(qtbot, window, "Cabinet")  # linked to the new actor too
    window.editor.link_actor(cabinet, actors.find("Minsk").id)
    assert linked(window, cabinet) == "Minsk"

    window.undo()
    window.undo()  # the new actor goes again: nothing links to it any more
    window.undo()
    assert actors.find("Minsk") is None and linked(window, minsk) is None
    window.redo()
    window.redo()
    window.redo()  # the link finds the actor made anew by the redo
    assert linked(window, minsk) == linked(window, cabinet) == "Minsk"
    assert actors.find("Minsk").mentions == 2

    window.editor.select_span(minsk)
    qtbot.mouseClick(field.unlink_button, Qt.MouseButton.LeftButton)
    assert linked(window, minsk) is None and undo_text(window) == "Undo Unlink actor"
    window.undo()
    assert linked(window, minsk) == "Minsk"


def test_a_suggestion_linked_by_alias_shows_its_actor_read_only_and_accepting_keeps_the_link(
        qtbot: QtBot, window: MainWindow, english_pipeline: LoadedPipeline) -> None:
    government(window)
    suggest(window.project, [window.editor.document.id], pipeline=english_pipeline)
    window.editor.refresh()
    text = window.editor.document.text
    proposal = next(span for span in window.project.suggestions.spans(window.editor.document.id, label="ACTOR")
                    if text[span.start:span.end] == "Kremlin")
    window.editor.select_span(proposal.id)
    field = window.inspector.actor_field
    assert field.line.text() == "Russian government" and field.line.isReadOnly()
    assert not field.new_button.isVisible()
    press(qtbot, window, Key.Key_Y)
    copy = window.view.current_span_id()
    assert linked(window, copy) == "Russian government" and not field.line.isReadOnly()


# --- the registry dialog ---------------------------------------------------------------------


def answer_next_dialog(text: str) -> None:
    """Click the button called ``text`` in the modal dialog about to open."""

    def click() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        next(b for b in dialog.findChildren(QAbstractButton) if b.text().replace("&", "") == text).click()

    QTimer.singleShot(0, click)


def test_registry_renames_in_place_merges_and_deletes(qtbot: QtBot, window: MainWindow) -> None:
    actors = window.project.actors
    government(window)
    moscow = actors.create("Moscow")
    zakharova = actors.create("Maria Zakharova", type="official")
    span_id = actor_span(qtbot, window, "Kremlin")
    window.editor.link_actor(span_id, moscow.id)

    press(qtbot, window, Key.Key_K, CTRL | SHIFT)  # Edit ▸ Actor registry…
    dialog = window.windows.actor_registry
    assert dialog is not None and dialog.isVisible()
    table = dialog.table
    assert [table.item(row, NAME).text() for row in range(table.rowCount())] == [
        "Maria Zakharova", "Moscow", "Russian government"]

    qtbot.waitUntil(dialog.isActiveWindow)
    item = table.item(dialog.row_of(zakharova.id), NAME)
    table.setCurrentItem(item)
    table.editItem(item)
    editor = table.findChild(QLineEdit)
    assert editor is not None and editor.text() == "Maria Zakharova"
    editor.selectAll()
    qtbot.keyClicks(editor, "Maria V. Zakharova")
    qtbot.keyClick(editor, Key.Key_Return)
    qtbot.waitUntil(lambda: table.item(dialog.row_of(zakharova.id), NAME).text() == "Maria V. Zakharova")
    assert actors.get(zakharova.id).aliases == ("Maria Zakharova", "Maria V. Zakharova")

    table.item(dialog.row_of(moscow.id), TYPE).setText("state")
    qtbot.waitUntil(lambda: actors.get(moscow.id).type == "state")

    table.clearSelection()
    for actor_id in (moscow.id, actors.find("Russian government").id):
        table.selectionModel().select(table.model().index(dialog.row_of(actor_id), 0),
                                      QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    assert dialog.merge_button.isEnabled()
    answer_next_dialog("Keep “Russian government”")
    dialog.merge_button.click()
    assert [actor.name for actor in actors.all()] == ["Maria V. Zakharova", "Russian government"]
    assert "Moscow" in actors.find("Russian government").aliases
    assert linked(window, span_id) == "Russian government"  # the view took the merge in

    table.clearSelection()
    table.selectRow(dialog.row_of(zakharova.id))
    answer_next_dialog("Yes")
    dialog.delete_button.click()
    assert [actor.name for actor in actors.all()] == ["Russian government"]
    assert table.rowCount() == 1


def test_registry_edits_are_undone_and_redone_with_their_ids_aliases_and_links(
        qtbot: QtBot, window: MainWindow) -> None:
    """Issue 13: registry edits are undoable, in the dialog (Ctrl+Z, Ctrl+Shift+Z) and from the
    main window's history, the very actors coming back."""
    actors = window.project.actors
    kremlin = government(window)
    moscow = actors.create("Moscow", aliases=["Moskva"])
    span_id = actor_span(qtbot, window, "Kremlin")
    window.editor.link_actor(span_id, moscow.id)
    press(qtbot, window, Key.Key_K, CTRL | SHIFT)
    dialog = window.windows.actor_registry
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    table = dialog.table
    before = [(actor.id, actor.name, actor.aliases, actor.mentions) for actor in actors.all()]

    table.clearSelection()
    for actor_id in (moscow.id, kremlin.id):
        table.selectionModel().select(table.model().index(dialog.row_of(actor_id), 0),
                                      QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    answer_next_dialog("Keep “Russian government”")
    dialog.merge_button.click()
    assert [actor.name for actor in actors.all()] == ["Russian government"]
    assert dialog.undo_action.text() == "Undo Merge Moscow into Russian government"

    dialog.activateWindow()  # offscreen has no window manager to hand activation back after the question
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(table, Key.Key_Z, CTRL)  # the merge is split back exactly
    assert [(actor.id, actor.name, actor.aliases, actor.mentions) for actor in actors.all()] == before
    assert table.rowCount() == 2 and window.project.annotations.span(span_id).actor == "Moscow"

    qtbot.keyClick(table, Key.Key_Z, CTRL | SHIFT)
    assert [actor.name for actor in actors.all()] == ["Russian government"]
    assert window.project.annotations.span(span_id).actor == "Russian government"

    table.clearSelection()
    table.selectRow(dialog.row_of(kremlin.id))
    answer_next_dialog("Yes")
    dialog.delete_button.click()
    assert actors.all() == [] and table.rowCount() == 0
    dialog.history.undo()  # the main window's Edit ▸ Undo is the same history
    dialog.history.undo()
    assert [(actor.id, actor.name, actor.aliases, actor.mentions) for actor in actors.all()] == before
