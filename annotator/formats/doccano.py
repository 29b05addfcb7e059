"""doccano JSONL: the shapes doccano imports and exports, one document a line.

Export writes doccano's relation-extraction shape, the only one that carries relations::

    {"id": ..., "text": ..., "entities": [{"id", "start_offset", "end_offset", "label"}],
     "relations": [{"id", "from_id", "to_id", "type"}]}

(plus ``"meta"`` when the document has metadata; doccano keeps unknown keys as metadata).
Import also reads the sequence-labelling shape ``{"text", "label": [[start, end, "LABEL"], ...]}``,
the slot-filling shape (``"entities"`` as triples, ``"cats"``) and text classification (``"label"``
as a list of strings, read as document labels), detected line by line. doccano counts offsets in
Python code points, like annotator, so nothing is converted. Titles, attributes, notes, actor
links, document labels and who annotated what are not in doccano's export and are reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from annotator.errors import Errors, UserError
from annotator.formats.base import CanonicalDoc, Format, LossReport, ReadOptions, register
from annotator.formats.canonical import ItemId, new_document
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
    write_jsonl((_record(doc, report) for doc in docs), out, outputs)


def _record(doc: CanonicalDoc, report: LossReport) -> dict[str, Any]:
    report_unexportable(doc, report, "doccano", attrs=True, notes=True, doc_labels=True, actors=True,
                        fragments=True)
    record: dict[str, Any] = {
        "id": doc["id"],
        "text": doc["text"],
        "entities": [{"id": span["id"], "start_offset": span["start"], "end_offset": span["end"],
                      "label": span["label"]} for span in doc["spans"]],
        "relations": [{"id": relation["id"], "from_id": relation["head"], "to_id": relation["tail"],
                       "type": relation["label"]} for relation in doc["relations"]],
    }
    if doc.get("meta"):
        record["meta"] = doc["meta"]
    return record


def read(paths: Sequence[Path], options: ReadOptions, report: LossReport) -> Iterator[CanonicalDoc]:
    # Parse every line of every file before yielding, so a broken line late in a file stops the
    # import before anything is ingested.
    docs = [_doc(path, number, record, options) for path in paths for number, record in read_jsonl(path)]
    yield from docs


def _doc(path: Path, number: int, record: dict[str, Any], options: ReadOptions) -> CanonicalDoc:
    text = record.get("text", record.get("data"))
    if not isinstance(text, str):
        raise UserError(Errors.E871.format(path=path, line=number, problem='"text" is missing or not a string'))
    meta = record.get("meta")
    where = (path, number)
    doc_id = scalar_id(record.get("id"), '"id"', where)
    doc = new_document(str(doc_id) if doc_id is not None else f"{path.stem}-{number}", text,
                  meta=meta if isinstance(meta, dict) else None)
    entities = items(record, "entities", where)
    if entities and all(isinstance(entity, dict) for entity in entities):
        _read_entities_and_relations(doc, record, entities, options, where)
    else:
        # Sequence labelling ("label": triples) or slot filling ("entities": triples).
        labels = items(record, "label" if "label" in record else "labels", where)
        triples = [*entities, *(item for item in labels if isinstance(item, list))]
        for item in triples:
            if not (isinstance(item, list) and len(item) == 3):
                raise UserError(Errors.E871.format(path=path, line=number,
                                                   problem=f"a span must be [start, end, \"LABEL\"], not {item!r}"))
            add_span(doc, item[0], item[1], item[2], options, where=where)
        categories = [*items(record, "cats", where), *(item for item in labels if isinstance(item, str))]
        doc["doc_labels"] = [{"label": label, "annotator": options.annotator} for label in categories]
    return doc


def _read_entities_and_relations(doc: CanonicalDoc, record: dict[str, Any], entities: list[dict[str, Any]],
                                 options: ReadOptions, where: tuple[Path, int]) -> None:
    span_ids: dict[Any, ItemId] = {}
    for entity in entities:
        try:
            span = add_span(doc, entity["start_offset"], entity["end_offset"], entity["label"], options, where=where)
        except KeyError as missing:
            raise UserError(Errors.E871.format(path=where[0], line=where[1],
                                               problem=f"an entity has no {missing}")) from None
        span_ids[scalar_id(entity.get("id", span["id"]), "an entity's id", where)] = span["id"]
    for relation in items(record, "relations", where, objects=True):
        for end in ("from_id", "to_id"):
            if scalar_id(relation.get(end), f'a relation\'s "{end}"', where) not in span_ids:
                raise UserError(Errors.E873.format(path=where[0], line=where[1], relation=relation.get("id"),
                                                   entity=relation.get(end)))
        add_relation(doc, span_ids[relation["from_id"]], span_ids[relation["to_id"]],
                     relation.get("type", relation.get("label", "")), options)


FORMAT = register(Format(
    name="doccano",
    description="doccano JSONL (entities and relations; sequence-labelling shape also read)",
    target="file",
    suffix=".jsonl",
    export=export,
    read=read,
))
