"""The editing core alone (``annotator.ops``), on SQLite and PostgreSQL: every operation, its
undo and its redo change the database exactly as they should, each in one transaction (one
change-log row); redo after another writer inserted rows; conflicts drop the step cleanly;
the change feed tells own changes from others'."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from annotator.errors import UserError
from annotator.ops import ChangeFeed, History, Operation, StepRefused
from annotator.ops.documents import SetDocumentLabel, SetDocumentNote, SetStatus
from annotator.ops.spans import (
    AddFragment,
    AddRelation,
    AddSpan,
    DeleteRelation,
    DeleteSpan,
    RemoveFragment,
    UpdateSpan,
)
from annotator.ops.suggestions import AcceptSuggestions, RejectSuggestions
from annotator.store import Project
from annotator.store.change_log import LOG, Changes
from annotator.store.database import create_project_engine, location_to_url
from annotator.store.migrate import upgrade
from annotator.store.suggestions import DocumentCandidates, SpanCandidate
from annotator.store.tables import SPAN
from annotator.store.versions import ConflictError
from tests.ops_support import import_article, log_rows

ME = "alice"


@pytest.fixture
def doc_id(project: Project, tmp_path: Path) -> int:
    return import_article(project, tmp_path)


def _suggest(project: Project, doc_id: int) -> None:
    """Three pending suggestions and a suggested relation, as a pipeline run writes them."""
    spans = [SpanCandidate(0, 10, "ACTOR", "ner"), SpanCandidate(21, 27, "ACTOR", "ner"),
             SpanCandidate(39, 46, "ACTOR", "ner")]
    project.suggestions.replace_pending("model", [DocumentCandidates(doc_id, spans)])


def snapshot(project: Project, doc_id: int) -> dict[str, Any]:
    """Everything an edit of the document can change, as comparable values (ids included)."""
    spans = [(s.id, s.label, s.start, s.end, s.fragments, s.layer, s.annotator, tuple(sorted(s.attrs.items())),
              s.note, s.status) for s in project.annotations.spans(doc_id)]
    relations = [(r.id, r.label, r.head_id, r.tail_id, r.layer) for r in project.annotations.relations(doc_id)]
    return {"spans": spans, "relations": relations, "labels": project.annotations.doc_labels(doc_id, ME),
            "status": project.annotations.status(doc_id, ME),
            "notes": [(who, text) for _id, who, text in project.annotations.notes(doc_id)]}  # one row per author, re-made on change


def _span(project: Project, doc_id: int, label: str = "ACTOR") -> Any:
    return next(s for s in project.annotations.spans(doc_id, layers=["annotation"]) if s.label == label)


def _claim_and_speaker(project: Project, doc_id: int) -> tuple[Any, Any]:
    actor = project.annotations.add_span(doc_id, 0, 10, "ACTOR", ME)
    claim = project.annotations.add_span(doc_id, 16, 65, "CLAIM", ME, attrs={"claim_type": "assertion"})
    return actor, claim


# Each case: (set-up before the operation, the operation to perform on that state).
Case = Callable[[Project, int], Operation]


def _add_span(project: Project, doc_id: int) -> Operation:
    return AddSpan(doc_id, 0, 10, "ACTOR", ME)


def _delete_span_with_relation(project: Project, doc_id: int) -> Operation:
    actor, claim = _claim_and_speaker(project, doc_id)
    project.annotations.add_relation(actor.id, claim.id, "speaker_of", ME)
    return DeleteSpan(project.annotations.span(actor.id))


def _relabel(project: Project, doc_id: int) -> Operation:
    span = project.annotations.add_span(doc_id, 21, 27, "ACTOR", ME)
    return UpdateSpan(span, label="LOCATION")


def _resize_and_attrs(project: Project, doc_id: int) -> Operation:
    span = project.annotations.add_span(doc_id, 21, 27, "ACTOR", ME)
    return UpdateSpan(span, start=20, end=27, attrs={"actor_type": "state"})


def _add_fragment(project: Project, doc_id: int) -> Operation:
    span = project.annotations.add_span(doc_id, 0, 10, "ACTOR", ME)  # "Lukashenko" … "Belarus"
    return AddFragment(span, 39, 46, "ACTOR")


def _remove_fragment(project: Project, doc_id: int) -> Operation:
    span = project.annotations.add_span(doc_id, 0, 46, "ACTOR", ME, fragments=[(0, 10), (21, 27), (39, 46)])
    return RemoveFragment(span, 21, 27, "ACTOR")


def _add_relation(project: Project, doc_id: int) -> Operation:
    actor, claim = _claim_and_speaker(project, doc_id)
    return AddRelation(actor, claim, "speaker_of", ME)


def _delete_relation(project: Project, doc_id: int) -> Operation:
    actor, claim = _claim_and_speaker(project, doc_id)
    return DeleteRelation(project.annotations.add_relation(actor.id, claim.id, "speaker_of", ME))


def _status(project: Project, doc_id: int) -> Operation:
    return SetStatus(doc_id, ME, "done")


def _document_label(project: Project, doc_id: int) -> Operation:
    label = project.schema.document_labels[0].name
    return SetDocumentLabel(doc_id, ME, label, True)


def _document_note(project: Project, doc_id: int) -> Operation:
    project.annotations.set_document_note(doc_id, ME, "first thoughts")
    return SetDocumentNote(doc_id, ME, "second thoughts")


def _accept_all(project: Project, doc_id: int) -> Operation:
    _suggest(project, doc_id)
    return AcceptSuggestions(doc_id, ME)


def _accept_one(project: Project, doc_id: int) -> Operation:
    _suggest(project, doc_id)
    return AcceptSuggestions(doc_id, ME, suggestion=project.suggestions.spans(doc_id)[1])


def _reject_all(project: Project, doc_id: int) -> Operation:
    _suggest(project, doc_id)
    return RejectSuggestions(doc_id)


CASES: dict[str, Case] = {
    "add span": _add_span, "delete span with its relation": _delete_span_with_relation, "relabel": _relabel,
    "resize and set attributes": _resize_and_attrs, "add a fragment": _add_fragment,
    "remove a fragment": _remove_fragment, "add relation": _add_relation,
    "delete relation": _delete_relation, "status": _status, "document label": _document_label,
    "document note": _document_note, "accept all suggestions": _accept_all, "accept one suggestion": _accept_one,
    "reject all suggestions": _reject_all,
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_operation_undoes_and_redoes_in_one_transaction_each(case: str, project: Project, doc_id: int) -> None:
    operation = CASES[case](project, doc_id)
    history = History.of(project, ME)
    before = snapshot(project, doc_id)
    rows = log_rows(project)
    outcome = history.perform(operation)
    after = snapshot(project, doc_id)
    assert after != before
    assert doc_id in outcome.changes.documents and outcome.changes.origin == project.origin
    assert history.undo_label == operation.label
    for expected in (before, after, before, after):
        undone_or_redone = history.undo() if expected is before else history.redo()
        assert snapshot(project, doc_id) == expected, case
        assert doc_id in undone_or_redone.changes.documents
    assert log_rows(project) == rows + 5  # the action, two undos, two redos: one transaction each
    assert history.redo_label is None and history.undo_label == operation.label


def test_redo_after_another_writer_inserted_keeps_the_span_and_its_id(project: Project, doc_id: int) -> None:
    """The defect of issue 13: SQLite handed the undone span's id to the next insert, and redo
    failed with "UNIQUE constraint failed: span.id"."""
    history = History.of(project, ME)
    span = history.perform(AddSpan(doc_id, 0, 10, "ACTOR", ME)).result
    history.undo()
    with Project.open(project.location) as teammate:
        theirs = teammate.annotations.add_span(doc_id, 21, 27, "ACTOR", "bob")
    assert theirs.id != span.id
    history.redo()
    labels = {(s.id, s.annotator) for s in project.annotations.spans(doc_id)}
    assert labels == {(span.id, ME), (theirs.id, "bob")}


def test_undo_meeting_a_teammates_change_drops_the_step_and_changes_nothing(project: Project, doc_id: int) -> None:
    history = History.of(project, ME)
    history.perform(AddSpan(doc_id, 0, 10, "ACTOR", "carol", layer="gold"))
    span = history.perform(AddSpan(doc_id, 21, 27, "ACTOR", "carol", layer="gold")).result
    with Project.open(project.location) as teammate:
        teammate.annotations.update_span(span.id, label="LOCATION")
    stored = snapshot(project, doc_id)
    with pytest.raises(StepRefused, match=r"\[E190\] Cannot undo \"Add ACTOR\"") as refused:
        history.undo()
    assert refused.value.current is not None and refused.value.current.label == "LOCATION"
    assert snapshot(project, doc_id) == stored
    assert history.undo_label == "Add ACTOR" and history.redo_label is None  # the step below is still there
    history.undo()
    assert [s.label for s in project.annotations.spans(doc_id)] == ["LOCATION"]


def test_redo_of_a_decision_on_a_replaced_suggestion_is_refused_whole(project: Project, doc_id: int) -> None:
    _suggest(project, doc_id)
    history = History.of(project, ME)
    history.perform(AcceptSuggestions(doc_id, ME))
    history.undo()
    _suggest(project, doc_id)  # a new pipeline run replaces the pending suggestions
    before = snapshot(project, doc_id)
    with pytest.raises(StepRefused, match="E190"):
        history.redo()
    assert snapshot(project, doc_id) == before
    assert history.redo_label is None


def test_steps_on_one_span_undo_and_redo_in_any_depth(project: Project, doc_id: int) -> None:
    """Each undo moves the row's version on; the steps below still undo (they expect what they
    left, not a version), and a teammate's change in between is still refused."""
    history = History.of(project, ME)
    span = history.perform(AddSpan(doc_id, 16, 65, "CLAIM", ME)).result
    span = history.perform(UpdateSpan(span, attrs={"claim_type": "assertion"})).result
    span = history.perform(UpdateSpan(span, attrs={"claim_type": "assertion", "stance": "hostile"})).result
    span = history.perform(UpdateSpan(span, label="THREAT", attrs={})).result
    states = []
    for _ in range(3):
        current = project.annotations.span(span.id)
        states.append((current.label, current.attrs))
        history.undo()
    assert project.annotations.span(span.id).attrs == {}
    history.undo()
    assert project.annotations.spans(doc_id) == []
    for _ in range(4):
        history.redo()
    assert (project.annotations.span(span.id).label, project.annotations.span(span.id).attrs) == states[0]
    for _ in range(2):
        history.undo()
    with Project.open(project.location) as teammate:
        teammate.annotations.update_span(span.id, note="checked")
    with pytest.raises(StepRefused, match="E190"):
        history.undo()
    assert project.annotations.span(span.id).note == "checked"


