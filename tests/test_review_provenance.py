"""Provenance and reviewer comments travel (issue 17): canonical JSONL, ``show --json``, merge
and copy keep whose version a gold item is, who accepted it and what reviewers said; every
other export counts them as left out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import UserError
from annotator.formats.base import ExportOptions
from annotator.formats.ingest import ingest_documents
from annotator.formats.pipeline import available_formats, export_project
from annotator.formats.review_loss import COMMENTS, RELATION_PROVENANCE, REVIEW, SPAN_PROVENANCE
from annotator.formats.select import document_json
from annotator.importing import ImportOptions, import_files
from annotator.review import adjudicate
from annotator.review.merge import merge
from annotator.store import Project
from annotator.store.copy import copy_project

TEXT = "The Foreign Ministry of Russia said on Monday that talks in Geneva would resume."


def _reviewed(project: Project) -> int:
    """One document two annotators marked, adjudicated by rita: two gold spans (one alice's, one
    bob's version), a gold relation, and three reviewer comments (two on gold, one on bob's)."""
    ingest_documents(project, [{
        "id": "a", "text": TEXT, "status": {"alice": "done", "bob": "done"},
        "spans": [{"id": 1, "start": 4, "end": 30, "label": "ORG", "annotator": "alice"},
                  {"id": 2, "start": 60, "end": 66, "label": "LOC", "annotator": "alice"},
                  {"id": 3, "start": 4, "end": 20, "label": "ORG", "annotator": "bob"},
                  {"id": 4, "start": 57, "end": 66, "label": "LOC", "annotator": "bob"}],
        "relations": [{"id": 1, "head": 1, "tail": 2, "label": "LOCATED_IN", "annotator": "alice"}],
    }])  # type: ignore[list-item]
    doc_id = project.documents.resolve("a")
    org = adjudicate.accept_span(project, 1, "rita").gold
    loc = adjudicate.accept_span(project, 2, "rita").gold
    adjudicate.accept_relation(project, 1, "rita")
    adjudicate.comment_span(project, org.id, "rita", "bob cut the name short")
    adjudicate.comment_span(project, loc.id, "sam", "Geneva, not 'in Geneva'")
    adjudicate.comment_span(project, 4, "rita", "boundary includes 'in'")
    return doc_id


def _gold(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [span for span in doc["spans"] if span["layer"] == "gold"]


def test_canonical_document_carries_provenance_and_comments(project: Project) -> None:
    doc = document_json(project, _reviewed(project))
    gold = _gold(dict(doc))
    assert [(s["label"], s["annotator"], s["origin_annotator"], s["adjudicator"]) for s in gold] == [
        ("ORG", "rita", "alice", "rita"), ("LOC", "rita", "alice", "rita")]
    assert [(c["annotator"], c["text"]) for c in gold[0]["comments"]] == [("rita", "bob cut the name short")]
    assert gold[1]["comments"][0]["created"].endswith("+00:00")
    bob = next(s for s in doc["spans"] if s["id"] == 4)
    assert "origin_annotator" not in bob and [c["text"] for c in bob["comments"]] == ["boundary includes 'in'"]
    relation = next(r for r in doc["relations"] if r["layer"] == "gold")
    assert (relation["origin_annotator"], relation["adjudicator"]) == ("alice", "rita")
    unreviewed = next(s for s in doc["spans"] if s["id"] == 3)
    assert not {"origin_annotator", "adjudicator", "comments"} & set(unreviewed)


def test_jsonl_export_merge_export_gives_the_same_file(project: Project, tmp_path: Path) -> None:
    _reviewed(project)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    result = export_project(project, first, "jsonl", ExportOptions(layer="all"))
    assert result.loss.lines() == []
    with Project.open(tmp_path / "other.db") as other:
        report = merge(other, first)
        assert report.ingest.span_comments == 3
        assert "3 reviewer comments" in report.lines()[0]
        export_project(other, second, "jsonl", ExportOptions(layer="all"))
        again = merge(other, first)  # nothing twice: not the spans, not the comments
        assert again.ingest.spans == 0 and again.ingest.span_comments == 0
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    gold = _gold(json.loads(first.read_text(encoding="utf-8")))
    assert {(s["origin_annotator"], s["adjudicator"]) for s in gold} == {("alice", "rita")}


def test_merge_of_a_project_keeps_provenance_and_comments(project: Project, project_location: str,
                                                          tmp_path: Path) -> None:
    doc_id = _reviewed(project)
    expected = document_json(project, doc_id)
    with Project.open(tmp_path / "other.db") as other:
        merge(other, project_location)
        merged = document_json(other, other.documents.resolve("a"))
        assert adjudicate.provenance(other, _gold(dict(merged))[0]["id"]) == ("alice", "rita")
        comments = adjudicate.span_comments(other, other.documents.resolve("a"))
        assert sorted(text for pairs in comments.values() for _who, text in pairs) == sorted(
            ["bob cut the name short", "Geneva, not 'in Geneva'", "boundary includes 'in'"])
    assert merged["spans"] == expected["spans"] and merged["relations"] == expected["relations"]


def test_merge_gives_gold_merged_without_provenance_the_files(project: Project, tmp_path: Path) -> None:
    _reviewed(project)
    export = tmp_path / "reviewed.jsonl"
    export_project(project, export, "jsonl", ExportOptions(layer="all"))
    bare = tmp_path / "bare.jsonl"  # as a merge before provenance travelled left gold
    bare_lines = []
    for line in export.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        for item in doc["spans"] + doc["relations"]:
            item.pop("origin_annotator", None), item.pop("adjudicator", None), item.pop("comments", None)
        bare_lines.append(json.dumps(doc))
    bare.write_text("\n".join(bare_lines) + "\n", encoding="utf-8")
    with Project.open(tmp_path / "other.db") as other:
        merge(other, bare)
        doc_id = other.documents.resolve("a")
        gold = _gold(dict(document_json(other, doc_id)))
        assert not any("origin_annotator" in span for span in gold)
        versions = {span.id: span.version for span in other.annotations.spans(doc_id, layers=["gold"])}
        report = merge(other, export)
        assert report.ingest.provenance_filled == 2 and report.ingest.spans == 0
        assert "gave 2 gold spans here the provenance they lacked" in report.lines()
        assert [(s["origin_annotator"], s["adjudicator"]) for s in _gold(dict(document_json(other, doc_id)))] == [
            ("alice", "rita")] * 2
        assert {span.id: span.version for span in other.annotations.spans(doc_id, layers=["gold"])} == {
            span_id: version + 1 for span_id, version in versions.items()}
        assert merge(other, export).ingest.provenance_filled == 0  # provenance it has is kept


def test_copy_keeps_provenance_and_comments(project: Project, project_location: str, tmp_path: Path) -> None:
    doc_id = _reviewed(project)
    expected = document_json(project, doc_id)
    copy_project(project_location, tmp_path / "copy.db")
    with Project.open(tmp_path / "copy.db", create=False) as copied:
        assert document_json(copied, doc_id) == expected


@pytest.mark.slow
def test_show_json_in_a_subprocess(project: Project, project_location: str) -> None:
    _reviewed(project)
    shown = subprocess.run([sys.executable, "-m", "annotator", "show", project_location, "a", "--json"],
                           capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    gold = _gold(json.loads(shown.stdout))
    assert [(s["origin_annotator"], s["adjudicator"]) for s in gold] == [("alice", "rita")] * 2
    assert [c["annotator"] for s in gold for c in s["comments"]] == ["rita", "sam"]
    read = subprocess.run([sys.executable, "-m", "annotator", "show", project_location, "a"],
                          capture_output=True, text=True, timeout=120)
    assert read.returncode == 0, read.stderr
    assert read.stdout.count("gold: alice → rita") == 2
    assert "bob cut the name short" in read.stdout and "boundary includes 'in'" in read.stdout


FORMATS = available_formats()[0]
FOREIGN = sorted(name for name, fmt in FORMATS.items() if fmt.export is not None and not fmt.carries_review)
PARTLY = sorted(name for name, fmt in FORMATS.items() if fmt.carries_review and fmt.carries_review != REVIEW)


@pytest.mark.parametrize("name", FOREIGN)
def test_every_other_export_reports_what_it_leaves_out(name: str, project_path: Path, tmp_path: Path) -> None:
    with Project.open(project_path) as project:
        _reviewed(project)
        out = tmp_path / ("out" if FORMATS[name].target == "folder" else "out" + FORMATS[name].suffix)
        result = export_project(project, out, name, ExportOptions(layer="all"))
    assert result.loss.counts[SPAN_PROVENANCE] == 2
    assert result.loss.counts[RELATION_PROVENANCE] == 1
    assert result.loss.counts[COMMENTS] == 3
    assert f"left out 3 {COMMENTS}" in result.loss.lines()


def test_the_formats_that_report_cover_every_foreign_exporter() -> None:
    assert {"conll", "csv", "doccano", "prodigy", "webanno-tsv"} <= set(FOREIGN)
    assert PARTLY == ["brat"]
    assert sorted(name for name, fmt in FORMATS.items() if fmt.carries_review == REVIEW) == [
        "jsonl", "label-studio", "xmi"]


def _review(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Each span's and relation's place and review, ids aside (a foreign format numbers anew)."""
    spans = {span["id"]: span for span in doc["spans"]}
    return sorted([(s["start"], s["end"], s["label"], s["annotator"], s["layer"], s.get("origin_annotator"),
                    s.get("adjudicator"), json.dumps(s.get("comments"))) for s in doc["spans"]]
                  + [(spans[r["head"]]["start"], spans[r["tail"]]["start"], r["label"], r["annotator"], r["layer"],
                      r.get("origin_annotator"), r.get("adjudicator"), "") for r in doc["relations"]],
                  key=repr)


