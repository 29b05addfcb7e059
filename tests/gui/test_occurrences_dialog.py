"""Edit ▸ Annotate all occurrences (issue 18): the places listed with context to confirm,
checkable, scope and case options, labelled in one step that Ctrl+Z takes back at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.mainwindow import MainWindow
from annotator.gui.occurrences_dialog import OccurrencesDialog
from annotator.store import Project
from tests.gui.helpers import FIRST_TEXT, SECOND_TEXT, press, select_text


def open_dialog(qtbot: QtBot, window: MainWindow) -> OccurrencesDialog:
    press(qtbot, window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.findChild(OccurrencesDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.searching)
    return dialog


def own_spans(window: MainWindow, doc_id: int) -> list[tuple[int, str]]:
    return [(s.start, s.label) for s in window.project.annotations.spans(doc_id, annotators=["alice"])]


def test_label_all_in_document_is_one_undo_step(qtbot: QtBot, window: MainWindow, doc_ids: list[int]) -> None:
    first = doc_ids[0]
    start, _end = select_text(window, "threat of", length=6)
    window.apply_label("THREAT")
    dialog = open_dialog(qtbot, window)
    direct = FIRST_TEXT.index("direct threat") + len("direct ")
    assert dialog.table.rowCount() == 1, (dialog.heading.text(), dialog.report.text())  # not "threatens"
    assert [dialog.table.item(0, column).text() for column in (2, 4)] == ["threat", ""]
    assert dialog.table.item(0, 1).text().endswith("called it a direct ")
    assert dialog.table.item(0, 0).checkState() == Qt.CheckState.Checked
    assert dialog.label_button.text() == "&Label 1"
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # the default button: label the checked places
    assert not dialog.isVisible()
    assert own_spans(window, first) == [(start, "THREAT"), (direct, "THREAT")]
    assert window.menus.undo_action.text() == "&Undo Label 1 occurrence as THREAT"
    assert "Labelled 1 occurrence of 'threat' as THREAT" in window.statusBar().currentMessage()
    qtbot.waitUntil(window.isActiveWindow)  # the keys are the window's again
    assert window.view.hasFocus()
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert own_spans(window, first) == [(start, "THREAT")]


def test_corpus_scope_case_and_unchecked_rows(qtbot: QtBot, window: MainWindow, project: Project,
                                              doc_ids: list[int]) -> None:
    first, second, _third = doc_ids
    select_text(window, "February")
    window.apply_label("DATE")
    february = SECOND_TEXT.index("February")
    project.annotations.add_span(second, february - 3, february + len("February"), "EVENT", "alice")
    dialog = open_dialog(qtbot, window)
    assert dialog.table.rowCount() == 0 and "[E1293]" in dialog.report.text()
    assert not dialog.label_button.isEnabled()
    dialog.scope.setCurrentIndex(1)  # the whole corpus
    qtbot.waitUntil(lambda: not dialog.searching)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 4).text() == "EVENT '12 February'"  # overlaps a span: unchecked
    assert dialog.table.item(0, 0).checkState() == Qt.CheckState.Unchecked
    assert not dialog.label_button.isEnabled()
    dialog.match_case.setChecked(False)  # searches again: "February" has no other case here
    qtbot.waitUntil(lambda: not dialog.searching)
    assert dialog.table.rowCount() == 1
    assert dialog.table.hasFocus() and dialog.table.currentRow() == 0
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)  # checks the row
    assert dialog.table.item(0, 0).checkState() == Qt.CheckState.Checked
    assert dialog.label_button.text() == "&Label 1"
    dialog.label_button.click()
    assert (february, "DATE") in own_spans(window, second)
    assert window.editor.document.id == first  # the analyst stays where they were


def test_without_a_span_says_what_to_do(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.findChild(OccurrencesDialog) is None
    assert window.statusBar().currentMessage().startswith("[E1292]")