def test_a_relation_added_then_its_end_relabelled_undoes_both(project: Project, doc_id: int) -> None:
    actor, claim = _claim_and_speaker(project, doc_id)
    history = History.of(project, ME)
    relation = history.perform(AddRelation(actor, claim, "speaker_of", ME)).result
    history.perform(UpdateSpan(project.annotations.span(actor.id), label="LOCATION"))
    history.undo()
    history.undo()
    assert project.annotations.relations(doc_id) == []
    history.redo()
    history.redo()
    assert [r.id for r in project.annotations.relations(doc_id)] == [relation.id]
    history.undo()
    history.undo()
    assert project.annotations.relations(doc_id) == []


def test_note_edits_merge_into_one_step(project: Project, doc_id: int) -> None:
    history = History.of(project, ME)
    span = history.perform(AddSpan(doc_id, 0, 10, "ACTOR", ME)).result
    for text in ("t", "th", "the"):
        span = history.perform(UpdateSpan(span, note=text)).result
    history.undo()
    assert project.annotations.span(span.id).note == ""
    history.redo()
    assert project.annotations.span(span.id).note == "the"


def test_the_feed_tells_own_changes_from_others(project: Project, doc_id: int) -> None:
    feed = ChangeFeed.of(project)
    heard: list[Changes] = []
    feed.subscribe(heard.append)
    History.of(project, ME).perform(AddSpan(doc_id, 0, 10, "ACTOR", ME))
    assert len(heard) == 1 and heard[0].made_by(project.origin) and heard[0].label == "Add ACTOR"
    assert feed.poll() is None  # its own row is not news
    with Project.open(project.location) as teammate:
        theirs = teammate.annotations.add_span(doc_id, 21, 27, "ACTOR", "bob")
        teammate.annotations.set_status(doc_id, "bob", "done")
        origin = teammate.origin
    news = feed.poll()
    assert news is not None and news.origin == origin and not news.made_by(project.origin)
    assert theirs.id in news.spans and doc_id in news.statuses and news.touches_document(doc_id)
    assert heard[-1] is news
    assert feed.poll() is None


