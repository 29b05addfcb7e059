"""Adjudication steps through the editing core alone (``annotator.ops.adjudication``), on SQLite
and PostgreSQL: every step, its undo and its redo change the database exactly as they should,
one transaction (one change-log row) each; a redo puts the gold rows back under their ids, also
after another writer inserted rows; a step meeting a teammate's change is refused whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from annotator.ops import History, Operation, StepRefused
from annotator.ops.adjudication import (
    AcceptAgreed,
    AcceptAttribute,
    AcceptRelations,
    AcceptSpans,
    CommentSpan,
    delete_gold,
    mark_reviewed,
    reject_spans,
    resize_gold,
)
from annotator.ops.gold_edits import RelabelGold
from annotator.review.adjudicate import accept_span, provenance, span_comments
from annotator.store import Project
from annotator.store.tables import SPAN
from annotator.store.versions import ConflictError
from tests.ops_support import import_article, log_rows

REVIEWER = "rita"


@pytest.fixture
def doc_id(project: Project, tmp_path: Path) -> int:
    """anna and boris agree on Lukashenko and the claim "said", differ on the label of Belarus; anna's
    Lukashenko has an attribute and a relation to her Moscow."""
    doc = import_article(project, tmp_path)
    annotations = project.annotations
    for name, label in (("anna", "ACTOR"), ("boris", "TARGET")):
        head = annotations.add_span(doc, 0, 10, "ACTOR", name,
                                    attrs={"actor_type": "state"} if name == "anna" else None)
        tail = annotations.add_span(doc, 11, 15, "CLAIM", name)
        annotations.add_span(doc, 39, 46, label, name)
        if name == "anna":
            annotations.add_relation(head.id, tail.id, "speaker_of", name)
    return doc


def snapshot(project: Project, doc_id: int) -> dict[str, Any]:
    """Everything adjudication can change, ids, marks and provenance included (versions only
    move forward, so an undo leaves a higher one)."""
    with project.reading() as connection:
        provenances = sorted(connection.execute(
            sa.select(SPAN.c.id, SPAN.c.origin_annotator, SPAN.c.adjudicator)
            .where(SPAN.c.document_id == doc_id)).all())
    spans = [(s.id, s.label, s.start, s.end, s.layer, s.annotator, tuple(sorted(s.attrs.items())), s.status)
             for s in project.annotations.spans(doc_id)]
    relations = [(r.id, r.label, r.head_id, r.tail_id, r.layer) for r in project.annotations.relations(doc_id)]
    return {"spans": spans, "provenance": provenances, "relations": relations,
            "status": project.annotations.status(doc_id, REVIEWER), "comments": span_comments(project, doc_id)}


def _of(project: Project, doc_id: int, who: str, start: int) -> Any:
    return next(s for s in project.annotations.spans(doc_id, annotators=[who], layers=["annotation"])
                if s.start == start)


def _gold(project: Project, doc_id: int, start: int = 0) -> Any:
    return next(s for s in project.annotations.spans(doc_id, layers=["gold"]) if s.start == start)


def _accept_version(project: Project, doc_id: int) -> Operation:
    return AcceptSpans([_of(project, doc_id, "boris", 39)], REVIEWER)


def _accept_agreed(project: Project, doc_id: int) -> Operation:
    return AcceptAgreed(doc_id, ["anna", "boris"], REVIEWER)


def _reject(project: Project, doc_id: int) -> Operation:
    return reject_spans([_of(project, doc_id, "anna", 39), _of(project, doc_id, "boris", 39)])


def _with_gold(project: Project, doc_id: int) -> Any:
    accept_span(project, _of(project, doc_id, "anna", 0).id, REVIEWER)
    return _gold(project, doc_id)


def _delete_gold(project: Project, doc_id: int) -> Operation:
    return delete_gold(_with_gold(project, doc_id))


def _relabel_gold(project: Project, doc_id: int) -> Operation:
    return RelabelGold(_with_gold(project, doc_id), "TARGET", REVIEWER)


def _resize_gold(project: Project, doc_id: int) -> Operation:
    return resize_gold(_with_gold(project, doc_id), 0, 4)


def _accept_attribute(project: Project, doc_id: int) -> Operation:
    gold = _with_gold(project, doc_id)
    project.annotations.update_span(gold.id, attrs={})
    return AcceptAttribute(project.annotations.span(gold.id), _of(project, doc_id, "anna", 0), "actor_type")


def _accept_relation(project: Project, doc_id: int) -> Operation:
    _with_gold(project, doc_id)
    accept_span(project, _of(project, doc_id, "anna", 11).id, REVIEWER)
    return AcceptRelations(project.annotations.relations(doc_id, layers=["annotation"]), REVIEWER)


def _mark_reviewed(project: Project, doc_id: int) -> Operation:
    return mark_reviewed(doc_id, REVIEWER)


def _comment(project: Project, doc_id: int) -> Operation:
    return CommentSpan(_with_gold(project, doc_id), REVIEWER, "Check the quote.")


Case = Callable[[Project, int], Operation]
CASES: dict[str, Case] = {
    "accept a version": _accept_version, "accept all agreed": _accept_agreed, "reject": _reject,
    "delete gold span": _delete_gold, "relabel gold span": _relabel_gold, "resize gold span": _resize_gold,
    "accept attribute": _accept_attribute, "accept relation": _accept_relation,
    "mark reviewed": _mark_reviewed, "comment": _comment,
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_adjudication_step_undoes_and_redoes_in_one_transaction_each(
        case: str, project: Project, doc_id: int) -> None:
    operation = CASES[case](project, doc_id)
    history = History.of(project, REVIEWER)
    before = snapshot(project, doc_id)
    rows = log_rows(project)
    outcome = history.perform(operation)
    after = snapshot(project, doc_id)
    assert after != before
    assert outcome.changes.touches_document(doc_id) and outcome.changes.made_by(project.origin)
    assert history.undo_label == operation.label
    history.undo()
    assert snapshot(project, doc_id) == before, case
    history.redo()
    redone = snapshot(project, doc_id)
    assert redone["spans"] == after["spans"] and redone["relations"] == after["relations"], case
    assert redone["comments"] == after["comments"] and redone["status"] == after["status"]
    history.undo()
    assert snapshot(project, doc_id)["spans"] == before["spans"], case
    history.redo()
    assert snapshot(project, doc_id)["spans"] == after["spans"], case
    assert log_rows(project) == rows + 5  # the step, two undos, two redos: one transaction each


def test_accept_agreed_is_one_transaction_and_its_redo_keeps_the_gold_ids(project: Project, doc_id: int) -> None:
    history = History.of(project, REVIEWER)
    rows = log_rows(project)
    report = history.perform(AcceptAgreed(doc_id, ["anna", "boris"], REVIEWER)).result
    assert (report.spans, report.marked) == (2, 4) and log_rows(project) == rows + 1
    gold_ids = sorted(span.id for span in project.annotations.spans(doc_id, layers=["gold"]))
    history.undo()
    with Project.open(project.location) as teammate:  # takes the next ids
        theirs = teammate.annotations.add_span(doc_id, 52, 55, "ACTOR", "carol")
    history.redo()
    gold = project.annotations.spans(doc_id, layers=["gold"])
    assert sorted(span.id for span in gold) == gold_ids and theirs.id not in gold_ids
    assert {provenance(project, span.id) for span in gold} == {("anna", REVIEWER)}
    assert {s.status for s in project.annotations.spans(doc_id, annotators=["anna", "boris"], layers=["annotation"])
            if s.start in (0, 11)} == {"accepted"}  # one copy per agreed item, every version in it accepted


def test_a_later_step_on_a_redone_gold_span_still_undoes(project: Project, doc_id: int) -> None:
    history = History.of(project, REVIEWER)
    history.perform(AcceptSpans([_of(project, doc_id, "anna", 39)], REVIEWER))
    gold = _gold(project, doc_id, 39)
    history.perform(RelabelGold(gold, "LOCATION", REVIEWER))
    history.undo()
    history.undo()
    history.redo()
    history.redo()
    assert _gold(project, doc_id, 39).label == "LOCATION" and _gold(project, doc_id, 39).id == gold.id
    history.undo()
    history.undo()
    assert project.annotations.spans(doc_id, layers=["gold"]) == []


def test_undo_of_an_acceptance_another_reviewer_edited_is_refused_whole(project: Project, doc_id: int) -> None:
    history = History.of(project, REVIEWER)
    history.perform(AcceptAgreed(doc_id, ["anna", "boris"], REVIEWER))
    with Project.open(project.location) as teammate:
        teammate.annotations.update_span(_gold(project, doc_id, 11).id, label="LOCATION")
    stored = snapshot(project, doc_id)
    with pytest.raises(StepRefused, match="E190"):
        history.undo()
    assert snapshot(project, doc_id) == stored  # the other gold copy was not taken back either
    assert history.undo_label is None and history.redo_label is None


def test_commenting_on_a_gold_span_a_teammate_deleted_is_a_conflict(project: Project, doc_id: int) -> None:
    gold = _with_gold(project, doc_id)
    with Project.open(project.location) as teammate:
        teammate.annotations.delete_span(gold.id)
    history = History.of(project, REVIEWER)
    with pytest.raises(ConflictError, match="E131"):  # as any edit of a deleted span
        history.perform(CommentSpan(gold, REVIEWER, "Check the quote."))
    assert history.undo_label is None and span_comments(project, doc_id) == {}


def test_accepting_a_relation_whose_end_is_not_in_gold_changes_nothing(project: Project, doc_id: int) -> None:
    _with_gold(project, doc_id)  # the head only
    before = snapshot(project, doc_id)
    with pytest.raises(Exception, match="E905"):
        History.of(project, REVIEWER).perform(
            AcceptRelations(project.annotations.relations(doc_id, layers=["annotation"]), REVIEWER))
    assert snapshot(project, doc_id) == before


def test_a_rejection_then_an_acceptance_of_the_same_span_undo_and_redo_in_turn(project: Project, doc_id: int) -> None:
    """Each undo moves the annotator span's version on; the step below expects the mark it wrote."""
    history = History.of(project, REVIEWER)
    span = _of(project, doc_id, "anna", 39)
    history.perform(reject_spans([span]))
    history.perform(AcceptSpans([project.annotations.span(span.id)], REVIEWER))
    history.undo()
    history.undo()
    assert project.annotations.span(span.id).status == span.status
    assert project.annotations.spans(doc_id, layers=["gold"]) == []
    history.redo()
    history.redo()
    assert project.annotations.span(span.id).status == "accepted"
    assert _gold(project, doc_id, 39).label == span.label
    history.undo()
    history.undo()
    assert project.annotations.span(span.id).status == span.status
