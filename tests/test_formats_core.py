"""The format machinery: selection and its filters, splits, ingestion, CSV, the pipeline and the CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.errors import UserError
from annotator.formats.base import ExportOptions, ReadOptions
from annotator.formats.csv_spans import neutralise
from annotator.formats.ingest import ingest_documents
from annotator.formats.pipeline import export_project
from annotator.formats.select import document_json, select_document_ids, select_documents
from annotator.formats.split import assign_splits, parse_split
from annotator.store import Project
from tests.import_runs import import_strictly


@pytest.fixture
def annotated(sample_project: Project) -> Project:
    """Five documents: 1 gold + annotation, 2 annotation only (done by alice), 3 bob only."""
    a = sample_project.annotations
    one, two, three = sample_project.documents.ids()[:3]
    head = a.add_span(one, 0, 5, "ACTOR", "alice")
    tail = a.add_span(one, 10, 20, "THREAT", "alice")
    a.add_relation(head.id, tail.id, "threatens", "alice", check_schema=False)
    a.add_span(one, 0, 5, "ACTOR", "judge", layer="gold")
    a.add_span(two, 3, 8, "ACTOR", "alice")
    a.set_status(two, "alice", "done")
    a.add_span(three, 1, 4, "ACTOR", "bob")
    a.add_span(three, 1, 4, "ACTOR", "ner", layer="suggestion", score=0.5)
    return sample_project


def spans_of(project: Project, options: ExportOptions) -> dict[str, list[tuple[str, str, str]]]:
    return {doc["id"]: [(s["label"], s["annotator"], s["layer"]) for s in doc["spans"]]
            for doc in select_documents(project, options)}


def test_select_all_equals_to_json(annotated: Project) -> None:
    selected = list(select_documents(annotated, ExportOptions(layer="all")))
    assert selected == [document_json(annotated, doc_id) for doc_id in annotated.documents.ids()]


def test_layer_annotator_label_filters(annotated: Project) -> None:
    names = [doc["id"] for doc in select_documents(annotated, ExportOptions(layer="all"))]
    one, two, three = names[:3]
    assert spans_of(annotated, ExportOptions(layer="gold"))[one] == [("ACTOR", "judge", "gold")]
    mixed = spans_of(annotated, ExportOptions(layer="gold-else-annotation"))
    assert mixed[one] == [("ACTOR", "judge", "gold")]
    assert mixed[two] == [("ACTOR", "alice", "annotation")]
    assert spans_of(annotated, ExportOptions(annotators=("bob",)))[three] == [("ACTOR", "bob", "annotation")]
    assert spans_of(annotated, ExportOptions(annotators=("bob",)))[one] == []
    assert spans_of(annotated, ExportOptions(layer="suggestion"))[three] == [("ACTOR", "ner", "suggestion")]
    by_label = list(select_documents(annotated, ExportOptions(labels=("ACTOR",))))
    assert by_label[0]["relations"] == []  # its tail (THREAT) is not exported
    assert [s["label"] for s in by_label[0]["spans"]] == ["ACTOR"]
    assert len(next(iter(select_documents(annotated, ExportOptions())))["relations"]) == 1


def test_done_only_and_named_documents(annotated: Project) -> None:
    ids = annotated.documents.ids()
    assert select_document_ids(annotated, ExportOptions(done_only=True)) == [ids[1]]
    assert select_document_ids(annotated, ExportOptions(done_only=True, annotators=("bob",))) == []
    name = annotated.documents.get(ids[4]).name
    assert select_document_ids(annotated, ExportOptions(documents=(str(ids[0]), name))) == [ids[0], ids[4]]
    with pytest.raises(UserError, match=r"\[E805\].*nope"):
        select_document_ids(annotated, ExportOptions(documents=("nope",)))
    with pytest.raises(UserError, match=r"\[E806\].*carol"):
        select_document_ids(annotated, ExportOptions(annotators=("carol",)))
    with pytest.raises(UserError, match=r"\[E804\]"):
        list(select_documents(annotated, ExportOptions(layer="best")))


def test_split_is_deterministic_disjoint_and_validated() -> None:
    ids = list(range(1, 101))
    parts = assign_splits(ids, parse_split("0.8,0.1,0.1"), seed=3)
    assert {name: len(part) for name, part in parts.items()} == {"train": 80, "dev": 10, "test": 10}
    assert sorted(doc_id for part in parts.values() for doc_id in part) == ids
    assert parts == assign_splits(ids, (0.8, 0.1, 0.1), seed=3)
    assert parts != assign_splits(ids, (0.8, 0.1, 0.1), seed=4)
    assert list(assign_splits([1, 2, 3], parse_split("0.5,0.5"), 0)) == ["train", "dev"]
    for bad in ("0.8,0.1", "1", "0.5,0.25,0.125,0.125", "a,b", "1.5,-0.5", "nan,0.5"):
        with pytest.raises(UserError, match=r"\[E803\]"):
            parse_split(bad)


def test_export_with_split_writes_one_file_per_part(annotated: Project, tmp_path: Path) -> None:
    result = export_project(annotated, tmp_path / "out", "jsonl", ExportOptions(layer="all"),
                            split=(0.6, 0.2, 0.2), seed=1)
    assert result.parts == {"train": 3, "dev": 1, "test": 1}
    names = [json.loads(line)["id"] for part in ("train", "dev", "test")
             for line in (tmp_path / "out" / f"{part}.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(names) == sorted(doc["id"] for doc in select_documents(annotated, ExportOptions()))
    assert (tmp_path / "out" / "train.actors.jsonl").exists()


def test_unknown_format_and_nothing_to_export(annotated: Project, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"\[E801\].*jsonl"):
        export_project(annotated, tmp_path / "x", "yaml", ExportOptions())
    with pytest.raises(UserError, match=r"\[E802\]"):
        import_strictly(annotated, [tmp_path], "csv")
    with pytest.raises(UserError, match=r"\[E807\]"):
        export_project(annotated, tmp_path / "x.jsonl", "jsonl", ExportOptions(done_only=True, annotators=("bob",)))


def test_ingest_matches_known_text_and_renumbers_taken_ids(annotated: Project) -> None:
    doc = next(iter(select_documents(annotated, ExportOptions(layer="all"))))
    before = annotated.documents.count()
    again = ingest_documents(annotated, [doc])  # same text, same ids: all already there
    assert (again.documents_added, again.documents_matched, again.spans, again.relations) == (0, 1, 0, 0)
    assert again.already_present == len(doc["spans"]) + len(doc["relations"]) + len(doc["status"])  # statuses too
    assert doc["status"]
    taken = max(s["id"] for d in select_documents(annotated, ExportOptions(layer="all")) for s in d["spans"])
    assert taken not in {s["id"] for s in doc["spans"]}  # a span id of another document
    new_span = dict(doc["spans"][0], id=taken, label="NEW_ONE", annotator="zoe")
    extra = dict(doc, spans=[new_span, *doc["spans"]], relations=[dict(doc["relations"][0], head=taken)])
    report = ingest_documents(annotated, [extra], options=ReadOptions())
    assert (report.spans, report.new_labels, report.new_annotators) == (1, [("span", "NEW_ONE")], ["zoe"])
    assert annotated.documents.count() == before
    spans = document_json(annotated, annotated.documents.ids()[0])["spans"]
    assert {s["label"] for s in spans} >= {"NEW_ONE"}
    new_id = next(s["id"] for s in spans if s["label"] == "NEW_ONE")
    assert new_id > taken  # the taken id was not reused
    relations = document_json(annotated, annotated.documents.ids()[0])["relations"]
    assert any(r["head"] == new_id for r in relations)  # and the relation followed the new id


def test_failed_ingest_leaves_nothing(project: Project) -> None:
    docs = [{"id": "a", "text": "First text.", "spans": [{"id": 1, "start": 0, "end": 5, "label": "NEW"}]},
            {"id": "b", "text": "Second.", "spans": [{"id": 1, "start": 0, "end": 50, "label": "NEW"}]}]
    with pytest.raises(UserError, match=r"\[E810\] in\.jsonl: document 'b', span 1"):
        ingest_documents(project, docs, source="in.jsonl")
    assert project.documents.count() == 0
    assert "NEW" not in project.label_colors()
    assert project.annotator_names() == []


def test_csv_export_neutralises_formulas_and_keeps_cyrillic(project: Project, tmp_path: Path) -> None:
    text = "=SUM(A1) Лукашэнка -1 @x +y"
    ingest_documents(project, [{"id": "=cmd", "title": "+t", "text": text, "spans": [
        {"id": 1, "start": 0, "end": 8, "label": "ACTOR", "note": "@n", "attrs": {"q": 1}},
        {"id": 2, "start": 9, "end": 18, "label": "ACTOR"}],
        "relations": [{"id": 1, "head": 1, "tail": 2, "label": "r"}]}])
    out = tmp_path / "spans.csv"
    result = export_project(project, out, "csv", ExportOptions())
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig", newline="")))
    assert [row["text"] for row in rows] == ["'=SUM(A1)", "Лукашэнка"]
    assert rows[0]["document"] == "'=cmd" and rows[0]["title"] == "'+t" and rows[0]["note"] == "'@n"
    assert json.loads(rows[0]["attrs"]) == {"q": 1}
    assert result.loss.lines() == ["left out 1 relations (a CSV of spans has no rows for them)"]
    assert [neutralise(v) for v in ("\tx", "\rx", "-1", "ok")] == ["'\tx", "'\rx", "'-1", "ok"]


def test_cli_export_and_import_route_canonical_jsonl(annotated: Project, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "data.jsonl"
    assert main(["export", annotated.location, str(out), "--format", "jsonl", "--annotators", "alice"]) == 0
    assert "Exported 5 documents" in capsys.readouterr().out
    target = tmp_path / "new.db"
    assert main(["import", str(target), str(out)]) == 0  # no --format: spans make it canonical JSONL
    printed = capsys.readouterr().out
    assert "Added new annotators: alice, judge" in printed and "new documents" in printed
    with Project.open(target) as copy:
        assert copy.documents.count() == 5
        assert sum(len(document_json(copy, i)["spans"]) for i in copy.documents.ids()) == 4
    assert main(["export", annotated.location, str(tmp_path / "s"), "--format", "csv", "--split", "0.5,0.6"]) == 1
    assert "[E803]" in capsys.readouterr().err
    assert main(["import", str(target), str(out), "--format", "nope"]) == 1
    assert "[E801]" in capsys.readouterr().err
