"""What the view shows for one document: its spans and relations, indexed for drawing.

Pure Python (no Qt), so the bookkeeping (which relations hang off a span, what Tab walks
through, what lies under a click) is tested without a display. The view owns one ``SpanModel``
and repaints from it; the store remains the only source of truth.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable

from annotator.gui.textview.intervals import IntervalIndex
from annotator.store.records import RelationRecord, SpanRecord


class SpanModel:
    """Spans by id with an interval index; relations by id and by the spans they link."""

    def __init__(self) -> None:
        self.spans: dict[int, SpanRecord] = {}
        self.index = IntervalIndex()
        self.relations: dict[int, RelationRecord] = {}
        self._relations_of: dict[int, set[int]] = {}
        self._order: list[int] | None = None
        self._counts: Counter[tuple[str, str]] | None = None  # (layer, annotator): spans, once asked
        self.relations_version = 0  # moves on whenever a relation or a linked span changes

    def reset(self, spans: Iterable[SpanRecord], relations: Iterable[RelationRecord]) -> tuple[object, ...]:
        """Hold these spans and relations instead; returns what was held before, for the caller
        to let go of when it suits it (freeing 20,000 spans and their index takes 10 ms)."""
        previous = (self.spans, self.index, self.relations, self._relations_of, self._order)
        self.spans = {span.id: span for span in spans}
        self.index = IntervalIndex((span.start, span.end, span.id) for span in self.spans.values())
        self.relations = {}
        self._relations_of = {}
        self._order = None
        self._counts = None
        self.relations_version += 1
        for relation in relations:
            self.add_relation(relation)
        return previous

    def extend(self, spans: Iterable[SpanRecord], relations: Iterable[RelationRecord]) -> None:
        """More of the document's spans and relations (the next stretch of a document being
        read, ``document_load``): added, or replacing those with their ids."""
        for span in spans:
            self.spans[span.id] = span
            self.index.add(span.start, span.end, span.id)
        self._order = None  # sorted again when next asked
        self._counts = None
        self.relations_version += 1
        for relation in relations:
            self.add_relation(relation)

    # --- spans ---------------------------------------------------------------------------

    def put_span(self, span: SpanRecord) -> SpanRecord | None:
        """Add a span or replace the one with its id; returns the replaced span."""
        previous = self.spans.get(span.id)
        if previous is not None:
            self._unorder(previous)
            self._count(previous, -1)
        self._count(span, 1)
        self.spans[span.id] = span
        self.index.add(span.start, span.end, span.id)
        if self._order is not None:
            insort(self._order, span.id, key=self._order_key)
        if span.id in self._relations_of:
            self.relations_version += 1
        return previous

    def remove_span(self, span_id: int) -> tuple[SpanRecord | None, list[RelationRecord]]:
        """Remove a span and, as the store does, the relations that use it."""
        span = self.spans.get(span_id)
        if span is None:
            return None, []
        self._unorder(span)
        self._count(span, -1)
        del self.spans[span_id]
        self.index.remove(span_id)
        removed = [self.relations[rid] for rid in sorted(self._relations_of.get(span_id, ()))]
        for relation in removed:
            self.remove_relation(relation.id)
        return span, removed

    def count(self, layer: str, annotator: str) -> int:
        """How many spans of ``annotator``'s ``layer`` there are: counted once per document, then
        kept up to date, so the document list's span count need not count 20,000 rows per key."""
        if self._counts is None:
            self._counts = Counter((span.layer, span.annotator) for span in self.spans.values())
        return self._counts[layer, annotator]

    def _count(self, span: SpanRecord, step: int) -> None:
        if self._counts is not None:
            self._counts[span.layer, span.annotator] += step

    def order(self) -> list[int]:
        """All span ids by (start, -end, id): reading order, outer span before inner.

        Sorted once per document; a span added, moved or removed then takes its place by
        bisection, so the ] or Tab after an accept or an undo does not sort 20,000 spans again."""
        if self._order is None:
            ordered = sorted(self.spans.values(), key=_reading_order)
            self._order = [span.id for span in ordered]
        return self._order

    def _order_key(self, span_id: int) -> tuple[int, int, int]:
        return _reading_order(self.spans[span_id])

    def _unorder(self, span: SpanRecord) -> None:
        """Take ``span`` (as it is in ``spans``) out of the reading order, if one is kept."""
        if self._order is None:
            return
        at = bisect_left(self._order, _reading_order(span), key=self._order_key)
        if at < len(self._order) and self._order[at] == span.id:
            del self._order[at]
        else:  # never expected: sort again when next asked
            self._order = None

    def spans_at(self, position: int) -> list[int]:
        """Ids of spans covering code point ``position``, innermost first (not a discontinuous
        span whose gap it is in)."""
        spans = self.spans
        return [entry[2] for entry in self.index.covering(position)
                if not (pieces := spans[entry[2]].fragments) or any(a <= position < b for a, b in pieces)]

    # --- relations -----------------------------------------------------------------------

    def add_relation(self, relation: RelationRecord) -> None:
        """Add or replace a relation."""
        self.remove_relation(relation.id)
        self.relations[relation.id] = relation
        self.relations_version += 1
        for span_id in (relation.head_id, relation.tail_id):
            self._relations_of.setdefault(span_id, set()).add(relation.id)

    def remove_relation(self, relation_id: int) -> RelationRecord | None:
        relation = self.relations.pop(relation_id, None)
        if relation is not None:
            self.relations_version += 1
            for span_id in (relation.head_id, relation.tail_id):
                linked = self._relations_of.get(span_id)
                if linked is not None:
                    linked.discard(relation_id)
                    if not linked:
                        del self._relations_of[span_id]
        return relation

    def partners(self, span_id: int) -> list[SpanRecord]:
        """The shown spans at the other end of the relations that use this span (whether or
        not the span itself is shown): the lines whose arcs change with it."""
        found = []
        for relation_id in sorted(self._relations_of.get(span_id, ())):
            relation = self.relations[relation_id]
            other = self.spans.get(relation.tail_id if relation.head_id == span_id else relation.head_id)
            if other is not None:
                found.append(other)
        return found

    def touching(self, span_id: int) -> list[RelationRecord]:
        """Every relation held whose head or tail is this span, by id (the other end may not
        be shown)."""
        return [self.relations[relation_id] for relation_id in sorted(self._relations_of.get(span_id, ()))]

    def relations_of(self, span_id: int) -> list[RelationRecord]:
        """Relations whose head or tail is this span and whose other end is shown too."""
        found = []
        for relation_id in sorted(self._relations_of.get(span_id, ())):
            relation = self.relations[relation_id]
            if relation.head_id in self.spans and relation.tail_id in self.spans:
                found.append(relation)
        return found


def _reading_order(span: SpanRecord) -> tuple[int, int, int]:
    return (span.start, -span.end, span.id)
