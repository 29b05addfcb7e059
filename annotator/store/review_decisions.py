"""Reviewers' decisions on compared items that gold cannot show (the ``review_decision`` table).

Why a table of its own: a relation only one annotator drew, an attribute value only one gave, a
document label only one set can be turned down, or decided as the other annotator's "nothing";
either way gold is left as it is, so nothing in gold tells the decision apart from "not decided
yet". The decision is kept under the item's key (``annotator.review.comparison.item_key``) and the
comparison counts the item decided. The store only reads and writes rows; the operation that
records a decision with its undo is ``annotator.ops.curation.SetReviewDecision``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotator.store.models import utcnow
from annotator.store.tables import REVIEW_DECISION

REJECTED = "rejected"
TAKEN = "taken:"  # followed by whose version was taken


def taken(annotator: str) -> str:
    return f"{TAKEN}{annotator}"


@dataclass(frozen=True, slots=True)
class Decision:
    """One row: what was decided on an item of a document, by whom; ``id`` and ``version`` let an
    undo put the row back as it was."""

    document_id: int
    item_key: str
    decision: str
    adjudicator: str
    id: int | None = None
    version: int = 1
    created_at: datetime | None = None


def of_document(connection: Connection, doc_id: int) -> dict[str, str]:
    """Every decision on the document's items, by item key (one query)."""
    return dict(connection.execute(
        sa.select(REVIEW_DECISION.c.item_key, REVIEW_DECISION.c.decision)
        .where(REVIEW_DECISION.c.document_id == doc_id)).all())


def read(connection: Connection, doc_id: int, item_key: str) -> Decision | None:
    row = connection.execute(
        sa.select(REVIEW_DECISION).where(REVIEW_DECISION.c.document_id == doc_id,
                                         REVIEW_DECISION.c.item_key == item_key)).one_or_none()
    if row is None:
        return None
    return Decision(row.document_id, row.item_key, row.decision, row.adjudicator, row.id, row.version,
                    row.created_at)


def replace(connection: Connection, doc_id: int, item_key: str, decision: Decision | None) -> Decision | None:
    """Make ``decision`` the item's one decision (None: no decision), in the caller's transaction;
    a row with an id goes back under that id. Returns the row written."""
    connection.execute(REVIEW_DECISION.delete().where(REVIEW_DECISION.c.document_id == doc_id,
                                                      REVIEW_DECISION.c.item_key == item_key))
    if decision is None:
        return None
    values = dict(document_id=doc_id, item_key=item_key, decision=decision.decision,
                  adjudicator=decision.adjudicator, version=decision.version,
                  created_at=decision.created_at or utcnow())
    if decision.id is not None:
        values["id"] = decision.id
    connection.execute(REVIEW_DECISION.insert().values(**values))
    return read(connection, doc_id, item_key)
