"""Taking one annotator's version of any compared item into gold: one key per version.

The comparison (``annotator.review.comparison``) lists spans, attribute values, actor links,
relations and document labels; the reviewer takes a version of whichever is selected with the
same key (Ctrl+1 … in the comparison window). ``take_version`` builds the one operation that
does it, so each is one transaction and one undo step:

- span items: that annotator's spans, as accepting them always did (``AcceptSpans``);
- an attribute value or an actor link: onto the gold copy of the span (same offsets and label);
  with no gold copy yet, the annotator's span is copied into gold, carrying the value;
- a relation: gold's relations between the gold copies of the two ends become that annotator's
  (their types added, other types between those ends taken out, with provenance), the ends
  copied into gold first where they are missing;
- document labels: gold's labels of the item's group become that annotator's;
- a version that is "nothing" (no relation, no label) where gold holds nothing either: gold stays
  as it is and the decision is recorded (``review_decision``, ``SetReviewDecision``), so the item
  counts as decided; ``reject_difference`` records a non-span item turned down the same way.

Every edit of a row that exists expects the version the comparison read (``ConflictError`` when
another reviewer changed it since); undo and redo expect what the step left (``settle``).
Document labels carry no version: taking them replaces gold's labels of the group as they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from annotator.errors import Errors, UserError
from annotator.ops.adjudication import AcceptAttribute, AcceptSpans
from annotator.ops.operation import Done, Operation, Steps
from annotator.ops.settle import settled_relation, settled_span
from annotator.review import adjudicate
from annotator.review.adjudicate import GoldRelation
from annotator.review.comparison import GOLD, NOT_SET, SPAN_KINDS, Difference, value_text
from annotator.store import Project, review_decisions
from annotator.store.annotations import conflict_error, span_query, span_record
from annotator.store.models import utcnow
from annotator.store.records import RelationRecord, SpanRecord
from annotator.store.review_decisions import Decision
from annotator.store.tables import ACTOR, ANNOTATOR, DOC_LABEL, LABEL, REL, SPAN
from annotator.store.versions import SPAN_KIND, ConflictError, update_row


def version_title(item: Difference, who: str) -> str:
    """What taking ``who``'s version means, for the Edit menu and the status bar:
    "boris's claim_type=accusation", "anna's speaker_of", "anna's TARGET"."""
    if item.kind in SPAN_KINDS:
        return f"{who}'s {', '.join(span.label for span in item.spans if span.annotator == who)}"
    value = value_text(item.value_of(who))
    if item.kind == "attribute":
        return f"{who}'s {item.key}={value}"
    if item.kind == "actor":
        return f"{who}'s actor link ({value})"
    if item.kind == "relation":
        return f"{who}'s relation ({value})"
    return f"{who}'s {item.key} ({value})"


def take_version(item: Difference, who: str, adjudicator: str) -> Operation:
    """The operation that takes ``who``'s version of ``item`` into gold (module docstring)."""
    if who not in dict(item.values) and item.kind not in SPAN_KINDS:
        raise UserError(Errors.E1203.format(annotator=who, compared=", ".join(name for name, _v in item.values)))
    title = version_title(item, who)
    if item.kind in SPAN_KINDS:
        spans = [span for span in item.spans if span.annotator == who]
        if not spans:
            raise UserError(Errors.E542.format(annotator=who))
        return AcceptSpans(spans, adjudicator, label=f"Accept {title}")
    if _gold_holds_nothing_of(item, who):
        if item.decision == review_decisions.taken(who):
            raise UserError(Errors.E1200.format(annotator=who, value=value_text(item.value_of(who))))
        return _decide(item, review_decisions.taken(who), adjudicator, f"Take {title}")
    if item.kind in ("attribute", "actor"):
        if _is_nothing(item, item.value_of(who)):
            return _take_nothing(item, who, adjudicator, f"Take {title}")
        return _take_value(item, who, adjudicator, f"Take {title}")
    if item.kind == "relation":
        return _take_relations(item, who, adjudicator, f"Take {title}")
    return _take_doc_labels(item, who, adjudicator, f"Take {title}")


# --- decisions gold cannot show -------------------------------------------------------------------


def _gold_holds_nothing_of(item: Difference, who: str) -> bool:
    """``who``'s version of a relation or document label item is "nothing" and so is gold's:
    taking it changes no row, only the decision can be kept."""
    if item.kind not in ("relation", "doc_label") or item.in_gold or item.item_key is None:
        return False
    return not item.value_of(who) and not item.gold_value


