"""doccano and Prodigy JSONL: round trips of what they carry, both doccano shapes, broken lines; what each
Prodigy recipe saves (ner, rel, textcat, choice, entity linking, review) stored or counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import UserError
from annotator.formats import LossReport, ReadOptions, doccano, prodigy
from annotator.formats.base import ExportOptions
from annotator.formats.detect import detect_format
from annotator.formats.select import select_documents
from annotator.importing import import_files
from annotator.limits import DEFAULT_LIMITS
from annotator.store import Project
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
    assert "3 span and relation attributes" in lines and "document labels" not in lines and "1 actor links" in lines


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
    assert report.lines() == ["left out 1 Prodigy tasks answered 'ignore', not stored",
                              "left out 1 Prodigy tasks answered 'reject', not stored"]


# --- Prodigy: what each recipe saves (fixtures in tests/fixtures/prodigy, in db-out's shapes) --------------------

PRODIGY = Path(__file__).parent / "fixtures" / "prodigy"


def _prodigy(name: str) -> tuple[list[dict[str, Any]], list[str]]:
    report = LossReport()
    docs = list(prodigy.read([PRODIGY / name], ReadOptions(), report))
    return docs, report.lines()  # type: ignore[return-value]


def test_prodigy_textcat_answers_are_document_labels_of_their_annotators() -> None:
    docs, lines = _prodigy("textcat_binary.jsonl")
    assert [(doc["text"][:6], doc["doc_labels"], doc["spans"]) for doc in docs] == [
        ("Moscow", [{"label": "THREAT", "annotator": "threats-alice", "layer": "annotation"}], []),
        ("Moscow", [{"label": "THREAT", "annotator": "threats-bob", "layer": "annotation"}], []),  # _session_id
        ("Tanks ", [{"label": "MILITARY", "annotator": "threats-bob", "layer": "annotation"}], [])]
    assert lines == ["left out 1 Prodigy pattern highlights in classification tasks (not annotations)",
                     "left out 1 Prodigy textcat answers 'reject' (the label does not apply)",
                     "left out 1 Prodigy textcat tasks answered 'ignore', not stored"]


def test_prodigy_choice_answers_are_document_labels() -> None:
    docs, lines = _prodigy("textcat_choice.jsonl")
    assert [[label["label"] for label in doc["doc_labels"]] for doc in docs] == [["THREAT", "MILITARY"], []]
    assert {label["annotator"] for label in docs[0]["doc_labels"]} == {"cats-alice"}
    assert lines == ["left out 1 Prodigy choice tasks answered 'reject', not stored"]


def test_prodigy_entity_links_are_kb_ids_of_their_spans_not_document_labels() -> None:
    docs, lines = _prodigy("entity_link.jsonl")
    assert [[(s["text"], s["label"], s["attrs"]) for s in doc["spans"]] for doc in docs] == [
        [("Emerson", "PERSON", {"kb_id": "Q48226"})], [("Emerson Fittipaldi", "PERSON", {"kb_id": "Q215952"})],
        [("Emerson", "PERSON", {}), ("Emerson", "PERSON", {})]]
    assert all(doc["doc_labels"] == [] for doc in docs)
    assert lines == ["left out 1 Prodigy entity-link answers on tasks with several spans (which span they link is "
                     "not known)"]


def test_prodigy_ner_tasks_what_cannot_be_a_span_is_counted() -> None:
    docs, lines = _prodigy("ner_manual.jsonl")
    assert [[(s["text"], s["annotator"], s["layer"]) for s in doc["spans"]] for doc in docs] == [
        [("Tanks", "ner-alice", "annotation"), ("border", "ner-alice", "annotation"),
         ("Tanks", "ner-alice", "annotation")],  # the repeated span: ingestion stores it once and counts it
        [("Tanks", "ner-bob", "annotation")],
        [("Tanks", "ner-review", "gold"), ("border", "ner-review", "gold")]]
    assert lines == ["left out 1 Prodigy image, audio and video tasks (no text)",
                     "left out 2 Prodigy review versions (each annotator's answer under \"versions\"; the reviewed "
                     "one is stored as gold)",
                     "left out 1 Prodigy spans whose offsets do not fit the text",
                     "left out 1 Prodigy spans without a label"]


def test_prodigy_files_import_with_annotators_and_duplicates_counted(project: Project, tmp_path: Path) -> None:
    sessions = tmp_path / "sessions.jsonl"  # 42 annotators' answers to one text
    sessions.write_text("".join(json.dumps({"text": "Minsk hosted the talks.", "label": "DIPLOMACY",
                                            "answer": "accept", "_annotator_id": f"talks-{n}",
                                            "_session_id": f"talks-{n}"}) + "\n" for n in range(42)),
                        encoding="utf-8")
    report = import_files(project, [sessions, *sorted(PRODIGY.glob("*.jsonl"))])
    assert not report.refused and {entry.format for entry in report.files} == {"prodigy"}
    assert report.files[0].doc_labels == 42 and len([name for name in report.new_annotators if name.startswith("talks-")]) == 42
    ner = next(entry for entry in report.files if entry.path.endswith("ner_manual.jsonl"))
    assert ner.spans == 5 and "left out 1 duplicate spans (same annotator, layer, label and offsets: stored once)" \
        in ner.loss.lines()
    kb_ids = [(s["text"], s["attrs"]) for doc in select_documents(project, ExportOptions())
              for s in doc["spans"] if s["attrs"]]
    assert kb_ids == [("Emerson", {"kb_id": "Q48226"}), ("Emerson Fittipaldi", {"kb_id": "Q215952"})]


def test_prodigy_export_writes_one_task_per_annotator_and_keeps_kb_ids(tmp_path: Path) -> None:
    doc = sample_docs()[0]
    text = doc["text"]
    doc["spans"][1]["attrs"] = {"kb_id": "Q7184"}
    doc["spans"].append({"id": 7, "start": text.index("Kyiv"), "end": text.index("Kyiv") + 4, "text": "Kyiv",
                         "label": "GPE", "annotator": "bob", "layer": "annotation", "attrs": {}})
    doc["relations"].append({"id": 8, "head": 4, "tail": 7, "label": "THREATENS", "annotator": "bob",
                             "layer": "annotation", "attrs": {}})
    out, report = tmp_path / "out.jsonl", LossReport()
    prodigy.export([doc], out, report)
    tasks = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [task["_annotator_id"] for task in tasks] == ["alice", "bob"]
    assert [span.get("kb_id") for span in tasks[0]["spans"]] == [None, "Q7184", None, None]
    assert "left out 1 relations between spans of different annotators (a Prodigy task is one annotator's answer)" \
        in report.lines()
    back = list(prodigy.read([out], ReadOptions(), LossReport()))
    assert [(s["text"], s["annotator"], s["attrs"]) for s in back[1]["spans"]] == [("Kyiv", "bob", {})]
    assert back[0]["spans"][1]["attrs"] == {"kb_id": "Q7184"}


def test_prodigy_classification_file_is_detected_in_an_auto_import() -> None:
    assert detect_format(PRODIGY / "textcat_binary.jsonl", DEFAULT_LIMITS) == "prodigy"
    assert detect_format(PRODIGY / "textcat_choice.jsonl", DEFAULT_LIMITS) == "prodigy"


def test_prodigy_relation_end_with_a_list_label_is_counted_not_a_crash(tmp_path: Path) -> None:
    """Found by the importers' fuzzing: a relation end whose label is a list was used as a key."""
    path = tmp_path / "rel.jsonl"
    task = {"text": "Minsk and Moscow", "answer": "accept", "spans": [{"start": 0, "end": 5, "label": "LOCATION"}],
            "relations": [{"head": 0, "child": 10, "label": "rel",
                           "head_span": {"start": 0, "end": 5, "label": ["LOCATION"]},
                           "child_span": {"start": 10, "end": 16, "label": "LOCATION"}}]}
    path.write_text(json.dumps(task) + "\n", encoding="utf-8")
    report = LossReport()
    [doc] = list(prodigy.read([path], ReadOptions(), report))
    assert doc["relations"] == []
    assert "left out 1 Prodigy relations whose head_span or child_span is not a span of the text" in report.lines()


def test_doccano_classification_lines_are_detected_in_an_auto_import(tmp_path: Path) -> None:
    """doccano's text classification export (labels as a list, or under cats) is doccano; a
    corpus line whose "label" is one string stays plain documents."""
    for name, record, expected in (("list.jsonl", {"text": "Minsk said.", "label": ["RELEVANT"]}, "doccano"),
                                   ("cats.jsonl", {"text": "Minsk said.", "cats": ["RELEVANT"]}, "doccano"),
                                   ("scores.jsonl", {"text": "Minsk said.", "cats": {"RELEVANT": 1.0}}, "doccano"),
                                   ("corpus.jsonl", {"text": "Minsk said.", "label": "wire"}, None)):
        path = tmp_path / name
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
        assert detect_format(path, DEFAULT_LIMITS) == expected, name
