"""Adjudication steps as operations: each decision of the comparison window is one operation
(one transaction, one undo step), and its undo and redo are one transaction each.

The store functions (``annotator.review.adjudicate``) return what undoing them needs; here each
is paired with its undo and its redo. A redo puts back the very rows under their ids (the gold
copies of an acceptance, ``adjudicate.reaccept``; a gold relation, ``restore_relation``), so a
later step of the history (a relabel of that gold span, a relation to it) still finds them.
Every undo and redo expects the rows to hold what the step it takes back left (whatever later
undos of this history did to their versions, ``annotator.ops.settle``), so a row another
reviewer changed meanwhile is refused with ``ConflictError`` and the history drops the step.

Taking a version replaces what gold held at that place (``annotator.review.gold_replace``), and
Accept all agreed takes spans, agreed attribute values and relations (``annotator.review.agreed``):
each is made of store steps run in the operation's transaction (``_Steps``), whose undos make one
undo step. Deleting a gold span keeps its and its relations' provenance (``DeleteGold``).
Resizing a gold span and marking the document reviewed are the general operations ``UpdateSpan``
and ``SetStatus`` with the comparison window's titles; relabelling and clearing an attribute
value are ``annotator.ops.gold_edits``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annotator.ops.documents import SetStatus
from annotator.ops.operation import Done, Operation, Steps
from annotator.ops.settle import settled_mark, settled_relation, settled_span
from annotator.ops.spans import UpdateSpan
from annotator.review import adjudicate, agreed, gold_replace
from annotator.review.adjudicate import Accepted, AcceptedRelation, DeletedGoldSpan, GoldRelation
from annotator.review.agreed import AgreedReport
from annotator.store import Project
from annotator.store.records import RelationRecord, SpanRecord
from annotator.store.versions import version_after

Mark = tuple[int, str | None, int]  # span id, review mark to write, version expected


@dataclass(frozen=True)
class Decision:
    """What taking a version did: the acceptances, and what it replaced (gold spans taken out,
    their relations re-attached to the new gold spans or removed)."""

    accepted: list[Accepted]
    replaced: int = 0
    reattached: int = 0
    dropped_relations: int = 0


class _Steps:
    """Store steps of one operation, run in its transaction one after another; their undos in
    reverse order are the operation's undo (``Steps``), so undo and redo are one step each and
    every row comes back under its id."""

    def __init__(self, project: Project) -> None:
        self._project = project
        self._undos: list[Operation] = []

    def run(self, operation: Operation) -> Any:
        done = operation.run(self._project)
        if done.undo is not None:
            self._undos.append(done.undo)
        return done.result

    def undo(self, label: str) -> Operation | None:
        return Steps(label, self._undos[::-1]) if self._undos else None


def _replace(steps: _Steps, project: Project, chosen: Sequence[SpanRecord], label: str) -> list[DeletedGoldSpan]:
    """Take out of gold what ``chosen`` replaces and mark the versions whose copies go rejected
    (``annotator.review.gold_replace``); returns the gold spans taken out."""
    plan = gold_replace.replacement(project, chosen)
    replaced = [steps.run(DeleteGold(span, label=label)) for span in plan.gold]
    if plan.marks:
        steps.run(SetMarks([(span_id, "rejected", version) for span_id, version in plan.marks], label))
    return replaced


def _reattach(steps: _Steps, project: Project, replaced: Sequence[DeletedGoldSpan], accepted: Sequence[Accepted],
              adjudicator: str, label: str) -> tuple[int, int]:
    """Re-attach the replaced gold spans' relations to the new gold spans; (moved, removed)."""
    if not replaced:
        return 0, 0
    moved, dropped = gold_replace.reattached(project, replaced, accepted, adjudicator)
    if moved:
        steps.run(AddGoldRelations(moved, label))
    return len(moved), dropped


class AcceptSpans(Operation):
    """One annotator's version of an item (one or more spans) into gold, as the reviewer saw it,
    replacing what gold held there (``annotator.review.gold_replace``): one step, whose undo puts
    back exactly the previous gold (ids, versions, provenance, relations) and marks."""

    def __init__(self, spans: Sequence[SpanRecord], adjudicator: str, *, label: str | None = None) -> None:
        self.label = label or f"Accept {', '.join(span.label for span in spans)}"
        self._spans = list(spans)
        self._adjudicator = adjudicator

    def run(self, project: Project) -> Done[Decision]:
        steps = _Steps(project)
        replaced = _replace(steps, project, self._spans, self.label)
        accepted = steps.run(_Accept([(span, None, True) for span in self._spans], self._adjudicator, self.label))
        moved, dropped = _reattach(steps, project, replaced, accepted, self._adjudicator, self.label)
        return Done(Decision(accepted, len(replaced), moved, dropped), steps.undo(self.label))


