"""View ▸ Document order (issue 18): the list least certain first or most disagreement first,
Ctrl+Enter following it, the status bar saying so, a column click ending it, the choice kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.corpus.importer import import_paths
from annotator.gui.mainwindow import MainWindow
from annotator.store import Project
from annotator.store.suggestions import DocumentCandidates, SpanCandidate
from tests.gui.helpers import FIRST_TEXT, SECOND_TEXT, THIRD_TEXT, press


def scored(project: Project, doc_id: int, text: str, word: str, score: float) -> None:
    start = text.index(word)
    project.suggestions.replace_pending("trained", [DocumentCandidates(doc_id, [
        SpanCandidate(start, start + len(word), "LOCATION", "spancat", score)])])


@pytest.mark.slow  # a window closed and opened again / two real processes
def test_least_certain_first_and_back(qtbot: QtBot, project: Project, doc_ids: list[int], project_path: Path,
                                      make_window: Callable[..., MainWindow]) -> None:
    first, second, third = doc_ids
    scored(project, second, SECOND_TEXT, "Sochi", 0.9)
    scored(project, third, THIRD_TEXT, "Gomel", 0.45)
    window = make_window(project)
    order = window.doc_order
    assert window.doc_model.ids == doc_ids and not order.label.isVisible()
    order.actions["uncertain"].trigger()
    qtbot.waitUntil(lambda: window.doc_model.ids == [third, second, first])
    assert order.label.isVisible() and order.label.text() == "Order: Least certain first"
    assert window.settings.document_order == "uncertain"
    tooltip = window.doc_model.data(window.doc_model.index(2, 1), Qt.ItemDataRole.ToolTipRole)
    assert tooltip.endswith("Least certain first: last: no pending suggestion with a score")
    assert "2 of 3 documents ranked" in window.statusBar().currentMessage()
    assert not window.doc_list.table.horizontalHeader().isSortIndicatorShown()

    window.open_document(third)
    press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # done, then the next in order
    assert window.editor.document.id == second
    assert window.doc_list.current_document() == second

    window.doc_list.table.horizontalHeader().sectionClicked.emit(0)  # sort by id: the order is off
    assert window.doc_model.ids == doc_ids
    assert not order.label.isVisible() and order.actions[None].isChecked()
    assert window.doc_list.table.horizontalHeader().isSortIndicatorShown()
    assert window.settings.document_order is None

    order.actions["disagreement"].trigger()
    qtbot.waitUntil(lambda: order.order is not None)
    assert order.label.text() == "Order: Most disagreement first"
    window.close()
    with Project.open(project_path) as again:
        reopened = make_window(again)
        qtbot.waitUntil(lambda: reopened.doc_order.order is not None)  # the kept choice, computed again
        assert reopened.doc_order.actions["disagreement"].isChecked()
        assert reopened.doc_order.label.text() == "Order: Most disagreement first"
        reopened.close()


def test_most_disagreement_first(qtbot: QtBot, project: Project, doc_ids: list[int],
                                 make_window: Callable[..., MainWindow]) -> None:
    first, second, third = doc_ids
    minsk = FIRST_TEXT.index("Minsk")
    sochi = SECOND_TEXT.index("Sochi")
    for name, label in (("alice", "LOCATION"), ("bob", "ACTOR")):
        project.annotations.add_span(second, sochi, sochi + 5, label, name)
        project.annotations.add_span(first, minsk, minsk + 5, "LOCATION", name)
    window = make_window(project)
    window.doc_order.actions["disagreement"].trigger()
    qtbot.waitUntil(lambda: window.doc_model.ids == [second, first, third])
    assert window.doc_order.order is not None
    assert window.doc_order.order.note(second) == "1 difference (1 of 1 place differ) between alice, bob"


def test_another_project_gets_its_own_order(qtbot: QtBot, project: Project, doc_ids: list[int], tmp_path: Path,
                                            make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    window.doc_order.actions["uncertain"].trigger()
    qtbot.waitUntil(lambda: window.doc_order.order is not None)
    other = Project.open(tmp_path / "other.db")
    folder = tmp_path / "other"
    folder.mkdir()
    for name, text in (("a", "Nothing in Brest.\n"), ("b", "Gomel and Minsk.\n")):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    first, second = (document.id for document in import_paths(other, [folder]).imported)
    scored(other, second, "Gomel and Minsk.\n", "Gomel", 0.5)
    window.set_project(other)
    qtbot.waitUntil(lambda: window.doc_order.order is not None and set(window.doc_order.order.ranks) == {first, second})
    assert window.doc_model.ids == [second, first]
    assert window.doc_order.label.text() == "Order: Least certain first"
