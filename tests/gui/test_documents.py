"""Moving between documents, marking them done, and finding everything again after a restart."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.formats.select import document_json
from annotator.gui.mainwindow import MainWindow
from annotator.store import Project
from tests.gui.helpers import press, select_text

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def test_opens_on_the_first_document_not_done_with_the_text_focused(
        project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    project.annotations.set_status(doc_ids[0], "alice", "done")
    window = make_window(project)
    assert window.editor.document.id == doc_ids[1]
    assert window.view.hasFocus()
    assert window.doc_list.current_document() == doc_ids[1]
    assert window.status_line.progress_label.text() == "1 of 3 done"
    assert window.status_line.annotator_label.text() == "Annotator: alice"


def test_ctrl_enter_marks_done_and_moves_to_the_next_not_done(qtbot: QtBot, window: MainWindow,
                                                               doc_ids: list[int]) -> None:
    project = window.project
    project.annotations.set_status(doc_ids[1], "alice", "done")
    assert window.editor.document.id == doc_ids[0]

    press(qtbot, window, Key.Key_Return, CTRL)
    assert project.annotations.status(doc_ids[0], "alice") == "done"
    assert window.editor.document.id == doc_ids[2]  # the done one in between is skipped
    assert window.status_line.progress_label.text() == "2 of 3 done"
    assert window.doc_model.summary(0).status == "done"

    press(qtbot, window, Key.Key_Return, CTRL)
    assert window.editor.document.id == doc_ids[2]  # nothing left: stays, and says so
    assert "All 3 documents" in window.statusBar().currentMessage()
    assert project.documents.progress("alice") == (3, 3)

    window.undo()
    assert project.annotations.status(doc_ids[2], "alice") == "todo"
    window.undo()
    assert window.editor.document.id == doc_ids[0]  # undo shows the document it changes
    assert project.annotations.status(doc_ids[0], "alice") == "todo"


def test_next_and_previous_document(qtbot: QtBot, window: MainWindow, doc_ids: list[int]) -> None:
    press(qtbot, window, Key.Key_N)
    assert window.editor.document.id == doc_ids[1]
    press(qtbot, window, Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.document.id == doc_ids[2]
    press(qtbot, window, Key.Key_N)
    assert window.editor.document.id == doc_ids[2]
    assert "last document" in window.statusBar().currentMessage()
    press(qtbot, window, Key.Key_P)
    assert window.editor.document.id == doc_ids[1]


def test_undo_of_an_edit_in_another_document_goes_back_to_it(qtbot: QtBot, window: MainWindow,
                                                             doc_ids: list[int]) -> None:
    select_text(window, "NATO")
    press(qtbot, window, Key.Key_A)
    [span] = window.project.annotations.spans(doc_ids[0])
    press(qtbot, window, Key.Key_N)
    assert window.editor.document.id == doc_ids[1]
    window.undo()
    assert window.editor.document.id == doc_ids[0]
    assert window.project.annotations.spans(doc_ids[0]) == []
    window.redo()
    assert window.view.span(span.id) == span


def test_reopening_the_project_shows_everything_and_the_last_document(
        qtbot: QtBot, project_path: Path, project: Project, doc_ids: list[int],
        make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    select_text(window, "Мария Захарова")
    press(qtbot, window, Key.Key_A)
    select_text(window, "NATO threatens the Kremlin's plans")
    press(qtbot, window, Key.Key_C)
    press(qtbot, window, Key.Key_Tab)
    press(qtbot, window, Key.Key_R)
    press(qtbot, window, Key.Key_Tab)
    press(qtbot, window, Key.Key_Return)
    window.document_panel.label_checks["ANALYSIS"].click()
    press(qtbot, window, Key.Key_Return, CTRL)  # done, on to the second document
    select_text(window, "Putin")
    press(qtbot, window, Key.Key_A)
    before = {doc_id: document_json(project, doc_id) for doc_id in doc_ids}
    window.close()

    reopened = Project.open(project_path)
    again = make_window(reopened)
    assert again.editor.document.id == doc_ids[1]  # where the analyst left off
    assert {doc_id: document_json(reopened, doc_id) for doc_id in doc_ids} == before
    assert [span.label for span in reopened.annotations.spans(doc_ids[1])] == ["ACTOR"]

    press(qtbot, again, Key.Key_P)
    first = before[doc_ids[0]]
    assert [span["label"] for span in first["spans"]] == ["ACTOR", "CLAIM"]
    assert [relation["label"] for relation in first["relations"]] == ["speaker_of"]
    assert first["status"] == {"alice": "done"}
    assert [label["label"] for label in first["doc_labels"]] == ["ANALYSIS"]
    for stored in first["spans"]:
        assert again.view.span(stored["id"]) is not None
    assert again.document_panel.label_checks["ANALYSIS"].isChecked()
    assert again.document_panel.status_combo.currentData() == "done"


def test_switching_annotator_shows_only_their_layer(qtbot: QtBot, window: MainWindow, doc_ids: list[int]) -> None:
    select_text(window, "NATO")
    press(qtbot, window, Key.Key_A)
    alice_span = window.view.current_span_id()
    window.set_annotator("bob")
    assert window.status_line.annotator_label.text() == "Annotator: bob"
    assert window.view.span(alice_span) is None
    assert not window.menus.undo_action.isEnabled()  # alice's history is not bob's
    select_text(window, "NATO")
    press(qtbot, window, Key.Key_A)
    assert [span.annotator for span in window.project.annotations.spans(doc_ids[0])] == ["alice", "bob"]
