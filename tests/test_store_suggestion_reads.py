"""Suggested relations, all of a document's or those of a few spans, as they are read for the
editor: only those whose two ends are still pending, on both backends."""

from __future__ import annotations

from pathlib import Path

from annotator.corpus.importer import import_paths
from annotator.store import Project
from annotator.store.suggestions import DocumentCandidates, RelationCandidate, SpanCandidate

TEXT = "Zakharova said that NATO threatens Belarus and Minsk answered on 9 February.\n"


def key(label: str, fragment: str) -> tuple[str, int, int]:
    start = TEXT.index(fragment)
    return (label, start, start + len(fragment))


def test_suggested_relations_touching_spans_and_with_both_ends_pending(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "doc.txt"
    source.write_text(TEXT, encoding="utf-8")
    doc_id = import_paths(project, [source]).imported[0].id
    nato, belarus, minsk = key("ACTOR", "NATO"), key("LOCATION", "Belarus"), key("LOCATION", "Minsk")
    project.suggestions.replace_pending("en_core_web_sm", [DocumentCandidates(
        doc_id, [SpanCandidate(start, end, label, "ner") for label, start, end in (nato, belarus, minsk)],
        [RelationCandidate(nato, belarus, "located_at"), RelationCandidate(nato, minsk, "located_at")])])
    ids = {(span.label, span.start, span.end): span.id for span in project.suggestions.spans(doc_id)}
    to_belarus, to_minsk = project.suggestions.relations(doc_id)
    assert (to_belarus.head_id, to_belarus.tail_id) == (ids[nato], ids[belarus])

    assert project.suggestions.relations(doc_id, touching=[ids[minsk]]) == [to_minsk]
    assert project.suggestions.relations(doc_id, touching=[ids[nato]]) == [to_belarus, to_minsk]
    project.suggestions.reject(ids[minsk])  # an end no longer pending: that relation is no longer suggested
    assert project.suggestions.relations(doc_id) == [to_belarus]
    assert project.suggestions.relations(doc_id, touching=[ids[minsk]]) == []
    assert project.suggestions.relations(doc_id, touching=[ids[nato]]) == [to_belarus]
