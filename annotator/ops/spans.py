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

from annotator.ops.documents import keeping_status
from annotator.ops.operation import Done, Operation
from annotator.ops.settle import settled_relation, settled_span
from annotator.review.adjudicate import provenance
from annotator.store import Project
from annotator.store.records import DeletedSpan, RelationRecord, SpanRecord

SPAN_FIELDS = ("label", "attrs", "note", "start", "end")


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
        kept = provenance(project, span.id) if span.layer == "gold" else (None, None)
        deleted = project.annotations.delete_span(span.id, expected_version=span.version)
        return Done(deleted, RestoreSpan(deleted, kept, label=self.label))


class RestoreSpan(Operation):
    def __init__(self, deleted: DeletedSpan, provenance: tuple[str | None, str | None] = (None, None), *,
                 label: str | None = None) -> None:
        self.label = label or f"Restore {deleted.span.label}"
        self._deleted = deleted
        self._provenance = provenance

    def run(self, project: Project) -> Done[SpanRecord]:
        span = project.annotations.restore_span(self._deleted, provenance=self._provenance)
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
    if {"start", "end"} & set(changes):
        return f"Resize {span.label}"
    if "attrs" in changes:
        return f"Set attributes of {span.label}"
    return f"Edit note of {span.label}"


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
        deleted = project.annotations.delete_relation(relation.id, expected_version=relation.version)
        return Done(deleted, RestoreRelation(deleted, label=self.label))


class RestoreRelation(Operation):
    def __init__(self, relation: RelationRecord, *, label: str | None = None) -> None:
        self.label = label or f"Restore relation {relation.label}"
        self._relation = relation

    def run(self, project: Project) -> Done[RelationRecord]:
        project.annotations.restore_relation(self._relation)  # its id and version come back
        return Done(self._relation, DeleteRelation(self._relation, label=self.label, undoing=True))
