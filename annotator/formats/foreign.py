"""Helpers shared by the formats that read other tools' files (doccano, Prodigy, DocBin, XMI).

Not a format itself (it is not in ``FORMAT_MODULES``): it holds the few things every foreign
reader needs done the same way, so that a broken line always names its file and line, a span that
does not fit its text is refused with the same message, and the canonical documents built from
foreign files all have the same shape as ``Documents.to_json`` gives.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.errors import Errors, UserError
from annotator.formats.base import LossReport, ReadOptions
from annotator.formats.canonical import CanonicalDoc, CanonicalRelation, CanonicalSpan, ItemId
from annotator.output_files import OutputSet, staging


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank line of ``path`` as (1-based line number, JSON object), read as it is taken
    (ingestion writes the documents into its open transaction as they come, and rolls all of them
    back when a later line is bad, so the file is never held whole).

    A line that is not JSON, or not a JSON object, raises a UserError naming file and line; so do
    bytes that are not UTF-8, nesting too deep for the parser (``[[[[...`` 100,000 deep) and
    NaN/Infinity, which are not JSON and which PostgreSQL's JSON columns refuse.
    """
    with path.open(encoding="utf-8-sig", newline="\n") as text:  # lines end at LF alone, as split("\n") did
        yield from _objects(path, text)


def _objects(path: Path, text: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    lines = enumerate(text, start=1)
    while True:
        try:
            number, line = next(lines)
        except StopIteration:
            return
        except UnicodeDecodeError as error:  # bytes that are not UTF-8, wherever in the file
            raise UserError(Errors.E816.format(path=path, problem=error)) from None
        if not line.strip():
            continue
        try:
            value = json.loads(line, parse_constant=_reject_constant)
        except json.JSONDecodeError as error:
            raise UserError(Errors.E870.format(path=path, line=number, problem=error.msg)) from None
        except ValueError as error:  # from _reject_constant
            raise UserError(Errors.E870.format(path=path, line=number, problem=error)) from None
        except RecursionError:
            raise UserError(Errors.E870.format(path=path, line=number, problem="it is nested too deeply")) from None
        if not isinstance(value, dict):
            raise UserError(Errors.E871.format(
                path=path, line=number, problem=f"expected a JSON object, found {type(value).__name__}"))
        yield number, value


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON value")


def items(record: dict[str, Any], key: str, where: tuple[Path, int], *, objects: bool = False) -> list[Any]:
    """``record[key]`` as a list (``[]`` when absent or null), refusing any other type, and with
    ``objects`` refusing items that are not JSON objects: foreign files are checked before use."""
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise UserError(Errors.E871.format(path=where[0], line=where[1], problem=f'"{key}" must be a list'))
    if objects and not all(isinstance(item, dict) for item in value):
        raise UserError(Errors.E871.format(path=where[0], line=where[1],
                                           problem=f'each item of "{key}" must be a JSON object'))
    return value


def scalar_id(value: Any, what: str, where: tuple[Path, int]) -> str | int | float | None:
    """An id from a foreign file (a string or number, or None when absent), refusing lists and objects."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
        raise UserError(Errors.E871.format(path=where[0], line=where[1],
                                           problem=f"{what} must be a string or a number, not {value!r}"))
    return value


def write_jsonl(records: Iterator[dict[str, Any]], out: Path, outputs: OutputSet | None) -> None:
    """One JSON object a line, UTF-8, emoji and accents kept as they are (not \\u escapes)."""
    with staging(outputs) as files, files.open_text(out) as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def add_span(doc: CanonicalDoc, start: Any, end: Any, label: Any, options: ReadOptions, *,
             where: tuple[Path, int], **extra: Any) -> CanonicalSpan:
    """Append a span (numbered 1, 2, … within the document) after checking it fits the text.

    ``where`` is (file, line) for the error message; ``extra`` overrides defaults (annotator,
    layer, attrs, note, actor) where the foreign file says more than the label. ``start``,
    ``end`` and ``label`` come straight from the file, so their types are checked here too.
    """
    text = doc["text"]
    if not (_is_int(start) and _is_int(end) and 0 <= start < end <= len(text)):
        raise UserError(Errors.E872.format(path=where[0], line=where[1], start=start, end=end, length=len(text)))
    if not isinstance(label, str):
        raise UserError(Errors.E871.format(path=where[0], line=where[1],
                                           problem=f"a span's label must be a string, not {label!r}"))
    span: CanonicalSpan = {
        "id": len(doc["spans"]) + 1, "start": start, "end": end, "text": text[start:end], "label": str(label),
        "annotator": options.annotator, "layer": options.layer, "attrs": {}, "note": None, "actor": None}
    span.update(extra)  # type: ignore[typeddict-item]  # names a foreign reader maps onto span fields
    doc["spans"].append(span)
    return span


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def add_relation(doc: CanonicalDoc, head: ItemId, tail: ItemId, label: str, options: ReadOptions,
                 **extra: Any) -> CanonicalRelation:
    """Append a relation between two span ids of ``doc`` (numbered 1, 2, … within the document)."""
    relation: CanonicalRelation = {"id": len(doc["relations"]) + 1, "head": head, "tail": tail, "label": str(label),
                                   "annotator": options.annotator, "layer": options.layer, "attrs": {}}
    relation.update(extra)  # type: ignore[typeddict-item]  # names a foreign reader maps onto relation fields
    doc["relations"].append(relation)
    return relation


def report_unexportable(doc: CanonicalDoc, report: LossReport, format_name: str, *, relations: bool = False,
                        attrs: bool = False, notes: bool = False, doc_labels: bool = False,
                        actors: bool = False, fragments: bool = False) -> None:
    """Count what ``format_name`` cannot carry of one document (each flag: True = cannot carry it)."""
    spans = doc.get("spans", [])
    if relations:
        report.add(f"relations ({format_name} has none)", len(doc.get("relations", [])))
    if attrs:
        report.add(f"span and relation attributes ({format_name} has none)",
                   sum(1 for item in [*spans, *doc.get("relations", [])] if item.get("attrs")))
    if notes:
        report.add(f"notes ({format_name} has none)",
                   len(doc.get("notes", [])) + sum(1 for span in spans if span.get("note")))
    if doc_labels:
        report.add(f"document labels ({format_name} has none)", len(doc.get("doc_labels", [])))
    if actors:
        report.add(f"actor links of spans ({format_name} has none)", sum(1 for span in spans if span.get("actor")))
    if fragments:
        report.add(f"gaps of discontinuous spans (exported whole, {format_name} has no fragments)",
                   sum(1 for span in spans if span.get("fragments")))