class _Accept(Operation):
    """Spans into gold, each with the attribute values its copy gets (None: all of its own) and
    whether the copy keeps its actor link."""

    def __init__(self, spans: Sequence[tuple[SpanRecord, dict[str, Any] | None, bool]], adjudicator: str,
                 label: str) -> None:
        self.label = label
        self._spans = list(spans)
        self._adjudicator = adjudicator

    def run(self, project: Project) -> Done[list[Accepted]]:
        accepted = [adjudicate.accept_span(project, span.id, self._adjudicator, expected_version=span.version,
                                           attrs=attrs, keep_actor=keep_actor)
                    for span, attrs, keep_actor in self._spans]
        return Done(accepted, UndoAccept(accepted, self.label) if accepted else None)


class AcceptAgreed(Operation):
    """Everything all ``annotators`` made alike on a document into gold at once: spans, the
    attribute values they all gave, and relations between agreed ends (``annotator.review.agreed``);
    one transaction, one undo step. The result is the report of what it took and left."""

    def __init__(self, doc_id: int, annotators: Sequence[str], adjudicator: str) -> None:
        self.label = "Accept all agreed items"
        self._args = (doc_id, tuple(annotators), adjudicator)

    def run(self, project: Project) -> Done[AgreedReport]:
        doc_id, annotators, adjudicator = self._args
        plan = agreed.plan(project, doc_id, annotators)
        steps = _Steps(project)
        replaced: list[DeletedGoldSpan] = []
        for item in plan.items:
            replaced += _replace(steps, project, [group.spans[0] for group in item], self.label)
        wanted = [(span, group.attrs, group.actor_agreed) for item in plan.items for group in item
                  for span in group.spans]
        accepted: list[Accepted] = steps.run(_Accept(wanted, adjudicator, self.label)) if wanted else []
        moved, dropped = _reattach(steps, project, replaced, accepted, adjudicator, self.label)
        relations, skipped = _agreed_relations(project, doc_id, plan, adjudicator)
        if relations:
            steps.run(AddGoldRelations(relations, self.label))
        made = [item for item in accepted if item.created]
        report = AgreedReport(
            spans=len(made), marked=sum(item.source_version is not None for item in accepted),
            relations=len(relations), replaced=len(replaced), dropped_relations=dropped,
            attribute_values=sum(len(item.gold.attrs) for item in made)
            + sum(len(item.relation.attrs) for item in relations),
            differing_items=plan.differing_items, differing_relations=plan.differing_relations,
            disputed_values=sum(len(group.disputed) for item in plan.items for group in item)
            + sum(len(relation.disputed) for relation in plan.relations),
            disputed_actors=sum(not group.actor_agreed for item in plan.items for group in item),
            skipped_relations=skipped)
        return Done(report, steps.undo(self.label))


def _agreed_relations(project: Project, doc_id: int, plan: agreed.AgreedPlan,
                      adjudicator: str) -> tuple[list[GoldRelation], int]:
    """The plan's agreed relations gold lacks, between the gold copies of their ends; and how
    many have an end gold does not hold as agreed (the reviewer decided that place otherwise)."""
    gold = project.annotations.spans(doc_id, layers=[adjudicate.GOLD])
    twins: dict[tuple[int, int, str], int] = {}
    for span in sorted(gold, key=lambda span: span.id):
        twins.setdefault(agreed.span_key(span), span.id)
    existing = {(relation.head_id, relation.tail_id, relation.label)
                for relation in project.annotations.relations(doc_id, layers=[adjudicate.GOLD])}
    wanted: list[GoldRelation] = []
    skipped = 0
    for relation in plan.relations:
        head, tail = twins.get(relation.head), twins.get(relation.tail)
        if head is None or tail is None:
            skipped += 1
            continue
        if (head, tail, relation.label) in existing:
            continue
        existing.add((head, tail, relation.label))
        wanted.append(GoldRelation(
            RelationRecord(id=0, document_id=doc_id, head_id=head, tail_id=tail, label=relation.label,
                           annotator=adjudicator, layer=adjudicate.GOLD, attrs=dict(relation.attrs)),
            relation.origin, adjudicator))
    return wanted, skipped


