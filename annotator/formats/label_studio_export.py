"""Writing Label Studio JSON: tasks Label Studio imports, and the labelling config they need.

Each document is one task::

    {"data": {"text": ..., "document": NAME, "title": ...}, "meta": {document metadata},
     "annotations": [one per annotator and layer (annotation, gold)],
     "predictions": [one per annotator of the suggestion layer]}

An annotation holds its annotator's spans as ``labels`` results (``from_name`` "label",
``to_name`` "text", offsets in code points, ``value.text`` the span's text, so any reader can
check the count), each with an id (``s`` and the span's id) that its ``relation`` results, its
note (a per-region ``textarea`` "note") and its text attributes (a per-region ``choices`` named
after the attribute) refer to; the document labels as one ``choices`` result ("doc_label") and
the annotator's document notes as one ``textarea`` ("doc_note"). The gold layer is an annotation
marked ``ground_truth``. Suggestions are predictions whose ``model_version`` is the annotator,
each span with its ``score``.

Label Studio gives an imported annotation to the user whose e-mail ``completed_by`` names, and
refuses the file if no such user exists; an annotator whose name is not an e-mail is left out of
``completed_by`` (Label Studio then gives the annotation to whoever imports it, which the report
counts) and written as ``annotator``, which Label Studio ignores and annotator reads back.
Review travels the same way: a gold region's or relation's ``origin_annotator`` and
``adjudicator`` and a region's reviewer ``comments`` are keys of its result beside ``origin``.

``NAME.label_config.xml`` beside ``NAME.json`` is the labelling config for these tasks (Settings
▸ Labeling Interface ▸ Code): the Text, Labels, Relations, Choices and TextArea tags with every
label the export used. What Label Studio has no place for is counted: actor links, the gaps of
discontinuous spans, attributes that are not text, relations between two annotators' spans,
statuses other than done, suggestion statuses and sources.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.formats.base import CanonicalDoc, LossReport
from annotator.formats.canonical import CanonicalRelation, CanonicalSpan
from annotator.formats.foreign import report_unexportable
from annotator.output_files import OutputSet, staging

#: The names of the config's tags that the results refer to.
TEXT, LABEL, NOTE, DOC_LABEL, DOC_NOTE = "text", "label", "note", "doc_label", "doc_note"
_RESERVED = {TEXT, LABEL, NOTE, DOC_LABEL, DOC_NOTE}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

Result = dict[str, Any]


def config_path(out: Path) -> Path:
    """The labelling config written beside ``out``: ``data.json`` → ``data.label_config.xml``."""
    return out.with_name(out.stem + ".label_config.xml")


def export(docs: Iterable[CanonicalDoc], out: Path, report: LossReport, outputs: OutputSet | None = None) -> None:
    """One JSON list of tasks (written a task at a time), then the labelling config they need."""
    config = _Config()
    with staging(outputs) as files:
        with files.open_text(out) as handle:
            handle.write("[")
            for index, doc in enumerate(docs):
                handle.write(("\n" if index == 0 else ",\n") + json.dumps(_task(doc, config, report), ensure_ascii=False))
            handle.write("\n]\n")
        files.write_text(config_path(out), config.render())


def _task(doc: CanonicalDoc, config: _Config, report: LossReport) -> dict[str, Any]:
    report_unexportable(doc, report, "Label Studio", actors=True, fragments=True)
    groups: dict[tuple[str, str], list[Result]] = defaultdict(list)
    owner: dict[Any, tuple[str, str]] = {}  # span id → the group its region is in
    scores: dict[str, list[float]] = defaultdict(list)
    for span in doc["spans"]:
        group = (span.get("annotator") or "imported", span.get("layer") or "annotation")
        owner[span["id"]] = group
        groups[group] += _span_results(span, config, report)
        if group[1] == "suggestion" and isinstance(span.get("score"), (int, float)):
            scores[group[0]].append(float(span["score"]))  # type: ignore[arg-type]
    for relation in doc["relations"]:
        group = (relation.get("annotator") or "imported", relation.get("layer") or "annotation")
        if owner.get(relation["head"]) != group or owner.get(relation["tail"]) != group:
            report.add("relations between spans of another annotator or layer (a Label Studio relation "
                       "joins regions of one annotation)")
            continue
        groups[group].append(_relation_result(relation, config, report))
    labels: dict[tuple[str, str], list[str]] = defaultdict(list)
    for doc_label in doc["doc_labels"]:
        labels[(doc_label.get("annotator") or "imported", doc_label.get("layer") or "annotation")].append(
            doc_label["label"])
    for group, names in labels.items():
        config.doc_labels.update(dict.fromkeys(names))
        groups[group].append({"id": "doc_labels", "from_name": DOC_LABEL, "to_name": TEXT, "type": "choices",
                              "value": {"choices": names}})
    notes: dict[str, list[str]] = defaultdict(list)
    for note in doc["notes"]:
        notes[note.get("annotator") or "imported"].append(note["text"])
    for annotator, texts in notes.items():
        groups[(annotator, "annotation")].append({"id": "doc_notes", "from_name": DOC_NOTE, "to_name": TEXT,
                                                  "type": "textarea", "value": {"text": texts}})
    for annotator, status in doc["status"].items():
        if status == "done":
            groups.setdefault((annotator, "annotation"), [])  # submitted, even with nothing marked
        else:
            report.add("document statuses other than done (a Label Studio annotation is submitted work)")
    data: dict[str, Any] = {"text": doc["text"], "document": doc["id"]}
    if doc.get("title"):
        data["title"] = doc["title"]
    task: dict[str, Any] = {"data": data}
    if doc.get("meta"):
        task["meta"] = doc["meta"]
    task["annotations"] = [_annotation(annotator, layer, results, report)
                           for (annotator, layer), results in groups.items() if layer != "suggestion"]
    task["predictions"] = [_prediction(annotator, results, scores.get(annotator))
                           for (annotator, layer), results in groups.items() if layer == "suggestion"]
    return task


def _span_results(span: CanonicalSpan, config: _Config, report: LossReport) -> list[Result]:
    """The region of a span, and its note and text attributes as per-region results."""
    region = f"s{span['id']}"
    place = {"start": span["start"], "end": span["end"]}
    config.labels[span["label"]] = None
    results: list[Result] = [{"id": region, "from_name": LABEL, "to_name": TEXT, "type": "labels",
                              "origin": "prediction" if span.get("layer") == "suggestion" else "manual",
                              "value": {**place, "text": span.get("text", ""), "labels": [span["label"]]}}]
    _add_review(results[0], dict(span))
    if span.get("layer") == "suggestion":
        if isinstance(span.get("score"), (int, float)):
            results[0]["score"] = span["score"]
        if span.get("status") not in (None, "pending"):
            report.add("suggestion statuses (accepted or rejected; Label Studio predictions have none)")
        if span.get("source"):
            report.add("sources of suggestions (a Label Studio prediction names only its model)")
    if span.get("note"):
        results.append({"id": region, "from_name": NOTE, "to_name": TEXT, "type": "textarea",
                        "value": {**place, "text": [span["note"]]}})
    for name, value in (span.get("attrs") or {}).items():
        choices = [value] if isinstance(value, str) else value
        if name in _RESERVED or not (isinstance(choices, list) and choices
                                     and all(isinstance(choice, str) for choice in choices)):
            report.add("span attributes that are not text, or named like a tag of the config "
                       f"({', '.join(sorted(_RESERVED))})")
            continue
        config.attributes.setdefault(name, {}).update(dict.fromkeys(choices))
        results.append({"id": region, "from_name": name, "to_name": TEXT, "type": "choices",
                        "value": {**place, "choices": choices}})
    return results


def _relation_result(relation: CanonicalRelation, config: _Config, report: LossReport) -> Result:
    attrs = dict(relation.get("attrs") or {})
    direction = "bi" if attrs.pop("direction", None) == "bi" else "right"
    if attrs:
        report.add("relation attributes (Label Studio relations have none)")
    config.relations[relation["label"]] = None
    result = {"from_id": f"s{relation['head']}", "to_id": f"s{relation['tail']}", "type": "relation",
              "direction": direction, "labels": [relation["label"]]}
    _add_review(result, dict(relation))
    return result


def _add_review(result: Result, item: dict[str, Any]) -> None:
    """A gold item's provenance and a span's comments, as keys Label Studio ignores."""
    for name in ("origin_annotator", "adjudicator", "comments"):
        if item.get(name):
            result[name] = item[name]


def _annotation(annotator: str, layer: str, results: list[Result], report: LossReport) -> dict[str, Any]:
    annotation: dict[str, Any] = {}
    if _EMAIL.fullmatch(annotator):
        annotation["completed_by"] = {"email": annotator}
    else:
        report.add("annotator names that are not e-mail addresses (Label Studio gives those annotations to "
                   "the user who imports the file)")
        annotation["annotator"] = annotator
    annotation.update({"ground_truth": layer == "gold", "was_cancelled": False, "result": results})
    return annotation


def _prediction(annotator: str, results: list[Result], scores: list[float] | None) -> dict[str, Any]:
    prediction: dict[str, Any] = {"model_version": annotator, "result": results}
    if scores:
        prediction["score"] = sum(scores) / len(scores)
    return prediction


class _Config:
    """The labels an export used (in the order first seen), rendered as a labelling config."""

    def __init__(self) -> None:
        self.labels: dict[str, None] = {}
        self.relations: dict[str, None] = {}
        self.doc_labels: dict[str, None] = {}
        self.attributes: dict[str, dict[str, None]] = {}

    def render(self) -> str:
        view = ET.Element("View")
        ET.SubElement(view, "Text", name=TEXT, value="$text")
        if self.labels:
            labels = ET.SubElement(view, "Labels", name=LABEL, toName=TEXT)
            for label in self.labels:
                ET.SubElement(labels, "Label", value=label)
        if self.relations:
            relations = ET.SubElement(view, "Relations")
            for label in self.relations:
                ET.SubElement(relations, "Relation", value=label)
        ET.SubElement(view, "TextArea", name=NOTE, toName=TEXT, perRegion="true", editable="true")
        for name, choices in self.attributes.items():
            tag = ET.SubElement(view, "Choices", name=name, toName=TEXT, perRegion="true", choice="multiple")
            for choice in choices:
                ET.SubElement(tag, "Choice", value=choice)
        if self.doc_labels:
            tag = ET.SubElement(view, "Choices", name=DOC_LABEL, toName=TEXT, choice="multiple")
            for label in self.doc_labels:
                ET.SubElement(tag, "Choice", value=label)
        ET.SubElement(view, "TextArea", name=DOC_NOTE, toName=TEXT, editable="true")
        ET.indent(view)
        return ET.tostring(view, encoding="unicode") + "\n"
