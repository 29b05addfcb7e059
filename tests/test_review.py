"""Merging teammates' projects and adjudicating into gold (the Qt-free core)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotator.cli.main import main
from annotator.formats.ingest import ingest_documents
from annotator.ops import execute
from annotator.ops.adjudication import AcceptAgreed
from annotator.review import adjudicate, comparison
from annotator.review.merge import merge
from annotator.store import Project

TEXT_A = "The Foreign Ministry of Russia said on Monday that talks in Geneva would resume."
TEXT_B = "NATO officials met in Brussels to discuss the air defence of Poland."


def _doc(name: str, text: str, spans: list[tuple[int, int, str, str]], status: dict[str, str] | None = None,
         relations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"id": name, "text": text,
            "spans": [{"id": index + 1, "start": s, "end": e, "label": label, "annotator": who}
                      for index, (s, e, label, who) in enumerate(spans)],
            "relations": relations or [], "status": status or {}}


def _counts(project: Project) -> tuple[int, int, int]:
    stats = project.documents.stats()
    relations = sum(len(project.annotations.relations(doc_id)) for doc_id in project.documents.ids())
    return stats["documents"], stats["span_total"], relations


@pytest.fixture
def two_projects(project_location: str, tmp_path: Path) -> tuple[str, Path]:
    """My project on each backend, and a teammate's project file to merge into it."""
    mine, theirs = project_location, tmp_path / "theirs.db"
    with Project.open(mine) as project:
        ingest_documents(project, [_doc("a", TEXT_A, [(4, 30, "ORG", "alice")], {"alice": "done"})])
    with Project.open(theirs) as project:
        ingest_documents(project, [
            _doc("a", TEXT_A, [(4, 30, "ORG", "bob"), (60, 66, "LOC", "bob")], {"bob": "done", "alice": "todo"},
                 relations=[{"id": 1, "head": 1, "tail": 2, "label": "LOCATED_IN", "annotator": "bob"}]),
            _doc("b", TEXT_B, [(0, 4, "ORG", "bob")], {"bob": "done"}),
        ])
    return mine, theirs


def test_merge_adds_layers_and_twice_is_idempotent(two_projects: tuple[str, Path]) -> None:
    mine, theirs = two_projects
    with Project.open(mine) as project:
        first = merge(project, theirs)
        assert first.ingest.documents_added == 1 and first.ingest.documents_matched == 1
        assert first.ingest.spans == 3 and first.ingest.relations == 1
        assert first.clashes == []
        assert first.statuses_kept == 1  # alice's "done" here is not replaced by the file's "todo"
        doc_a = project.documents.resolve("a")
        assert project.annotations.status(doc_a, "alice") == "done"
        assert project.annotations.status(doc_a, "bob") == "done"
        assert {s.annotator for s in project.annotations.spans(doc_a)} == {"alice", "bob"}
        before = _counts(project)
        second = merge(project, theirs)
        assert second.ingest.spans == 0 and second.ingest.relations == 0 and second.ingest.documents_added == 0
        assert _counts(project) == before


