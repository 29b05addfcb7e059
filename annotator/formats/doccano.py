"""doccano JSONL: the shapes doccano imports and exports, one document a line.

Export writes doccano's relation-extraction shape, the only one that carries relations, with the
document labels in the label column text classification reads (``label`` unless the export names
another: ``--doccano-label-column cats`` for intent detection), document notes as doccano's
``Comments`` and the metadata under ``meta``, as doccano's import examples keep it::

    {"id": ..., "text": ..., "label": ["LABEL", ...],
     "entities": [{"id", "start_offset", "end_offset", "label"}],
     "relations": [{"id", "from_id", "to_id", "type"}], "Comments": ["note", ...], "meta": {...}}

Import reads every shape doccano exports, line by line: text classification (``label`` as a list
of strings, or one string), sequence labelling (``label`` as ``[start, end, "LABEL"]`` triples or
entity objects), intent detection (``cats`` and ``entities`` triples), relation extraction
(``entities`` objects and ``relations``), ``labels`` as older doccano wrote it, and ``Comments``
(document notes). doccano lets its user name the label column; a line that keeps its metadata
under ``meta`` (doccano's import shape, and ours) has no other metadata, so a label column of
another name is found there by its shape: the one other key holding a list. doccano's export
spreads the metadata over the line instead, so there every other key is metadata, and stored as
such. doccano counts offsets in Python code points, like annotator, so nothing is converted.
Titles, attributes, span notes, actor links and fragments are not in doccano's JSONL and are
reported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import partial
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

DEFAULT_LABEL_COLUMN = "label"
#: The keys of a line that are something else than a label column (``data`` is doccano's own
#: name for the text); a label column cannot take one of these names.
RESERVED_COLUMNS = ("id", "text", "data", "meta", "entities", "relations", "Comments")
#: The label columns doccano's exports write: ``label`` (text classification, sequence labelling),
#: ``cats`` (intent detection); ``labels`` is read too, as older doccano and converters write it.
KNOWN_LABEL_COLUMNS = ("label", "labels", "cats")


# --- export ------------------------------------------------------------------------------


def export(docs: Iterable[CanonicalDoc], out: Path, report: LossReport, outputs: OutputSet | None = None, *,
           label_column: str = DEFAULT_LABEL_COLUMN) -> None:
    write_jsonl((_record(doc, report, label_column) for doc in docs), out, outputs)


def with_options(options: Mapping[str, str]) -> Format:
    """doccano writing document labels into ``options["label_column"]``, checked before any work."""
    unknown = sorted(set(options) - {"label_column"})
    if unknown:
        raise UserError(Errors.E1122.format(options=", ".join(unknown)))
    column = options.get("label_column", DEFAULT_LABEL_COLUMN)
    if not column.strip():
        raise UserError(Errors.E1120.format(name=column, why="it is empty"))
    if column in RESERVED_COLUMNS:
        raise UserError(Errors.E1120.format(
            name=column, why=f"the export writes {'the text' if column in ('text', 'data') else 'its ' + column} "
                             f"there (doccano's columns {', '.join(RESERVED_COLUMNS)} are taken)"))
    return dataclasses.replace(FORMAT, export=partial(export, label_column=column))


def _record(doc: CanonicalDoc, report: LossReport, label_column: str) -> dict[str, Any]:
    report_unexportable(doc, report, "doccano", attrs=True, actors=True, fragments=True)
    report.add("span notes (doccano's comments belong to documents)",
               sum(1 for span in doc["spans"] if span.get("note")))
    return {
        "id": doc["id"],
        "text": doc["text"],
        label_column: [label["label"] for label in doc.get("doc_labels", [])],
        "entities": [{"id": span["id"], "start_offset": span["start"], "end_offset": span["end"],
                      "label": span["label"]} for span in doc["spans"]],
        "relations": [{"id": relation["id"], "from_id": relation["head"], "to_id": relation["tail"],
                       "type": relation["label"]} for relation in doc["relations"]],
        "Comments": [note["text"] for note in doc.get("notes", [])],
        "meta": doc.get("meta") or {},
    }


# --- import ------------------------------------------------------------------------------


def read(paths: Sequence[Path], options: ReadOptions, report: LossReport) -> Iterator[CanonicalDoc]:
    # A line at a time: ingestion writes into one transaction per input and rolls it back when a
    # later line is broken, so nothing of the file is kept and the file is never held whole.
    for path in paths:
        for number, record in read_jsonl(path):
            yield _doc(path, number, record, options, report)


def _doc(path: Path, number: int, record: dict[str, Any], options: ReadOptions, report: LossReport) -> CanonicalDoc:
    where = (path, number)
    text_key = "text" if "text" in record else "data"
    text = record.get(text_key)
    if not isinstance(text, str):
        raise UserError(Errors.E871.format(path=path, line=number, problem='"text" is missing or not a string'))
    doc_id = scalar_id(record.get("id"), '"id"', where)
    columns = label_columns(record)
    doc = new_document(str(doc_id) if doc_id is not None else f"{path.stem}-{number}", text)
    span_ids: dict[Any, ItemId] = {}
    for column in columns:
        for item in _listed(record[column], column, where):
            _read_label_item(doc, item, column, span_ids, options, report, where)
    for item in items(record, "entities", where):
        if isinstance(item, str):
            raise UserError(Errors.E871.format(path=path, line=number,
                                               problem=f'an entity must be an object or [start, end, "LABEL"], not {item!r}'))
        _read_label_item(doc, item, "entities", span_ids, options, report, where)
    for relation in items(record, "relations", where, objects=True):
        for end in ("from_id", "to_id"):
            if scalar_id(relation.get(end), f'a relation\'s "{end}"', where) not in span_ids:
                raise UserError(Errors.E873.format(path=path, line=number, relation=relation.get("id"),
                                                   entity=relation.get(end)))
        add_relation(doc, span_ids[relation["from_id"]], span_ids[relation["to_id"]],
                     relation.get("type", relation.get("label", "")), options)
    comments = _comments(record.get("Comments"))
    doc["notes"] = [{"text": comment, "annotator": options.annotator} for comment in comments or []]
    handled = {"id", text_key, "entities", "relations", *columns, *(["Comments"] if comments is not None else [])}
    doc["meta"] = _meta(record, handled, report)
    return doc


def label_columns(record: dict[str, Any]) -> list[str]:
    """The keys of a line that hold labels (document labels or spans): doccano's own names, else,
    where the line keeps its metadata under ``meta``, the one other key holding a list."""
    known = [column for column in KNOWN_LABEL_COLUMNS if column in record]
    if known or not isinstance(record.get("meta"), dict):
        return known
    other = [key for key, value in record.items() if key not in RESERVED_COLUMNS and isinstance(value, list)]
    return other if len(other) == 1 else []


def _listed(value: Any, column: str, where: tuple[Path, int]) -> list[Any]:
    """A label column's items: doccano also takes one label alone (``"label": "positive"``)."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str) or _is_int(value):
        return [value]
    raise UserError(Errors.E871.format(path=where[0], line=where[1],
                                       problem=f'"{column}" must be a list or one label, not {value!r}'))