def reject_difference(item: Difference, adjudicator: str) -> Operation:
    """Turn a non-span difference down: gold is left as it is and the rejection is recorded, so
    the item counts as decided (span items are rejected by marking their spans)."""
    if item.kind in SPAN_KINDS or item.item_key is None:
        raise UserError(Errors.E1261)
    if item.in_gold:  # a version is in gold: rejecting would leave it there
        raise UserError(Errors.E1262.format(what=item.kind.replace("_", " "), value=value_text(item.gold_value)))
    if item.decision == review_decisions.REJECTED:
        raise UserError(Errors.E1260.format(what=item.kind.replace("_", " ")))
    return _decide(item, review_decisions.REJECTED, adjudicator, f"Reject the {item.kind.replace('_', ' ')} difference")


class SetReviewDecision(Operation):
    """Make ``row`` the one decision on an item of a document (None: no decision); the undo puts
    back the decision the item had before, under its id.

    ``expected`` is the decision the reviewer saw (None: none): of two reviewers deciding the
    same item at once, the second is refused (E1263, a ``ConflictError`` the window answers by
    reloading) instead of silently replacing the first's; an undo expects what its step wrote."""

    def __init__(self, doc_id: int, item_key: str, row: Decision | None, label: str, *,
                 expected: str | None) -> None:
        self.label = label
        self._doc_id = doc_id
        self._key = item_key
        self._row = row
        self._expected = expected

    def run(self, project: Project) -> Done[Decision | None]:
        with project.transaction() as connection:
            before = review_decisions.read(connection, self._doc_id, self._key)
            seen = before.decision if before is not None else None
            if seen != self._expected:
                raise ConflictError(Errors.E1263.format(current=seen or "undecided", seen=self._expected or "undecided"),
                                    kind="review decision", item_id=(before.id or 0) if before is not None else 0,
                                    expected=0, current=None)
            row = self._row
            if row is not None and row.id is None and before is not None:  # a new decision replaces
                row = dataclasses.replace(row, version=before.version + 1)
            written = review_decisions.replace(connection, self._doc_id, self._key, row)
            project.note_change(documents=[self._doc_id])
        return Done(written, SetReviewDecision(self._doc_id, self._key, before, self.label,
                                               expected=written.decision if written is not None else None))


def _decide(item: Difference, decision: str, adjudicator: str, label: str) -> SetReviewDecision:
    key = str(item.item_key)
    return SetReviewDecision(item.document_id, key, Decision(item.document_id, key, decision, adjudicator), label,
                             expected=item.decision)


# --- attribute values and actor links ----------------------------------------------------------


def _is_nothing(item: Difference, value: Any) -> bool:
    return value is NOT_SET if item.kind == "attribute" else value is None


def _take_nothing(item: Difference, who: str, adjudicator: str, label: str) -> Operation:
    """``who`` left the value or link out: gold's copy is made (or cleared) to match, and the
    decision is recorded with it in one step, since a copy without the value reads the same as
    one nobody decided on yet (``annotator.review.comparison``)."""
    if item.decision == review_decisions.taken(who):
        raise UserError(Errors.E1200.format(annotator=who, value=value_text(item.value_of(who))))
    decide = _decide(item, review_decisions.taken(who), adjudicator, label)
    if item.gold is not None and _is_nothing(item, item.gold_value):
        return decide  # gold holds nothing there already: only the decision is new
    return Steps(label, [_take_value(item, who, adjudicator, label), decide])


def _take_value(item: Difference, who: str, adjudicator: str, label: str) -> Operation:
    source = next(span for span in item.spans if span.annotator == who)
    if item.gold is None:  # no gold copy yet: the annotator's span goes in, value and all
        return AcceptSpans([source], adjudicator, label=label)
    if item.kind == "attribute":
        operation = AcceptAttribute(item.gold, source, str(item.key))
        operation.label = label
        return operation
    return SetGoldActor(item.gold, source.actor, label, whose=who)


