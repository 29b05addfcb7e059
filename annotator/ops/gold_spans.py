"""A gold span made by hand, outside the comparison: the main editor's Gold layer (View ▸ Layer).

The comparison window puts a span into gold by copying an annotator's version
(``annotator.review.adjudicate``): its ``origin_annotator`` is whose version it was, its
``adjudicator`` who chose it. A span a reviewer marks in gold directly is nobody else's version,
so the reviewer is both: its provenance says who made it and who decided it belongs in gold, and
exports, merges and the comparison's provenance line read it like any other gold span.

It is ``AddSpan`` in the ``gold`` layer with the two provenance columns written in the same
transaction, so it is one undo step; the undo is ``DeleteSpan``, which keeps a gold span's
provenance for the redo (``RestoreSpan``).
"""

from __future__ import annotations

from typing import Any

from annotator.ops.operation import Done
from annotator.ops.spans import AddSpan
from annotator.store import Project
from annotator.store.records import SpanRecord
from annotator.store.tables import SPAN

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
            connection.execute(SPAN.update().where(SPAN.c.id == done.result.id)
                               .values(origin_annotator=self._reviewer, adjudicator=self._reviewer))
        return done