def test_a_reader_that_fell_behind_the_kept_rows_reloads_everything(project: Project, doc_id: int) -> None:
    feed = ChangeFeed.of(project)
    project.annotations.set_status(doc_id, ME, "done")
    feed.poll()
    with Project.open(project.location) as teammate:
        teammate.annotations.set_status(doc_id, "bob", "done")
        teammate.annotations.set_status(doc_id, "bob", "in_progress")
        with teammate.transaction() as connection:
            connection.execute(LOG.delete().where(LOG.c.id < sa.select(sa.func.max(LOG.c.id)).scalar_subquery()))
    news = feed.poll()
    assert news is not None and news.everything


def test_deletable_tables_never_reuse_ids_in_new_and_migrated_projects(tmp_path: Path) -> None:
    new = tmp_path / "new.db"
    Project.open(new).close()
    migrated = tmp_path / "old.db"
    engine = create_project_engine(location_to_url(migrated))
    upgrade(engine, "0006")
    upgrade(engine)
    engine.dispose()
    for path in (new, migrated):
        with sqlite3.connect(path) as connection:
            tables = {name: sql for name, sql in connection.execute("SELECT name, sql FROM sqlite_master WHERE type='table'")}
        for table in ("span", "relation", "note", "document_label", "actor", "actor_alias", "change_log"):
            assert "AUTOINCREMENT" in tables[table], (path.name, table)


