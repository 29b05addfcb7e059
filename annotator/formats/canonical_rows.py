"""Rows read from a project, turned into the canonical shape (``annotator.formats.canonical``).

Separate from the queries (``annotator.formats.select``, SQLAlchemy Core) so that the quick reads
of ``annotator show`` (``annotator.store.quick_reads``, plain sqlite3, no SQLAlchemy import) build
the very same object from the same rows: one shaping, two ways to fetch.

The row tuples are in the column order of ``span_query``/``relation_query`` plus the gold
provenance (``origin_annotator``, ``adjudicator``), as the queries give them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from annotator.errors import Errors, UserError
from annotator.formats.base import EXPORT_LAYERS, ExportOptions
from annotator.formats.canonical import (
    CanonicalComment,
    CanonicalDoc,
    CanonicalDocLabel,
    CanonicalRelation,
    CanonicalSpan,
)


@dataclass(frozen=True)
class RowFilter:
    """An ``ExportOptions`` resolved to what the queries need; ``RowFilter()`` keeps everything."""

    annotators: frozenset[str] | None = None
    layers: tuple[str, ...] | None = None  # None: every layer
    labels: frozenset[str] | None = None
    gold_else_annotation: bool = False

    @classmethod
    def from_options(cls, options: ExportOptions) -> RowFilter:
        if options.layer not in EXPORT_LAYERS:
            raise UserError(Errors.E804.format(layer=options.layer))
        layers = {"all": None, "gold-else-annotation": ("gold", "annotation")}.get(options.layer, (options.layer,))
        return cls(
            annotators=frozenset(options.annotators) if options.annotators is not None else None,
            layers=layers,
            labels=frozenset(options.labels) if options.labels is not None else None,
            gold_else_annotation=options.layer == "gold-else-annotation",
        )

    def keeps_status(self, annotator: str) -> bool:
        return self.annotators is None or annotator in self.annotators


@dataclass(frozen=True)
class DocumentRows:
    """What hangs off one document, as fetched: span, relation, document-label, note and status
    rows (each starting or, for spans and relations, second with the document id), and the
    reviewers' comments by span id."""

    spans: list[tuple[Any, ...]]
    relations: list[tuple[Any, ...]]
    doc_labels: list[tuple[Any, ...]]
    notes: list[tuple[Any, ...]]
    statuses: list[tuple[Any, ...]]
    comments: dict[int, list[CanonicalComment]]


def canonical_document(row: Any, rows: DocumentRows, row_filter: RowFilter = RowFilter()) -> CanonicalDoc:
    """One document in the canonical shape from its row (``id, name, title, source, url,
    published, meta, text`` as attributes) and the rows hanging off it, filtered."""
    text: str = row.text
    spans, relations, doc_labels = rows.spans, rows.relations, rows.doc_labels
    notes, statuses, comments = rows.notes, rows.statuses, rows.comments
    labels = row_filter.labels
    if row_filter.gold_else_annotation:
        layer = "gold" if any(span[6] == "gold" for span in spans) else "annotation"
        spans = [span for span in spans if span[6] == layer]
        relations = [relation for relation in relations if relation[6] == layer]
        doc_labels = [doc_label for doc_label in doc_labels if doc_label[3] == layer]
    out_spans: list[CanonicalSpan] = []
    kept: set[int] = set()
    for (span_id, _doc, start, end, label, annotator, layer_name, attrs, note, score, source, actor,
         status, fragments, _version, origin, adjudicator) in spans:
        if labels is not None and label not in labels:
            continue
        kept.add(span_id)
        span: CanonicalSpan = {
            "id": span_id, "start": start, "end": end, "text": text[start:end], "label": label,
            "annotator": annotator, "layer": layer_name, "attrs": dict(attrs or {}), "note": note or "", "actor": actor}
        if score is not None:
            span["score"] = score
        if source:
            span["source"] = source
        if status is not None:
            span["status"] = status
        if fragments:
            span["fragments"] = [list(piece) for piece in fragments]
        if origin:
            span["origin_annotator"] = origin
        if adjudicator:
            span["adjudicator"] = adjudicator
        if span_id in comments:
            span["comments"] = comments[span_id]
        out_spans.append(span)
    return {
        "id": row.name,
        "title": row.title,
        "text": text,
        "meta": document_meta(row.meta, row.source, row.url, row.published),
        "spans": out_spans,
        "relations": [_relation(relation) for relation in relations if relation[2] in kept and relation[3] in kept],
        "doc_labels": [_doc_label(label, annotator, layer_name) for _doc, label, annotator, layer_name in doc_labels
                       if labels is None or label in labels],
        "notes": [{"annotator": annotator, "text": note} for _doc, annotator, note in notes
                  if row_filter.keeps_status(annotator)],
        "status": {annotator: status for _doc, annotator, status in statuses if row_filter.keeps_status(annotator)},
    }


def _relation(row: tuple[Any, ...]) -> CanonicalRelation:
    relation_id, _doc, head, tail, label, annotator, layer_name, attrs, _version, origin, adjudicator = row
    relation: CanonicalRelation = {"id": relation_id, "head": head, "tail": tail, "label": label,
                                   "annotator": annotator, "layer": layer_name, "attrs": dict(attrs or {})}
    if origin:
        relation["origin_annotator"] = origin
    if adjudicator:
        relation["adjudicator"] = adjudicator
    return relation


def comments_by_span(rows: Iterable[Sequence[Any]]) -> dict[int, list[CanonicalComment]]:
    """Reviewers' comments (span id, reviewer, text, time) by span, in their order, times in UTC."""
    comments: dict[int, list[CanonicalComment]] = {}
    for span_id, annotator, text, created in rows:
        comments.setdefault(span_id, []).append({"annotator": annotator, "text": text, "created": _iso_utc(created)})
    return comments


def _iso_utc(value: datetime) -> str:
    """A stored timestamp as ISO 8601 in UTC: SQLite gives it naive (stored as UTC), PostgreSQL
    in the session's zone; both come out the same."""
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)).isoformat()


def _doc_label(label: str, annotator: str, layer: str) -> CanonicalDocLabel:
    """A document label; the layer is written only when it is not the annotation layer."""
    entry: CanonicalDocLabel = {"label": label, "annotator": annotator}
    if layer != "annotation":
        entry["layer"] = layer
    return entry


def document_meta(meta: dict[str, Any] | None, source: str, url: str | None, published: str | None) -> dict[str, Any]:
    """Free metadata plus the document's source, url and date, so nothing is lost on export."""
    result = dict(meta or {})
    for key, value in (("source", source), ("url", url), ("published", published)):
        if value:
            result.setdefault(key, value)
    return result
