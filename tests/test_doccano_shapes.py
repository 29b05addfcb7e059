"""doccano JSONL (issue 15): every shape doccano exports is read, each kind of element stored or
counted; document labels and comments are exported where doccano keeps them, in a label column
the export can name, and come back without the user naming it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import UserError
from annotator.formats import LossReport, ReadOptions, doccano
from tests.format_fixtures import carried, sample_docs


def _read(tmp_path: Path, *records: dict[str, Any]) -> tuple[list[dict[str, Any]], LossReport]:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    report = LossReport()
    return list(doccano.read([path], ReadOptions(annotator="bob"), report)), report


def _labels(doc: dict[str, Any]) -> list[str]:
    return [label["label"] for label in doc["doc_labels"]]


def _spans(doc: dict[str, Any]) -> list[tuple[int, int, str]]:
    return [(span["start"], span["end"], span["label"]) for span in doc["spans"]]


def test_text_classification_labels_as_a_list_one_string_or_numbers(tmp_path: Path) -> None:
    docs, report = _read(tmp_path, {"id": 1, "text": "Good", "label": ["positive", "short"], "Comments": []},
                         {"id": 2, "text": "Bad", "label": "negative"}, {"id": 3, "text": "Meh", "label": [3]})
    assert [_labels(doc) for doc in docs] == [["positive", "short"], ["negative"], ["3"]]
    assert all(doc["doc_labels"][0]["annotator"] == "bob" and not doc["meta"] for doc in docs)
    assert not report.counts


def test_sequence_labelling_triples_and_entity_objects_in_label(tmp_path: Path) -> None:
    docs, _ = _read(tmp_path, {"text": "😀 EU and NATO", "label": [[2, 4, "ORG"], [9, 13, "ORG"]]},
                    {"text": "EU", "label": [{"id": 5, "start_offset": 0, "end_offset": 2, "label": "ORG"}]})
    assert [_spans(doc) for doc in docs] == [[(2, 4, "ORG"), (9, 13, "ORG")], [(0, 2, "ORG")]]
    assert docs[0]["spans"][1]["text"] == "NATO" and not any(doc["doc_labels"] for doc in docs)


def test_intent_detection_cats_and_entity_triples(tmp_path: Path) -> None:
    (doc,), _ = _read(tmp_path, {"text": "book a flight to Kyiv", "cats": ["BOOK"], "entities": [[17, 21, "CITY"]]})
    assert _labels(doc) == ["BOOK"] and _spans(doc) == [(17, 21, "CITY")]


def test_relation_extraction_entities_relations_and_older_labels_key(tmp_path: Path) -> None:
    (doc, older), _ = _read(
        tmp_path,
        {"id": 4, "text": "Google was founded by Larry Page.",
         "entities": [{"id": 10, "start_offset": 0, "end_offset": 6, "label": "ORG"},
                      {"id": 11, "start_offset": 22, "end_offset": 32, "label": "PERSON"}],
         "relations": [{"id": 3, "from_id": 10, "to_id": 11, "type": "foundedBy"}], "Comments": []},
        {"text": "Paris", "labels": [[0, 5, "LOC"]]})
    assert _spans(doc) == [(0, 6, "ORG"), (22, 32, "PERSON")]
    assert [(r["head"], r["tail"], r["label"]) for r in doc["relations"]] == [(1, 2, "foundedBy")]
    assert _spans(older) == [(0, 5, "LOC")]


def test_comments_are_notes_and_odd_comments_stay_metadata(tmp_path: Path) -> None:
    docs, _ = _read(tmp_path, {"text": "a", "label": [], "Comments": ["check the date", {"text": "ok", "user": 1}]},
                    {"text": "b", "label": [], "Comments": [{"user": 1}]})
    assert docs[0]["notes"] == [{"text": "check the date", "annotator": "bob"}, {"text": "ok", "annotator": "bob"}]
    assert docs[1]["notes"] == [] and docs[1]["meta"] == {"Comments": [{"user": 1}]}


def test_metadata_spread_over_the_line_or_under_meta_is_stored(tmp_path: Path) -> None:
    docs, report = _read(tmp_path,
                         {"id": 1, "text": "a", "label": ["x"], "source": "wire", "tags": ["a", "b"]},
                         {"text": "b", "label": [], "source": "top", "meta": {"source": "inner", "page": 2}},
                         {"text": "c", "label": [], "meta": "plain", "data": "kept"})
    assert docs[0]["meta"] == {"source": "wire", "tags": ["a", "b"]} and _labels(docs[0]) == ["x"]
    assert docs[1]["meta"] == {"source": "inner", "page": 2}
    assert docs[2]["meta"] == {"meta": "plain", "data": "kept"}
    assert report.lines() == ['left out 1 metadata keys of a line also named in its "meta" (the value in "meta" is kept)']


def test_a_label_column_of_another_name_is_found_beside_meta(tmp_path: Path) -> None:
    docs, _ = _read(tmp_path,
                    {"text": "Good", "sentiment": ["positive"], "meta": {}},
                    {"text": "Paris", "ner": [[0, 5, "LOC"]], "meta": {"page": 1}},
                    {"text": "Bad", "sentiment": ["negative"]},  # doccano's export shape: metadata
                    {"text": "Two", "a": ["x"], "b": ["y"], "meta": {}})  # which one? both stay metadata
    assert _labels(docs[0]) == ["positive"] and docs[0]["meta"] == {}
    assert _spans(docs[1]) == [(0, 5, "LOC")] and docs[1]["meta"] == {"page": 1}
    assert not docs[2]["doc_labels"] and docs[2]["meta"] == {"sentiment": ["negative"]}
    assert not docs[3]["doc_labels"] and docs[3]["meta"] == {"a": ["x"], "b": ["y"]}


def test_empty_labels_are_counted(tmp_path: Path) -> None:
    (doc,), report = _read(tmp_path, {"text": "a", "label": ["", "ok"]})
    assert _labels(doc) == ["ok"] and report.lines() == ["left out 1 empty document labels (doccano refuses them too)"]


@pytest.mark.parametrize(("record", "message"), [
    ({"text": "abc", "label": [[0, 1]]}, r'E871.*line 1: an item of "label" must be a label.*\[0, 1\]'),
    ({"text": "abc", "label": [None]}, r'E871.*an item of "label" must be'),
    ({"text": "abc", "label": {"a": 1}}, r'E871.*"label" must be a list or one label'),
    ({"text": "abc", "entities": ["ORG"]}, r"E871.*an entity must be an object"),
    ({"text": "abc", "label": [{"start_offset": 0, "label": "X"}]}, r"E871.*has no 'end_offset'"),
    ({"text": "abc", "entities": [[0, 1, "X"]], "relations": [{"id": 2, "from_id": 0, "to_id": 1, "type": "R"}]},
     r"E873.*relation 2 points at entity 0"),
])
def test_what_cannot_be_read_names_the_line(tmp_path: Path, record: dict[str, Any], message: str) -> None:
    with pytest.raises(UserError, match=message):
        _read(tmp_path, record)


def test_export_writes_document_labels_comments_and_meta(tmp_path: Path) -> None:
    docs = sample_docs()
    docs[0]["notes"] = [{"text": "check the source", "annotator": "alice"}]
    docs[0]["doc_labels"].append({"label": "urgent", "annotator": "bob"})
    out, report = tmp_path / "out.jsonl", LossReport()
    doccano.export(docs, out, report)
    first, second = (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())
    assert first["label"] == ["conflict", "urgent"] and first["Comments"] == ["check the source"]
    assert first["meta"] == {"source": "wire"} and second["label"] == [] and second["meta"] == {}
    assert report.lines() == ["left out 1 actor links of spans (doccano has none)",
                              "left out 3 span and relation attributes (doccano has none)",
                              "left out 1 span notes (doccano's comments belong to documents)"]


@pytest.mark.parametrize("column", ["label", "cats", "sentiment"])
def test_export_in_any_label_column_reads_back_unchanged(tmp_path: Path, column: str) -> None:
    docs = sample_docs()
    docs[0]["notes"] = [{"text": "check", "annotator": "alice"}]
    out = tmp_path / "out.jsonl"
    fmt = doccano.with_options({"label_column": column})
    assert fmt.export is not None and fmt.name == "doccano"
    fmt.export(docs, out, LossReport(), None)
    assert column in json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    back = list(doccano.read([out], ReadOptions(annotator="alice"), LossReport()))
    for before, after in zip(docs, back, strict=True):
        assert carried(after, ("start", "end", "label", "text")) == carried(before, ("start", "end", "label", "text"))
        assert after["doc_labels"] == before["doc_labels"] and after["meta"] == before["meta"]
        assert after["notes"] == before["notes"]


@pytest.mark.parametrize(("column", "why"), [("text", "the text"), ("entities", "its entities"), ("  ", "empty"),
                                             ("Comments", "its Comments"), ("meta", "its meta")])
def test_a_label_column_the_export_writes_otherwise_is_refused(column: str, why: str) -> None:
    with pytest.raises(UserError, match=f"E1120.*'{column}' cannot be the doccano label column.*{why}"):
        doccano.with_options({"label_column": column})
    with pytest.raises(UserError, match="E1122.*colour"):
        doccano.with_options({"colour": "red"})
