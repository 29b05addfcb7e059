"""spaCy v2 training tuples: every kind of annotation stored or counted, the file shapes teams keep
(a JSON list of pairs, one pair a line, NER Annotator's object), routing by content, bad files
refused with a catalogue message, and imports into real projects that export to a DocBin spaCy
trains on as the tuples said.

The fixtures in ``tests/fixtures/spacy_v2`` are in the shapes spaCy v2's training loop took and
teams saved with ``json.dump``: ``train_data.json`` (pretty-printed; entities with and without a
knowledge-base id, v3's ``spans``, ``cats`` with negatives, emoji and Cyrillic text),
``ner_annotator.json`` (NER Annotator's ``{"classes", "annotations"}``) and ``train.jsonl``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import UserError
from annotator.formats import LossReport, ReadOptions, spacy_v2
from annotator.formats.base import ExportOptions
from annotator.formats.detect import detect_format
from annotator.formats.pipeline import export_project
from annotator.formats.select import select_documents
from annotator.importing import import_files
from annotator.limits import DEFAULT_LIMITS
from annotator.store import Project

FIXTURES = Path(__file__).parent / "fixtures" / "spacy_v2"


def _read(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    report = LossReport()
    docs = list(spacy_v2.read([path], ReadOptions(annotator="v2-team"), report))
    return docs, report.lines()  # type: ignore[return-value]


def _write(tmp_path: Path, value: Any, name: str = "train.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def test_entities_spans_and_cats_are_stored() -> None:
    docs, lines = _read(FIXTURES / "train_data.json")
    assert [doc["id"] for doc in docs] == ["train_data-1", "train_data-2", "train_data-3"]
    first = docs[0]
    assert [(s["text"], s["label"], s["attrs"]) for s in first["spans"]] == [
        ("Lukashenko", "PERSON", {"spacy_key": "doc.ents", "kb_id": "Q1"}),
        ("Putin", "PERSON", {"spacy_key": ["doc.ents", "sc"]}),  # an entity and in "sc": one span
        ("Minsk", "GPE", {"spacy_key": "doc.ents"}),
        ("Vilnius", "GPE", {"spacy_key": "doc.ents"}),
        ("threatened Vilnius", "THREAT", {"spacy_key": "sc"}),
    ]
    assert {s["annotator"] for s in first["spans"]} == {"v2-team"}
    assert first["doc_labels"] == [{"label": "POLITICS", "annotator": "v2-team", "layer": "annotation"}]
    assert first["meta"] == {"spacy_negative_cats": {"SPORT": 0.0}}
    assert [(s["text"], s["label"]) for s in docs[1]["spans"]] == [("Литвой", "GPE")]
    assert docs[1]["doc_labels"] == [] and docs[1]["meta"] == {"spacy_negative_cats": {"POLITICS": 0.0, "SPORT": 0.0}}
    assert docs[2]["spans"] == [] and lines == []


def test_other_annotations_are_counted_by_kind(tmp_path: Path) -> None:
    text = "Putin met Lukashenko."
    path = _write(tmp_path, [
        [text, {"entities": [[0, 5, "PERSON"], [0, 5, "PERSON"], [10, 20, ""]], "cats": {"MEETING": 0.6},
                "words": ["Putin", "met", "Lukashenko", "."], "tags": ["NNP", "VBD", "NNP", "."],
                "heads": [1, 1, 1, 1], "deps": ["nsubj", "ROOT", "dobj", "punct"],
                "links": {"(0, 5)": {"Q7747": 1.0}}, "source": "wire"}],
        [text, {"entities": ["U-PERSON", "O", "U-PERSON", "O"]}],
        ["   ", {"entities": []}],
    ])
    docs, lines = _read(path)
    assert [(s["text"], s["label"]) for s in docs[0]["spans"]] == [("Putin", "PERSON"), ("Putin", "PERSON")]
    assert docs[0]["doc_labels"] == [{"label": "MEETING", "annotator": "v2-team", "layer": "annotation"}]
    assert docs[1]["spans"] == [] and len(docs) == 2
    assert lines == [
        "left out 1 scores of spaCy categories between 0.5 and 1 (a document label has no score; exported as 1.0)",
        "left out 1 spaCy v2 annotations under \"source\" (not something spaCy v2 trains on)",
        "left out 4 spaCy v2 entities given as BILUO tags of tokens (no character offsets)",
        "left out 1 spaCy v2 entities without a label",
        "left out 1 spaCy v2 entity links (\"links\"; a span keeps a kb_id given with the entity)",
        "left out 1 spaCy v2 examples with an empty text",
        "left out 4 spaCy v2 token annotations \"deps\" (per token; tokens are not part of the schema)",
        "left out 4 spaCy v2 token annotations \"heads\" (per token; tokens are not part of the schema)",
        "left out 4 spaCy v2 token annotations \"tags\" (per token; tokens are not part of the schema)",
        "left out 4 spaCy v2 token annotations \"words\" (per token; tokens are not part of the schema)",
    ]


def test_ner_annotator_and_jsonl_shapes() -> None:
    docs, lines = _read(FIXTURES / "ner_annotator.json")
    assert [[(s["text"], s["label"]) for s in doc["spans"]] for doc in docs] == [
        [("Putin", "PERSON"), ("Minsk", "GPE")], [("Riga", "GPE")]]
    assert lines == ['left out 1 label names listed in "classes" that no entity uses (a label is made when it is used)']
    docs, lines = _read(FIXTURES / "train.jsonl")
    assert [doc["id"] for doc in docs] == ["train-1", "train-2"] and lines == []
    assert docs[1]["doc_labels"] == [{"label": "CALM", "annotator": "v2-team", "layer": "annotation"}]


def test_files_are_routed_by_their_content(tmp_path: Path) -> None:
    for name in ("train_data.json", "ner_annotator.json", "train.jsonl"):
        assert detect_format(FIXTURES / name, DEFAULT_LIMITS) == "spacy-v2", name
    tasks = _write(tmp_path, [{"data": {"text": "Minsk"}, "annotations": []}], "tasks.json")
    assert detect_format(tasks, DEFAULT_LIMITS) == "label-studio"


@pytest.mark.parametrize(("content", "code", "problem"), [
    ('[["Minsk", {"entities": [[0, 5, "GPE"]]}', "E1100", "train.json is not valid JSON"),
    ('[["Minsk", {"cats": {"A": NaN}}]]', "E1100", "NaN is not a JSON value"),
    ('{"text": "Minsk"}', "E1101", "it holds a JSON dict"),
    ('[["Minsk"]]', "E1102", "example 1: an example must be a [text, annotations] pair, not a list of 1"),
    ('[[5, {}]]', "E1102", "example 1: the text must be a string, not a number"),
    ('[["Minsk", [[0, 5, "GPE"]]]]', "E1102", "the annotations must be a JSON object, not a list of 1"),
    ('[["Minsk", {"entities": {"GPE": [0, 5]}}]]', "E1102", "entities must be a list of [start, end, label]"),
    ('[["Minsk", {}], ["Riga", {"entities": [[0, 9, "GPE"]]}]]', "E1102",
     "example 2: an item of entities, 0-9, does not fit the text, which has 4 characters"),
    ('[["Minsk", {"entities": [[-1, 3, "GPE"]]}]]', "E1102", "does not fit the text"),
    ('[["Minsk", {"entities": [["0", 5, "GPE"]]}]]', "E1102", "offsets '0'-5, which are not whole numbers"),
    ('[["Minsk", {"entities": [[0.0, 5, "GPE"]]}]]', "E1102", "which are not whole numbers"),
    ('[["Minsk", {"entities": [[0, 5, 7]]}]]', "E1102", "has the label 7, which is not a string"),
    ('[["Minsk", {"entities": [[0, 5]]}]]', "E1102", "must be [start, end, label], not a list of 2"),
    ('[["Minsk", {"entities": [[0, 5, "GPE", 3]]}]]', "E1102", "knowledge-base id 3"),
    ('[["Minsk", {"spans": [[0, 5, "GPE"]]}]]', "E1102", '"spans" must be an object of span keys'),
    ('[["Minsk", {"spans": {"sc": [[0, 6, "GPE"]]}}]]', "E1102", 'an item of spans "sc", 0-6, does not fit'),
    ('[["Minsk", {"cats": [["A", 1.0]]}]]', "E1102", '"cats" must be an object of labels and scores'),
    ('[[[[[' * 10000, "E1100", "nested too deeply"),
])
def test_bad_files_are_refused_naming_the_problem(tmp_path: Path, content: str, code: str, problem: str) -> None:
    path = tmp_path / "train.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError) as refused:
        _read(path)
    message = str(refused.value)
    assert message.startswith(f"[{code}]") and str(path) in message and problem in message, message


def test_bad_lines_and_bytes_are_refused_naming_them(tmp_path: Path) -> None:
    lines = tmp_path / "train.jsonl"
    lines.write_text('["Minsk", {}]\n["Riga", {"entities": [[0, 2, "GPE"], [3, 9, "GPE"]]}]\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"E1102.*train.jsonl, line 2: an item of entities, 3-9, does not fit"):
        _read(lines)
    lines.write_text('["Minsk", {}]\n["Riga", {\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"E1100.*train.jsonl is not valid JSON .*, line 2, column"):
        _read(lines)
    latin = tmp_path / "latin.json"
    latin.write_bytes('[["Zürich", {}]]'.encode("latin-1"))
    with pytest.raises(UserError, match=r"E1103.*latin.json is not UTF-8"):
        _read(latin)


def test_import_into_a_project_and_export_for_spacy(project: Project, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    report = import_files(project, [FIXTURES / "train_data.json", FIXTURES / "train.jsonl"])
    assert not report.refused and [entry.format for entry in report.files] == ["spacy-v2", "spacy-v2"]
    first, second = report.files
    assert (first.spans, first.doc_labels, second.spans, second.doc_labels) == (6, 1, 3, 1)
    assert first.loss.lines() == [] and second.loss.lines() == []
    stored = {doc["text"]: doc for doc in select_documents(project, ExportOptions())}
    assert stored["Граница с Литвой закрыта."]["meta"]["spacy_negative_cats"] == {"POLITICS": 0.0, "SPORT": 0.0}
    out = tmp_path / "out" / "train.spacy"
    export_project(project, out, "spacy", ExportOptions())
    exported = {doc.text: doc for doc in DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)}
    doc = exported["Lukashenko met Putin in Minsk 😀 and threatened Vilnius."]
    assert [(e.start_char, e.end_char, e.label_, e.kb_id_) for e in doc.ents] == [
        (0, 10, "PERSON", "Q1"), (15, 20, "PERSON", ""), (24, 29, "GPE", ""), (47, 54, "GPE", "")]
    assert [(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]] == [(15, 20, "PERSON"), (36, 54, "THREAT")]
    assert doc.cats == {"SPORT": 0.0, "POLITICS": 1.0}
    assert exported["Граница с Литвой закрыта."].cats == {"POLITICS": 0.0, "SPORT": 0.0}
    assert exported["Riga is calm."].cats == {"CALM": 1.0}


@pytest.mark.slow
def test_cli_refuses_a_bad_file_without_traceback(tmp_path: Path) -> None:
    bad = _write(tmp_path, [["Minsk", {"entities": [[0, 50, "GPE"]]}]])
    done = subprocess.run([sys.executable, "-m", "annotator", "import", str(tmp_path / "p.db"), str(bad)],
                          check=False, capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert "Traceback" not in output and "[E1102]" in output and "example 1" in output, output
    done = subprocess.run([sys.executable, "-m", "annotator", "import", str(tmp_path / "p.db"), str(bad),
                           "--format", "spacy-v2"], check=False, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stdout + done.stderr and "[E1102]" in done.stdout + done.stderr