def test_fragments_added_and_removed_keep_the_span_its_id_and_relations(project: Project, doc_id: int) -> None:
    """Shift with the label key: a selection becomes a piece of the current span (pieces it
    touches or overlaps merge), a selection that is exactly a piece leaves it; the span keeps
    its id, attributes and relations, and each step undoes in one."""
    history = History.of(project, ME)
    actor = history.perform(AddSpan(doc_id, 0, 10, "ACTOR", ME, attrs={"actor_type": "state"})).result
    claim = project.annotations.add_span(doc_id, 11, 20, "CLAIM", ME)
    relation = history.perform(AddRelation(actor, claim, "speaker_of", ME)).result
    span = history.perform(AddFragment(actor, 39, 46, "ACTOR")).result
    assert (span.id, span.start, span.end, span.fragments) == (actor.id, 0, 46, ((0, 10), (39, 46)))
    assert history.undo_label == "Add a fragment to ACTOR"
    span = history.perform(AddFragment(span, 21, 27, "ACTOR")).result
    assert span.fragments == ((0, 10), (21, 27), (39, 46))
    span = history.perform(AddFragment(span, 27, 39, "ACTOR")).result  # the gap between two pieces
    assert span.fragments == ((0, 10), (21, 46))
    span = history.perform(RemoveFragment(span, 0, 10, "ACTOR")).result  # one piece left: contiguous
    assert (span.start, span.end, span.fragments, span.attrs) == (21, 46, None, {"actor_type": "state"})
    assert [(r.id, r.head_id, r.tail_id) for r in project.annotations.relations(doc_id)] == \
        [(relation.id, actor.id, claim.id)]
    for expected in (((0, 10), (21, 46)), ((0, 10), (21, 27), (39, 46)), ((0, 10), (39, 46)), None):
        history.undo()
        stored = project.annotations.span(actor.id)
        assert stored.fragments == expected
        assert (stored.start, stored.end) == ((0, 46) if expected else (0, 10))
    for _ in range(4):
        history.redo()
    stored = project.annotations.span(actor.id)
    assert (stored.start, stored.end, stored.fragments) == (21, 46, None)
    assert len(project.annotations.relations(doc_id)) == 1