def test_merge_of_a_jsonl_export_and_the_cli(two_projects: tuple[str, Path], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    mine, theirs = two_projects
    export = tmp_path / "theirs.jsonl"
    assert main(["export", str(theirs), str(export), "--format", "jsonl", "--layer", "all"]) == 0
    capsys.readouterr()
    assert main(["merge", str(mine), str(export)]) == 0
    out = capsys.readouterr().out
    assert "1 new documents" in out
    with Project.open(mine) as project:
        before = _counts(project)
    assert main(["merge", str(mine), str(export), str(theirs)]) == 0
    with Project.open(mine) as project:
        assert _counts(project) == before


def test_merge_keeps_a_clashing_document_apart_and_reports_it(two_projects: tuple[str, Path],
                                                              tmp_path: Path) -> None:
    mine, _theirs = two_projects
    other = tmp_path / "clash.db"
    with Project.open(other) as project:
        ingest_documents(project, [_doc("a", TEXT_A + " Updated.", [(4, 30, "ORG", "carol")])])
    with Project.open(mine) as project:
        report = merge(project, other)
        assert len(report.clashes) == 1
        name, doc_id = report.clashes[0]
        assert name == "a"
        assert any("clash" in line for line in report.lines())
        originals = [d for d in project.documents.ids() if project.documents.get(d).name == "a"]
        assert len(originals) == 2 and doc_id in originals
        assert project.documents.get(min(originals)).text == TEXT_A
        assert project.documents.get(doc_id).text == TEXT_A + " Updated."


def test_merge_into_itself_is_refused(two_projects: tuple[str, Path]) -> None:
    from annotator.errors import UserError

    mine, _ = two_projects
    with Project.open(mine) as project, pytest.raises(UserError, match="E903"):
        merge(project, mine)


@pytest.fixture
def review_project(project: Project) -> Project:
    ingest_documents(project, [_doc("a", TEXT_A, [
        (4, 30, "ORG", "alice"), (4, 30, "ORG", "bob"),        # agreement
        (38, 44, "PER", "alice"), (38, 44, "ORG", "bob"),      # label disagreement
        (60, 66, "LOC", "alice"), (57, 66, "LOC", "bob"),      # boundary disagreement
        (74, 80, "ORG", "alice"),                              # only alice
    ], {"alice": "done", "bob": "done"})])
    return project


def test_compare_classifies_in_text_order(review_project: Project) -> None:
    doc_id = review_project.documents.resolve("a")
    items = comparison.compare(review_project, doc_id, ["alice", "bob"])
    assert [item.kind for item in items] == ["agreement", "label", "boundary", "only_one"]
    assert [item.start for item in items] == sorted(item.start for item in items)
    assert items[3].annotators == ("alice",)


def test_accept_span_writes_gold_with_provenance_and_undoes(review_project: Project) -> None:
    project = review_project
    doc_id = project.documents.resolve("a")
    bob_span = next(s for s in project.annotations.spans(doc_id, annotators=["bob"]) if s.start == 57)
    accepted = adjudicate.accept_span(project, bob_span.id, "rita")
    gold = project.annotations.spans(doc_id, layers=["gold"])
    assert [(s.start, s.end, s.label, s.annotator) for s in gold] == [(57, 66, "LOC", "rita")]
    assert adjudicate.provenance(project, gold[0].id) == ("bob", "rita")
    assert project.annotations.span(bob_span.id).status == "accepted"
    again = adjudicate.accept_span(project, bob_span.id, "rita")
    assert not again.created and len(project.annotations.spans(doc_id, layers=["gold"])) == 1
    adjudicate.undo_accept(project, accepted)
    assert project.annotations.spans(doc_id, layers=["gold"]) == []
    assert project.annotations.span(bob_span.id).status is None
    # editing gold keeps provenance; deleting and restoring keeps it too
    accepted = adjudicate.accept_span(project, bob_span.id, "rita")
    project.annotations.update_span(accepted.gold.id, start=60)
    assert adjudicate.provenance(project, accepted.gold.id) == ("bob", "rita")
    deleted = adjudicate.delete_gold_span(project, accepted.gold.id)
    adjudicate.restore_gold_span(project, deleted)
    assert adjudicate.provenance(project, accepted.gold.id) == ("bob", "rita")
    assert comparison.compare(project, doc_id, ["alice", "bob"])[2].in_gold  # gold 60-66 is now alice's version


def test_accept_agreed_relation_reject_review_comment(review_project: Project) -> None:
    project = review_project
    doc_id = project.documents.resolve("a")
    report = execute(project, AcceptAgreed(doc_id, ["alice", "bob"], "rita")).result
    assert (report.spans, report.marked) == (1, 2)  # one gold copy; alice's and bob's spans both accepted
    [gold] = project.annotations.spans(doc_id, layers=["gold"])
    assert (gold.start, gold.end, gold.label) == (4, 30, "ORG")
    assert {s.annotator for s in project.annotations.spans(doc_id, layers=["annotation"])
            if s.status == "accepted"} == {"alice", "bob"}
    assert comparison.compare(project, doc_id, ["alice", "bob"])[0].in_gold
    again = execute(project, AcceptAgreed(doc_id, ["alice", "bob"], "rita"))
    assert (again.result.spans, again.result.marked, again.undo) == (0, 0, None)
    # relation: refused until both ends are in gold
    alice = {s.start: s for s in project.annotations.spans(doc_id, annotators=["alice"])}
    relation = project.annotations.add_relation(alice[4].id, alice[60].id, "LOCATED_IN", "alice",
                                                check_schema=False)
    from annotator.errors import UserError

    with pytest.raises(UserError, match="E905"):
        adjudicate.accept_relation(project, relation.id, "rita")
    adjudicate.accept_span(project, alice[60].id, "rita")
    gold_relation = adjudicate.accept_relation(project, relation.id, "rita")
    assert gold_relation.gold.layer == "gold" and gold_relation.created
    adjudicate.undo_accept_relation(project, gold_relation)
    assert project.annotations.relations(doc_id, layers=["gold"]) == []
    # reject marks the annotator's span, writes nothing to gold
    previous = adjudicate.reject_span(project, alice[74].id)
    assert previous is None and project.annotations.span(alice[74].id).status == "rejected"
    adjudicate.set_mark(project, alice[74].id, previous)
    # reviewed status and comments, with their undo values
    before = adjudicate.set_reviewed(project, doc_id, "rita")
    assert project.annotations.status(doc_id, "rita") == "reviewed"
    project.annotations.set_status(doc_id, "rita", before)
    gold_id = gold.id
    assert adjudicate.comment_span(project, gold_id, "rita", "check the title") is None
    assert adjudicate.span_comments(project, doc_id) == {gold_id: [("rita", "check the title")]}
    assert project.annotations.notes(doc_id) == []  # span comments are not document notes
    assert adjudicate.comment_span(project, gold_id, "rita", "") == "check the title"
    assert adjudicate.span_comments(project, doc_id) == {}
