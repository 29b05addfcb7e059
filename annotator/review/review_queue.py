"""Which document a reviewer comparing some annotators goes to next, and where in it.

Decisions:
- The documents of a comparison are those where any compared annotator has a span in their
  layer, in import order (document id), unless the caller gives its own order (the agreement
  window's list, worst first).
- A pending difference is a compared item that is not an agreement and that gold does not
  decide yet, nobody rejected and no recorded decision settles (a non-span item rejected, or an
  annotator's "nothing" taken: ``Difference.state == "pending"``, ``annotator.review.comparison``);
  an undecided document has at least one. Agreements are not differences: Accept all agreed
  settles them without the reviewer reading each.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from annotator.review.comparison import compare
from annotator.store.project import Project
from annotator.store.tables import ANNOTATOR, SPAN


def compared_documents(project: Project, annotators: Sequence[str]) -> list[int]:
    """The documents where any of ``annotators`` has an annotation-layer span, by id."""
    with project.reading() as connection:
        return list(connection.execute(
            sa.select(SPAN.c.document_id).distinct().join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id)
            .where(SPAN.c.layer == "annotation", ANNOTATOR.c.name.in_(list(annotators)))
            .order_by(SPAN.c.document_id)).scalars())


def is_pending(kind: str, state: str) -> bool:
    """A difference nobody decided yet (module docstring)."""
    return kind != "agreement" and state == "pending"


def pending_differences(project: Project, doc_id: int, annotators: Sequence[str]) -> int:
    return sum(is_pending(item.kind, item.state) for item in compare(project, doc_id, annotators))


def next_undecided(project: Project, order: Sequence[int], current: int, annotators: Sequence[str]) -> int | None:
    """The first document after ``current`` in ``order`` (wrapping round; ``current`` itself is
    not the next one) with a pending difference; None when there is none."""
    start = order.index(current) + 1 if current in order else 0
    for doc_id in [*order[start:], *order[:start]]:
        if doc_id == current:
            continue
        if pending_differences(project, doc_id, annotators):
            return doc_id
    return None