def _read_label_item(doc: CanonicalDoc, item: Any, column: str, span_ids: dict[Any, ItemId], options: ReadOptions,
                     report: LossReport, where: tuple[Path, int]) -> None:
    """One item of a label column or of ``entities``: a document label, a triple or an entity."""
    if isinstance(item, str) or _is_int(item):
        if str(item):
            doc["doc_labels"].append({"label": str(item), "annotator": options.annotator})
        else:
            report.add("empty document labels (doccano refuses them too)")
    elif isinstance(item, list) and len(item) == 3:
        add_span(doc, item[0], item[1], item[2], options, where=where)
    elif isinstance(item, dict):
        try:
            span = add_span(doc, item["start_offset"], item["end_offset"], item["label"], options, where=where)
        except KeyError as missing:
            raise UserError(Errors.E871.format(path=where[0], line=where[1],
                                               problem=f'an entity of "{column}" has no {missing}')) from None
        span_ids[scalar_id(item.get("id", span["id"]), "an entity's id", where)] = span["id"]
    else:
        raise UserError(Errors.E871.format(
            path=where[0], line=where[1],
            problem=f'an item of "{column}" must be a label, [start, end, "LABEL"] or an entity, not {item!r}'))


def _comments(value: Any) -> list[str] | None:
    """doccano's ``Comments`` as note texts (strings, or objects with a ``text``); None when they
    are something else, and then they stay in the metadata as they are."""
    if value is None:
        return []
    if not isinstance(value, list):
        return None
    texts = [item.get("text") if isinstance(item, dict) else item for item in value]
    return [text for text in texts if isinstance(text, str)] if all(isinstance(t, str) for t in texts) else None


def _meta(record: dict[str, Any], handled: set[str], report: LossReport) -> dict[str, Any]:
    """Every key not read as something else, as doccano keeps it: its export spreads the metadata
    over the line, its import shape puts it under ``meta`` (which wins when a name is in both)."""
    meta = {key: value for key, value in record.items() if key not in handled and key != "meta"}
    inner = record.get("meta")
    if isinstance(inner, dict):
        report.add('metadata keys of a line also named in its "meta" (the value in "meta" is kept)',
                   len(meta.keys() & inner.keys()))
        meta.update(inner)
    elif inner is not None:
        meta["meta"] = inner
    return meta


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


FORMAT = register(Format(
    name="doccano",
    description="doccano JSONL (entities, relations, document labels, comments; every doccano export shape read)",
    target="file",
    suffix=".jsonl",
    export=export,
    read=read,
    with_options=with_options,
    option_names=("label_column",),
))
