"""Editing annotations through the core: every edit committed, deletes undoable with same ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.corpus.importer import import_paths
from annotator.errors import UserError
from annotator.formats.select import document_json
from annotator.store import Project

TEXT = "Zakharova 😀 said that Western countries were trying to pull Belarus away.\n"


@pytest.fixture
def doc_id(project: Project, tmp_path: Path) -> int:
    source = tmp_path / "doc.txt"
    source.write_text(TEXT, encoding="utf-8")
    return import_paths(project, [source]).imported[0].id


def test_span_offsets_are_code_points(project: Project, doc_id: int) -> None:
    start = TEXT.index("Western countries")
    span = project.annotations.add_span(doc_id, start, start + len("Western countries"), "ACTOR", "alice")
    stored = project.annotations.spans(doc_id)[0]
    assert (stored.start, stored.end, stored.label, stored.annotator, stored.layer) == (
        start, start + 17, "ACTOR", "alice", "annotation")
    assert TEXT[stored.start:stored.end] == "Western countries"
    assert stored.id == span.id


def test_edit_survives_reopening(project: Project, doc_id: int) -> None:
    project.annotations.add_span(doc_id, 0, 9, "ACTOR", "alice", attrs={"actor_type": "official"}, note="MFA")
    project.close()
    with Project.open(project.location) as reopened:
        [span] = reopened.annotations.spans(doc_id)
        assert (span.label, span.attrs, span.note) == ("ACTOR", {"actor_type": "official"}, "MFA")
        assert reopened.annotations.status(doc_id, "alice") == "in_progress"


def test_bad_spans_are_refused(project: Project, doc_id: int) -> None:
    with pytest.raises(UserError, match=r"\[E106\]"):
        project.annotations.add_span(doc_id, 5, 500, "ACTOR", "alice")
    with pytest.raises(UserError, match=r"\[E106\]"):
        project.annotations.add_span(doc_id, 5, 5, "ACTOR", "alice")
    with pytest.raises(UserError, match=r"\[E108\].*PERSON"):
        project.annotations.add_span(doc_id, 0, 9, "PERSON", "alice")
    with pytest.raises(UserError, match=r"\[E105\]"):
        project.annotations.add_span(999, 0, 9, "ACTOR", "alice")
    assert project.annotations.spans(doc_id) == []


def test_relations_follow_the_schema(project: Project, doc_id: int) -> None:
    actor = project.annotations.add_span(doc_id, 0, 9, "ACTOR", "alice")
    claim_start = TEXT.index("Western")
    claim = project.annotations.add_span(doc_id, claim_start, len(TEXT) - 2, "CLAIM", "alice")
    relation = project.annotations.add_relation(actor.id, claim.id, "speaker_of", "alice")
    assert project.annotations.relations(doc_id) == [relation]
    with pytest.raises(UserError, match=r"\[E109\]"):
        project.annotations.add_relation(claim.id, actor.id, "speaker_of", "alice")
    with pytest.raises(UserError, match=r"\[E110\]"):
        project.annotations.add_relation(actor.id, actor.id, "speaker_of", "alice")


def test_delete_span_with_relations_and_restore_keeps_ids(project: Project, doc_id: int) -> None:
    actor = project.annotations.add_span(doc_id, 0, 9, "ACTOR", "alice")
    claim = project.annotations.add_span(doc_id, TEXT.index("Western"), len(TEXT) - 2, "CLAIM", "alice")
    relation = project.annotations.add_relation(actor.id, claim.id, "speaker_of", "alice")
    deleted = project.annotations.delete_span(actor.id)
    assert deleted.relations == (relation,)
    assert [s.id for s in project.annotations.spans(doc_id)] == [claim.id]
    assert project.annotations.relations(doc_id) == []
    project.annotations.restore_span(deleted)
    assert [s.id for s in project.annotations.spans(doc_id)] == [actor.id, claim.id]
    assert project.annotations.relations(doc_id) == [relation]


def test_update_span(project: Project, doc_id: int) -> None:
    span = project.annotations.add_span(doc_id, 0, 9, "ACTOR", "alice")
    updated = project.annotations.update_span(span.id, label="TARGET", attrs={"x": "y"}, note="n", end=11)
    assert (updated.label, updated.attrs, updated.note, updated.end) == ("TARGET", {"x": "y"}, "n", 11)
    with pytest.raises(UserError, match=r"\[E106\]"):
        project.annotations.update_span(span.id, start=20, end=3)


def test_status_doc_labels_and_notes(project: Project, doc_id: int) -> None:
    annotations = project.annotations
    assert annotations.status(doc_id, "bob") == "todo"
    assert annotations.set_status(doc_id, "bob", "done") == "todo"
    assert project.documents.progress("bob") == (1, 1)
    with pytest.raises(UserError, match=r"\[E111\]"):
        annotations.set_status(doc_id, "bob", "finished")
    group = [label for label in project.schema.document_labels if label.group]
    first, second = [label.name for label in group if label.group == group[0].group][:2]
    annotations.set_doc_label(doc_id, first, "bob", True)
    annotations.set_doc_label(doc_id, second, "bob", True)
    assert annotations.doc_labels(doc_id, "bob") == [second]  # same group: mutually exclusive
    annotations.set_doc_label(doc_id, second, "bob", False)
    assert annotations.doc_labels(doc_id, "bob") == []
    annotations.set_document_note(doc_id, "bob", "check the date")
    assert [(who, text) for _id, who, text in annotations.notes(doc_id)] == [("bob", "check the date")]


def test_document_json_shape(project: Project, doc_id: int) -> None:
    actor = project.annotations.add_span(doc_id, 0, 9, "ACTOR", "alice", note="spokeswoman")
    project.annotations.add_span(doc_id, 0, 9, "ACTOR", "ner", layer="suggestion", score=0.9, source="ner")
    data = document_json(project, doc_id)
    assert set(data) >= {"id", "title", "text", "meta", "spans", "relations", "doc_labels", "status"}
    assert data["text"] == TEXT
    own = next(s for s in data["spans"] if s["id"] == actor.id)
    assert own == {"id": actor.id, "start": 0, "end": 9, "text": "Zakharova", "label": "ACTOR",
                   "annotator": "alice", "layer": "annotation", "attrs": {}, "note": "spokeswoman",
                   "actor": None}
    suggestion = next(s for s in data["spans"] if s["layer"] == "suggestion")
    assert suggestion == {"id": suggestion["id"], "start": 0, "end": 9, "text": "Zakharova", "label": "ACTOR",
                          "annotator": "ner", "layer": "suggestion", "attrs": {}, "note": "", "actor": None,
                          "score": 0.9, "source": "ner", "status": "pending"}
    assert data["status"] == {"alice": "in_progress"}


def test_discontinuous_span_keeps_its_fragments(project: Project, doc_id: int) -> None:
    western = TEXT.index("Western")
    pieces = ((0, 9), (western, western + 7))
    span = project.annotations.add_span(doc_id, 0, western + 7, "ACTOR", "alice", fragments=pieces)
    assert span.fragments == pieces
    [stored] = project.annotations.spans(doc_id)
    assert stored.fragments == pieces
    shown = document_json(project, doc_id)["spans"][0]
    assert shown["fragments"] == [[0, 9], [western, western + 7]]
    deleted = project.annotations.delete_span(span.id)
    project.annotations.restore_span(deleted)
    assert project.annotations.spans(doc_id)[0].fragments == pieces
    with pytest.raises(UserError, match=r"\[E594\]"):  # overlapping pieces
        project.annotations.add_span(doc_id, 0, 20, "ACTOR", "alice", fragments=((0, 9), (5, 20)))


def test_analysts_registering_the_same_new_name_at_once_share_one_row(project: Project) -> None:
    """Two handles on one database (two analysts) meet a new annotator name and a new label at
    the same moment: both get the same row, neither fails on the unique constraint."""
    import threading

    handles = [Project.open(project.location) for _ in range(4)]
    barrier = threading.Barrier(len(handles))
    ids: list[tuple[int, int | None]] = []

    def register(handle: Project) -> None:
        barrier.wait()
        ids.append((handle.annotator_id("newcomer"), handle.label_id("span", "NEW_LABEL", create=True)))

    threads = [threading.Thread(target=register, args=(handle,)) for handle in handles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for handle in handles:
        handle.close()
    assert len(ids) == len(handles) and len(set(ids)) == 1
    assert project.annotator_names().count("newcomer") == 1
