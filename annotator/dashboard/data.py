"""The spans and relations the dashboard counts, read once for all of its charts.

Reads go through SQLAlchemy Core in a handful of queries (not one per document): spans with
their label, annotator, actor and document date, and the span text cut out by the database
(``substr``) so the texts of a large corpus never cross the wire whole. ``load`` applies every
filter of ``DashboardFilters`` that concerns spans (layer, annotators, dates, threat types), so
the charts built from a ``SpanData`` never need to know the filters again.

A relation is kept only when both of its spans are kept: a threat of a filtered-out type takes
its ``source_of`` and ``targets`` links with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from annotator.dashboard.filters import DashboardFilters, published_date
from annotator.errors import Errors, UserError
from annotator.store.project import Project
from annotator.store.tables import ACTOR, ANNOTATOR, DOC, LABEL, REL, SPAN

CHUNK = 500
#: Characters of span text kept for the lists behind a network edge.
TEXT_LIMIT = 160


@dataclass(frozen=True, slots=True)
class SpanRow:
    """One counted span, with what every chart needs to know about it."""

    id: int
    document_id: int
    label: str
    annotator: str
    layer: str
    attrs: dict[str, Any]
    actor_id: int | None
    text: str


@dataclass(frozen=True, slots=True)
class RelationRow:
    id: int
    label: str
    head_id: int
    tail_id: int


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    id: int
    title: str
    published: date | None


@dataclass(frozen=True, slots=True)
class ActorInfo:
    id: int
    name: str
    type: str | None
    country: str | None


@dataclass
class SpanData:
    """Everything the label, timeline and network charts are drawn from."""

    spans: dict[int, SpanRow] = field(default_factory=dict)
    relations: list[RelationRow] = field(default_factory=list)
    documents: dict[int, DocumentInfo] = field(default_factory=dict)
    actors: dict[int, ActorInfo] = field(default_factory=dict)


def selected_documents(project: Project, filters: DashboardFilters) -> dict[int, DocumentInfo]:
    """The documents inside the filters' publication-date range (all of them without a range)."""
    with project.engine.connect() as connection:
        rows = connection.execute(sa.select(DOC.c.id, DOC.c.title, DOC.c.published).order_by(DOC.c.id))
        documents = {doc_id: DocumentInfo(doc_id, title, published_date(published))
                     for doc_id, title, published in rows}
    return {doc_id: info for doc_id, info in documents.items() if filters.in_range(info.published)}


def check_annotators(project: Project, filters: DashboardFilters) -> None:
    """Refuse annotator names the project does not know (a typo would show empty charts)."""
    if filters.annotators is None:
        return
    known = project.annotator_names()
    missing = [name for name in filters.annotators if name not in known]
    if missing:
        raise UserError(Errors.E954.format(names=", ".join(missing), location=project.location,
                                           known=", ".join(known) or "none yet"))


def load(project: Project, filters: DashboardFilters) -> SpanData:
    """The spans and relations of the selected layer, annotators and documents."""
    data = SpanData(documents=selected_documents(project, filters))
    doc_ids = list(data.documents)
    text = sa.func.substr(DOC.c.text, SPAN.c.start_offset + 1, SPAN.c.end_offset - SPAN.c.start_offset)
    span_query = (
        sa.select(SPAN.c.id, SPAN.c.document_id, LABEL.c.name, ANNOTATOR.c.name, SPAN.c.layer, SPAN.c.attrs,
                  SPAN.c.actor_id, text)
        .join(LABEL, LABEL.c.id == SPAN.c.label_id)
        .join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id)
        .join(DOC, DOC.c.id == SPAN.c.document_id)
        .where(SPAN.c.layer == filters.layer)
    )
    relation_query = (
        sa.select(REL.c.id, LABEL.c.name, REL.c.head_id, REL.c.tail_id)
        .join(LABEL, LABEL.c.id == REL.c.label_id)
        .join(ANNOTATOR, ANNOTATOR.c.id == REL.c.annotator_id)
        .where(REL.c.layer == filters.layer)
    )
    if filters.layer == "suggestion":  # a rejected suggestion is the model's mistake, not data
        span_query = span_query.where(sa.or_(SPAN.c.status.is_(None), SPAN.c.status != "rejected"))
    if filters.annotators is not None:
        span_query = span_query.where(ANNOTATOR.c.name.in_(filters.annotators))
        relation_query = relation_query.where(ANNOTATOR.c.name.in_(filters.annotators))
    with project.engine.connect() as connection:
        for start in range(0, len(doc_ids), CHUNK):
            ids = doc_ids[start:start + CHUNK]
            for span_id, doc_id, label, annotator, layer, attrs, actor_id, span_text in connection.execute(
                    span_query.where(SPAN.c.document_id.in_(ids))):
                attrs = dict(attrs or {})
                if label == "THREAT" and not filters.keeps_threat(attrs.get("threat_type")):
                    continue
                data.spans[span_id] = SpanRow(span_id, doc_id, label, annotator, layer, attrs, actor_id,
                                              _short(span_text or ""))
            for relation_id, label, head_id, tail_id in connection.execute(
                    relation_query.where(REL.c.document_id.in_(ids))):
                if head_id in data.spans and tail_id in data.spans:
                    data.relations.append(RelationRow(relation_id, label, head_id, tail_id))
        data.actors = {row.id: ActorInfo(row.id, row.name, row.type, row.country)
                       for row in connection.execute(sa.select(ACTOR.c.id, ACTOR.c.name, ACTOR.c.type,
                                                               ACTOR.c.country))}
    return data


def _short(text: str) -> str:
    """A span's text on one line, cut to ``TEXT_LIMIT`` characters for lists and reports."""
    flat = " ".join(text.split())
    return flat if len(flat) <= TEXT_LIMIT else flat[:TEXT_LIMIT - 1] + "…"
