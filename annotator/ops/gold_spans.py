"""Gold spans and relations made by hand, outside the comparison: the main editor's Gold layer
(View ▸ Layer).

The comparison window puts a span into gold by copying an annotator's version
(``annotator.review.adjudicate``): its ``origin_annotator`` is whose version it was, its
``adjudicator`` who chose it. A span a reviewer marks in gold directly is nobody else's version,
so the reviewer is both: its provenance says who made it and who decided it belongs in gold, and
exports, merges and the comparison's provenance line read it like any other gold span.

A span is ``AddSpan`` in the ``gold`` layer with the two provenance columns written in the same
transaction, so it is one undo step; the undo is ``DeleteSpan``, which keeps a gold span's
provenance for the redo (``RestoreSpan``). A relation between two gold spans is ``AddRelation``
with its provenance written the same way; its undo is ``DeleteRelation``, which keeps a gold
relation's provenance for the redo as well.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotator.ops.operation import Done
from annotator.ops.spans import AddRelation, AddSpan, DeleteRelation
from annotator.store import Project
from annotator.store.records import RelationRecord, SpanRecord
from annotator.store.tables import REL, SPAN

GOLD = "gold"


class AddGoldSpan(AddSpan):
    """Label ``[start, end)`` in the gold layer as ``reviewer``, who is its origin and adjudicator."""

    def __init__(self, doc_id: int, start: int, end: int, label: str, reviewer: str, *,
                 attrs: dict[str, Any] | None = None) -> None:
        super().__init__(doc_id, start, end, label, reviewer, attrs=attrs, layer=GOLD)
        self.label = f"Add gold {label}"
        self._reviewer = reviewer

    def run(self, project: Project) -> Done[SpanRecord]:
        with project.transaction() as connection:  # joins the operation's: the span and its provenance at once
            done = super().run(project)
            _made_by(connection, SPAN, done.result.id, self._reviewer)
        return done


class AddGoldRelation(AddRelation):
    """Link two gold spans as ``reviewer``, who is the relation's origin and adjudicator."""

    def __init__(self, head: SpanRecord, tail: SpanRecord, label: str, reviewer: str) -> None:
        super().__init__(head, tail, label, reviewer)
        self.label = f"Add gold relation {label}"
        self._reviewer = reviewer

    def run(self, project: Project) -> Done[RelationRecord]:
        with project.transaction() as connection:
            relation = super().run(project).result
            _made_by(connection, REL, relation.id, self._reviewer)
        return Done(relation, DeleteRelation(relation, label=self.label, undoing=True))


def _made_by(connection: Connection, table: sa.Table, item_id: int, reviewer: str) -> None:
    """Record ``reviewer`` as origin and adjudicator of a gold row written in this transaction
    (no version bump: nobody else has seen the row without them)."""
    connection.execute(table.update().where(table.c.id == item_id)
                       .values(origin_annotator=reviewer, adjudicator=reviewer))
