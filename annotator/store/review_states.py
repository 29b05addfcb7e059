"""Where review stands on each document, for the document list: who marked it reviewed, and how
many spans its gold layer holds.

"Reviewed" is a status an adjudicator gives a document (``annotator.review.adjudicate.set_reviewed``
writes it as the adjudicator's own status), so it is read across annotators: a document is
reviewed when anyone marked it so. The list asks for the rows on screen only, as it asks for
their summaries (``Documents.summaries``): two grouped queries for a window of rows, never one
per row; the filter asks for the ids of every reviewed document once (one query).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from annotator.store.tables import ANNOTATOR, SPAN, STATUS

if TYPE_CHECKING:
    from annotator.store.project import Project

REVIEWED = "reviewed"
GOLD = "gold"

# Built once with the ids as an expanding parameter: the list asks again for the open document's
# row after every edit (why: ``annotations``' note on ``SPAN_BY_ID``).
_IDS: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)
_REVIEWERS = (sa.select(STATUS.c.document_id, ANNOTATOR.c.name)
              .join(ANNOTATOR, ANNOTATOR.c.id == STATUS.c.annotator_id)
              .where(STATUS.c.document_id.in_(_IDS), STATUS.c.status == REVIEWED)
              .order_by(STATUS.c.document_id, ANNOTATOR.c.name))
_GOLD_SPANS = (sa.select(SPAN.c.document_id, sa.func.count())
               .where(SPAN.c.document_id.in_(_IDS), SPAN.c.layer == GOLD)
               .group_by(SPAN.c.document_id))


@dataclass(frozen=True, slots=True)
class ReviewState:
    """One document's review: who marked it reviewed (by name) and its gold spans."""

    reviewers: tuple[str, ...] = ()
    gold_spans: int = 0

    @property
    def reviewed(self) -> bool:
        return bool(self.reviewers)


class ReviewStates:
    """Reads review states of a project's documents."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def of(self, doc_ids: list[int]) -> dict[int, ReviewState]:
        """The review state of each of ``doc_ids`` (a window of the list's rows)."""
        if not doc_ids:
            return {}
        with self._project.reading() as connection:
            reviewers: dict[int, list[str]] = {}
            for doc_id, name in connection.execute(_REVIEWERS, {"ids": doc_ids}):
                reviewers.setdefault(doc_id, []).append(name)
            gold = {doc_id: count for doc_id, count in connection.execute(_GOLD_SPANS, {"ids": doc_ids})}
        return {doc_id: ReviewState(tuple(reviewers.get(doc_id, ())), int(gold.get(doc_id, 0)))
                for doc_id in doc_ids}

    def reviewed_ids(self) -> set[int]:
        """Every document someone marked reviewed."""
        with self._project.reading() as connection:
            return set(connection.execute(
                sa.select(STATUS.c.document_id).where(STATUS.c.status == REVIEWED).distinct()).scalars())
