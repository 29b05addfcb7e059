"""The agreement window's review figures (issue 17): precision and recall in the matrix, each
annotator against gold, and the documents ranked by their differences."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from annotator.gui.mainwindow import MainWindow
from annotator.gui.review_window import AgreementWindow
from annotator.ops import execute
from annotator.ops.adjudication import AcceptAgreed
from annotator.review import adjudicate
from annotator.store import Project
from tests.gui.test_review import annotate_twice


def _compute(qtbot: QtBot, dialog: AgreementWindow, annotators: list[str]) -> None:
    for row in range(dialog.annotator_list.count()):
        item = dialog.annotator_list.item(row)
        item.setCheckState(item.checkState().Checked if item.text() in annotators else item.checkState().Unchecked)
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.summary is not None and dialog.task is None, timeout=60_000)


def test_the_window_shows_precision_recall_gold_and_differences(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    first, nato, nato_end = annotate_twice(project, doc_ids)  # NATO: ACTOR for anna, TARGET for boris; Minsk agreed
    second = doc_ids[1]
    text = project.documents.get(second).text
    for name in ("anna", "boris"):
        project.annotations.add_span(second, 0, len("Lukashenka"), "ACTOR", name)
        project.annotations.set_status(second, name, "done")
    for word in ("Putin", "Sochi"):  # only anna: two spans to settle
        start = text.index(word)
        project.annotations.add_span(second, start, start + len(word), "ACTOR", "anna")
    # carol adjudicates the first document: Minsk as both said, NATO as anna said
    execute(project, AcceptAgreed(first, ["anna", "boris"], "carol"))
    [anna_nato] = [span for span in project.annotations.spans(first, layers=["annotation"])
                   if span.annotator == "anna" and span.start == nato and span.end == nato_end]
    adjudicate.accept_span(project, anna_nato.id, "carol")
    adjudicate.set_reviewed(project, first, "carol")

    window = make_window(project, "carol")
    dialog = window.windows.show_agreement()
    _compute(qtbot, dialog, ["anna", "boris"])

    # anna has 5 units, boris 3, 2 matched: anna's precision against boris 2/5, recall 2/3
    dialog.measure_combo.setCurrentText("Precision (overlap), row against column")
    assert dialog.matrix.value(0, 1) == 0.4 and dialog.matrix.value(1, 0) == 2 / 3
    assert dialog.matrix.item(0, 1).text() == "0.400"
    dialog.measure_combo.setCurrentText("Recall (overlap), row against column")
    assert dialog.matrix.value(0, 1) == 2 / 3 and dialog.matrix.value(1, 0) == 0.4

    assert "1 counted documents with gold" in dialog.gold_label.text()
    anna, boris = dialog.gold_table.row("anna"), dialog.gold_table.row("boris")
    assert anna is not None and boris is not None
    # columns: annotator, documents, P, R, F1 overlap, P, R, F1 exact, αu, note
    assert anna[1:8] == ["1", "1.000", "1.000", "1.000", "1.000", "1.000", "1.000"]
    assert boris[1:8] == ["1", "0.500", "0.500", "0.500", "0.500", "0.500", "0.500"]

    rows = [dialog.document_list.topLevelItem(index) for index in range(dialog.document_list.topLevelItemCount())]
    assert [row.text(1) for row in rows if row is not None] == ["2", "1"]  # most differences first
    top = rows[0]
    assert top is not None and top.text(1) == "2" and top.toolTip(1) == "2 unmatched"
    assert rows[1] is not None and rows[1].toolTip(1) == "1 label"


def test_without_gold_the_window_says_why(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    annotate_twice(project, doc_ids)
    window = make_window(project, "carol")
    dialog = window.windows.show_agreement()
    _compute(qtbot, dialog, ["anna", "boris"])
    anna = dialog.gold_table.row("anna")
    assert anna is not None and anna[2:9] == ["n/a"] * 7 and "[E1181]" in anna[9]
    assert "0 counted documents with gold" in dialog.gold_label.text()
