"""A decision replaces, never stacks: what taking a version of an already decided item takes out
of gold, and which of the old gold spans' relations the new gold spans take over.

Decisions (as INCEpTION's curation does: merging a version where the curated document already
holds an annotation at that place replaces it):
- The gold spans an item's chosen version replaces are the gold spans overlapping any of the
  version's spans, except those identical to one of them (offsets and label): those already
  hold the decision and stay, so taking the same version twice changes nothing. After the
  decision gold at that place is exactly the chosen version.
- The annotators' spans there that were marked accepted (the versions whose copies go) are
  marked **rejected**, not set back to pending: the reviewer has seen them and chosen another
  version, so the place still reads as decided (Next undecided document does not stop there)
  and the mark says what happened to them. Undo puts ``accepted`` back.
- A relation of a replaced gold span is re-attached to the new gold span that takes its place
  (the one at the same offsets, else the one overlapping it most) when its other end stays in
  gold and the schema allows that relation type between the new labels; otherwise it is removed
  and counted, never dropped silently.

Only reads here; ``annotator.ops.adjudication`` deletes, marks and re-attaches as one operation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotator.errors import UserError
from annotator.review.adjudicate import GOLD, Accepted, DeletedGoldSpan, GoldRelation
from annotator.store.annotations import span_query, span_record
from annotator.store.project import Project
from annotator.store.records import RelationRecord, SpanRecord
from annotator.store.tables import SPAN


@dataclass(frozen=True)
class Replacement:
    """What a version replaces: the gold spans at its place, and the annotators' spans marked
    accepted there (id, version) whose mark becomes rejected."""

    gold: tuple[SpanRecord, ...]
    marks: tuple[tuple[int, int], ...]


def _overlaps(a: SpanRecord, b: SpanRecord) -> bool:
    return a.start < b.end and b.start < a.end


def _key(span: SpanRecord) -> tuple[int, int, str]:
    return span.start, span.end, span.label


def replacement(project: Project, chosen: Sequence[SpanRecord]) -> Replacement:
    """The gold spans and marks taking ``chosen`` (one annotator's spans of one item) replaces."""
    if not chosen:
        return Replacement((), ())
    doc_id = chosen[0].document_id
    low, high = min(span.start for span in chosen), max(span.end for span in chosen)
    keys = {_key(span) for span in chosen}
    with project.reading() as connection:
        nearby = [span_record(row) for row in connection.execute(
            span_query().where(SPAN.c.document_id == doc_id, SPAN.c.start_offset < high, SPAN.c.end_offset > low,
                               SPAN.c.layer.in_([GOLD, "annotation"])).order_by(SPAN.c.id))]
    gold = tuple(span for span in nearby if span.layer == GOLD and _key(span) not in keys
                 and any(_overlaps(span, version) for version in chosen))
    chosen_ids = {span.id for span in chosen}
    marks = tuple((span.id, span.version) for span in nearby
                  if span.layer == "annotation" and span.status == "accepted" and span.id not in chosen_ids
                  and _key(span) not in keys and any(_overlaps(span, old) for old in gold))
    return Replacement(gold, marks)


def _successor(old: SpanRecord, copies: Sequence[SpanRecord]) -> SpanRecord | None:
    """The new gold span that takes ``old``'s place: the one at its offsets, else the one
    overlapping it most."""
    same = [copy for copy in copies if (copy.start, copy.end) == (old.start, old.end)]
    if same:
        return same[0]
    overlapping = [copy for copy in copies if _overlaps(copy, old)]
    return max(overlapping, key=lambda copy: min(copy.end, old.end) - max(copy.start, old.start), default=None)


def reattached(project: Project, replaced: Sequence[DeletedGoldSpan], accepted: Sequence[Accepted],
               adjudicator: str) -> tuple[list[GoldRelation], int]:
    """The replaced gold spans' relations moved onto their successors (their origin kept, the
    adjudicator who moved them recorded), and how many could not be (removed)."""
    gone = {item.deleted.span.id for item in replaced}
    copies = [item.gold for item in accepted]
    wanted: list[GoldRelation] = []
    seen: set[int] = set()
    dropped = 0
    doc_id = replaced[0].deleted.span.document_id if replaced else 0
    existing = {(relation.head_id, relation.tail_id, relation.label)
                for relation in project.annotations.relations(doc_id, layers=[GOLD])}
    for item in replaced:
        old = item.deleted.span
        origins = {relation_id: origin for relation_id, origin, _adjudicator in item.relation_provenance}
        for relation in item.deleted.relations:
            if relation.id in seen:  # between two replaced spans: listed with both
                continue
            seen.add(relation.id)
            moved = _moved(project, relation, old, _successor(old, copies), gone, adjudicator)
            if moved is None:
                dropped += 1
                continue
            if (moved.head_id, moved.tail_id, moved.label) in existing:
                continue  # gold already has it between those spans
            existing.add((moved.head_id, moved.tail_id, moved.label))
            wanted.append(GoldRelation(moved, origins.get(relation.id), adjudicator))
    return wanted, dropped


def _moved(project: Project, relation: RelationRecord, old: SpanRecord, new: SpanRecord | None,
           gone: set[int], adjudicator: str) -> RelationRecord | None:
    """``relation`` with ``old``'s end moved to ``new``, or None when that makes no sense: no
    successor, the other end replaced too, or a relation type the schema does not allow there."""
    other_id = relation.tail_id if relation.head_id == old.id else relation.head_id
    if new is None or other_id in gone or other_id == new.id:
        return None
    try:
        other = project.annotations.span(other_id)
    except UserError:  # the other end was deleted meanwhile: nothing to attach to
        return None
    head, tail = (new, other) if relation.head_id == old.id else (other, new)
    allowed = {relation_type.name for relation_type in project.schema.relation_types_for(head.label, tail.label)}
    if relation.label not in allowed:
        return None
    return RelationRecord(id=0, document_id=relation.document_id, head_id=head.id, tail_id=tail.id,
                          label=relation.label, annotator=adjudicator, layer=GOLD, attrs=dict(relation.attrs))