class SetGoldActor(Operation):
    """Link a gold span to an actor (None: unlink), as the reviewer saw the span; the undo links
    the previous actor back. Unlike the editor's link, nothing is learnt as an alias: the
    reviewer takes an annotator's decision, the registry already knows it."""

    def __init__(self, gold: SpanRecord, actor: str | None, label: str, *, whose: str,
                 undoing: bool = False) -> None:
        self.label = label
        self._gold = gold
        self._actor = actor
        self._whose = whose  # who linked ``actor``, for the refusal when it is gone
        self._undoing = undoing

    def run(self, project: Project) -> Done[SpanRecord]:
        before = settled_span(project, self._gold) if self._undoing else self._gold
        with project.transaction() as connection:
            actor_id = None
            if self._actor is not None:
                actor_id = connection.execute(
                    sa.select(ACTOR.c.id).where(ACTOR.c.name == self._actor)).scalar_one_or_none()
                if actor_id is None:
                    raise UserError(Errors.E1201.format(actor=self._actor, annotator=self._whose))
            if not update_row(connection, SPAN, before.id, before.version, {"actor_id": actor_id,
                                                                             "updated_at": utcnow()}):
                raise conflict_error(connection, SPAN_KIND, before.id, before.version)
            project.note_change(documents=[before.document_id], spans=[before.id])
            after = span_record(connection.execute(span_query().where(SPAN.c.id == before.id)).one())
        return Done(after, SetGoldActor(after, before.actor, self.label, whose="gold", undoing=True))


# --- relations -----------------------------------------------------------------------------------


def _take_relations(item: Difference, who: str, adjudicator: str, label: str) -> Operation:
    spans = {span.id: span for span in item.spans}
    chosen = [relation for relation in item.relations if relation.annotator == who]
    first = chosen[0] if chosen else item.relations[0]
    return TakeRelations((spans[first.head_id], spans[first.tail_id]), chosen, adjudicator, label, who,
                         value_text(item.value_of(who)))


class TakeRelations(Operation):
    """Make gold's relations between the gold copies of ``ends`` exactly the ``chosen`` types (an
    annotator's relations there, ``ends`` their head and tail): the ends are copied into gold where
    missing, the types not chosen taken out, the chosen ones added with their provenance."""

    def __init__(self, ends: tuple[SpanRecord, SpanRecord], chosen: Sequence[RelationRecord], adjudicator: str,
                 label: str, who: str, shown: str) -> None:
        self.label = label
        self._who = who
        self._ends = ends
        self._chosen = list(chosen)
        self._adjudicator = adjudicator
        self._shown = shown  # the version as the reviewer read it, for the refusal

    def run(self, project: Project) -> Done[list[GoldRelation]]:
        undos: list[Operation] = []
        missing = [end for end in self._ends if _gold_copy(project, end) is None] if self._chosen else []
        if missing:  # the chosen annotator's own ends into gold first, as taking their spans does
            accepted = AcceptSpans(missing, self._adjudicator, label=self.label).run(project)
            if accepted.undo is not None:
                undos.append(accepted.undo)
        head, tail = (_gold_copy(project, end) for end in self._ends)
        present = _gold_relations_between(project, head.id, tail.id) if head is not None and tail is not None else []
        wanted = {relation.label: relation for relation in self._chosen}
        removed = [item for item in present if item.relation.label not in wanted]
        have = {item.relation.label for item in present}
        added = []
        if head is not None and tail is not None:
            added = [GoldRelation(RelationRecord(0, head.document_id, head.id, tail.id, name, self._adjudicator, GOLD,
                                                 dict(relation.attrs)), relation.annotator, self._adjudicator)
                     for name, relation in wanted.items() if name not in have]
        if not missing and not removed and not added:
            raise UserError(Errors.E1200.format(annotator=self._who, value=self._shown))
        swapped = SwapGoldRelations(removed, added, self.label).run(project)
        if swapped.undo is not None:
            undos.insert(0, swapped.undo)  # undone first: the relations, then the ends
        return Done(swapped.result, Steps(self.label, undos))


class SwapGoldRelations(Operation):
    """Take gold relations out (each expecting its version) and put others in (new, or under
    their ids and versions again), with their provenance; the undo swaps back."""

    def __init__(self, remove: Sequence[GoldRelation], add: Sequence[GoldRelation], label: str, *,
                 undoing: bool = False) -> None:
        self.label = label
        self._remove = list(remove)
        self._add = list(add)
        self._undoing = undoing

    def run(self, project: Project) -> Done[list[GoldRelation]]:
        remove = self._remove
        if self._undoing:
            remove = [dataclasses.replace(item, relation=settled_relation(project, item.relation)) for item in remove]
        with project.transaction():
            removed = adjudicate.delete_gold_relations(project, remove)
            added = adjudicate.add_gold_relations(project, self._add)
        return Done(added, SwapGoldRelations(added, removed, self.label, undoing=True))


