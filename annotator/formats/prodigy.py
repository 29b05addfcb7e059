"""Prodigy JSONL: tasks as Prodigy's ``ner.manual`` and ``rel.manual`` recipes save them.

Export writes one accepted task a document::

    {"text", "meta", "tokens": [{"text", "start", "end", "id", "ws"}],
     "spans": [{"start", "end", "token_start", "token_end", "label"}],
     "relations": [{"head", "child", "head_span", "child_span", "label"}],
     "answer": "accept", "_view_id": "ner_manual" | "relations"}

Tokens come from ``spacy.blank("en")`` (Prodigy's manual recipes refuse spans that do not fall on
token boundaries, so such spans are widened to whole tokens and counted). ``token_end`` is
inclusive and a relation's ``head``/``child`` is the ``token_end`` of its span, as Prodigy writes
them. The document id and title travel in ``meta`` (keys ``id``, ``title``); document labels go in
``accept`` as the choice interface saves them. Attributes, notes and actor links have no place
in a Prodigy task and are reported. Import takes tasks whose ``answer`` is ``accept`` (or that have
no answer yet, i.e. an input stream); rejected and ignored tasks are skipped and counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from annotator.errors import Errors, UserError
from annotator.formats.base import CanonicalDoc, Format, LossReport, ReadOptions, register
from annotator.formats.canonical import ItemId, new_document
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
    write_jsonl((_task(doc, nlp, report) for doc in docs), out, outputs)


def _task(doc: CanonicalDoc, nlp: Any, report: LossReport) -> dict[str, Any]:
    report_unexportable(doc, report, "Prodigy", attrs=True, notes=True, actors=True, fragments=True)
    tokenized = nlp.make_doc(doc["text"])
    spans: dict[Any, dict[str, Any]] = {}
    for span in doc["spans"]:
        aligned = token_aligned(tokenized, span, report)
        if aligned is not None:
            spans[span["id"]] = {"start": aligned.start_char, "end": aligned.end_char, "token_start": aligned.start,
                                 "token_end": aligned.end - 1, "label": span["label"]}
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
    return task


def read(paths: Sequence[Path], options: ReadOptions, report: LossReport) -> Iterator[CanonicalDoc]:
    # Parse everything before yielding, so a broken line stops the import before anything is ingested.
    docs = []
    for path in paths:
        for number, task in read_jsonl(path):
            if task.get("answer", "accept") != "accept":
                report.add("Prodigy tasks not accepted (answer 'reject' or 'ignore'), skipped")
                continue
            docs.append(_doc(path, number, task, options))
    yield from docs


def _doc(path: Path, number: int, task: dict[str, Any], options: ReadOptions) -> CanonicalDoc:
    if not isinstance(task.get("text"), str):
        raise UserError(Errors.E871.format(path=path, line=number, problem='"text" is missing or not a string'))
    where = (path, number)
    meta = task.get("meta") or {}
    if not isinstance(meta, dict):
        raise UserError(Errors.E871.format(path=path, line=number, problem='"meta" must be a JSON object'))
    meta = dict(meta)
    doc_id = scalar_id(meta.pop("id", None), 'the "id" in "meta"', where)
    doc = new_document(str(doc_id) if doc_id is not None else f"{path.stem}-{number}", task["text"],
                  title=meta.pop("title", None), meta=meta)
    by_offsets: dict[tuple[int, int, str], ItemId] = {}

    def span_id(span: Any) -> ItemId:
        if not isinstance(span, dict):
            raise UserError(Errors.E871.format(path=path, line=number, problem=f"a span must be a JSON object, not {span!r}"))
        try:
            key = (span["start"], span["end"], span["label"])
        except KeyError as missing:
            raise UserError(Errors.E871.format(path=path, line=number, problem=f"a span has no {missing}")) from None
        if not all(isinstance(value, (str, int, float)) for value in key):
            add_span(doc, *key, options, where=where)  # a list or object here: add_span refuses it, naming it
        if key not in by_offsets:
            by_offsets[key] = add_span(doc, *key, options, where=where)["id"]
        return by_offsets[key]

    for span in items(task, "spans", where):
        span_id(span)
    for relation in items(task, "relations", where, objects=True):
        if "head_span" not in relation or "child_span" not in relation:
            raise UserError(Errors.E871.format(path=path, line=number,
                                               problem="a relation has no head_span or child_span"))
        add_relation(doc, span_id(relation["head_span"]), span_id(relation["child_span"]),
                     relation.get("label", ""), options)
    doc["doc_labels"] = [{"label": label, "annotator": options.annotator}
                         for label in items(task, "accept", where) if isinstance(label, str)]
    return doc


FORMAT = register(Format(
    name="prodigy",
    description="Prodigy JSONL (ner.manual / rel.manual tasks, accepted answers)",
    target="file",
    suffix=".jsonl",
    export=export,
    read=read,
))