@pytest.mark.parametrize(("pieces", "operation", "code"), [
    (None, lambda span: AddFragment(span, 39, 46, "LOCATION"), "E590"),  # another label's key
    (None, lambda span: AddFragment(span, 2, 6, "ACTOR"), "E592"),  # already inside the span
    ([(0, 10), (39, 46)], lambda span: AddFragment(span, 39, 46, "ACTOR"), "E592"),
    (None, lambda span: RemoveFragment(span, 0, 10, "ACTOR"), "E593"),  # its only piece
    ([(0, 10), (39, 46)], lambda span: RemoveFragment(span, 39, 46, "THREAT"), "E590"),
])
def test_a_refused_fragment_step_says_why_and_changes_nothing(
        project: Project, doc_id: int, pieces: list[tuple[int, int]] | None,
        operation: Callable[[Any], Operation], code: str) -> None:
    span = project.annotations.add_span(doc_id, 0, 46 if pieces else 10, "ACTOR", ME, fragments=pieces)
    history = History.of(project, ME)
    before, rows = snapshot(project, doc_id), log_rows(project)
    with pytest.raises(UserError, match=rf"\[{code}\]"):
        history.perform(operation(span))
    assert snapshot(project, doc_id) == before and log_rows(project) == rows
    assert history.undo_label is None


def test_a_fragment_added_to_a_span_a_teammate_changed_is_a_conflict(project: Project, doc_id: int) -> None:
    history = History.of(project, ME)
    span = history.perform(AddSpan(doc_id, 0, 10, "ACTOR", ME)).result
    with Project.open(project.location) as teammate:
        teammate.annotations.update_span(span.id, note="checked")
    stored = snapshot(project, doc_id)
    with pytest.raises(ConflictError, match=r"\[E130\]"):
        history.perform(AddFragment(span, 39, 46, "ACTOR"))
    assert snapshot(project, doc_id) == stored
    fragmented = history.perform(AddFragment(project.annotations.span(span.id), 39, 46, "ACTOR")).result
    with Project.open(project.location) as teammate:
        teammate.annotations.update_span(span.id, label="LOCATION")
    with pytest.raises(StepRefused, match="E190"):
        history.undo()  # the teammate relabelled the span after the fragment was added
    assert project.annotations.span(span.id).fragments == fragmented.fragments


def test_the_store_keeps_fragments_valid_on_update(project: Project, doc_id: int) -> None:
    """``update_span(fragments=…)``: pieces in order, not overlapping, inside the text; start and
    end follow them; one piece is a contiguous span; a resize moves the outer pieces' ends."""
    annotations = project.annotations
    span = annotations.add_span(doc_id, 0, 10, "ACTOR", ME)
    span = annotations.update_span(span.id, fragments=[(0, 10), (21, 27)])
    assert (span.start, span.end, span.fragments) == (0, 27, ((0, 10), (21, 27)))
    for bad, code in (([(21, 27), (0, 10)], "E594"), ([(0, 10), (5, 27)], "E594"), ([(0, 10), (60, 80)], "E106"),
                      ([(0, 10), (12, 12)], "E106"), ([(-1, 10), (21, 27)], "E106")):
        with pytest.raises(UserError, match=rf"\[{code}\]"):
            annotations.update_span(span.id, fragments=bad)
    with pytest.raises(UserError, match=r"\[E106\]"):
        annotations.update_span(span.id, fragments=[(0, 10), (21, 27)], start=0, end=30)  # ends disagree
    assert annotations.span(span.id) == span
    span = annotations.update_span(span.id, start=2, end=46)  # resized: the outer ends move
    assert (span.start, span.end, span.fragments) == (2, 46, ((2, 10), (21, 46)))
    span = annotations.update_span(span.id, start=21, end=46)  # one piece left inside: contiguous
    assert (span.start, span.end, span.fragments) == (21, 46, None)
    span = annotations.update_span(span.id, fragments=[(0, 10), (39, 46)])
    span = annotations.update_span(span.id, fragments=[(39, 46)])
    assert (span.start, span.end, span.fragments) == (39, 46, None)
    span = annotations.update_span(span.id, fragments=[(0, 10), (39, 46)])
    span = annotations.update_span(span.id, fragments=None, start=0, end=10)
    assert (span.start, span.end, span.fragments) == (0, 10, None)
    with project.reading() as connection:  # contiguous again is SQL NULL, as a span never split
        assert connection.execute(sa.select(SPAN.c.fragments.is_(None)).where(SPAN.c.id == span.id)).scalar_one()
