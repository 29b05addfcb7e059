"""Issue 13: Find in corpus follows the project's change events.

A change that can alter the rows shown, made through the main window's editor or by a teammate
(a second ``Project.open`` on the same file, which the window hears of by its poll), runs the
shown search again in the background; the selected hit stays selected, the keyboard stays where
it was. A change that cannot alter the rows (a span edit under a plain text search) runs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.corpus.importer import import_paths
from annotator.gui.mainwindow import MainWindow
from annotator.gui.search_window import SearchWindow
from annotator.store import Project
from tests.gui.helpers import SECOND_TEXT, select_text, write_documents

WAIT_MS = 10_000  # the poll comes every second and the re-run half a second after the last change
QUIET_MS = 2_500  # more than two poll rounds and the re-run's delay


@pytest.fixture
def teammate(project: Project) -> Iterator[Project]:
    """Another analyst's handle on the same project file."""
    with Project.open(project.location) as other:
        yield other


def _searched(qtbot: QtBot, window: MainWindow, query: str = "", label: str = "") -> SearchWindow:
    search = window.windows.show_search()
    search.query.setText(query)
    if label:
        search.label.setCurrentText(label)
    with qtbot.waitSignal(search.searchFinished, timeout=WAIT_MS):
        search.run_search()
    return search


def _span(project: Project, doc_id: int, word: str, label: str, annotator: str) -> int:
    start = project.documents.get(doc_id).text.index(word)
    return project.annotations.add_span(doc_id, start, start + len(word), label, annotator).id


def _selected_span(search: SearchWindow) -> int | None:
    rows = search.table.selectionModel().selectedRows()
    assert len(rows) == 1
    return search.model.hit(search.proxy.mapToSource(rows[0]).row()).span_id


def test_own_and_teammates_span_edits_rerun_a_span_search_keeping_the_selection(
        qtbot: QtBot, window: MainWindow, teammate: Project, doc_ids: list[int]) -> None:
    putin = _span(window.project, doc_ids[1], "Putin", "ACTOR", "alice")
    search = _searched(qtbot, window, label="ACTOR")  # every ACTOR span
    assert [hit.span_id for hit in search.model.hits] == [putin]
    search.table.selectRow(0)
    window.activateWindow()  # the analyst goes back to the text to label more
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()

    window.open_document(doc_ids[0])
    select_text(window, "NATO")
    with qtbot.waitSignal(search.searchFinished, timeout=WAIT_MS):
        window.apply_label("ACTOR")  # an own edit, through the editor
    nato = window.editor.current_span()
    assert nato is not None
    assert [hit.span_id for hit in search.model.hits] == [nato.id, putin]  # documents in id order
    assert _selected_span(search) == putin  # the row moved down; the selection went with it
    assert search.count.text().startswith("2 hits in 2 documents. Updated at ")
    assert window.isActiveWindow() and QApplication.focusWidget() is window.view  # nothing stolen

    sochi = _span(teammate, doc_ids[1], "Sochi", "ACTOR", "bob")  # a teammate's, heard by the poll
    qtbot.waitUntil(lambda: len(search.model.hits) == 3, timeout=WAIT_MS)
    assert [hit.span_id for hit in search.model.hits] == [nato.id, putin, sochi]
    assert _selected_span(search) == putin

    teammate.annotations.delete_span(putin)  # the selected hit goes: nothing is selected
    qtbot.waitUntil(lambda: [hit.span_id for hit in search.model.hits] == [nato.id, sochi], timeout=WAIT_MS)
    assert search.table.selectionModel().selectedRows() == []


def test_a_plain_text_search_ignores_span_edits_and_follows_new_documents(
        qtbot: QtBot, window: MainWindow, teammate: Project, doc_ids: list[int], tmp_path: Path) -> None:
    search = _searched(qtbot, window, query="february")
    assert [hit.doc_id for hit in search.model.hits] == [doc_ids[0], doc_ids[1]]
    start = SECOND_TEXT.index("Sochi")
    with qtbot.assertNotEmitted(search.searchFinished, wait=QUIET_MS):  # spans show nowhere in text hits
        window.open_document(doc_ids[1])
        window.view.select_range(start, start + len("Sochi"))
        window.apply_label("LOCATION")
        _span(teammate, doc_ids[0], "Minsk", "LOCATION", "bob")
        teammate.annotations.set_document_note(doc_ids[2], "bob", "read again")

    write_documents(tmp_path / "more", ["Talks resumed on 3 February in Geneva.\n"])
    new = import_paths(teammate, [tmp_path / "more"]).imported[0].id  # a teammate imports
    qtbot.waitUntil(lambda: len(search.model.hits) == 3, timeout=WAIT_MS)
    assert [hit.doc_id for hit in search.model.hits] == [doc_ids[0], doc_ids[1], new]


def test_search_box_edits_are_not_run_by_a_change_and_f5_runs_the_shown_search(
        qtbot: QtBot, window: MainWindow, teammate: Project, doc_ids: list[int]) -> None:
    search = _searched(qtbot, window, label="ACTOR")
    assert search.model.hits == []
    search.query.setText("sochi")  # typed, not run yet: a change re-runs what the rows show
    _span(teammate, doc_ids[0], "NATO", "ACTOR", "bob")
    qtbot.waitUntil(lambda: len(search.model.hits) == 1, timeout=WAIT_MS)
    assert search.model.hits[0].hit == "NATO" and search.query.text() == "sochi"

    search.follower.stop()  # deaf to changes: F5 alone brings the next one in
    _span(window.project, doc_ids[1], "Putin", "ACTOR", "alice")
    with qtbot.waitSignal(search.searchFinished, timeout=WAIT_MS):
        search.rerun()
    assert [hit.hit for hit in search.model.hits] == ["NATO", "Putin"]


def test_a_minimised_window_waits_and_a_closed_one_stops_following(
        qtbot: QtBot, window: MainWindow, teammate: Project, doc_ids: list[int]) -> None:
    search = _searched(qtbot, window, label="ACTOR")
    search.showMinimized()
    qtbot.waitUntil(search.isMinimized)
    _span(teammate, doc_ids[0], "NATO", "ACTOR", "bob")
    with qtbot.assertNotEmitted(search.searchFinished, wait=QUIET_MS):
        pass  # the change arrives, but nobody sees the rows
    assert search.model.hits == []
    with qtbot.waitSignal(search.searchFinished, timeout=WAIT_MS):
        search.showNormal()
    assert [hit.hit for hit in search.model.hits] == ["NATO"]

    assert search.follower.following
    search.close()
    assert not search.follower.following
    assert window.windows.search_window is None


def test_a_selected_row_that_is_not_current_stays_selected_after_a_rerun(
        qtbot: QtBot, window: MainWindow, doc_ids: list[int]) -> None:
    """``QTableView.selectRow`` on a window not laid out yet selects the row without making it
    current (the header has no column at its left edge then): the re-run keeps it all the same."""
    putin = _span(window.project, doc_ids[1], "Putin", "ACTOR", "alice")
    search = _searched(qtbot, window, label="ACTOR")
    selection = search.table.selectionModel()
    selection.clearCurrentIndex()
    selection.select(search.proxy.index(0, 0),
                     QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    assert not selection.currentIndex().isValid()
    with qtbot.waitSignal(search.searchFinished, timeout=WAIT_MS):
        search.rerun()
    assert _selected_span(search) == putin
