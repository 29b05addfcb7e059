"""From a project to canonical documents, filtered, in bulk.

``build_documents`` is the one place that turns rows into the canonical shape:
``Documents.to_json`` calls it for one document, exports for thousands, so the two cannot drift.
It reads a chunk of documents with seven Core queries (documents, spans, relations, document
labels, notes, reviewers' span comments, statuses) instead of seven queries per document, which
is what makes exporting 10,000 documents a matter of seconds.

A gold item's provenance (``origin_annotator``, ``adjudicator``) and a span's reviewer comments
are written only where there are some, so documents nobody reviewed keep their shape.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotator.errors import Errors, UserError
from annotator.formats.base import EXPORT_LAYERS, ExportOptions
from annotator.formats.canonical import (
    CanonicalComment,
    CanonicalDoc,
    CanonicalDocLabel,
    CanonicalRelation,
    CanonicalSpan,
)
from annotator.store.annotations import relation_query, span_query
from annotator.store.documents import UnknownDocument
from annotator.store.tables import (
    ANNOTATOR,
    DOC,
    DOC_LABEL,
    LABEL,
    NOTE,
    REL,
    SPAN,
    STATUS,
)
from annotator.tasks import TaskControl

if TYPE_CHECKING:
    from annotator.store.project import Project


CHUNK = 500  # documents per round of queries: few round trips, bounded memory, under SQLite's 999 parameters


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

    def where(self, layer: sa.ColumnElement[Any], annotator: sa.ColumnElement[Any]) -> list[sa.ColumnElement[Any]]:
        """SQL conditions for rows carrying ``layer`` and ``annotator`` (label filtering is in Python)."""
        conditions: list[sa.ColumnElement[Any]] = []
        if self.layers is not None:
            conditions.append(layer.in_(self.layers))
        if self.annotators is not None:
            conditions.append(sa.or_(layer == "gold", annotator.in_(sorted(self.annotators))))
        return conditions

    def keeps_status(self, annotator: str) -> bool:
        return self.annotators is None or annotator in self.annotators


def select_document_ids(project: Project, options: ExportOptions) -> list[int]:
    """Ids of the documents the options select, in id order; unknown names are an error."""
    query = sa.select(DOC.c.id).order_by(DOC.c.id)
    with project.engine.connect() as connection:
        if options.documents is not None:
            query = query.where(DOC.c.id.in_(_resolve_documents(project, options.documents)))
        if options.annotators is not None:
            _check_annotators(connection, project, options.annotators)
        if options.done_only:
            done = sa.select(STATUS.c.document_id).where(STATUS.c.status == "done")
            if options.annotators is not None:
                done = done.join(ANNOTATOR, ANNOTATOR.c.id == STATUS.c.annotator_id).where(
                    ANNOTATOR.c.name.in_(list(options.annotators)))
            query = query.where(DOC.c.id.in_(done))
        return list(connection.execute(query).scalars())


def select_documents(project: Project, options: ExportOptions,
                     control: TaskControl | None = None, *,
                     doc_ids: Sequence[int] | None = None) -> Generator[CanonicalDoc]:
    """Canonical documents of the project that the options select, in id order.

    ``doc_ids`` (from ``select_document_ids``, e.g. one part of a split) skips selecting again.
    Progress is reported per chunk; cancelling stops between chunks.
    """
    row_filter = RowFilter.from_options(options)
    ids = list(doc_ids) if doc_ids is not None else select_document_ids(project, options)
    control = control or TaskControl()
    for start in range(0, len(ids), CHUNK):
        control.raise_if_cancelled()
        with project.engine.connect() as connection:
            yield from build_documents(connection, ids[start:start + CHUNK], row_filter)
        control.report(min(start + CHUNK, len(ids)), len(ids), "")


def build_documents(connection: Connection, doc_ids: Sequence[int],
                    row_filter: RowFilter = RowFilter()) -> list[CanonicalDoc]:
    """The canonical shape of some documents (in the order of ``doc_ids``), filtered."""
    if not doc_ids:
        return []
    ids = list(doc_ids)
    documents = {row.id: row for row in connection.execute(
        sa.select(DOC.c.id, DOC.c.name, DOC.c.title, DOC.c.source, DOC.c.url, DOC.c.published, DOC.c.meta,
                  DOC.c.text).where(DOC.c.id.in_(ids)))}
    spans = _group(connection.execute(
        span_query().add_columns(SPAN.c.origin_annotator, SPAN.c.adjudicator)
        .where(SPAN.c.document_id.in_(ids), *row_filter.where(SPAN.c.layer, ANNOTATOR.c.name))
        .order_by(SPAN.c.document_id, SPAN.c.start_offset, SPAN.c.end_offset.desc(), SPAN.c.id)), at=1)
    relations = _group(connection.execute(
        relation_query().add_columns(REL.c.origin_annotator, REL.c.adjudicator)
        .where(REL.c.document_id.in_(ids), *row_filter.where(REL.c.layer, ANNOTATOR.c.name))
        .order_by(REL.c.document_id, REL.c.id)), at=1)
    comments: dict[int, list[CanonicalComment]] = {}
    for span_id, annotator, comment, created in connection.execute(
            sa.select(NOTE.c.span_id, ANNOTATOR.c.name, NOTE.c.text, NOTE.c.created_at)
            .join(ANNOTATOR, ANNOTATOR.c.id == NOTE.c.annotator_id)
            .where(NOTE.c.document_id.in_(ids), NOTE.c.span_id.is_not(None)).order_by(NOTE.c.id)):
        comments.setdefault(span_id, []).append({"annotator": annotator, "text": comment,
                                                 "created": _iso_utc(created)})
    doc_labels = _group(connection.execute(
        sa.select(DOC_LABEL.c.document_id, LABEL.c.name, ANNOTATOR.c.name, DOC_LABEL.c.layer)
        .join(LABEL, LABEL.c.id == DOC_LABEL.c.label_id)
        .join(ANNOTATOR, ANNOTATOR.c.id == DOC_LABEL.c.annotator_id)
        .where(DOC_LABEL.c.document_id.in_(ids), *row_filter.where(DOC_LABEL.c.layer, ANNOTATOR.c.name))
        .order_by(DOC_LABEL.c.document_id, DOC_LABEL.c.id)))
    notes = _group(connection.execute(
        sa.select(NOTE.c.document_id, ANNOTATOR.c.name, NOTE.c.text)
        .join(ANNOTATOR, ANNOTATOR.c.id == NOTE.c.annotator_id)
        .where(NOTE.c.document_id.in_(ids), NOTE.c.span_id.is_(None)).order_by(NOTE.c.document_id, NOTE.c.id)))
    statuses = _group(connection.execute(
        sa.select(STATUS.c.document_id, ANNOTATOR.c.name, STATUS.c.status)
        .join(ANNOTATOR, ANNOTATOR.c.id == STATUS.c.annotator_id)
        .where(STATUS.c.document_id.in_(ids)).order_by(STATUS.c.document_id, ANNOTATOR.c.name)))
    return [
        _document(row, spans.get(doc_id, []), relations.get(doc_id, []), doc_labels.get(doc_id, []),
                  notes.get(doc_id, []), statuses.get(doc_id, []), row_filter, comments)
        for doc_id in ids
        if (row := documents.get(doc_id)) is not None
    ]


def _group(rows: Any, at: int = 0) -> dict[int, list[tuple[Any, ...]]]:
    """Rows by document (the id in column ``at``), order kept."""
    grouped: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        grouped.setdefault(row[at], []).append(tuple(row))
    return grouped


def _document(row: Any, spans: list[tuple[Any, ...]], relations: list[tuple[Any, ...]],
              doc_labels: list[tuple[Any, ...]], notes: list[tuple[Any, ...]],
              statuses: list[tuple[Any, ...]], row_filter: RowFilter,
              comments: dict[int, list[CanonicalComment]]) -> CanonicalDoc:
    text: str = row.text
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


def _resolve_documents(project: Project, references: Sequence[str | int]) -> list[int]:
    """Document ids from ids or names as a user typed them, by the rule of ``annotator show``
    (``Documents.resolve``: an id first, an ambiguous name refused); all unknown ones in one error."""
    found: set[int] = set()
    missing: list[str] = []
    for reference in references:
        try:
            found.add(project.documents.resolve(reference))
        except UnknownDocument:
            missing.append(str(reference).strip())
    if missing:
        raise UserError(Errors.E805.format(documents=", ".join(missing), location=project.location))
    return sorted(found)


def _check_annotators(connection: Connection, project: Project, names: Sequence[str]) -> None:
    known = list(connection.execute(sa.select(ANNOTATOR.c.name).order_by(ANNOTATOR.c.name)).scalars())
    missing = [name for name in names if name not in known]
    if missing:
        raise UserError(Errors.E806.format(annotators=", ".join(missing), location=project.location,
                                           known=", ".join(known) or "none yet"))


def document_json(project: Project, doc_id: int) -> CanonicalDoc:
    """One document in the canonical JSON shape shared by ``show --json`` and JSONL export,
    built by the exporters' own bulk builder, so one document and a whole export agree."""
    with project.reading() as connection:
        built = build_documents(connection, [doc_id])
    if not built:
        raise UserError(Errors.E105.format(doc_id=doc_id, location=project.location))
    return built[0]