def _gold_copy(project: Project, span: SpanRecord) -> SpanRecord | None:
    """The gold span with the same offsets and label (the first made), if any."""
    with project.reading() as connection:
        row = connection.execute(
            span_query().where(SPAN.c.document_id == span.document_id, SPAN.c.layer == GOLD,
                               SPAN.c.start_offset == span.start, SPAN.c.end_offset == span.end,
                               LABEL.c.name == span.label).order_by(SPAN.c.id).limit(1)).one_or_none()
    return span_record(row) if row is not None else None


def _gold_relations_between(project: Project, head_id: int, tail_id: int) -> list[GoldRelation]:
    with project.reading() as connection:
        rows = connection.execute(
            sa.select(REL.c.id, REL.c.origin_annotator, REL.c.adjudicator)
            .where(REL.c.layer == GOLD, REL.c.head_id == head_id, REL.c.tail_id == tail_id)
            .order_by(REL.c.id)).all()
    relations = {relation.id: relation for relation in project.annotations.relations(
        project.annotations.span(head_id).document_id, ids=[row.id for row in rows])}
    return [GoldRelation(relations[row.id], row.origin_annotator, row.adjudicator) for row in rows]


# --- document labels ---------------------------------------------------------------------------------


def _take_doc_labels(item: Difference, who: str, adjudicator: str, label: str) -> Operation:
    chosen = tuple(item.value_of(who) or ())
    if chosen == tuple(item.gold_value or ()):
        raise UserError(Errors.E1200.format(annotator=who, value=value_text(chosen)))
    return SetGoldDocLabels(item.document_id, item.scope, [(adjudicator, name) for name in chosen], label,
                            expected=tuple(item.gold_value or ()))


GoldLabel = tuple[str, str]  # (whose row it is, label)


class SetGoldDocLabels(Operation):
    """Make gold's document labels among ``scope`` exactly ``rows`` (a row per annotator and
    label, as the store keeps them); the undo puts the previous rows back.

    Document label rows carry no version: ``expected`` is the labels the reviewer saw in gold
    among ``scope``, so a change another reviewer made meanwhile refuses this one (E1264)
    instead of being overwritten; an undo expects what its step wrote."""

    def __init__(self, doc_id: int, scope: Sequence[str], rows: Sequence[GoldLabel], label: str, *,
                 expected: Sequence[str]) -> None:
        self.label = label
        self._doc_id = doc_id
        self._scope = tuple(scope)
        self._rows = list(rows)
        self._expected = sorted(expected)

    def run(self, project: Project) -> Done[list[GoldLabel]]:
        annotations = project.annotations
        with project.transaction():
            before = gold_doc_labels(project, self._doc_id, self._scope)
            found = sorted(name for _who, name in before)
            if found != self._expected:
                raise ConflictError(Errors.E1264.format(current=", ".join(found) or "none",
                                                        seen=", ".join(self._expected) or "none"),
                                    kind="document labels", item_id=self._doc_id, expected=0, current=None)
            for who, name in before:
                if (who, name) not in self._rows:
                    annotations.set_doc_label(self._doc_id, name, who, False, layer=GOLD)
            for who, name in self._rows:
                if (who, name) not in before:
                    annotations.set_doc_label(self._doc_id, name, who, True, layer=GOLD)
        return Done(list(self._rows), SetGoldDocLabels(self._doc_id, self._scope, before, self.label,
                                                       expected=[name for _who, name in self._rows]))


def gold_doc_labels(project: Project, doc_id: int, scope: Sequence[str]) -> list[GoldLabel]:
    """Gold's document labels among ``scope``, whoever set them: (annotator, label) rows."""
    with project.reading() as connection:
        rows = connection.execute(
            sa.select(ANNOTATOR.c.name, LABEL.c.name)
            .join(ANNOTATOR, ANNOTATOR.c.id == DOC_LABEL.c.annotator_id)
            .join(LABEL, LABEL.c.id == DOC_LABEL.c.label_id)
            .where(DOC_LABEL.c.document_id == doc_id, DOC_LABEL.c.layer == GOLD, LABEL.c.name.in_(list(scope)))
            .order_by(DOC_LABEL.c.id)).all()
    return [(who, name) for who, name in rows]