class UndoAccept(Operation):
    """Take acceptances back: the gold copies go, the review marks come back."""

    def __init__(self, accepted: Sequence[Accepted], label: str) -> None:
        self.label = label
        self._accepted = list(accepted)

    def run(self, project: Project) -> Done[list[Accepted]]:
        accepted = [_settled_acceptance(project, item) for item in self._accepted]
        adjudicate.undo_accept(project, accepted)
        return Done(accepted, Reaccept(accepted, self.label))


class Reaccept(Operation):
    """The redo of an acceptance: the same gold rows, under their ids, and the marks again."""

    def __init__(self, accepted: Sequence[Accepted], label: str) -> None:
        self.label = label
        self._accepted = list(accepted)

    def run(self, project: Project) -> Done[list[Accepted]]:
        redone = adjudicate.reaccept(project, [_settled_undone(project, item) for item in self._accepted])
        return Done(redone, UndoAccept(redone, self.label))


def _settled_acceptance(project: Project, item: Accepted) -> Accepted:
    """``item`` expecting the versions its rows have now, if they still hold what accepting left
    (the gold copy as made, the source span marked accepted)."""
    gold = settled_span(project, item.gold) if item.created else item.gold
    source_version = item.source_version
    if source_version is not None:
        source_version = settled_mark(project, item.source_id, "accepted", source_version)
    return dataclasses.replace(item, gold=gold, source_version=source_version)


def _settled_undone(project: Project, item: Accepted) -> Accepted:
    """``item`` for ``adjudicate.reaccept``, which expects the source span one version after
    ``source_version`` (where ``undo_accept`` left it, mark put back): the version it has now,
    if its mark is still the one put back."""
    if item.source_version is None:
        return item
    left = version_after(item.source_version)
    now = settled_mark(project, item.source_id, item.previous_mark, left)
    return dataclasses.replace(item, source_version=item.source_version + (now - left))


class SetMarks(Operation):
    """Write review marks on annotator spans, each expecting a version; the undo writes the
    previous marks back, expecting the spans still to hold the marks this wrote (``left``)."""

    def __init__(self, marks: Sequence[Mark], label: str, *, left: Sequence[str | None] | None = None) -> None:
        self.label = label
        self._marks = list(marks)
        self._left = left

    def run(self, project: Project) -> Done[list[Mark]]:
        previous: list[Mark] = []
        for index, (span_id, mark, expected) in enumerate(self._marks):
            if self._left is not None:
                expected = settled_mark(project, span_id, self._left[index], expected)
            before = adjudicate.set_mark(project, span_id, mark, expected_version=expected)
            previous.append((span_id, before, version_after(expected)))
        return Done(previous, SetMarks(previous, self.label, left=[mark for _, mark, _ in self._marks]))


def reject_spans(spans: Sequence[SpanRecord], *, label: str = "Reject difference") -> SetMarks:
    """Turn an item's spans down: each marked rejected, nothing goes to gold."""
    return SetMarks([(span.id, "rejected", span.version) for span in spans], label)


class DeleteGold(Operation):
    """Delete a gold span; its undo puts it back with its id, its relations and the provenance of
    both. ``undoing``: ``span`` is as a step left it (``annotator.ops.settle``)."""

    def __init__(self, span: SpanRecord, *, label: str | None = None, undoing: bool = False) -> None:
        self.label = label or f"Delete gold {span.label}"
        self._span = span
        self._undoing = undoing

    def run(self, project: Project) -> Done[DeletedGoldSpan]:
        span = settled_span(project, self._span) if self._undoing else self._span
        deleted = adjudicate.delete_gold_span(project, span.id, expected_version=span.version)
        return Done(deleted, RestoreGold(deleted, self.label))


class RestoreGold(Operation):
    def __init__(self, deleted: DeletedGoldSpan, label: str) -> None:
        self.label = label
        self._deleted = deleted

    def run(self, project: Project) -> Done[SpanRecord]:
        span = adjudicate.restore_gold_span(project, self._deleted)
        return Done(span, DeleteGold(span, label=self.label, undoing=True))


def delete_gold(span: SpanRecord) -> DeleteGold:
    """Delete a gold span; its undo puts it back with its id, relations and provenance."""
    return DeleteGold(span, label=f"Delete gold {span.label}")


