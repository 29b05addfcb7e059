"""Prodigy JSONL: tasks as Prodigy's recipes save them (``db-out``).

Export writes one accepted task a document and annotator (``_annotator_id``)::

    {"text", "meta", "tokens": [{"text", "start", "end", "id", "ws"}],
     "spans": [{"start", "end", "token_start", "token_end", "label", "kb_id"?}],
     "relations": [{"head", "child", "head_span", "child_span", "label"}],
     "accept": [document labels]?, "answer": "accept", "_view_id": "ner_manual" | "relations",
     "_annotator_id": "alice"}

Tokens come from ``spacy.blank("en")`` (Prodigy's manual recipes refuse spans that do not fall on
token boundaries, so such spans are widened to whole tokens and counted). ``token_end`` is
inclusive and a relation's ``head``/``child`` is the ``token_end`` of its span, as Prodigy writes
them. The document id and title travel in ``meta`` (keys ``id``, ``title``); document labels go in
``accept`` as the choice interface saves them, a span's ``kb_id`` attribute as its ``kb_id``. Other
attributes, notes, actor links and relations between two annotators' spans have no place in a
Prodigy task and are reported.

Import reads what each recipe saves, into the layer of the annotator ``_annotator_id`` (else
``_session_id``) names:

- ``ner.manual``, ``spans.manual``, ``ner.teach`` and the like: ``spans``; ``rel.manual``:
  ``relations`` between their ``head_span`` and ``child_span`` (``related`` when unlabelled);
- ``textcat``: the top-level ``label`` is a document label (in a classification task, the
  ``spans`` are pattern highlights, not annotations, and are counted);
- ``choice``: the accepted option ids (``accept``) are document labels;
- entity linking (a choice task with ``spans``, as ``entity_linker.manual`` makes them): the
  accepted option is the knowledge-base id of the task's span, kept as its ``kb_id`` attribute
  (so is a span's own ``kb_id``), never a document label.

Only answers ``accept`` (or none yet: an input stream) are stored; a rejected textcat answer
means the label does not apply, so nothing of a rejected or ignored task is stored and each is
counted by kind and answer. The answer of the ``review`` recipe is the reviewer's gold layer (the
``versions`` it chose from are counted). Spans that are not text (image and audio regions), spans
outside the text and tasks without text are counted; identical spans are stored once by ingestion,
which counts the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from annotator.errors import Errors, UserError
from annotator.formats.base import CanonicalDoc, Format, LossReport, ReadOptions, register
from annotator.formats.canonical import CanonicalSpan, new_document
from annotator.formats.docbin import blank_english, token_aligned
from annotator.formats.foreign import (
    add_relation,
    add_span,
    items,
    read_jsonl,
    report_unexportable,
    scalar_id,
    write_jsonl,
)
from annotator.output_files import OutputSet


def export(docs: Iterable[CanonicalDoc], out: Path, report: LossReport, outputs: OutputSet | None = None) -> None:
    nlp = blank_english()
    write_jsonl((task for doc in docs for task in _tasks(doc, nlp, report)), out, outputs)


def _tasks(doc: CanonicalDoc, nlp: Any, report: LossReport) -> Iterator[dict[str, Any]]:
    """One task per annotator of the document (Prodigy keeps each annotator's answer apart)."""
    annotators = list(dict.fromkeys(item.get("annotator") or "" for item in
                                    [*doc["spans"], *doc["relations"], *doc["doc_labels"]]))
    if len(annotators) <= 1:
        yield _task(doc, nlp, report, annotators[0] if annotators else "")
        return
    for annotator in annotators:
        spans = [span for span in doc["spans"] if (span.get("annotator") or "") == annotator]
        own = {span["id"] for span in spans}
        relations = []
        for relation in doc["relations"]:
            if (relation.get("annotator") or "") == annotator:
                if relation["head"] in own and relation["tail"] in own:
                    relations.append(relation)
                else:
                    report.add("relations between spans of different annotators (a Prodigy task is one "
                               "annotator's answer)")
        part: CanonicalDoc = {**doc, "spans": spans, "relations": relations,
                              "doc_labels": [label for label in doc["doc_labels"]
                                             if (label.get("annotator") or "") == annotator],
                              "notes": doc["notes"] if annotator == annotators[0] else []}
        yield _task(part, nlp, report, annotator)


def _task(doc: CanonicalDoc, nlp: Any, report: LossReport, annotator: str) -> dict[str, Any]:
    kb_ids = {span["id"]: (span.get("attrs") or {})["kb_id"] for span in doc["spans"]
              if isinstance((span.get("attrs") or {}).get("kb_id"), (str, int))}
    report_unexportable({**doc, "spans": [{**span, "attrs": {key: value for key, value in (span.get("attrs") or {}).items()
                                                             if key != "kb_id"}} for span in doc["spans"]]},
                        report, "Prodigy", attrs=True, notes=True, actors=True, fragments=True)
    tokenized = nlp.make_doc(doc["text"])
    spans: dict[Any, dict[str, Any]] = {}
    for span in doc["spans"]:
        aligned = token_aligned(tokenized, span, report)
        if aligned is not None:
            spans[span["id"]] = {"start": aligned.start_char, "end": aligned.end_char, "token_start": aligned.start,
                                 "token_end": aligned.end - 1, "label": span["label"]}
            if span["id"] in kb_ids:
                spans[span["id"]]["kb_id"] = kb_ids[span["id"]]
    relations = []
    for relation in doc["relations"]:
        head, child = spans.get(relation["head"]), spans.get(relation["tail"])
        if head is None or child is None:
            report.add("relations whose span covers no token")
            continue
        relations.append({"head": head["token_end"], "child": child["token_end"], "head_span": head,
                          "child_span": child, "label": relation["label"]})
    meta = {**doc.get("meta", {}), "id": doc["id"]} | ({"title": doc["title"]} if doc.get("title") else {})
    task: dict[str, Any] = {
        "text": doc["text"],
        "meta": meta,
        "tokens": [{"text": token.text, "start": token.idx, "end": token.idx + len(token), "id": token.i,
                    "ws": bool(token.whitespace_)} for token in tokenized],
        "spans": list(spans.values()),
        "relations": relations,
        "answer": "accept",
        "_view_id": "relations" if relations else "ner_manual",
    }
    if doc.get("doc_labels"):
        task["accept"] = [label["label"] for label in doc["doc_labels"]]
    if annotator:
        task["_annotator_id"] = annotator
    return task


def read(paths: Sequence[Path], options: ReadOptions, report: LossReport) -> Iterator[CanonicalDoc]:
    # A line at a time: ingestion writes into one transaction per input and rolls it back when a
    # later line is broken, so nothing of the file is kept and the file is never held whole.
    for path in paths:
        for number, task in read_jsonl(path):
            doc = _TaskReader(path, number, task, options, report).read()
            if doc is not None:
                yield doc


def _kind(task: dict[str, Any]) -> str:
    """What a task annotates, for the report and for what ``accept`` means."""
    if "options" in task:
        return "entity-link" if task.get("spans") else "choice"
    if isinstance(task.get("label"), str) and (task.get("_view_id") == "classification" or not task.get("spans")):
        return "textcat"
    return "relations" if task.get("relations") else "ner" if task.get("spans") else "text"


class _TaskReader:
    """One Prodigy task into a canonical document, counting what it cannot carry."""

    def __init__(self, path: Path, number: int, task: dict[str, Any], options: ReadOptions,
                 report: LossReport) -> None:
        self.path, self.number, self.task, self.report = path, number, task, report
        self.where = (path, number)
        self.kind = _kind(task)
        annotator = next((task[key].strip() for key in ("_annotator_id", "_session_id")
                          if isinstance(task.get(key), str) and task[key].strip()), options.annotator)
        # whose layer every item of the task goes to; a review answer is the adjudicated one: gold
        self.options = replace(options, annotator=annotator, layer="gold" if "versions" in task else options.layer)

    def fail(self, problem: str) -> UserError:
        return UserError(Errors.E871.format(path=self.path, line=self.number, problem=problem))

    def read(self) -> CanonicalDoc | None:
        task, report = self.task, self.report
        answer = task.get("answer", "accept")
        if answer != "accept":
            if self.kind == "textcat" and answer == "reject":
                report.add("Prodigy textcat answers 'reject' (the label does not apply)")
            else:
                what = "Prodigy tasks" if self.kind == "text" else f"Prodigy {self.kind} tasks"
                report.add(f"{what} answered {answer!r}, not stored")
            return None
        if not isinstance(task.get("text"), str):
            if any(key in task for key in ("image", "audio", "video")):
                report.add("Prodigy image, audio and video tasks (no text)")
                return None
            raise self.fail('"text" is missing or not a string')
        meta = task.get("meta") or {}
        if not isinstance(meta, dict):
            raise self.fail('"meta" must be a JSON object')
        meta = dict(meta)
        doc_id = scalar_id(meta.pop("id", None), 'the "id" in "meta"', self.where)
        title = meta.pop("title", None)
        doc = new_document(str(doc_id) if doc_id is not None else f"{self.path.stem}-{self.number}", task["text"],
                           title=title if isinstance(title, str) else None, meta=meta)
        spans = self._spans(doc)
        self._relations(doc, spans)
        self._labels(doc, spans)
        report.add("Prodigy review versions (each annotator's answer under \"versions\"; the reviewed one is "
                   "stored as gold)", len(items(task, "versions", self.where)))
        return doc

    def _spans(self, doc: CanonicalDoc) -> dict[tuple[Any, ...], CanonicalSpan]:
        """The task's spans (pattern highlights of a classification task are not annotations), by
        offsets and label for the relations that repeat them; a repeated span is added again, for
        ingestion to count."""
        spans: dict[tuple[Any, ...], CanonicalSpan] = {}
        listed = items(self.task, "spans", self.where)
        if self.kind == "textcat":
            self.report.add("Prodigy pattern highlights in classification tasks (not annotations)", len(listed))
            return spans
        for item in listed:
            span = self._span(doc, item)
            if span is not None:
                spans.setdefault((span["start"], span["end"], span["label"]), span)
        return spans

    def _span(self, doc: CanonicalDoc, item: Any) -> CanonicalSpan | None:
        if not isinstance(item, dict):
            raise self.fail(f"a span must be a JSON object, not {item!r}")
        if "start" not in item or "end" not in item:
            self.report.add("Prodigy spans without start and end (image or audio regions)")
            return None
        start, end, label = item["start"], item["end"], item.get("label")
        if not (_is_offset(start) and _is_offset(end) and 0 <= start < end <= len(doc["text"])):
            self.report.add("Prodigy spans whose offsets do not fit the text")
            return None
        if not isinstance(label, str) or not label.strip():
            self.report.add("Prodigy spans without a label")
            return None
        attrs = {"kb_id": item["kb_id"]} if isinstance(item.get("kb_id"), (str, int)) and item["kb_id"] != "" else {}
        return add_span(doc, start, end, label, self.options, where=self.where, attrs=attrs)

    def _relations(self, doc: CanonicalDoc, spans: dict[tuple[Any, ...], CanonicalSpan]) -> None:
        for relation in items(self.task, "relations", self.where, objects=True):
            ends = [self._end(doc, spans, relation.get(key)) for key in ("head_span", "child_span")]
            if ends[0] is None or ends[1] is None:
                self.report.add("Prodigy relations whose head_span or child_span is not a span of the text")
                continue
            label = relation.get("label")
            add_relation(doc, ends[0]["id"], ends[1]["id"], label if isinstance(label, str) and label.strip()
                         else "related", self.options)

    def _end(self, doc: CanonicalDoc, spans: dict[tuple[Any, ...], CanonicalSpan], item: Any) -> CanonicalSpan | None:
        """A relation's end: the task's span with its offsets and label, else a new span."""
        if not isinstance(item, dict):
            return None
        key = (item.get("start"), item.get("end"), item.get("label"))
        # a label or offset that is a list or an object is not a key: _span reports such an end
        found = spans.get(key) if all(isinstance(part, (str, int, float, type(None))) for part in key) else None
        if found is None:
            found = self._span(doc, item)
            if found is not None:
                spans[(found["start"], found["end"], found["label"])] = found
        return found

    def _labels(self, doc: CanonicalDoc, spans: dict[tuple[Any, ...], CanonicalSpan]) -> None:
        """Document labels of a textcat or choice task; the knowledge-base ids an entity-link task
        accepted are its span's ``kb_id``."""
        task = self.task
        accepted = [str(choice) for choice in items(task, "accept", self.where)
                    if isinstance(choice, (str, int)) and not isinstance(choice, bool) and str(choice).strip()]
        if self.kind == "entity-link":
            if len(spans) != 1:
                self.report.add("Prodigy entity-link answers on tasks with several spans (which span they link "
                                "is not known)", len(accepted))
            elif accepted:
                [span] = spans.values()
                span.setdefault("attrs", {})["kb_id"] = accepted[0] if len(accepted) == 1 else accepted
            return
        labels = [task["label"].strip()] if self.kind == "textcat" and task["label"].strip() else []
        doc["doc_labels"] = [{"label": label, "annotator": self.options.annotator, "layer": self.options.layer}
                             for label in dict.fromkeys([*labels, *accepted])]


def _is_offset(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


FORMAT = register(Format(
    name="prodigy",
    description="Prodigy JSONL (ner.manual / rel.manual tasks, accepted answers)",
    target="file",
    suffix=".jsonl",
    export=export,
    read=read,
))
