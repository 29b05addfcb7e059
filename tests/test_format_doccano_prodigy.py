"""doccano and Prodigy JSONL: round trips of what they carry, both doccano shapes, broken lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.errors import UserError
from annotator.formats import LossReport, ReadOptions, doccano, prodigy
from tests.format_fixtures import carried, sample_docs


def test_doccano_round_trip_keeps_offsets_labels_relations(tmp_path: Path) -> None:
    out, report = tmp_path / "out.jsonl", LossReport()
    doccano.export(sample_docs(), out, report)
    back = list(doccano.read([out], ReadOptions(), LossReport()))
    for before, after in zip(sample_docs(), back, strict=True):
        assert carried(after, ("start", "end", "label", "text")) == carried(before, ("start", "end", "label", "text"))
        assert after["meta"] == before["meta"]
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert set(first["entities"][0]) == {"id", "start_offset", "end_offset", "label"}
    assert set(first["relations"][0]) == {"id", "from_id", "to_id", "type"}
    assert "😀" in first["text"]  # written as is, not escaped
    lines = " ".join(report.lines())
    assert "3 span and relation attributes" in lines and "1 document labels" in lines and "1 actor links" in lines


def test_doccano_reads_sequence_labelling_shape(tmp_path: Path) -> None:
    path = tmp_path / "seq.jsonl"
    path.write_text(json.dumps({"id": 7, "text": "😀 EU and NATO", "label": [[2, 4, "ORG"], [9, 13, "ORG"]]}) + "\n"
                    + json.dumps({"text": "Good news", "label": ["positive"]}) + "\n", encoding="utf-8")
    first, second = doccano.read([path], ReadOptions(annotator="bob"), LossReport())
    assert first["id"] == "7" and [(s["text"], s["annotator"]) for s in first["spans"]] == [("EU", "bob"), ("NATO", "bob")]
    assert second["doc_labels"] == [{"label": "positive", "annotator": "bob"}] and second["id"] == "seq-2"


@pytest.mark.parametrize("module", [doccano, prodigy])
def test_broken_json_line_names_file_and_line(tmp_path: Path, module: object) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('{"text": "fine", "label": []}\n\n{"text": "oops",\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"E870.*broken\.jsonl, line 3"):
        list(module.read([path], ReadOptions(), LossReport()))  # type: ignore[attr-defined]


def test_doccano_span_past_text_and_unknown_relation_end(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "abc", "label": [[0, 9, "X"]]}) + "\n", encoding="utf-8")
    with pytest.raises(UserError, match="E872.*line 1.*3 characters"):
        list(doccano.read([path], ReadOptions(), LossReport()))
    path.write_text(json.dumps({"text": "abc", "entities": [{"id": 1, "start_offset": 0, "end_offset": 1, "label": "X"}],
                                "relations": [{"id": 5, "from_id": 1, "to_id": 2, "type": "R"}]}) + "\n")
    with pytest.raises(UserError, match="E873.*relation 5.*entity 2"):
        list(doccano.read([path], ReadOptions(), LossReport()))


def test_prodigy_round_trip_and_task_shape(tmp_path: Path) -> None:
    out, report = tmp_path / "out.jsonl", LossReport()
    prodigy.export(sample_docs(), out, report)
    back = list(prodigy.read([out], ReadOptions(), LossReport()))
    for before, after in zip(sample_docs(), back, strict=True):
        assert carried(after, ("start", "end", "label", "text"), doc_keys=("id", "title", "text", "meta")) == \
            carried(before, ("start", "end", "label", "text"), doc_keys=("id", "title", "text", "meta"))
        assert [label["label"] for label in after["doc_labels"]] == [label["label"] for label in before["doc_labels"]]
    task = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert task["answer"] == "accept" and task["_view_id"] == "relations"
    tokens = task["tokens"]
    for span in task["spans"]:
        assert tokens[span["token_start"]]["start"] == span["start"] and tokens[span["token_end"]]["end"] == span["end"]
    relation = task["relations"][0]
    assert relation["head"] == relation["head_span"]["token_end"] and relation["child"] == relation["child_span"]["token_end"]
    assert "left out 3 span and relation attributes (Prodigy has none)" in report.lines()


def test_prodigy_widens_spans_to_tokens_and_counts_them(tmp_path: Path) -> None:
    doc = sample_docs()[1] | {"spans": [{"id": 1, "start": 3, "end": 6, "text": "ann", "label": "X", "annotator": "a",
                                         "layer": "annotation", "attrs": {}, "note": None, "actor": None}]}
    out, report = tmp_path / "out.jsonl", LossReport()
    prodigy.export([doc], out, report)
    [back] = prodigy.read([out], ReadOptions(), LossReport())
    assert back["spans"][0]["text"] == "annotations"
    assert report.lines() == ["left out 1 exact span boundaries (spans widened to whole tokens)"]


def test_prodigy_reads_accepted_tasks_only_with_or_without_tokens(tmp_path: Path) -> None:
    path = tmp_path / "db.jsonl"
    tasks = [{"text": "Russia 🇷🇺 and Ukraine", "spans": [{"start": 0, "end": 6, "label": "GPE"}], "answer": "accept",
              "relations": [{"head": 0, "child": 3, "label": "BORDERS",
                             "head_span": {"start": 0, "end": 6, "label": "GPE"},
                             "child_span": {"start": 14, "end": 21, "label": "GPE"}}]},
             {"text": "Rejected", "spans": [], "answer": "reject"},
             {"text": "Ignored", "answer": "ignore"}]
    path.write_text("".join(json.dumps(task, ensure_ascii=False) + "\n" for task in tasks), encoding="utf-8")
    report = LossReport()
    [doc] = prodigy.read([path], ReadOptions(), report)
    assert [s["text"] for s in doc["spans"]] == ["Russia", "Ukraine"]
    assert doc["relations"][0]["head"] == 1 and doc["relations"][0]["tail"] == 2
    assert report.lines() == ["left out 2 Prodigy tasks not accepted (answer 'reject' or 'ignore'), skipped"]
