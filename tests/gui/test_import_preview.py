"""The import's preview of web pages, PDF and Word files, corrected by keyboard; the document
list's language column; Set language… as one undoable step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QInputDialog
from pytestqt.qtbot import QtBot

from annotator.corpus.previews import previewed_files, read_previews
from annotator.formats.detect import AUTO_SUFFIXES
from annotator.gui.doclist import DocumentListModel
from annotator.gui.import_preview import ImportPreviewDialog
from annotator.gui.mainwindow import MainWindow
from annotator.store import Project
from tests.news_pages import news_page, not_an_article, pdf_file


def saved_pages(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a.html").write_text(news_page(), encoding="utf-8")
    (folder / "login.html").write_text(not_an_article(), encoding="utf-8")
    pdf_file(folder / "b.pdf")
    (folder / "plain.txt").write_text("A plain text is not previewed: it says what it says.", encoding="utf-8")
    return folder


def type_into_cell(qtbot: QtBot, dialog: ImportPreviewDialog, text: str) -> None:
    """Replace the current cell as an analyst does: F2, select all, type, Enter."""
    table = dialog.table
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not table
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)  # Qt commits it queued


def test_preview_lists_what_was_taken_and_takes_corrections_by_keys(qtbot: QtBot, tmp_path: Path) -> None:
    previews = read_previews(previewed_files([saved_pages(tmp_path / "saved")], AUTO_SUFFIXES))
    assert [preview.path.name for preview in previews] == ["a.html", "b.pdf", "login.html"]
    dialog = ImportPreviewDialog(None, previews)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    table = dialog.table
    assert [dialog.cell(0, column) for column in range(1, 5)] == [
        "Minsk announces joint exercises near the western border", "2024-03-05", "Baltic Daily", "en"]
    assert dialog.cell(2, 1).startswith("[E1310]")  # the refused file says why, in its row
    assert (table.currentRow(), table.currentColumn()) == (0, 1) and table.hasFocus()
    type_into_cell(qtbot, dialog, "Exercises announced")
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    type_into_cell(qtbot, dialog, "March 4")
    qtbot.keyClick(table, Qt.Key.Key_Return)  # Import: refused, the reason under the table
    assert dialog.isVisible() and dialog.problem.text().startswith("[E1323]")
    type_into_cell(qtbot, dialog, "2024-03-04")
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Right)
    qtbot.keyClick(table, Qt.Key.Key_Right)
    type_into_cell(qtbot, dialog, "ru")  # the PDF's language
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(table, Qt.Key.Key_Return)
    corrections = dialog.corrections()
    assert set(corrections) == {str(tmp_path / "saved" / "a.html"), str(tmp_path / "saved" / "b.pdf")}
    page = corrections[str(tmp_path / "saved" / "a.html")]
    assert (page.title, page.published, page.source, page.language) == ("Exercises announced", "2024-03-04", None, None)
    assert corrections[str(tmp_path / "saved" / "b.pdf")].language == "ru"


def test_import_through_the_preview_stores_the_corrections_and_the_list_shows_languages(
        qtbot: QtBot, project: Project, tmp_path: Path, make_window: Callable[..., MainWindow]) -> None:
    folder = saved_pages(tmp_path / "saved")
    window = make_window(project)
    window.files.preview.start([folder], window.files.import_documents)
    qtbot.waitUntil(lambda: window.files.preview.dialog is not None and window.files.preview.dialog.isVisible(),
                    timeout=30_000)
    dialog = window.files.preview.dialog
    assert dialog is not None
    type_into_cell(qtbot, dialog, "Exercises announced")
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.files.import_report_dialog is not None, timeout=30_000)
    model = window.doc_model
    titles = {model.summary(row).title: row for row in range(model.rowCount())}  # type: ignore[union-attr]
    assert set(titles) == {"Exercises announced", "Statement of the ministry",
                           "A plain text is not previewed: it says what it says."}
    assert model.headerData(DocumentListModel.LANGUAGE, Qt.Orientation.Horizontal) == "Lang"
    # detected by the catch-up the window runs after the import, and shown once it commits
    qtbot.waitUntil(lambda: model.data(model.index(titles["Exercises announced"], DocumentListModel.LANGUAGE)) == "en",
                    timeout=30_000)


@pytest.mark.slow
def test_set_language_from_the_list_is_one_undoable_step(qtbot: QtBot, project: Project, tmp_path: Path,
                                                        make_window: Callable[..., MainWindow]) -> None:
    page = tmp_path / "a.html"
    page.write_text(news_page(), encoding="utf-8")
    window = make_window(project)
    task = window.files.import_documents([page])
    qtbot.waitUntil(lambda: window.files.import_report_dialog is not None, timeout=30_000)
    del task
    model = window.doc_model
    qtbot.waitUntil(lambda: model.data(model.index(0, DocumentListModel.LANGUAGE)) == "en", timeout=30_000)  # detected
    doc_id = model.doc_id(0)
    window.doc_list.select_document(doc_id)

    def choose_russian() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(20, choose_russian)
            return
        QTimer.singleShot(10_000, dialog.reject)  # a failure, never a hang
        focus = QApplication.focusWidget()
        assert focus is not None
        assert dialog.textValue().startswith("en")  # it opens at the detected language
        qtbot.keyClick(focus, Qt.Key.Key_Down)  # the next named language: ru — Russian
        qtbot.keyClick(focus, Qt.Key.Key_Return)

    QTimer.singleShot(20, choose_russian)
    window.doc_list.request_language()  # Document ▸ Set language…
    qtbot.waitUntil(lambda: model.data(model.index(0, DocumentListModel.LANGUAGE)) == "ru", timeout=20_000)
    assert project.documents.languages([doc_id]) == {doc_id: "ru"}
    assert "language of document" in window.statusBar().currentMessage().lower()
    window.undo()
    qtbot.waitUntil(lambda: model.data(model.index(0, DocumentListModel.LANGUAGE)) == "en", timeout=20_000)
    assert project.documents.languages([doc_id]) == {doc_id: "en"}
