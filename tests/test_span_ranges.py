"""Reading a document's spans a stretch of text at a time (``store.span_ranges``): stretches read
one after another give every span once, as reading them all does, on both backends."""

from __future__ import annotations

from annotator.store import Project
from annotator.store.span_ranges import pending_suggestions_starting_in, spans_starting_in
from annotator.store.suggestions import DocumentCandidates, SpanCandidate


def test_stretches_read_one_after_another_give_every_span_once(sample_project: Project) -> None:
    project = sample_project
    doc_id = project.documents.ids()[0]
    length = len(project.documents.get(doc_id).text)
    annotations = project.annotations
    starts = range(0, length - 12, 37)
    for start in starts:  # stretch boundaries fall on starts, inside spans and between them
        annotations.add_span(doc_id, start, start + 10, "ACTOR", "alice")
    annotations.add_span(doc_id, 0, length, "CLAIM", "bob")  # one covering everything
    annotations.add_span(doc_id, 5, 9, "ACTOR", "gold", layer="gold")
    project.suggestions.replace_pending("model", [DocumentCandidates(doc_id, [
        SpanCandidate(start, start + 4, "LOCATION", "ner") for start in range(3, length - 5, 101)])])
    project.suggestions.reject(project.suggestions.spans(doc_id)[0].id)

    bounds = [0, 1, 37, 38, 500, 1_234, length // 2, length, length + 1]
    read = [span for first, stop in zip(bounds, bounds[1:], strict=False)
            for span in spans_starting_in(project, doc_id, first, stop)]
    assert read == annotations.spans(doc_id)
    alices = [span for first, stop in zip(bounds, bounds[1:], strict=False)
              for span in spans_starting_in(project, doc_id, first, stop, annotators=["alice"], layers=["annotation"])]
    assert alices == annotations.spans(doc_id, annotators=["alice"], layers=["annotation"])
    assert len(alices) == len(starts)
    pending = [span for first, stop in zip(bounds, bounds[1:], strict=False)
               for span in pending_suggestions_starting_in(project, doc_id, first, stop)]
    assert pending == project.suggestions.spans(doc_id) and pending  # the rejected one is left out
    assert spans_starting_in(project, doc_id, length + 1, length + 100) == []
