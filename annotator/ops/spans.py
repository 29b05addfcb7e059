"""Span and relation edits as operations: add, change, delete and their undos.

Every edit of an existing row says which version it expects: the first run the version the
analyst saw, an undo or redo the version of the row while it still holds what the step it takes
back left (``annotator.ops.settle``; the inverse operations are built with ``undoing=True``). A
row someone else changed or deleted meanwhile is refused with ``ConflictError`` instead of being
overwritten (``annotator.store.versions``).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from annotator.errors import Errors, UserError
from annotator.ops.documents import keeping_status
from annotator.ops.operation import Done, Operation
from annotator.ops.settle import settled_relation, settled_span
from annotator.review.adjudicate import (
    GOLD,
    DeletedGoldSpan,
    GoldRelation,
    add_gold_relations,
    delete_gold_span,
    gold_relation,
    restore_gold_span,
)
from annotator.store import Project
from annotator.store.records import DeletedSpan, RelationRecord, SpanRecord

SPAN_FIELDS = ("label", "attrs", "note", "start", "end", "fragments")

Pieces = tuple[tuple[int, int], ...]


class AddSpan(Operation):
    def __init__(self, doc_id: int, start: int, end: int, label: str, annotator: str, *,
                 attrs: dict[str, Any] | None = None, layer: str = "annotation",
                 fragments: tuple[tuple[int, int], ...] | None = None) -> None:
        self.label = f"Add {label}"
        self._args = (doc_id, start, end, label, annotator)
        self._attrs = dict(attrs or {})
        self._layer = layer
        self._fragments = fragments

    def run(self, project: Project) -> Done[SpanRecord]:
        doc_id, start, end, label, annotator = self._args

        def add() -> Done[SpanRecord]:
            span = project.annotations.add_span(doc_id, start, end, label, annotator, attrs=self._attrs,
                                                layer=self._layer, fragments=self._fragments)
            return Done(span, DeleteSpan(span, label=self.label, undoing=True))

        return keeping_status(project, doc_id, annotator, add)


class DeleteSpan(Operation):
    """Delete a span with its relations (and comments); undo puts them back under their ids.
    ``undoing``: ``span`` is the span as a step left it, not as the analyst saw it."""

    def __init__(self, span: SpanRecord, *, label: str | None = None, undoing: bool = False) -> None:
        self.label = label or f"Delete {span.label}"
        self._span = span
        self._undoing = undoing

    def run(self, project: Project) -> Done[DeletedSpan]:
        span = settled_span(project, self._span) if self._undoing else self._span
        if span.layer == GOLD:  # its and its relations' provenance come back with it
            gold = delete_gold_span(project, span.id, expected_version=span.version)
            return Done(gold.deleted, RestoreSpan(gold, label=self.label))
        deleted = project.annotations.delete_span(span.id, expected_version=span.version)
        return Done(deleted, RestoreSpan(deleted, label=self.label))


class RestoreSpan(Operation):
    def __init__(self, deleted: DeletedSpan | DeletedGoldSpan, *, label: str | None = None) -> None:
        self._deleted = deleted
        self.label = label or f"Restore {self._record.label}"

    @property
    def _record(self) -> SpanRecord:
        deleted = self._deleted
        return (deleted.deleted if isinstance(deleted, DeletedGoldSpan) else deleted).span

    def run(self, project: Project) -> Done[SpanRecord]:
        deleted = self._deleted
        span = restore_gold_span(project, deleted) if isinstance(deleted, DeletedGoldSpan) \
            else project.annotations.restore_span(deleted)
        return Done(span, DeleteSpan(span, label=self.label, undoing=True))


class UpdateSpan(Operation):
    """Relabel, resize, set attributes or the note of a span; ``before`` is the span as the
    analyst saw it (its version is the one expected), or with ``undoing`` as a step left it."""

    def __init__(self, before: SpanRecord, *, title: str | None = None, undoing: bool = False,
                 **changes: Any) -> None:
        unknown = set(changes) - set(SPAN_FIELDS)
        if unknown:
            raise TypeError(f"UpdateSpan cannot change {sorted(unknown)}")
        self._before = before
        self._undoing = undoing
        self._changes = changes
        self.label = title or _update_label(before, changes)
        self.merge_key: Hashable | None = ("span note", before.id) if set(changes) == {"note"} else None

    def run(self, project: Project) -> Done[SpanRecord]:
        before = settled_span(project, self._before) if self._undoing else self._before
        after = project.annotations.update_span(before.id, expected_version=before.version, **self._changes)
        restored = {name: getattr(before, name) for name in self._changes}
        return Done(after, UpdateSpan(after, title=self.label, undoing=True, **restored))

    def absorb(self, later: Operation) -> Operation:
        if isinstance(later, UpdateSpan) and later._before.id == self._before.id:
            return UpdateSpan(later._before, title=self.label, undoing=True, **self._changes)
        return self


def _update_label(span: SpanRecord, changes: dict[str, Any]) -> str:
    if "label" in changes and changes["label"] != span.label:
        return f"Relabel {span.label} as {changes['label']}"
    if "fragments" in changes:
        return f"Change the fragments of {span.label}"
    if {"start", "end"} & set(changes):
        return f"Resize {span.label}"
    if "attrs" in changes:
        return f"Set attributes of {span.label}"
    return f"Edit note of {span.label}"


class AddFragment(UpdateSpan):
    """Add ``[start, end)`` to ``before`` as a piece of a discontinuous span (Shift with the
    label key on a selection). Pieces it overlaps or touches merge with it, so covering a gap
    makes the span contiguous there. The key's ``label`` must be the span's: a fragment is
    part of its span, not a second annotation (E590). One ``UpdateSpan`` of the pieces, start
    and end, so undo and redo are one transaction each and relations stay."""

    def __init__(self, before: SpanRecord, start: int, end: int, label: str) -> None:
        super().__init__(before, title=f"Add a fragment to {before.label}")
        self._piece = (start, end)
        self._key_label = label

    def run(self, project: Project) -> Done[SpanRecord]:
        before = self._before
        _check_same_label(before, self._key_label)
        start, end = self._piece
        if any(a <= start and end <= b for a, b in pieces_of(before)):
            raise UserError(Errors.E592.format(start=start, end=end, label=before.label))
        merged = _merged(sorted((*pieces_of(before), self._piece)))
        return UpdateSpan(before, title=self.label, **fragment_changes(merged)).run(project)


class RemoveFragment(UpdateSpan):
    """Take the piece ``[start, end)`` out of a discontinuous span (Shift with the label key on
    a selection that is exactly that piece); the span stays, with the pieces left (E593 for its
    last one: deleting a span is Delete)."""

    def __init__(self, before: SpanRecord, start: int, end: int, label: str) -> None:
        super().__init__(before, title=f"Remove a fragment of {before.label}")
        self._piece = (start, end)
        self._key_label = label

    def run(self, project: Project) -> Done[SpanRecord]:
        before = self._before
        _check_same_label(before, self._key_label)
        pieces = pieces_of(before)
        if self._piece not in pieces:
            raise ValueError(f"{self._piece} is not a fragment of span {before.id}: {pieces}")
        left = tuple(piece for piece in pieces if piece != self._piece)
        if not left:
            raise UserError(Errors.E593.format(start=self._piece[0], end=self._piece[1], label=before.label))
        return UpdateSpan(before, title=self.label, **fragment_changes(left)).run(project)


def pieces_of(span: SpanRecord) -> Pieces:
    """The pieces a span covers: its fragments, or its one stretch of text."""
    return span.fragments or ((span.start, span.end),)


def fragment_changes(pieces: Pieces) -> dict[str, Any]:
    """The ``UpdateSpan`` changes that give a span these pieces (sorted, not overlapping): its
    start and end with them, so that undo, which restores the same fields, makes a
    discontinuous span contiguous again or the other way round."""
    return {"fragments": pieces if len(pieces) > 1 else None, "start": pieces[0][0], "end": pieces[-1][1]}


def _merged(pieces: list[tuple[int, int]]) -> Pieces:
    """Sorted pieces with those that overlap or touch joined."""
    joined: list[tuple[int, int]] = []
    for a, b in pieces:
        if joined and a <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], b))
        else:
            joined.append((a, b))
    return tuple(joined)


def _check_same_label(span: SpanRecord, label: str) -> None:
    if label != span.label:
        raise UserError(Errors.E590.format(current=span.label, label=label))


class AddRelation(Operation):
    def __init__(self, head: SpanRecord, tail: SpanRecord, label: str, annotator: str,
                 attrs: dict[str, Any] | None = None) -> None:
        self.label = f"Add relation {label}"
        self._args = (head.id, tail.id, label, annotator)
        self._attrs = dict(attrs or {})

    def run(self, project: Project) -> Done[RelationRecord]:
        head_id, tail_id, label, annotator = self._args
        relation = project.annotations.add_relation(head_id, tail_id, label, annotator, attrs=self._attrs)
        return Done(relation, DeleteRelation(relation, label=self.label, undoing=True))


class DeleteRelation(Operation):
    def __init__(self, relation: RelationRecord, *, label: str | None = None, undoing: bool = False) -> None:
        self.label = label or f"Delete relation {relation.label}"
        self._relation = relation
        self._undoing = undoing

    def run(self, project: Project) -> Done[RelationRecord]:
        relation = settled_relation(project, self._relation) if self._undoing else self._relation
        with project.transaction():
            kept = gold_relation(project, relation) if relation.layer == GOLD else None
            deleted = project.annotations.delete_relation(relation.id, expected_version=relation.version)
        return Done(deleted, RestoreRelation(deleted, label=self.label, gold=kept))


class RestoreRelation(Operation):
    """A deleted relation back under its id and version; a gold one with its provenance."""

    def __init__(self, relation: RelationRecord, *, label: str | None = None, gold: GoldRelation | None = None) -> None:
        self.label = label or f"Restore relation {relation.label}"
        self._relation = relation
        self._gold = gold

    def run(self, project: Project) -> Done[RelationRecord]:
        if self._gold is not None:
            add_gold_relations(project, [self._gold])
        else:
            project.annotations.restore_relation(self._relation)  # its id and version come back
        return Done(self._relation, DeleteRelation(self._relation, label=self.label, undoing=True))
