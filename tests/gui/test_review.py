"""Review: the agreement window over a real project, comparison and adjudication into gold."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.conflicts import CONFLICT_TITLE
from annotator.gui.mainwindow import MainWindow
from annotator.gui.review_window import AgreementWindow
from annotator.review.adjudicate import provenance
from annotator.review.corpus import OBSERVED
from annotator.store import Project
from annotator.store.change_log import Changes


def annotate_twice(project: Project, doc_ids: list[int]) -> tuple[int, int, int]:
    """anna and boris both mark the first document done; they agree on one span and differ on
    the label of another (NATO: ACTOR for anna, TARGET for boris)."""
    doc_id = doc_ids[0]
    text = project.documents.get(doc_id).text
    start = text.index("NATO")
    end = start + len("NATO")
    minsk = text.index("Minsk")
    annotations = project.annotations
    for name, label in (("anna", "ACTOR"), ("boris", "TARGET")):
        annotations.add_span(doc_id, start, end, label, name)
        annotations.add_span(doc_id, minsk, minsk + len("Minsk"), "LOCATION", name)
        annotations.set_status(doc_id, name, "done")
    return doc_id, start, end


@pytest.mark.slow
def test_agreement_window_computes_and_fills_the_matrix_for_two_annotators(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    annotate_twice(project, doc_ids)
    window = make_window(project, "carol")
    dialog = window.windows.show_agreement()
    for row in range(dialog.annotator_list.count()):  # carol has no layer: leave her out
        item = dialog.annotator_list.item(row)
        if item.text() == "carol":
            item.setCheckState(item.checkState().Unchecked)
    assert dialog.chosen_annotators() == ["anna", "boris"]

    dialog.compute()
    qtbot.waitUntil(lambda: dialog.summary is not None and dialog.task is None, timeout=30_000)

    assert dialog.matrix.rowCount() == dialog.matrix.columnCount() == 2
    assert dialog.matrix.value(0, 1) == dialog.matrix.value(1, 0) == 0.5  # F1 overlap: 1 of 2 spans each
    assert dialog.matrix.item(0, 1).text() == "0.500"
    dialog.measure_combo.setCurrentText("Cohen's κ")
    kappa = dialog.matrix.value(0, 1)
    assert kappa is not None and -1.0 <= kappa < 1.0
    dialog.measure_combo.setCurrentText("Relation F1")  # neither drew a relation: n/a, with the reason
    assert dialog.matrix.value(0, 1) is None and dialog.matrix.item(0, 1).text() == "n/a"
    assert "[E1006]" in dialog.matrix.item(0, 1).toolTip()
    labels = dict(dialog.label_bars.rows())
    assert labels["LOCATION"]["F1"] == 1.0 and labels["ACTOR"]["F1"] == 0.0
    assert dialog.document_list.topLevelItemCount() == 1
    assert "documents: 1 counted of" in dialog.overall_label.text()
    row = dialog.figures.row("Fleiss' κ (tokens)")
    assert row is not None and row[3] == "1" and row[4] == "2"  # documents, annotators it rests on

    row = dialog.document_list.topLevelItem(0)
    assert row is not None
    dialog.document_list.itemDoubleClicked.emit(row, 0)  # opens the comparison of that document
    compare = window.windows.compare_window
    assert compare is not None and compare.doc_id == doc_ids[0] and compare.annotators == ["anna", "boris"]
    assert [item.kind for item in compare.items] == ["label", "agreement"]


def _compute(qtbot: QtBot, dialog: AgreementWindow) -> None:
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)


def test_agreement_window_says_why_a_figure_is_not_available_and_offers_the_rules(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    doc_id = doc_ids[0]
    text = project.documents.get(doc_id).text
    start = text.index("NATO")
    for name in ("anna", "boris"):
        project.annotations.add_span(doc_id, start, start + 4, "ACTOR", name)
    project.annotations.set_status(doc_id, "anna", "done")  # boris is still working on it
    window = make_window(project, "carol")
    dialog = window.windows.show_agreement()
    assert [dialog.observed_combo.itemData(i) for i in range(dialog.observed_combo.count())] == list(OBSERVED)
    for row in range(dialog.annotator_list.count()):
        item = dialog.annotator_list.item(row)
        if item.text() == "carol":
            item.setCheckState(Qt.CheckState.Unchecked)

    _compute(qtbot, dialog)  # done: one observer, nothing to measure; never 1.0
    summary = dialog.summary
    assert summary is not None and summary.alpha_u.value is None
    assert "not available" in dialog.overall_label.text() and "[E1000]" in dialog.overall_label.text()
    alpha = dialog.figures.row("Krippendorff's αu (characters)")
    assert alpha is not None and alpha[1] == "n/a" and "[E1000]" in alpha[5]
    assert dialog.matrix.item(0, 1).text() == "n/a"

    dialog.observed_combo.setCurrentIndex(list(OBSERVED).index("with-spans"))
    assert "whatever its status" in dialog.rule_label.text()
    _compute(qtbot, dialog)  # boris's work in progress counts as it stands
    summary = dialog.summary
    assert summary is not None and summary.n_documents == 1 and summary.alpha_u.value == pytest.approx(1.0)
    assert dialog.matrix.value(0, 1) == 1.0
    assert "observed: with-spans" in dialog.overall_label.toolTip()


def test_agreement_window_computes_intervals_in_the_background_and_cancel_stops_it(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    for doc_id in doc_ids[:3]:
        text = project.documents.get(doc_id).text
        for name, shift in (("anna", 0), ("boris", 1)):
            for position in range(0, min(len(text), 600) - 20, 40):
                project.annotations.add_span(doc_id, position + shift, position + 12, "ACTOR", name)
            project.annotations.set_status(doc_id, name, "done")
    window = make_window(project, "anna")
    dialog = window.windows.show_agreement()
    dialog.intervals.setChecked(True)
    task = dialog.compute()
    assert task is not None and not dialog.compute_button.isEnabled()  # the work is off the GUI thread
    qtbot.waitUntil(lambda: dialog.task is None, timeout=120_000)
    summary = dialog.summary
    assert summary is not None and summary.alpha_u.interval is not None
    alpha = dialog.figures.row("Krippendorff's αu (characters)")
    assert alpha is not None and alpha[2].startswith("[")
    assert "95% bootstrap" in dialog.overall_label.text()

    dialog._summary = None
    task = dialog.compute()
    assert task is not None
    task.cancel()  # what the progress dialog's Cancel does
    qtbot.waitUntil(lambda: dialog.task is None, timeout=120_000)
    assert dialog.summary is None and "Cancelled" in dialog.overall_label.text()
    assert dialog.compute_button.isEnabled()


def test_adjudication_of_a_disagreement_in_the_gui_writes_the_chosen_span_to_gold_with_its_provenance(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    doc_id, start, end = annotate_twice(project, doc_ids)
    window = make_window(project, "carol")
    window.open_document(doc_id)
    compare = window.windows.compare_current_document()
    assert compare is not None and compare.annotators == ["anna", "boris"]
    compare.setProperty("quiet_errors", True)
    qtbot.waitExposed(compare)
    qtbot.waitUntil(compare.isActiveWindow)  # its keys are window shortcuts
    assert [item.kind for item in compare.items] == ["label", "agreement"]  # NATO, then Minsk

    compare.select_item(1)  # on the agreement; F8 goes to the next disagreement, wrapping
    qtbot.keyClick(compare.item_list, Qt.Key.Key_F8)
    item = compare.current_item()
    assert item is not None and item.kind == "label"
    boris_span = item.first("boris")
    assert boris_span is not None
    assert compare.views["boris"].current_span_id() == boris_span.id  # selected in boris's layer

    compare.panel.accept_buttons["boris"].click()

    [gold] = project.annotations.spans(doc_id, layers=["gold"])
    assert (gold.start, gold.end, gold.label) == (start, end, "TARGET")
    assert provenance(project, gold.id) == ("boris", "carol")
    assert compare.current_gold() is not None and compare.current_gold().id == gold.id
    assert "boris's version, adjudicated by carol" in compare.panel.provenance_label.text()
    assert "boris's version" in compare.views["gold"].tooltip_extra(gold)
    assert compare.history.undo_label == "Accept boris's TARGET"

    qtbot.keyClick(compare.item_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert project.annotations.spans(doc_id, layers=["gold"]) == []
    assert compare.views["gold"].span_ids_in_order() == []

    compare.redo()  # the same gold span comes back, under its id, with its provenance
    [again] = project.annotations.spans(doc_id, layers=["gold"])
    assert again.id == gold.id and provenance(project, again.id) == ("boris", "carol")


def test_accept_all_agreed_then_mark_reviewed_are_undoable(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    doc_id, _start, _end = annotate_twice(project, doc_ids)
    window = make_window(project, "carol")
    compare = window.windows.open_comparison(doc_id, ["anna", "boris"])
    compare.setProperty("quiet_errors", True)

    compare.accept_all_agreed()
    assert [span.label for span in project.annotations.spans(doc_id, layers=["gold"])] == ["LOCATION"]
    compare.mark_reviewed()
    assert project.annotations.status(doc_id, "carol") == "reviewed"

    compare.undo()
    assert project.annotations.status(doc_id, "carol") != "reviewed"
    compare.undo()
    assert project.annotations.spans(doc_id, layers=["gold"]) == []


def test_relations_and_attribute_values_of_a_picked_span_are_accepted_into_gold_and_undone(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    doc_id = doc_ids[0]
    text = project.documents.get(doc_id).text
    actor_at = text.index("Мария Захарова")
    claim_at = text.index("NATO threatens the Kremlin's plans")
    annotations = project.annotations
    spans = {}
    for name in ("anna", "boris"):
        attrs = {"actor_type": "official" if name == "anna" else "state"}
        spans[name] = (annotations.add_span(doc_id, actor_at, actor_at + 14, "ACTOR", name, attrs=attrs),
                       annotations.add_span(doc_id, claim_at, claim_at + 34, "CLAIM", name))
    anna_actor, anna_claim = spans["anna"]
    annotations.add_relation(anna_actor.id, anna_claim.id, "speaker_of", "anna")
    window = make_window(project, "carol")
    compare = window.windows.open_comparison(doc_id, ["anna", "boris"])
    compare.setProperty("quiet_errors", True)
    compare.accept_all_agreed()  # the ACTOR is agreed (same offsets and label); its disputed actor_type is not
    [gold_actor, gold_claim] = annotations.spans(doc_id, layers=["gold"])
    assert gold_actor.attrs == {}

    compare.views["anna"].spanClicked.emit(anna_actor.id)  # as a click on anna's ACTOR does
    assert compare.picked is not None and compare.picked.id == anna_actor.id
    assert compare.current_gold() is not None and compare.current_gold().id == gold_actor.id
    compare.accept_relations()
    assert compare.history.undo_label == "Accept anna's relations"
    [relation] = annotations.relations(doc_id, layers=["gold"])
    assert (relation.head_id, relation.tail_id, relation.label) == (gold_actor.id, gold_claim.id, "speaker_of")
    boris_actor = spans["boris"][0]
    compare.views["boris"].spanClicked.emit(boris_actor.id)
    assert compare.panel.attribute_combo.currentText() == "actor_type"
    compare.accept_attribute("actor_type")
    assert annotations.span(gold_actor.id).attrs == {"actor_type": "state"}

    compare.undo()
    assert annotations.span(gold_actor.id).attrs == {}
    compare.undo()
    assert annotations.relations(doc_id, layers=["gold"]) == []


def test_reject_and_delete_gold_are_undoable_and_refusals_are_reported(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    doc_id, _start, _end = annotate_twice(project, doc_ids)
    window = make_window(project, "carol")
    compare = window.windows.open_comparison(doc_id, ["anna", "boris"])
    compare.setProperty("quiet_errors", True)
    compare.select_item(0)  # the label disagreement on NATO

    compare.delete_gold()  # nothing in gold yet: refused, nothing pushed
    assert "No gold span is selected" in compare.statusBar().currentMessage()
    assert compare.history.undo_label is None

    compare.reject_item()
    assert {span.status for span in project.annotations.spans(doc_id, layers=["annotation"])
            if span.label in ("ACTOR", "TARGET")} == {"rejected"}
    compare.undo()
    assert all(span.status is None for span in project.annotations.spans(doc_id, layers=["annotation"]))

    compare.accept_version("anna")
    compare.relabel_gold("LOCATION")  # a label with no required attribute: no dialog
    [gold] = project.annotations.spans(doc_id, layers=["gold"])
    assert gold.label == "LOCATION"
    compare.delete_gold()
    assert project.annotations.spans(doc_id, layers=["gold"]) == []
    compare.undo()  # back with its id and provenance
    [back] = project.annotations.spans(doc_id, layers=["gold"])
    assert back.id == gold.id and provenance(project, back.id) == ("carol", "carol")  # the relabel made it carol's


def test_f5_in_the_comparison_shows_a_teammates_new_span(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    """Reviewing while annotators still work on a shared project: their new spans appear on F5."""
    doc_id, _start, _end = annotate_twice(project, doc_ids)
    window = make_window(project, "carol")
    compare = window.windows.open_comparison(doc_id, ["anna", "boris"])
    qtbot.waitExposed(compare)
    qtbot.waitUntil(compare.isActiveWindow)
    assert len(compare.items) == 2
    text = project.documents.get(doc_id).text
    with Project.open(project.location) as boris_desk:  # boris, on his own workstation
        start = text.index("Belarus on")
        boris_desk.annotations.add_span(doc_id, start, start + len("Belarus"), "TARGET", "boris")
    assert len(compare.items) == 2
    qtbot.keyClick(compare.item_list, Qt.Key.Key_F5)
    assert [item.kind for item in compare.items].count("only_one") == 1


def test_an_adjudication_is_the_windows_own_change_and_its_undo_shows_in_the_menu(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    """Issue 13: an adjudication in the comparison window is no "others changed" news for the
    main window: it reaches the main window's bridge as a change carrying the project's origin,
    and the change log holds nothing from anyone else."""
    doc_id, _start, _end = annotate_twice(project, doc_ids)
    window = make_window(project, "carol")
    compare = window.windows.open_comparison(doc_id, ["anna", "boris"])
    compare.setProperty("quiet_errors", True)
    assert compare.bridge is window.bridge  # one bridge, one feed
    heard: list[Changes] = []
    window.bridge.changed.connect(heard.append)
    window.bridge.poll()  # the set-up above, made through the same project, is its own too

    compare.accept_all_agreed()
    compare.undo()
    compare.redo()
    qtbot.wait(50)
    assert len(heard) == 3 and all(changes.made_by(project.origin) for changes in heard)
    assert all(changes.touches_document(doc_id) for changes in heard)
    assert window.bridge.poll() is None  # nothing from others
    assert compare.redo_action.text() == "&Redo" and not compare.redo_action.isEnabled()
    assert compare.undo_action.text() == "&Undo Accept all agreed items"


def test_commenting_on_a_gold_span_a_teammate_deleted_shows_the_conflict_and_reloads(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    doc_id, _start, _end = annotate_twice(project, doc_ids)
    window = make_window(project, "carol")
    compare = window.windows.open_comparison(doc_id, ["anna", "boris"])
    compare.setProperty("quiet_errors", True)
    compare.accept_all_agreed()
    compare.select_item(1)  # Minsk, now in gold
    gold = compare.current_gold()
    assert gold is not None
    with Project.open(project.location) as teammate:
        teammate.annotations.delete_span(gold.id)
    compare.panel.comment_edit.setText("Check the quote.")
    compare.comment_gold()
    assert compare.conflict_dialog is not None and compare.conflict_dialog.windowTitle() == CONFLICT_TITLE
    assert "[E131]" in compare.conflict_dialog.text() and "E107" not in compare.conflict_dialog.text()
    assert compare.views["gold"].span_ids_in_order() == []  # reloaded: the deleted span is gone
    assert compare.history.undo_label == "Accept all agreed items"  # the refused comment is no step


def test_redo_shortcut_is_not_ambiguous(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    doc_id, _start, _end = annotate_twice(project, doc_ids)
    compare = make_window(project, "carol").windows.open_comparison(doc_id, ["anna", "boris"])
    keys = [key.toString() for key in compare.redo_action.shortcuts()]
    assert "Ctrl+Shift+Z" in keys and len(keys) == len(set(keys))
