"""Spans of one document read a stretch of text at a time: those starting in ``[first, stop)``.

The editor opens a long document in two steps: the spans of the part on screen first, so the
first paint after the key shows them, then the rest a stretch at a time while the window is idle
(``annotator.gui.document_load``). Reading the 20,000 spans of a 1 MB document at once takes a
few hundred milliseconds on the shared machine, most of it making the records; a stretch of a
few hundred takes a few. Each span belongs to exactly one stretch (by its start), so reading the
stretches one after the other reads every span once; the start offset's index
(``ix_span_start_doc_layer``) makes each read a range scan.

Statements are built once per combination of filters, with bound parameters, as
``annotations``' are.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from annotator.store.annotations import filtered_by_whose, span_query, span_record
from annotator.store.records import SpanRecord
from annotator.store.tables import SPAN

if TYPE_CHECKING:
    from annotator.store.project import Project

SUGGESTION_LAYER = "suggestion"


@functools.cache
def _stretch_statement(annotators: bool, layers: bool, pending: bool) -> sa.Select[Any]:
    """Spans of a document starting in ``[first, stop)`` in text order, with the filters asked for."""
    query = (span_query(json_as_text=True)
             # "+ 0": see the end
             .where(SPAN.c.document_id + 0 == sa.bindparam("doc_id"), SPAN.c.start_offset >= sa.bindparam("first"),
                    SPAN.c.start_offset < sa.bindparam("stop"))
             .order_by(SPAN.c.start_offset, SPAN.c.end_offset.desc(), SPAN.c.id))
    query = filtered_by_whose(query, annotators=annotators, layers=layers)
    if pending:
        query = query.where(SPAN.c.layer == SUGGESTION_LAYER, SPAN.c.status == "pending")
    # Given the document's id as a plain column, SQLite walks the document's layer index, every
    # span of the layer (6.5 ms a stretch on 20,000 spans), and sorts what it keeps; with the id
    # inside an expression it cannot use that index and reads the stretch by the start's index
    # (``ix_span_start_doc_layer``). PostgreSQL's planner weighs both with its statistics.
    return query


def spans_starting_in(project: Project, doc_id: int, first: int, stop: int, *,
                      annotators: Iterable[str] | None = None,
                      layers: Iterable[str] | None = None) -> list[SpanRecord]:
    """Spans of ``doc_id`` whose start is in ``[first, stop)`` (code points), in text order,
    optionally of some annotators and layers only (as ``Annotations.spans``)."""
    parameters: dict[str, Any] = {"doc_id": doc_id, "first": first, "stop": stop}
    if annotators is not None:
        parameters["annotators"] = list(annotators)
    if layers is not None:
        parameters["layers"] = list(layers)
    query = _stretch_statement(annotators is not None, layers is not None, False)
    with project.reading() as connection:
        return [span_record(row) for row in connection.execute(query, parameters).all()]


def pending_suggestions_starting_in(project: Project, doc_id: int, first: int, stop: int) -> list[SpanRecord]:
    """Pending suggestions of ``doc_id`` whose start is in ``[first, stop)``, in text order (as
    ``Suggestions.spans`` reads them all)."""
    with project.reading() as connection:
        return [span_record(row) for row in connection.execute(
            _stretch_statement(False, False, True), {"doc_id": doc_id, "first": first, "stop": stop}).all()]
