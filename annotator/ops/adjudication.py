"""Adjudication steps as operations: each decision of the comparison window is one operation
(one transaction, one undo step), and its undo and redo are one transaction each.

The store functions (``annotator.review.adjudicate``) return what undoing them needs; here each
is paired with its undo and its redo. A redo puts back the very rows under their ids (the gold
copies of an acceptance, ``adjudicate.reaccept``; a gold relation, ``restore_relation``), so a
later step of the history (a relabel of that gold span, a relation to it) still finds them.
Every undo and redo expects the rows to hold what the step it takes back left (whatever later
undos of this history did to their versions, ``annotator.ops.settle``), so a row another
reviewer changed meanwhile is refused with ``ConflictError`` and the history drops the step.

Editing a gold span (relabel, resize), deleting it (its provenance comes back with it) and
marking the document reviewed are the general operations ``UpdateSpan``, ``DeleteSpan`` and
``SetStatus``; the functions below give them the comparison window's titles.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from annotator.ops.documents import SetStatus
from annotator.ops.operation import Done, Operation
from annotator.ops.settle import settled_mark, settled_relation, settled_span
from annotator.ops.spans import DeleteSpan, UpdateSpan
from annotator.review import adjudicate
from annotator.review.adjudicate import Accepted, AcceptedRelation
from annotator.store import Project
from annotator.store.records import RelationRecord, SpanRecord
from annotator.store.versions import version_after

Mark = tuple[int, str | None, int]  # span id, review mark to write, version expected


class AcceptSpans(Operation):
    """One annotator's version of an item (one or more spans) into gold, as the reviewer saw it."""

    def __init__(self, spans: Sequence[SpanRecord], adjudicator: str, *, label: str | None = None) -> None:
        self.label = label or f"Accept {', '.join(span.label for span in spans)}"
        self._spans = list(spans)
        self._adjudicator = adjudicator

    def run(self, project: Project) -> Done[list[Accepted]]:
        accepted = [adjudicate.accept_span(project, span.id, self._adjudicator, expected_version=span.version)
                    for span in self._spans]
        return Done(accepted, UndoAccept(accepted, self.label))


class AcceptAgreed(Operation):
    """Every span all ``annotators`` made identically, into gold at once (one transaction)."""

    def __init__(self, doc_id: int, annotators: Sequence[str], adjudicator: str) -> None:
        self.label = "Accept all agreed items"
        self._args = (doc_id, tuple(annotators), adjudicator)

    def run(self, project: Project) -> Done[list[Accepted]]:
        doc_id, annotators, adjudicator = self._args
        accepted = adjudicate.accept_agreed(project, doc_id, annotators, adjudicator)
        return Done(accepted, UndoAccept(accepted, self.label) if accepted else None)


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


def delete_gold(span: SpanRecord) -> DeleteSpan:
    """Delete a gold span; its undo puts it back with its id, relations and provenance."""
    return DeleteSpan(span, label=f"Delete gold {span.label}")


def relabel_gold(span: SpanRecord, label: str) -> UpdateSpan:
    return UpdateSpan(span, title=f"Relabel gold {span.label} → {label}", label=label)


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
