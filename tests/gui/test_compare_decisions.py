"""The comparison window's decisions that replace, relabel and clear, its Accept all agreed
report, and its way through the documents (issue 17), with real widgets on both backends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from annotator.gui.compare_view import CompareWindow
from annotator.gui.mainwindow import MainWindow
from annotator.review.adjudicate import provenance
from annotator.store import Project

CTRL = Qt.KeyboardModifier.ControlModifier


def _mark(project: Project, doc_id: int, word: str, label: str, who: str, **attrs: str) -> None:
    text = project.documents.get(doc_id).text
    start = text.index(word)
    project.annotations.add_span(doc_id, start, start + len(word), label, who, attrs=attrs or None)


@pytest.fixture
def compared(project: Project, doc_ids: list[int]) -> list[int]:
    """The first document: Захарова agreed (first), NATO an ACTOR for anna and a TARGET for boris,
    Minsk agreed; the second: Lukashenka agreed, nothing to decide; the third: only anna marked
    "repression"."""
    first, second, third = doc_ids
    for who in ("anna", "boris"):
        _mark(project, first, "Мария Захарова", "ACTOR", who, actor_type="official")
        _mark(project, first, "NATO", "ACTOR" if who == "anna" else "TARGET", who)
        _mark(project, first, "Minsk", "LOCATION", who)
        _mark(project, second, "Lukashenka", "ACTOR", who, actor_type="official")
        for doc_id in doc_ids:
            project.annotations.set_status(doc_id, who, "done")
    _mark(project, third, "repression", "THREAT", "anna", threat_type="repression")
    return doc_ids


def _open(window: MainWindow, doc_id: int) -> CompareWindow:
    compare = window.windows.open_comparison(doc_id, ["anna", "boris"])
    compare.setProperty("quiet_errors", True)
    return compare


def _gold_at(project: Project, doc_id: int, word: str) -> list[str]:
    start = project.documents.get(doc_id).text.index(word)
    return [span.label for span in project.annotations.spans(doc_id, layers=["gold"]) if span.start == start]


def test_a_second_version_replaces_the_first_and_one_undo_brings_it_back(
        qtbot: QtBot, project: Project, compared: list[int], make_window: Callable[..., MainWindow]) -> None:
    doc_id = compared[0]
    compare = _open(make_window(project, "carol"), doc_id)
    item = compare.current_item()
    assert compare.item_list.currentRow() == 1 and item is not None and item.kind == "label"  # not the agreement
    compare.accept_version("boris")
    [boris_gold] = project.annotations.spans(doc_id, layers=["gold"])
    compare.accept_version("anna")
    assert _gold_at(project, doc_id, "NATO") == ["ACTOR"]  # replaced, never TARGET and ACTOR both
    boris_span = next(s for s in project.annotations.spans(doc_id, annotators=["boris"]) if s.label == "TARGET")
    assert boris_span.status == "rejected"
    assert compare.views["gold"].span_ids_in_order() != [boris_gold.id]

    compare.undo()
    [back] = project.annotations.spans(doc_id, layers=["gold"])
    assert (back.id, back.label, back.version) == (boris_gold.id, "TARGET", boris_gold.version)
    assert provenance(project, back.id) == ("boris", "carol")
    assert project.annotations.span(boris_span.id).status == "accepted"
    compare.redo()
    assert _gold_at(project, doc_id, "NATO") == ["ACTOR"]


def test_relabel_asks_for_required_attributes_and_the_box_shows_the_gold_label(
        qtbot: QtBot, project: Project, compared: list[int], make_window: Callable[..., MainWindow]) -> None:
    doc_id = compared[0]
    compare = _open(make_window(project, "carol"), doc_id)
    combo = compare.panel.relabel_combo
    compare.accept_version("anna")
    assert combo.currentText() == "ACTOR"
    compare.select_item(0)  # Захарова: nothing in gold there, so nothing in the box
    assert combo.currentIndex() == -1
    compare.select_item(1)
    assert combo.currentText() == "ACTOR"
    gold = compare.current_gold()
    assert gold is not None

    compare.relabel_gold("CLAIM")  # a CLAIM needs a claim_type: the dialog asks, prefilled where it can
    dialog = compare.gold_edits.required_dialog
    assert dialog is not None and dialog.isVisible() and list(dialog.fields) == ["claim_type"]
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.waitUntil(dialog.isActiveWindow)
    field = dialog.fields["claim_type"]
    qtbot.keyClick(field, Qt.Key.Key_Down)  # by keyboard: the first choice
    assert ok.isEnabled()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    relabelled = project.annotations.span(gold.id)
    assert relabelled.label == "CLAIM"
    assert relabelled.attrs == {"claim_type": "assertion", "sovereignty_position": "not_addressed"}
    assert provenance(project, gold.id) == ("carol", "carol")
    assert combo.currentText() == "CLAIM" and compare.history.undo_label == "Relabel gold ACTOR → CLAIM"

    compare.gold_edits.choose_label()  # F2: a label chooser first, then the required attributes; Cancel there
    chooser = compare.gold_edits.label_dialog
    assert chooser is not None and chooser.textValue() == "CLAIM"
    chooser.setTextValue("THREAT")
    chooser.accept()
    asked = compare.gold_edits.required_dialog
    assert asked is not None and asked is not dialog and list(asked.fields) == ["threat_type"]
    asked.reject()  # Cancel changes nothing
    assert project.annotations.span(gold.id).label == "CLAIM"
    assert compare.history.undo_label == "Relabel gold ACTOR → CLAIM"

    compare.activateWindow()
    qtbot.waitUntil(compare.isActiveWindow)
    qtbot.keyClick(compare.item_list, Qt.Key.Key_Delete, CTRL)  # Clear a gold attribute value…: pick which
    chooser = compare.gold_edits.clear_dialog
    assert chooser is not None and chooser.comboBoxItems() == ["claim_type = assertion",
                                                               "sovereignty_position = not_addressed"]
    chooser.setTextValue("sovereignty_position = not_addressed")
    chooser.accept()
    assert project.annotations.span(gold.id).attrs == {"claim_type": "assertion"}
    compare.clear_attribute("claim_type")
    assert "[E1222]" in compare.statusBar().currentMessage()
    compare.undo()
    assert project.annotations.span(gold.id).attrs == {"claim_type": "assertion", "sovereignty_position": "not_addressed"}
    compare.undo()
    assert project.annotations.span(gold.id).label == "ACTOR" and provenance(project, gold.id) == ("anna", "carol")


def test_accept_all_agreed_says_what_it_took_and_left(
        qtbot: QtBot, project: Project, compared: list[int], make_window: Callable[..., MainWindow]) -> None:
    doc_id = compared[0]
    compare = _open(make_window(project, "carol"), doc_id)
    compare.accept_all_agreed()
    message = compare.statusBar().currentMessage()
    assert "Accepted into gold: 2 span(s), 0 relation(s), 1 attribute value(s)" in message
    assert "1 item(s) whose versions differ" in message
    assert compare.report_box is not None and compare.report_box.text() == message  # shown, without blocking
    assert sorted(span.label for span in project.annotations.spans(doc_id, layers=["gold"])) == ["ACTOR", "LOCATION"]
    compare.undo()
    assert project.annotations.spans(doc_id, layers=["gold"]) == []


def test_the_comparison_walks_the_documents_and_mark_reviewed_moves_on(
        qtbot: QtBot, project: Project, compared: list[int], make_window: Callable[..., MainWindow]) -> None:
    first, second, third = compared
    compare = _open(make_window(project, "carol"), first)
    qtbot.waitExposed(compare)
    qtbot.waitUntil(compare.isActiveWindow)  # the keys are window shortcuts
    keys = compare.item_list

    qtbot.keyClick(keys, Qt.Key.Key_PageDown, CTRL)
    assert compare.doc_id == second and "Document 2 of 3" in compare.statusBar().currentMessage()
    qtbot.keyClick(keys, Qt.Key.Key_PageDown, CTRL)
    qtbot.keyClick(keys, Qt.Key.Key_PageDown, CTRL)  # the last: it says so and stays
    assert compare.doc_id == third and "[E1226]" in compare.statusBar().currentMessage()
    qtbot.keyClick(keys, Qt.Key.Key_PageUp, CTRL)
    qtbot.keyClick(keys, Qt.Key.Key_PageUp, CTRL)
    assert compare.doc_id == first and compare.item_list.currentRow() == 1  # at its first undecided difference

    qtbot.keyClick(keys, Qt.Key.Key_PageDown, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert compare.doc_id == third  # the second has nothing to decide
    qtbot.keyClick(keys, Qt.Key.Key_Return, CTRL)  # Mark reviewed moves on, round to the first
    assert project.annotations.status(third, "carol") == "reviewed"
    assert compare.doc_id == first and "reviewed by carol" in compare.statusBar().currentMessage()

    qtbot.keyClick(keys, Qt.Key.Key_1, CTRL)  # anna's ACTOR for NATO: the first is decided
    qtbot.keyClick(keys, Qt.Key.Key_Return, CTRL)
    assert compare.doc_id == third  # still undecided (reviewed, but "repression" is pending)
    qtbot.keyClick(keys, Qt.Key.Key_X)  # reject it: nothing undecided is left anywhere
    qtbot.keyClick(keys, Qt.Key.Key_Return, CTRL)
    assert compare.doc_id == third and "[E1225]" in compare.statusBar().currentMessage()
    assert "reviewed by carol" in compare.statusBar().currentMessage()


def test_opened_from_the_agreement_list_it_walks_that_list(
        qtbot: QtBot, project: Project, compared: list[int], make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project, "carol")
    dialog = window.windows.show_agreement()
    for row in range(dialog.annotator_list.count()):
        item = dialog.annotator_list.item(row)
        item.setCheckState(Qt.CheckState.Checked if item.text() in ("anna", "boris") else Qt.CheckState.Unchecked)
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.summary is not None and dialog.task is None, timeout=60_000)
    summary = dialog.summary
    assert summary is not None
    listed = [row.doc_id for row in summary.documents]
    top = dialog.document_list.topLevelItem(0)
    assert top is not None
    dialog.document_list.itemDoubleClicked.emit(top, 0)
    compare = window.windows.compare_window
    assert compare is not None and compare.flow.documents() == listed
    window.windows.open_comparison(compared[0], ["anna", "boris"])  # from the main window: every document
    assert compare.flow.documents() == compared
