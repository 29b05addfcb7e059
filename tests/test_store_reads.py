"""Reading a few spans and relations of a document: by id, by the spans a relation touches, and
by where spans start (what an editor reads to show one step), on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.corpus.importer import import_paths
from annotator.store import Project
from annotator.store.suggestions import DocumentCandidates, RelationCandidate, SpanCandidate

TEXT = "Zakharova said that NATO threatens Belarus and Minsk answered on 9 February.\n"


def at(fragment: str) -> tuple[int, int]:
    start = TEXT.index(fragment)
    return start, start + len(fragment)


@pytest.fixture
def doc_ids(project: Project, tmp_path: Path) -> list[int]:
    paths = []
    for index in range(2):
        paths.append(tmp_path / f"{index}.txt")
        paths[-1].write_text(TEXT + "Reported" * index, encoding="utf-8")  # not a duplicate of the first
    return [document.id for document in import_paths(project, paths).imported]


def test_spans_and_relations_by_id_stay_in_their_document(project: Project, doc_ids: list[int]) -> None:
    first, second = doc_ids
    annotations = project.annotations
    actor = annotations.add_span(first, *at("Zakharova"), "ACTOR", "alice")
    claim = annotations.add_span(first, *at("NATO threatens Belarus"), "CLAIM", "alice")
    other = annotations.add_span(second, *at("Zakharova"), "ACTOR", "alice")
    relation = annotations.add_relation(actor.id, claim.id, "speaker_of", "alice")

    assert annotations.spans(first, ids=[claim.id, actor.id]) == [actor, claim]  # text order
    assert annotations.spans(first, ids=[other.id]) == []  # another document's
    assert annotations.spans(first, ids=[]) == []
    assert annotations.relations(first, ids=[relation.id]) == [relation]
    assert annotations.relations(second, ids=[relation.id]) == []
    assert annotations.relations(first, touching=[claim.id]) == [relation]
    assert annotations.relations(first, touching=[other.id]) == []
    assert annotations.relations(first, layers=["suggestion"], touching=[actor.id]) == []


def test_suggestions_starting_at_offsets(project: Project, doc_ids: list[int]) -> None:
    first = doc_ids[0]
    nato, belarus, minsk = at("NATO"), at("Belarus"), at("Minsk")
    project.suggestions.replace_pending("en_core_web_sm", [DocumentCandidates(first, [
        SpanCandidate(*nato, "ACTOR", "ner"), SpanCandidate(*belarus, "ACTOR", "ner"),
        SpanCandidate(*belarus, "LOCATION", "ner"), SpanCandidate(*minsk, "LOCATION", "ner"),
    ], [RelationCandidate(("ACTOR", *nato), ("LOCATION", *belarus), "located_at")])])

    annotations = project.annotations
    found = annotations.spans(first, layers=["suggestion"], starting_at=[belarus[0], minsk[0] + 1])
    assert sorted((span.label, span.start, span.end, span.status) for span in found) == [
        ("ACTOR", *belarus, "pending"), ("LOCATION", *belarus, "pending")]
    project.suggestions.reject(found[0].id)
    assert [span.status for span in annotations.spans(first, starting_at=[belarus[0]])] == ["rejected", "pending"]
    assert annotations.spans(first, layers=["annotation"], starting_at=[belarus[0]]) == []

    [relation] = annotations.relations(first, layers=["suggestion"])
    assert annotations.relations(first, touching=[relation.head_id]) == [relation]
    assert annotations.relations(first, layers=["annotation"], touching=[relation.head_id]) == []


def test_document_summaries_give_the_annotator_s_status_and_count_what_is_not_counted(
        project: Project, doc_ids: list[int]) -> None:
    """The list's rows: each document's status and number of spans for one annotator (to do
    and 0 where they have none), in the order asked; a count the caller knows is taken as is."""
    first, second = doc_ids[0], doc_ids[1]
    project.annotations.add_span(first, 0, 4, "ACTOR", "alice")
    project.annotations.add_span(first, 5, 9, "ACTOR", "alice")
    project.annotations.add_span(first, 0, 4, "ACTOR", "bob")
    project.annotations.set_status(second, "bob", "done")
    rows = project.documents.summaries([second, first], "alice")
    assert [(row.id, row.status, row.span_count) for row in rows] == [(second, "todo", 0), (first, "in_progress", 2)]
    rows = project.documents.summaries([first, second], "bob")
    assert [(row.id, row.status, row.span_count) for row in rows] == [(first, "in_progress", 1), (second, "done", 0)]
    rows = project.documents.summaries([first, second], "alice", counted={first: 7})
    assert [(row.status, row.span_count) for row in rows] == [("in_progress", 7), ("todo", 0)]
    assert [row.status for row in project.documents.summaries([first], "nobody")] == ["todo"]
    assert [(row.status, row.span_count) for row in project.documents.summaries([first])] == [("todo", 3)]
