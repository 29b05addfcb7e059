"""From a project to canonical documents, filtered, in bulk.

``build_documents`` is the one place that fetches rows for the canonical shape (which
``canonical_rows`` builds from them):
``Documents.to_json`` calls it for one document, exports for thousands, so the two cannot drift.
It reads a chunk of documents with seven Core queries (documents, spans, relations, document
labels, notes, reviewers' span comments, statuses) instead of seven queries per document, which
is what makes exporting 10,000 documents a matter of seconds.

A gold item's provenance (``origin_annotator``, ``adjudicator``) and a span's reviewer comments
are written only where there are some, so documents nobody reviewed keep their shape.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotator.errors import Errors, UserError
from annotator.formats.base import ExportOptions
from annotator.formats.canonical import CanonicalDoc
from annotator.formats.canonical_rows import DocumentRows, RowFilter, canonical_document, comments_by_span
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


def _conditions(row_filter: RowFilter, layer: sa.ColumnElement[Any],
                annotator: sa.ColumnElement[Any]) -> list[sa.ColumnElement[Any]]:
    """SQL conditions for rows carrying ``layer`` and ``annotator`` (label filtering is in Python,
    ``canonical_rows``)."""
    conditions: list[sa.ColumnElement[Any]] = []
    if row_filter.layers is not None:
        conditions.append(layer.in_(row_filter.layers))
    if row_filter.annotators is not None:
        conditions.append(sa.or_(layer == "gold", annotator.in_(sorted(row_filter.annotators))))
    return conditions


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
        .where(SPAN.c.document_id.in_(ids), *_conditions(row_filter, SPAN.c.layer, ANNOTATOR.c.name))
        .order_by(SPAN.c.document_id, SPAN.c.start_offset, SPAN.c.end_offset.desc(), SPAN.c.id)), at=1)
    relations = _group(connection.execute(
        relation_query().add_columns(REL.c.origin_annotator, REL.c.adjudicator)
        .where(REL.c.document_id.in_(ids), *_conditions(row_filter, REL.c.layer, ANNOTATOR.c.name))
        .order_by(REL.c.document_id, REL.c.id)), at=1)
    comments = comments_by_span(connection.execute(
        sa.select(NOTE.c.span_id, ANNOTATOR.c.name, NOTE.c.text, NOTE.c.created_at)
        .join(ANNOTATOR, ANNOTATOR.c.id == NOTE.c.annotator_id)
        .where(NOTE.c.document_id.in_(ids), NOTE.c.span_id.is_not(None)).order_by(NOTE.c.id)))
    doc_labels = _group(connection.execute(
        sa.select(DOC_LABEL.c.document_id, LABEL.c.name, ANNOTATOR.c.name, DOC_LABEL.c.layer)
        .join(LABEL, LABEL.c.id == DOC_LABEL.c.label_id)
        .join(ANNOTATOR, ANNOTATOR.c.id == DOC_LABEL.c.annotator_id)
        .where(DOC_LABEL.c.document_id.in_(ids), *_conditions(row_filter, DOC_LABEL.c.layer, ANNOTATOR.c.name))
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
        canonical_document(row, DocumentRows(spans.get(doc_id, []), relations.get(doc_id, []),
                                             doc_labels.get(doc_id, []), notes.get(doc_id, []),
                                             statuses.get(doc_id, []), comments), row_filter)
        for doc_id in ids
        if (row := documents.get(doc_id)) is not None
    ]


def _group(rows: Any, at: int = 0) -> dict[int, list[tuple[Any, ...]]]:
    """Rows by document (the id in column ``at``), order kept."""
    grouped: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        grouped.setdefault(row[at], []).append(tuple(row))
    return grouped


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
