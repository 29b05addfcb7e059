"""Label Studio JSON: every kind of result stored or counted, offsets in code points and in UTF-16
units (emoji), what the export writes for Label Studio to import, and imports into real projects.

The fixtures in ``tests/fixtures/label_studio`` are written in the shapes Label Studio documents
and writes: ``ner_export.json`` a Python-side export (code points; users by id and by e-mail,
ground truth, a cancelled annotation, a draft, predictions with scores, relations in every
direction, per-region notes and choices, document choices and notes, a rating, an image task and
image regions beside text), ``browser_utf16.json`` an annotation made in the browser when it
counted UTF-16 units, beside a model's prediction in code points.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import UserError
from annotator.formats import LossReport, ReadOptions
from annotator.formats import label_studio as ls
from annotator.formats.base import ExportOptions
from annotator.formats.detect import detect_format
from annotator.formats.label_studio_export import config_path
from annotator.formats.pipeline import export_project
from annotator.formats.select import select_documents
from annotator.importing import ImportOptions, import_files
from annotator.limits import DEFAULT_LIMITS
from annotator.store import Project
from tests.format_fixtures import carried, sample_docs, span

FIXTURES = Path(__file__).parent / "fixtures" / "label_studio"


def _read(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    report = LossReport()
    docs = list(ls.read([path], ReadOptions(), report))
    return docs, report.lines()  # type: ignore[return-value]


def _spans(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(s["text"], s["label"], s["annotator"], s["layer"]) for s in doc["spans"]]


def test_every_kind_of_result_is_stored_or_counted() -> None:
    [first, third], lines = _read(FIXTURES / "ner_export.json")
    assert lines == [
        "left out 1 Label Studio 'rating' results (not text spans, relations, choices or notes)",
        "left out 1 Label Studio 'rectanglelabels' results (not text spans, relations, choices or notes)",
        "left out 1 Label Studio annotations cancelled (skipped) by their annotator",
        "left out 1 Label Studio drafts (not submitted)",
        "left out 1 Label Studio regions of no text (start equals end)",
        "left out 2 Label Studio regions whose offsets do not fit the text (or its text there)",
        "left out 1 Label Studio regions without a label",
        "left out 1 Label Studio relations whose end is not a text span read here",
        "left out 1 Label Studio tasks without a text in data.text (not text tasks)",
    ]
    alice, bob = "alice@example.org", "bob@example.org"  # by id and created_username, by completed_by's e-mail
    assert _spans(first) == [("Putin", "ACTOR", alice, "annotation"), ("NATO", "ACTOR", alice, "annotation"),
                             ("warned", "THREAT", alice, "annotation"), ("NATO", "ACTOR", alice, "annotation"),
                             ("Kremlin", "ACTOR", bob, "gold"), ("Kyiv", "ACTOR", bob, "gold"),
                             ("Kyiv", "GPE", "ner-v1", "suggestion"), ("Kremlin", "ORG", "ner-v1", "suggestion")]
    assert [s.get("score") for s in first["spans"]][-2:] == [0.93, 0.5]  # the result's score, else the prediction's
    putin, nato = first["spans"][0], first["spans"][1]
    assert putin["note"] == "head of state" and nato["attrs"] == {"certainty": "high"}
    assert [(r["head"], r["tail"], r["label"], r["attrs"]) for r in first["relations"]] == [
        (1, 2, "THREATENS", {}), (1, 2, "ADDRESSES", {}),  # "left" turned round
        (1, 3, ls.UNLABELLED_RELATION, {"direction": "bi"}), (5, 6, "THREATENS", {})]
    assert [label["label"] for label in first["doc_labels"]] == ["hostile", "military"]
    assert first["notes"] == [{"text": "Threat against NATO.", "annotator": alice}]
    assert first["status"] == {alice: "done", bob: "done"}
    assert first["id"] == "101" and first["meta"]["label_studio"] == {
        "task": 101, "data": {"source_url": "https://example.org/wire/1"}, "users": {alice: 10, bob: 11}}
    assert _spans(third) == [("Minsk", "GPE", alice, "annotation")] and third["meta"]["batch"] == 7


def test_browser_offsets_in_utf16_units_are_converted() -> None:
    [doc], lines = _read(FIXTURES / "browser_utf16.json")
    assert lines == []
    # the region without a text ("Минске") takes the count the other regions of its annotation use
    assert _spans(doc) == [("Лукашенко", "PERSON", "label-studio-user-3", "annotation"),
                           ("Путиным", "PERSON", "label-studio-user-3", "annotation"),
                           ("Минске", "GPE", "label-studio-user-3", "annotation"),
                           ("Путиным", "PER", "spacy-ru", "suggestion"), ("Минске", "LOC", "spacy-ru", "suggestion")]
    raw = json.loads((FIXTURES / "browser_utf16.json").read_text(encoding="utf-8"))[0]
    browser, python = raw["annotations"][0]["result"][1]["value"], raw["predictions"][0]["result"][0]["value"]
    assert browser["start"] == python["start"] + 3  # 🇷🇺 (two characters) and 😀 take a unit more each


def _task(text: str, *regions: tuple[int, int, str | None, str]) -> dict[str, Any]:
    return {"data": {"text": text}, "annotations": [{"completed_by": 1, "result": [
        {"id": f"r{index}", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": start, "end": end, "labels": [label]} | ({"text": given} if given is not None else {})}
        for index, (start, end, given, label) in enumerate(regions)]}]}


@pytest.mark.parametrize("units", ["points", "utf16"])
def test_non_bmp_text_either_count(tmp_path: Path, units: str) -> None:
    text = "𝔘𝔫𝔦 👩‍👩‍👧 met 🇧🇾 in Минск 😀."
    def at(word: str) -> tuple[int, int]:
        start = text.index(word)
        if units == "points":
            return start, start + len(word)
        before = len(text[:start].encode("utf-16-le")) // 2
        return before, before + len(word.encode("utf-16-le")) // 2
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([_task(text, (*at("met"), "met", "V"), (*at("👩‍👩‍👧"), "👩‍👩‍👧", "FAMILY"),
                                      (*at("Минск"), None, "GPE"))]), encoding="utf-8")
    [doc], lines = _read(path)
    assert lines == [] and [s["text"] for s in doc["spans"]] == ["met", "👩‍👩‍👧", "Минск"]


def test_offsets_that_split_a_character_or_fit_neither_count_are_counted(tmp_path: Path) -> None:
    text = "😀 Minsk"
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([_task(text, (1, 3, None, "X"), (2, 7, "Minsk", "GPE"), (0, 3, "nope", "Y")),
                                {"data": {"text": text}, "annotations": [{"result": [
                                    {"id": "a", "type": "labels", "value": {"start": 1, "end": 4, "labels": ["Z"]}}]}]}
                                ]), encoding="utf-8")
    first, second = _read(path)[0]
    # "Minsk" in code points is 2-7; 1-3 in that count is " M"; "nope" fits nowhere
    assert [s["text"] for s in first["spans"]] == [" M", "Minsk"]
    assert [s["text"] for s in second["spans"]] == [" Mi"] and second["spans"][0]["annotator"] == "imported"
    assert _read(path)[1] == ["left out 1 Label Studio regions whose offsets do not fit the text (or its text there)"]


def _suggested_and_gold() -> list[dict[str, Any]]:
    docs = sample_docs()
    text = docs[0]["text"]
    kyiv = text.index("Kyiv")
    docs[0]["spans"] += [span(20, text, kyiv, kyiv + 4, "GPE", annotator="ner-v1", layer="suggestion", score=0.75),
                         span(21, text, 0, 5, "ACTOR", annotator="bob@example.org", layer="gold")]
    docs[0]["notes"] = [{"annotator": "alice", "text": "Check the date."}]
    docs[1]["status"] = {"bob@example.org": "done", "carol": "in_progress"}
    return docs


def test_round_trip_and_what_is_reported(tmp_path: Path) -> None:
    out, report = tmp_path / "tasks.json", LossReport()
    ls.export(_suggested_and_gold(), out, report)
    back, lines = _read(out)
    assert lines == []
    keys = ("start", "end", "label", "text", "annotator", "layer", "note")
    for before, after in zip(_suggested_and_gold(), back, strict=True):
        assert carried(after, keys, doc_keys=("id", "title", "text", "meta")) == \
            carried(before, keys, doc_keys=("id", "title", "text", "meta"))
        assert after["doc_labels"] == [{**label, "layer": label.get("layer", "annotation")}
                                       for label in before["doc_labels"]]
        assert after["notes"] == before["notes"]
    [suggested] = [s for s in back[0]["spans"] if s["layer"] == "suggestion"]
    assert suggested["score"] == 0.75 and back[0]["spans"][0]["attrs"] == {"tone": ["hostile", "formal"]}
    assert back[1]["status"] == {"bob@example.org": "done"}
    assert report.lines() == [
        "left out 1 actor links of spans (Label Studio has none)",
        "left out 1 annotator names that are not e-mail addresses (Label Studio gives those annotations to the "
        "user who imports the file)",
        "left out 1 document statuses other than done (a Label Studio annotation is submitted work)",
        "left out 1 relation attributes (Label Studio relations have none)",
        "left out 2 span attributes that are not text, or named like a tag of the config (doc_label, doc_note, "
        "label, note, text)",
    ]


def test_export_is_what_label_studio_imports(tmp_path: Path) -> None:
    out = tmp_path / "tasks.json"
    ls.export(_suggested_and_gold(), out, LossReport())
    tasks = json.loads(out.read_text(encoding="utf-8"))
    config = ET.fromstring(config_path(out).read_text(encoding="utf-8"))
    tags = {tag.get("name"): tag for tag in config if tag.get("name")}
    assert tags["text"].tag == "Text" and tags["text"].get("value") == "$text"
    choices = {tag.get("name"): {choice.get("value") for choice in tag} for tag in config.iter("Choices")}
    labels = {label.get("value") for label in config.iter("Label")}
    relations = {relation.get("value") for relation in config.iter("Relation")}
    for task in tasks:
        assert set(task) <= {"data", "meta", "annotations", "predictions"} and isinstance(task["data"]["text"], str)
        for annotation in [*task["annotations"], *task["predictions"]]:
            regions = {r["id"]: r for r in annotation["result"] if r["type"] == "labels"}
            for result in annotation["result"]:
                if result["type"] == "relation":
                    assert {result["from_id"], result["to_id"]} <= set(regions) and set(result["labels"]) <= relations
                    continue
                assert result["to_name"] == "text" and result["from_name"] in tags
                value = result["value"]
                if result["type"] == "labels":
                    assert set(value["labels"]) <= labels
                    assert task["data"]["text"][value["start"]:value["end"]] == value["text"]  # code points
                elif result["type"] == "choices":
                    assert set(value["choices"]) <= choices[result["from_name"]]
                if "start" in value and result["type"] != "labels":  # per-region: the region's id and place
                    assert (regions[result["id"]]["value"]["start"], regions[result["id"]]["value"]["end"]) == \
                        (value["start"], value["end"])
    first = tasks[0]
    assert [a.get("completed_by") for a in first["annotations"]] == [None, {"email": "bob@example.org"}]
    assert [a["ground_truth"] for a in first["annotations"]] == [False, True]
    kyiv = first["data"]["text"].index("Kyiv")
    assert first["predictions"] == [{"model_version": "ner-v1", "score": 0.75, "result": [
        {"id": "s20", "from_name": "label", "to_name": "text", "type": "labels", "origin": "prediction",
         "value": {"start": kyiv, "end": kyiv + 4, "text": "Kyiv", "labels": ["GPE"]}, "score": 0.75}]}]
    assert first["data"] == {"text": first["data"]["text"], "document": "doc-1", "title": "Warning"}
    assert tasks[1]["annotations"] == [{"completed_by": {"email": "bob@example.org"}, "ground_truth": False,
                                        "was_cancelled": False, "result": []}]


@pytest.mark.parametrize(("content", "code", "problem"), [
    (b'[{"data": {"text": "a"}', "E970", "not valid JSON"),
    (b'[{"data": {"text": NaN}}]', "E970", "NaN is not a JSON value"),
    (b"[" * 100_000 + b"]" * 100_000, "E970", "nested too deeply"),
    (b'"just a string"', "E971", "holds a JSON str"),
    (b'[{"id": 1, "text": "a", "label": [{"start": 0, "end": 1, "labels": ["X"]}], "annotation_id": 4}]', "E971",
     "JSON-MIN"),
    (b'[{"data": {"text": "a"}, "annotations": {"result": []}}]', "E972", 'task 1: "annotations" must be a list'),
    (b'[{"data": {"text": "a"}}, {"data": {"text": "b"}, "annotations": [{"result": [5]}]}]', "E972",
     'task 2: "result" must be a list of JSON objects'),
    (b'[{"data": "text"}]', "E972", '"data" must be a JSON object'),
    ("[{\"data\": {\"text\": \"Минск\"}}]".encode("cp1251"), "E973", "not UTF-8"),
])
def test_malformed_files_are_refused_naming_the_problem(tmp_path: Path, content: bytes, code: str,
                                                        problem: str) -> None:
    path = tmp_path / "tasks.json"
    path.write_bytes(content)
    with pytest.raises(UserError) as refused:
        _read(path)
    assert str(refused.value).startswith(f"[{code}]") and problem in str(refused.value)


def test_a_json_file_is_routed_to_label_studio(tmp_path: Path) -> None:
    assert detect_format(FIXTURES / "ner_export.json", DEFAULT_LIMITS) == "label-studio"
    plain = tmp_path / "tasks.json"
    plain.write_text(json.dumps([{"text": "A task that is its own data."}]), encoding="utf-8")
    [doc], lines = _read(plain)
    assert doc["text"] == "A task that is its own data." and lines == []


def test_import_into_a_project(project: Project, tmp_path: Path) -> None:
    report = import_files(project, [FIXTURES / "ner_export.json", FIXTURES / "browser_utf16.json"])
    assert not report.refused and [entry.format for entry in report.files] == ["label-studio", "label-studio"]
    first = report.files[0]
    assert (first.spans, first.relations, first.doc_labels, first.notes, first.statuses) == (8, 4, 2, 1, 3)
    assert "left out 1 duplicate spans (same annotator, layer, label and offsets: stored once)" in first.loss.lines()
    assert {"alice@example.org", "bob@example.org", "ner-v1", "label-studio-user-3", "spacy-ru"} <= \
        set(report.new_annotators)
    docs = {doc["id"]: doc for doc in select_documents(project, ExportOptions(layer="all"))}
    wire = docs["101"]
    assert sorted((s["text"], s["layer"]) for s in wire["spans"]) == [
        ("Kremlin", "gold"), ("Kremlin", "suggestion"), ("Kyiv", "gold"), ("Kyiv", "suggestion"),
        ("NATO", "annotation"), ("Putin", "annotation"), ("warned", "annotation")]
    assert wire["status"] == {"alice@example.org": "done", "bob@example.org": "done"}
    assert [s["text"] for s in docs["7"]["spans"] if s["layer"] == "annotation"] == ["Лукашенко", "Путиным", "Минске"]


def test_export_from_a_project_and_back(project: Project, tmp_path: Path) -> None:
    import_files(project, [FIXTURES / "ner_export.json"])
    out = tmp_path / "out" / "tasks.json"
    result = export_project(project, out, "label-studio", ExportOptions(layer="all"))
    assert result.files == [out] and config_path(out).is_file() and result.documents == 2
    again = tmp_path / "again.json"
    export_project(project, again, "label-studio", ExportOptions(layer="all"))
    assert again.read_bytes() == out.read_bytes()
    with Project.open(tmp_path / "copy.db") as copy:
        report = import_files(copy, [out], ImportOptions(format="label-studio"))
        assert not report.refused and report.files[0].loss.lines() == []
        assert report.files[0].spans == 8 and report.files[0].relations == 4
        back = {doc["id"]: doc for doc in select_documents(copy, ExportOptions(layer="all"))}
    original = {doc["id"]: doc for doc in select_documents(project, ExportOptions(layer="all"))}
    keys = ("start", "end", "label", "annotator", "layer", "note", "attrs", "score")
    for name, doc in original.items():
        assert carried(back[name], keys, ("label", "annotator", "layer", "attrs")) == \
            carried(doc, keys, ("label", "annotator", "layer", "attrs"))
        assert back[name]["doc_labels"] == doc["doc_labels"] and back[name]["notes"] == doc["notes"]


def test_identical_regions_are_stored_once_with_their_relations(project: Project, tmp_path: Path) -> None:
    text = "Lukashenko met Putin in Minsk."
    task = _task(text, (0, 10, "Lukashenko", "PERSON"), (15, 20, "Putin", "PERSON"), (15, 20, "Putin", "PERSON"))
    task["annotations"][0]["result"] += [
        {"from_id": "r0", "to_id": r, "type": "relation", "direction": "right", "labels": ["MEETS"]} for r in ("r1", "r2")]
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    [entry] = import_files(project, [path]).files
    assert (entry.spans, entry.relations) == (2, 1)
    assert entry.loss.lines() == ["left out 1 duplicate relations (same ends, label, annotator and layer: stored once)",
                                  "left out 1 duplicate spans (same annotator, layer, label and offsets: stored once)"]
    [doc] = select_documents(project, ExportOptions())
    assert [(s["text"], s["annotator"]) for s in doc["spans"]] == [("Lukashenko", "label-studio-user-1"),
                                                                   ("Putin", "label-studio-user-1")]


def test_cli_refuses_a_broken_export_without_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "export.json"
    broken.write_text('[{"data": {"text": "Minsk"}, "annotations": [{"result": "[1, 2"}]}]', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "annotator", "import", str(tmp_path / "p.db"), str(broken)],
                          check=False, capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert "Traceback" not in output and "[E972]" in output and "task 1" in output
