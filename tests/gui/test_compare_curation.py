"""The comparison window over every kind of difference: the list says who said what, F8 walks
them all, the panel shows the versions side by side, Ctrl+1… take one into gold, and decisions
look different in the list and in the text."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.compare_view import CompareWindow
from annotator.gui.mainwindow import MainWindow
from annotator.store import Project
from tests.test_curation import craft

CTRL = Qt.KeyboardModifier.ControlModifier


def open_compare(qtbot: QtBot, project: Project, make_window: Callable[..., MainWindow]) -> tuple[CompareWindow, int]:
    doc_id = craft(project)
    window = make_window(project, "rita")
    compare = window.windows.open_comparison(doc_id, ["anna", "boris"])
    compare.setProperty("quiet_errors", True)
    qtbot.waitExposed(compare)
    compare.activateWindow()
    qtbot.waitUntil(compare.isActiveWindow)  # its keys are window shortcuts
    return compare, doc_id


def row_of(compare: CompareWindow, kind: str, topic: str = "") -> int:
    return next(row for row, item in enumerate(compare.items) if item.kind == kind and item.topic.startswith(topic))


def test_f8_walks_every_kind_and_the_list_says_who_said_what(
        qtbot: QtBot, project: Project, make_window: Callable[..., MainWindow]) -> None:
    compare, _doc_id = open_compare(qtbot, project, make_window)
    texts = [compare.item_list.item(row).text() for row in range(compare.item_list.count())]
    assert any("claim_type: anna evaluation · boris accusation" in text for text in texts)
    assert any("stance: anna critical · boris (not set)" in text for text in texts)
    assert any("relevance: anna RELEVANT · boris NOT_RELEVANT" in text for text in texts)
    assert any("relation: anna participant_in · boris speaker_of" in text for text in texts)
    compare.select_item(row_of(compare, "agreement"))
    seen = []
    for _ in range(len(compare.items)):
        qtbot.keyClick(compare.item_list, Qt.Key.Key_F8)
        seen.append(compare.item_list.currentRow())
    differences = sorted(set(seen))
    place = differences.index(compare.item_list.currentRow()) + 1
    assert compare.statusBar().currentMessage().startswith(f"Difference {place} of {len(differences)}: ")
    kinds = {compare.items[row].kind for row in seen}
    assert kinds == {"doc_label", "attribute", "actor", "relation"}  # every non-agreed kind, agreements skipped
    assert {row for row, item in enumerate(compare.items) if item.kind != "agreement"} == set(seen)


def test_ctrl_2_takes_an_attribute_value_and_the_decision_shows(
        qtbot: QtBot, project: Project, make_window: Callable[..., MainWindow]) -> None:
    compare, doc_id = open_compare(qtbot, project, make_window)
    row = row_of(compare, "attribute", "claim_type")
    compare.select_item(row)
    assert compare.panel.version_cells() == [("Ctrl+1", "anna", "evaluation"), ("Ctrl+2", "boris", "accusation"),
                                             ("", "Gold", "no gold copy of the span yet")]
    assert not compare.item_list.item(row).text().startswith("✓")

    qtbot.keyClick(compare.item_list, Qt.Key.Key_2, CTRL)

    [gold] = project.annotations.spans(doc_id, layers=["gold"])
    assert gold.label == "CLAIM" and gold.attrs["claim_type"] == "accusation"
    assert compare.statusBar().currentMessage() == "Took boris's claim_type=accusation into gold."
    row = row_of(compare, "attribute", "claim_type")
    entry = compare.item_list.item(row)
    assert entry.text().startswith("✓") and "Decided" in entry.toolTip()
    assert compare.current_item() is not None and compare.current_item().kind == "attribute"
    assert compare.panel.version_cells()[-1] == ("", "Gold", "accusation")
    boris_claim = compare.items[row].first("boris")
    assert boris_claim is not None
    assert compare.views["boris"].review_marks() == {boris_claim.id: "accepted"}  # boxed in the text

    qtbot.keyClick(compare.item_list, Qt.Key.Key_1, CTRL)  # anna's value replaces it on the same copy
    [again] = project.annotations.spans(doc_id, layers=["gold"])
    assert again.id == gold.id and again.attrs["claim_type"] == "evaluation"
    qtbot.keyClick(compare.item_list, Qt.Key.Key_Z, CTRL)
    assert project.annotations.span(gold.id).attrs["claim_type"] == "accusation"
    assert compare.statusBar().currentMessage() == "Undid: Take anna's claim_type=evaluation."
    qtbot.keyClick(compare.item_list, Qt.Key.Key_Z, CTRL)
    assert project.annotations.spans(doc_id, layers=["gold"]) == []
    assert compare.views["boris"].review_marks() == {}


def test_relation_actor_and_document_label_keys_and_rejects(
        qtbot: QtBot, project: Project, make_window: Callable[..., MainWindow]) -> None:
    compare, doc_id = open_compare(qtbot, project, make_window)
    compare.select_item(row_of(compare, "relation"))
    qtbot.keyClick(compare.item_list, Qt.Key.Key_1, CTRL)
    assert [r.label for r in project.annotations.relations(doc_id, layers=["gold"])] == ["speaker_of"]
    assert compare.statusBar().currentMessage() == "Took anna's relation (speaker_of) into gold."

    compare.select_item(row_of(compare, "actor"))
    qtbot.keyClick(compare.item_list, Qt.Key.Key_2, CTRL)
    actors = {span.actor for span in project.annotations.spans(doc_id, layers=["gold"]) if span.label == "ACTOR"}
    assert actors == {"Lukashenko's office"}

    compare.select_item(row_of(compare, "doc_label", "relevance"))
    qtbot.keyClick(compare.item_list, Qt.Key.Key_2, CTRL)
    assert project.annotations.doc_labels(doc_id, "rita", layer="gold") == ["NOT_RELEVANT"]
    assert compare.panel.version_cells()[-1] == ("", "Gold", "NOT_RELEVANT")

    qtbot.keyClick(compare.item_list, Qt.Key.Key_X)  # gold holds boris's labels: rejecting is refused, said so
    assert "[E1262]" in compare.statusBar().currentMessage()
    assert project.annotations.doc_labels(doc_id, "rita", layer="gold") == ["NOT_RELEVANT"]

    compare.select_item(row_of(compare, "doc_label", "NEEDS_DISCUSSION"))  # only anna set it: X records the rejection
    qtbot.keyClick(compare.item_list, Qt.Key.Key_X)
    assert compare.statusBar().currentMessage().startswith("Rejected NEEDS_DISCUSSION:")
    assert compare.items[row_of(compare, "doc_label", "NEEDS_DISCUSSION")].state == "rejected"
    assert project.annotations.doc_labels(doc_id, "rita", layer="gold") == ["NOT_RELEVANT"]

    only = project.annotations.add_span(doc_id, 70, 80, "CLAIM", "anna", attrs={"claim_type": "promise"})
    compare.refresh()
    row = next(row for row, item in enumerate(compare.items) if item.kind == "only_one")
    compare.select_item(row)
    qtbot.keyClick(compare.item_list, Qt.Key.Key_X)
    assert project.annotations.span(only.id).status == "rejected"
    assert compare.statusBar().currentMessage().startswith("Rejected anna: CLAIM")
    entry = compare.item_list.item(row)
    assert entry.text().startswith("✗") and entry.font().strikeOut() and "Rejected" in entry.toolTip()
    assert compare.views["anna"].review_marks()[only.id] == "rejected"
    assert "rejected by the reviewer" in compare.views["anna"].tooltip_extra(project.annotations.span(only.id))