class AddGoldRelations(Operation):
    """Gold relations with their provenance (new ones, or under their ids again for a redo)."""

    def __init__(self, relations: Sequence[GoldRelation], label: str) -> None:
        self.label = label
        self._relations = list(relations)

    def run(self, project: Project) -> Done[list[GoldRelation]]:
        made = adjudicate.add_gold_relations(project, self._relations)
        return Done(made, DeleteGoldRelations(made, self.label))


class DeleteGoldRelations(Operation):
    """The undo of ``AddGoldRelations``: each relation expected as that step left it."""

    def __init__(self, relations: Sequence[GoldRelation], label: str) -> None:
        self.label = label
        self._relations = list(relations)

    def run(self, project: Project) -> Done[list[GoldRelation]]:
        settled = [dataclasses.replace(item, relation=settled_relation(project, item.relation))
                   for item in self._relations]
        return Done(adjudicate.delete_gold_relations(project, settled), AddGoldRelations(settled, self.label))


def resize_gold(span: SpanRecord, start: int, end: int) -> UpdateSpan:
    return UpdateSpan(span, title=f"Resize gold {span.label}", start=start, end=end)


def mark_reviewed(doc_id: int, adjudicator: str) -> SetStatus:
    return SetStatus(doc_id, adjudicator, "reviewed", label="Mark reviewed")


class AcceptAttribute(Operation):
    """One attribute value of an annotator's span onto a gold span (as the reviewer saw it)."""

    def __init__(self, gold: SpanRecord, source: SpanRecord, key: str) -> None:
        self.label = f"Accept {source.annotator}'s {key}"
        self._gold = gold
        self._source_id = source.id
        self._key = key

    def run(self, project: Project) -> Done[dict[str, Any]]:
        gold = self._gold
        before = adjudicate.accept_attribute(project, gold.id, self._source_id, self._key,
                                             expected_version=gold.version)
        after = project.annotations.span(gold.id)
        return Done(dict(after.attrs), UpdateSpan(after, title=self.label, undoing=True, attrs=before))


class AcceptRelations(Operation):
    """Relations into gold between the gold copies of their ends: all or none (one transaction)."""

    def __init__(self, relations: Sequence[RelationRecord], adjudicator: str, *, label: str | None = None) -> None:
        self.label = label or "Accept relations"
        self._relations = list(relations)
        self._adjudicator = adjudicator

    def run(self, project: Project) -> Done[list[AcceptedRelation]]:
        accepted = [adjudicate.accept_relation(project, relation.id, self._adjudicator)
                    for relation in self._relations]
        return Done(accepted, UndoAcceptRelations(accepted, self.label))


class UndoAcceptRelations(Operation):
    def __init__(self, accepted: Sequence[AcceptedRelation], label: str) -> None:
        self.label = label
        self._accepted = list(accepted)

    def run(self, project: Project) -> Done[list[AcceptedRelation]]:
        accepted = [dataclasses.replace(item, gold=settled_relation(project, item.gold)) if item.created else item
                    for item in self._accepted]
        for item in reversed(accepted):
            adjudicate.undo_accept_relation(project, item)
        return Done(accepted, ReacceptRelations(accepted, self.label))


class ReacceptRelations(Operation):
    """The redo of accepting relations: the gold relations back under their ids and versions."""

    def __init__(self, accepted: Sequence[AcceptedRelation], label: str) -> None:
        self.label = label
        self._accepted = list(accepted)

    def run(self, project: Project) -> Done[list[AcceptedRelation]]:
        for item in self._accepted:
            if item.created:
                project.annotations.restore_relation(item.gold)
        return Done(self._accepted, UndoAcceptRelations(self._accepted, self.label))


class CommentSpan(Operation):
    """Set (empty: remove) a reviewer's comment on a gold span the reviewer saw at ``span``'s
    version; a span deleted meanwhile is a conflict. The undo sets the previous comment back."""

    def __init__(self, span: SpanRecord, reviewer: str, text: str, *, label: str = "Comment on gold span") -> None:
        self.label = label
        self._span = span
        self._reviewer = reviewer
        self._text = text

    def run(self, project: Project) -> Done[str | None]:
        previous = adjudicate.comment_span(project, self._span.id, self._reviewer, self._text,
                                           expected_version=self._span.version)
        return Done(previous, CommentSpan(self._span, self._reviewer, previous or "", label=self.label))
