"""The data agreement is computed on: chosen documents, their observers and their spans.

Read with one query per 500 documents (not one per document), straight into arrays, because a
corpus of thousands of documents must be measured in seconds.

Which annotators are a document's *observers*: the chosen annotators who marked it done, or
(``all_annotated``) who made at least one span in it. A document counts when it has two
observers or more; an annotator who is not an observer of a document takes no part in its
figures (their missing spans are not read as "nothing here").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from annotator.errors import Errors, UserError
from annotator.store.project import Project
from annotator.store.tables import ANNOTATOR, DOC, LABEL, SPAN, STATUS

CHUNK = 500

SpanTuple = tuple[int, int, str]  # start, end, label


@dataclass
class DocData:
    """One document as agreement sees it."""

    id: int
    title: str
    text: str
    observers: tuple[str, ...]
    spans: dict[str, list[SpanTuple]] = field(default_factory=dict)  # observer → spans


@dataclass(frozen=True)
class AgreementOptions:
    """Which annotators, labels and documents; None is all of them."""

    annotators: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    documents: tuple[str | int, ...] | None = None
    all_annotated: bool = False


def load_corpus(project: Project, options: AgreementOptions) -> tuple[list[DocData], tuple[str, ...]]:
    """The documents with at least two observers, and the annotators taken into account."""
    with project.engine.connect() as connection:
        humans = list(connection.execute(
            sa.select(ANNOTATOR.c.name).where(ANNOTATOR.c.kind == "human").order_by(ANNOTATOR.c.name)).scalars())
        if options.annotators is not None:
            missing = [name for name in options.annotators if name not in humans]
            if missing:
                raise UserError(Errors.E806.format(annotators=", ".join(missing), location=project.location,
                                                   known=", ".join(humans) or "none yet"))
            chosen = tuple(dict.fromkeys(options.annotators))
        else:
            chosen = tuple(humans)
        if len(chosen) < 2:
            raise UserError(Errors.E901.format(annotators=", ".join(chosen) or "none"))
        query = sa.select(DOC.c.id).order_by(DOC.c.id)
        if options.documents is not None:
            query = query.where(DOC.c.id.in_([project.documents.resolve(ref) for ref in options.documents]))
        candidate_ids = list(connection.execute(query).scalars())
        observers: dict[int, set[str]] = {}
        for start in range(0, len(candidate_ids), CHUNK):
            ids = candidate_ids[start:start + CHUNK]
            if options.all_annotated:
                rows = connection.execute(
                    sa.select(SPAN.c.document_id, ANNOTATOR.c.name).distinct()
                    .join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id)
                    .where(SPAN.c.document_id.in_(ids), SPAN.c.layer == "annotation", ANNOTATOR.c.name.in_(chosen)))
            else:
                rows = connection.execute(
                    sa.select(STATUS.c.document_id, ANNOTATOR.c.name)
                    .join(ANNOTATOR, ANNOTATOR.c.id == STATUS.c.annotator_id)
                    .where(STATUS.c.document_id.in_(ids), STATUS.c.status == "done", ANNOTATOR.c.name.in_(chosen)))
            for doc_id, name in rows:
                observers.setdefault(doc_id, set()).add(name)
        doc_ids = [doc_id for doc_id in candidate_ids if len(observers.get(doc_id, ())) >= 2]
        order = {name: index for index, name in enumerate(chosen)}
        labels = set(options.labels) if options.labels is not None else None
        docs: list[DocData] = []
        for start in range(0, len(doc_ids), CHUNK):
            ids = doc_ids[start:start + CHUNK]
            chunk = {row.id: DocData(row.id, row.title, row.text,
                                     tuple(sorted(observers[row.id], key=order.__getitem__)))
                     for row in connection.execute(sa.select(DOC.c.id, DOC.c.title, DOC.c.text)
                                                   .where(DOC.c.id.in_(ids)))}
            for doc in chunk.values():
                doc.spans = {name: [] for name in doc.observers}
            for doc_id, name, start_offset, end_offset, label in connection.execute(
                    sa.select(SPAN.c.document_id, ANNOTATOR.c.name, SPAN.c.start_offset, SPAN.c.end_offset,
                              LABEL.c.name)
                    .join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id)
                    .join(LABEL, LABEL.c.id == SPAN.c.label_id)
                    .where(SPAN.c.document_id.in_(ids), SPAN.c.layer == "annotation")
                    .order_by(SPAN.c.document_id, SPAN.c.start_offset, SPAN.c.end_offset)):
                mine = chunk[doc_id].spans.get(name)
                if mine is not None and (labels is None or label in labels):
                    mine.append((start_offset, end_offset, label))
            docs.extend(chunk[doc_id] for doc_id in ids)
    return docs, chosen


def observers_in(docs: Sequence[DocData]) -> tuple[str, ...]:
    """Annotators observing at least one document, in first-seen order."""
    seen: dict[str, None] = {}
    for doc in docs:
        seen.update(dict.fromkeys(doc.observers))
    return tuple(seen)
