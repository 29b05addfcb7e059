"""The store's statements built once with bound parameters give what the statements built per
call gave: an accepted suggestion's copy as the operation returns it (written, not read back)
is the stored row; span and relation reads with each filter and with lists of any length."""

from __future__ import annotations

from pathlib import Path

from annotator.ops import History
from annotator.ops.suggestions import AcceptSuggestions
from annotator.store import Project
from annotator.store.suggestions import DocumentCandidates, RelationCandidate, SpanCandidate
from tests.ops_support import import_article

ME = "alice"


def test_an_accepted_copy_is_returned_as_stored(project: Project, tmp_path: Path) -> None:
    doc_id = import_article(project, tmp_path)
    actor = project.actors.create("Alexander Lukashenko", type="official", country="BY")
    candidates = [SpanCandidate(0, 10, "ACTOR", "ner", attrs={"country": "Belarus"}, actor_id=actor.id, score=0.9),
                  SpanCandidate(21, 27, "ACTOR", "", attrs={})]
    project.suggestions.replace_pending("model", [DocumentCandidates(doc_id, candidates)])
    history = History.of(project, f" {ME} ")  # the name is stored stripped
    for suggestion in project.suggestions.spans(doc_id):
        [acceptance] = history.perform(AcceptSuggestions(doc_id, f" {ME} ", suggestion=suggestion)).result
        assert acceptance.created
        assert acceptance.span == project.annotations.span(acceptance.span.id)
    copies = {span.start: span for span in project.annotations.spans(doc_id, layers=["annotation"])}
    assert copies[0].actor == "Alexander Lukashenko" and copies[0].source == "model/ner"
    assert copies[21].actor is None and copies[21].source == "model" and copies[21].annotator == ME


def test_reads_with_each_filter_and_lists_of_any_length(project: Project, tmp_path: Path) -> None:
    doc_id = import_article(project, tmp_path)
    annotations = project.annotations
    actor = annotations.add_span(doc_id, 0, 10, "ACTOR", ME)
    other = annotations.add_span(doc_id, 21, 27, "ACTOR", "bob")
    claim = annotations.add_span(doc_id, 16, 65, "CLAIM", ME)
    relation = annotations.add_relation(actor.id, claim.id, "speaker_of", ME)
    project.suggestions.replace_pending("model", [DocumentCandidates(
        doc_id, [SpanCandidate(28, 38, "THREAT", "ner"), SpanCandidate(39, 46, "ACTOR", "ner")],
        [RelationCandidate(("THREAT", 28, 38), ("ACTOR", 39, 46), "targets")])])
    ids = lambda records: [record.id for record in records]  # noqa: E731
    assert ids(annotations.spans(doc_id, annotators=[ME], layers=["annotation"])) == [actor.id, claim.id]
    assert ids(annotations.spans(doc_id, annotators=[ME, "bob"], layers=["annotation"])) == \
        [actor.id, claim.id, other.id]
    assert ids(annotations.spans(doc_id, ids=[claim.id])) == [claim.id]
    assert ids(annotations.spans(doc_id, ids=[claim.id, other.id, 10_000])) == [claim.id, other.id]
    assert ids(annotations.spans(doc_id, ids=[])) == []
    assert [span.label for span in annotations.spans(doc_id, starting_at=[21, 28])] == ["ACTOR", "THREAT"]
    assert ids(annotations.relations(doc_id, layers=["annotation"])) == [relation.id]
    assert ids(annotations.relations(doc_id, touching=[other.id])) == []
    assert ids(annotations.relations(doc_id, touching=[other.id, claim.id])) == [relation.id]
    [suggested] = project.suggestions.relations(doc_id)
    assert suggested.label == "targets"
    assert project.suggestions.relations(doc_id, touching=[actor.id]) == []
    assert project.suggestions.relations(doc_id, touching=[suggested.head_id, actor.id]) == [suggested]