@pytest.mark.parametrize(("name", "out"), [("xmi", "xmi"), ("label-studio", "tasks.json")])
def test_formats_with_a_place_carry_review_through_a_round_trip(
        project: Project, tmp_path: Path, name: str, out: str) -> None:
    doc_id = _reviewed(project)
    result = export_project(project, tmp_path / out, name, ExportOptions(layer="all"))
    assert not {SPAN_PROVENANCE, RELATION_PROVENANCE, COMMENTS} & set(result.loss.counts)
    with Project.open(tmp_path / "back.db") as back:
        report = import_files(back, [tmp_path / out], ImportOptions(format=name))
        assert report.count("span_comments") == 3
        read_back = document_json(back, back.documents.resolve("a"))
    assert _review(dict(read_back)) == _review(dict(document_json(project, doc_id)))


def test_brat_carries_comments_as_reviewer_comment_notes(project: Project, tmp_path: Path) -> None:
    doc_id = _reviewed(project)
    result = export_project(project, tmp_path / "brat", "brat", ExportOptions(layer="gold"))
    assert result.loss.counts[SPAN_PROVENANCE] == 2 and result.loss.counts[RELATION_PROVENANCE] == 1
    assert COMMENTS not in result.loss.counts
    assert result.loss.counts["times of reviewer comments (a brat note has none)"] == 2
    [ann] = (tmp_path / "brat").rglob("*.ann")
    assert "\tReviewerComment T1\trita: bob cut the name short" in ann.read_text(encoding="utf-8")

    def comments(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
        return sorted((s["start"], s["end"], c["annotator"], c["text"]) for s in doc["spans"]
                      for c in s.get("comments") or [] if s["layer"] == "gold" or s["annotator"] == "imported")

    with Project.open(tmp_path / "back.db") as back:
        report = import_files(back, [tmp_path / "brat"], ImportOptions(format="brat"))
        assert report.count("span_comments") == 2 and report.count("notes") == 0
        read_back = document_json(back, back.documents.resolve("a"))
        assert all(not span["note"] for span in read_back["spans"])  # comments, not notes
    assert comments(dict(read_back)) == comments(dict(document_json(project, doc_id)))


@pytest.mark.parametrize(("span", "problem"), [
    ({"layer": "annotation", "origin_annotator": "alice"}, "for gold items only"),
    ({"layer": "gold", "adjudicator": "x" * 201}, "at most 200 characters"),
    ({"comments": [{"annotator": "rita"}]}, 'needs a "text"'),
    ({"comments": [{"text": "ok", "created": "last Monday"}]}, "not an ISO date"),
    ({"comments": "fine"}, '"comments" must be a list'),
])
def test_bad_review_fields_refuse_the_file(project: Project, span: dict[str, Any], problem: str) -> None:
    doc = {"id": "a", "text": TEXT, "spans": [{"id": 1, "start": 4, "end": 30, "label": "ORG", **span}]}
    with pytest.raises(UserError, match=problem):
        ingest_documents(project, [doc])  # type: ignore[list-item]
    assert project.documents.ids() == []
