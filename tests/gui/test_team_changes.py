"""Several analysts on one project: teammates' edits arriving in the open window (F5, the poll)
and edits refused because someone else changed the item first (a dialog, then a reload).

"Someone else" is a second ``Project.open`` on the same file, as another analyst's window is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.mainwindow import MainWindow
from annotator.review import adjudicate
from annotator.store import Project
from tests.gui.helpers import select_text


@pytest.fixture
def teammate(project: Project) -> Iterator[Project]:
    """Another analyst's handle on the same project file."""
    with Project.open(project.location) as other:
        yield other


def _span_at(project: Project, doc_id: int, word: str, label: str, annotator: str) -> int:
    text = project.documents.get(doc_id).text
    start = text.index(word)
    return project.annotations.add_span(doc_id, start, start + len(word), label, annotator).id


def test_f5_shows_a_teammates_new_span_and_keeps_the_analysts_place(
        qtbot: QtBot, window: MainWindow, teammate: Project, doc_ids: list[int]) -> None:
    window.menus.show_others_action.setChecked(True)
    select_text(window, "NATO")
    window.apply_label("ACTOR")
    own = window.editor.current_span()
    assert own is not None and window.editor.history.undo_label is not None

    theirs = _span_at(teammate, doc_ids[0], "Minsk", "LOCATION", "bob")
    _span_at(teammate, doc_ids[1], "Putin", "ACTOR", "alice")  # alice's other session, another document
    assert window.view.span(theirs) is None  # nothing arrives by itself before a refresh or a poll

    qtbot.keyClick(window.view, Qt.Key.Key_F5)
    shown = window.view.span(theirs)
    assert shown is not None and (shown.label, shown.annotator) == ("LOCATION", "bob")
    assert window.view.current_span_id() == own.id and window.editor.history.undo_label is not None
    row = window.doc_model.row_of(doc_ids[1])
    assert row is not None and window.doc_model.data(window.doc_model.index(row, 3)) == 1  # the list's count

    window.undo()  # the analyst's own undo history is untouched by the refresh
    assert window.view.span(own.id) is None and window.view.span(theirs) is not None


def test_the_poll_reloads_when_others_change_the_open_document(
        qtbot: QtBot, window: MainWindow, teammate: Project, doc_ids: list[int]) -> None:
    window.menus.show_others_action.setChecked(True)
    select_text(window, "NATO")
    window.apply_label("ACTOR")  # an own edit moves the baseline: no "others changed" for it
    window.bridge.poll()
    assert "Others changed" not in window.statusBar().currentMessage()

    theirs = _span_at(teammate, doc_ids[0], "Minsk", "LOCATION", "bob")
    qtbot.waitUntil(lambda: window.view.span(theirs) is not None, timeout=5_000)
    assert "[E561] Others changed this document (1 span changed)" in window.statusBar().currentMessage()
    assert window.editor.history.undo_label is not None

    teammate.annotations.update_span(theirs, label="ACTOR")
    qtbot.waitUntil(lambda: window.view.span(theirs).label == "ACTOR", timeout=5_000)


def test_a_conflicting_edit_shows_the_current_value_and_reloads(
        qtbot: QtBot, window: MainWindow, teammate: Project, doc_ids: list[int]) -> None:
    select_text(window, "NATO")
    window.apply_label("ACTOR")
    span = window.editor.current_span()
    assert span is not None
    window.apply_label("THREAT")  # relabel the current span; undo of it must expect the new version
    window.undo()
    assert teammate.annotations.span(span.id).label == "ACTOR"
    window.redo()
    assert teammate.annotations.span(span.id).label == "THREAT"

    teammate.annotations.update_span(span.id, label="CLAIM", note="checked by alice on the laptop")
    steps = window.editor.history.undo_label
    window.apply_label("TARGET")

    dialog = window.changes.conflict_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.text().startswith("[E560] [E130] Span")
    assert "label CLAIM" in dialog.text() and "NATO" in dialog.text() and "has been reloaded" in dialog.text()
    assert window.view.span(span.id).label == "CLAIM"  # the window shows the value that won
    assert teammate.annotations.span(span.id).label == "CLAIM"
    assert window.editor.history.undo_label == steps
    dialog.accept()

    window.undo()  # undoing the relabel would overwrite the teammate's CLAIM: refused too
    assert teammate.annotations.span(span.id).label == "CLAIM"
    refused = window.changes.conflict_dialog
    assert refused is not dialog and "[E190] Cannot undo" in refused.text() and "changed by someone else" in refused.text()
    assert window.editor.history.undo_label == "Add ACTOR"  # the refused step was dropped


def test_two_reviewers_on_one_gold_span_in_the_comparison(
        qtbot: QtBot, project: Project, teammate: Project, doc_ids: list[int],
        make_window: Callable[..., MainWindow]) -> None:
    doc_id = doc_ids[0]
    for name, label in (("anna", "ACTOR"), ("boris", "TARGET")):
        _span_at(project, doc_id, "NATO", label, name)
    window = make_window(project, "carol")
    compare = window.windows.open_comparison(doc_id, ["anna", "boris"])
    compare.setProperty("quiet_errors", True)
    compare.select_item(0)
    compare.accept_version("anna")
    gold = compare.current_gold()
    assert gold is not None and gold.label == "ACTOR"

    teammate.annotations.update_span(gold.id, label="TARGET", expected_version=gold.version)  # dave decides
    compare.relabel_gold("LOCATION")  # a label with no required attribute: no dialog

    dialog = compare.conflict_dialog
    assert dialog is not None and "[E130]" in dialog.text() and "gold layer" in dialog.text()
    assert "label TARGET" in dialog.text()
    assert compare.views["gold"].span(gold.id).label == "TARGET"  # reloaded: the winner's value
    assert project.annotations.span(gold.id).label == "TARGET"

    adjudicate.delete_gold_span(teammate, gold.id)  # dave deletes it; carol's undo of her accept says so
    compare.undo()  # refused whole (E190, saying why) and dropped from the history
    assert "[E190]" in compare.conflict_dialog.text() and "deleted by someone else" in compare.conflict_dialog.text()
    assert compare.history.undo_label is None


def test_deleting_a_relation_someone_already_deleted_reloads(
        qtbot: QtBot, window: MainWindow, teammate: Project, doc_ids: list[int]) -> None:
    head = _span_at(teammate, doc_ids[0], "Захарова", "ACTOR", "alice")
    tail = _span_at(teammate, doc_ids[0], "NATO threatens", "CLAIM", "alice")
    relation = teammate.annotations.add_relation(head, tail, "speaker_of", "alice")
    qtbot.keyClick(window.view, Qt.Key.Key_F5)
    window.editor.select_span(head)
    assert [found.id for found, _other, _text in window.editor.relations_of(window.editor.current_span())] == [
        relation.id]

    teammate.annotations.delete_relation(relation.id)  # alice's other session got there first
    window.inspector.relationDeleteRequested.emit(relation.id)

    assert "[E562] Relation" in window.statusBar().currentMessage()
    assert window.editor.history.undo_label is None and window.view.span(head) is not None
    assert window.editor.relations_of(window.editor.current_span()) == []
