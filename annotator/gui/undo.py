"""Undoable edits: one QUndoCommand per analyst action, each one committed core call each way.

Why edits are made *before* the push: ``QUndoStack.push`` calls ``redo()`` and keeps the
command whatever happens, so a refused edit (a ``UserError`` from the core) would leave a
phantom step on the stack. ``perform`` runs the core call first; only a command that succeeded
is pushed, and its first ``redo()`` merely shows the result. Later redos and undos switch to the
command's document first (the analyst must see what changes), then call the core, then show it.
Deleted spans come back with their ids (``restore_span``), so commands further up the stack that
refer to those ids stay valid.

Several analysts may edit one project at once, so every change of an existing span or relation
says which version it expects (``annotator.store.versions``): a first edit the version shown on
screen, an undo or redo the version this window's own last edit left (the target's
``VersionLedger``). If someone else changed the item meanwhile, the core refuses with a
``ConflictError`` and the target reports it (``report_conflict``: a reload, then a dialog), never
overwriting their work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

from annotator.errors import UserError
from annotator.gui.doclist import STATUS_TITLES
from annotator.store import Project
from annotator.store.annotations import Annotations
from annotator.store.records import DeletedSpan, RelationRecord, SpanRecord
from annotator.store.versions import RELATION_KIND, SPAN_KIND, ConflictError, VersionLedger

_SPAN_NOTE_MERGE_ID = 1
_DOCUMENT_NOTE_MERGE_ID = 2


class EditTarget(Protocol):
    """What commands need from the editor: the project, and ways to show what changed."""

    @property
    def project(self) -> Project: ...

    @property
    def versions(self) -> VersionLedger: ...

    def show_document(self, doc_id: int) -> None: ...

    def show_span_added(self, span: SpanRecord, relations: tuple[RelationRecord, ...] = ()) -> None: ...

    def show_span_removed(self, span_id: int, relations: tuple[RelationRecord, ...] = ()) -> None: ...

    def show_span_changed(self, span: SpanRecord, *, make_current: bool) -> None: ...

    def show_relation_added(self, relation: RelationRecord) -> None: ...

    def show_relation_removed(self, relation: RelationRecord) -> None: ...

    def show_document_changed(self, doc_id: int) -> None: ...

    def report_error(self, message: str) -> None: ...

    def report_conflict(self, message: str) -> None: ...


class EditCommand(QUndoCommand):
    """Base: ``apply``/``revert`` talk to the core, ``show_applied``/``show_reverted`` to the UI."""

    def __init__(self, target: EditTarget, doc_id: int, text: str) -> None:
        super().__init__(text)
        self._target = target
        self.doc_id = doc_id
        self._already_applied = False
        self.replaying = False  # True in undo and later redos: the analyst is shown what changes

    @property
    def _annotations(self) -> Annotations:
        return self._target.project.annotations

    def perform(self) -> None:
        """Make the edit now; raises ``UserError`` (and nothing is pushed) if the core refuses."""
        self.apply()
        self._already_applied = True

    def redo(self) -> None:
        self.replaying = not self._already_applied
        self._already_applied = False
        if self.replaying:
            self._target.show_document(self.doc_id)
            if not self._guarded(self.apply):
                return
        self.show_applied()

    def undo(self) -> None:
        self.replaying = True
        self._target.show_document(self.doc_id)
        if self._guarded(self.revert):
            self.show_reverted()

    def _guarded(self, step: Callable[[], None]) -> bool:
        """Run a core call from undo/redo; Qt cannot take exceptions, so report them instead."""
        try:
            step()
        except ConflictError as error:
            self._target.report_conflict(str(error))
            return False
        except UserError as error:
            self._target.report_error(str(error))
            return False
        return True

    def _expected(self, kind: str, item_id: int, seen: int) -> int:
        """The version an edit of the item must find: on the first run the one the analyst saw
        (``seen``), on undo and redo the one this window's own last edit left."""
        return self._target.versions.expected(kind, item_id, seen) if self.replaying else seen

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def show_applied(self) -> None:
        self._target.show_document_changed(self.doc_id)

    def show_reverted(self) -> None:
        self._target.show_document_changed(self.doc_id)


class AddSpan(EditCommand):
    def __init__(self, target: EditTarget, doc_id: int, start: int, end: int, label: str, annotator: str,
                 attrs: dict[str, Any]) -> None:
        super().__init__(target, doc_id, f"Add {label}")
        self._request = (start, end, label, annotator, attrs)
        self.span: SpanRecord | None = None

    def apply(self) -> None:
        start, end, label, annotator, attrs = self._request
        span_id = self.span.id if self.span is not None else None  # a redo keeps the first id
        self.span = self._annotations.add_span(self.doc_id, start, end, label, annotator, attrs=attrs,
                                               span_id=span_id)
        self._target.versions.note_span(self.span)

    def revert(self) -> None:
        assert self.span is not None
        self._annotations.delete_span(self.span.id,
                                      expected_version=self._expected(SPAN_KIND, self.span.id, self.span.version))

    def show_applied(self) -> None:
        assert self.span is not None
        self._target.show_span_added(self.span)
        super().show_applied()

    def show_reverted(self) -> None:
        assert self.span is not None
        self._target.show_span_removed(self.span.id)
        super().show_reverted()


class DeleteSpan(EditCommand):
    def __init__(self, target: EditTarget, span: SpanRecord) -> None:
        super().__init__(target, span.document_id, f"Delete {span.label}")
        self._span_id = span.id
        self._seen_version = span.version
        self._deleted: DeletedSpan | None = None

    def apply(self) -> None:
        self._deleted = self._annotations.delete_span(
            self._span_id, expected_version=self._expected(SPAN_KIND, self._span_id, self._seen_version))

    def revert(self) -> None:
        assert self._deleted is not None
        restored = self._annotations.restore_span(self._deleted)  # same version: same values again
        self._target.versions.note_span(restored)
        for relation in self._deleted.relations:
            self._target.versions.note_relation(relation)

    def show_applied(self) -> None:
        assert self._deleted is not None
        self._target.show_span_removed(self._span_id, self._deleted.relations)
        super().show_applied()

    def show_reverted(self) -> None:
        assert self._deleted is not None
        self._target.show_span_added(self._deleted.span, self._deleted.relations)
        super().show_reverted()


class UpdateSpan(EditCommand):
    """Relabel, attribute or note change; ``before`` is the span as it was, ``changes`` the new fields."""

    def __init__(self, target: EditTarget, before: SpanRecord, text: str, **changes: Any) -> None:
        super().__init__(target, before.document_id, text)
        self._before = before
        self._changes = changes
        self._after: SpanRecord | None = None
        self._reverted = before  # the span as the last undo left it (a later version than ``before``)

    def apply(self) -> None:
        expected = self._expected(SPAN_KIND, self._before.id, self._before.version)
        self._after = self._annotations.update_span(self._before.id, expected_version=expected, **self._changes)
        self._target.versions.note_span(self._after)

    def revert(self) -> None:
        assert self._after is not None
        restored = {name: getattr(self._before, name) for name in self._changes}
        expected = self._expected(SPAN_KIND, self._before.id, self._after.version)
        self._reverted = self._annotations.update_span(self._before.id, expected_version=expected, **restored)
        self._target.versions.note_span(self._reverted)

    def show_applied(self) -> None:
        assert self._after is not None
        self._target.show_span_changed(self._after, make_current=self.replaying)
        super().show_applied()

    def show_reverted(self) -> None:
        self._target.show_span_changed(self._reverted, make_current=True)
        super().show_reverted()

    def id(self) -> int:
        """Consecutive note edits of one span merge, so one undo takes back a whole typing session."""
        return _SPAN_NOTE_MERGE_ID if set(self._changes) == {"note"} else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, UpdateSpan) or other._before.id != self._before.id:
            return False
        self._changes = other._changes
        self._after = other._after
        return True


class AddRelation(EditCommand):
    def __init__(self, target: EditTarget, head: SpanRecord, tail: SpanRecord, label: str, annotator: str) -> None:
        super().__init__(target, head.document_id, f"Add relation {label}")
        self._request = (head.id, tail.id, label, annotator)
        self.relation: RelationRecord | None = None

    def apply(self) -> None:
        head_id, tail_id, label, annotator = self._request
        relation_id = self.relation.id if self.relation is not None else None
        self.relation = self._annotations.add_relation(head_id, tail_id, label, annotator, relation_id=relation_id)
        self._target.versions.note_relation(self.relation)

    def revert(self) -> None:
        assert self.relation is not None
        expected = self._expected(RELATION_KIND, self.relation.id, self.relation.version)
        self._annotations.delete_relation(self.relation.id, expected_version=expected)

    def show_applied(self) -> None:
        assert self.relation is not None
        self._target.show_relation_added(self.relation)
        super().show_applied()

    def show_reverted(self) -> None:
        assert self.relation is not None
        self._target.show_relation_removed(self.relation)
        super().show_reverted()


class DeleteRelation(EditCommand):
    def __init__(self, target: EditTarget, relation: RelationRecord) -> None:
        super().__init__(target, relation.document_id, f"Delete relation {relation.label}")
        self._relation = relation

    def apply(self) -> None:
        expected = self._expected(RELATION_KIND, self._relation.id, self._relation.version)
        self._relation = self._annotations.delete_relation(self._relation.id, expected_version=expected)

    def revert(self) -> None:
        self._annotations.restore_relation(self._relation)  # its id and version come back
        self._target.versions.note_relation(self._relation)

    def show_applied(self) -> None:
        self._target.show_relation_removed(self._relation)
        super().show_applied()

    def show_reverted(self) -> None:
        self._target.show_relation_added(self._relation)
        super().show_reverted()


class SetStatus(EditCommand):
    def __init__(self, target: EditTarget, doc_id: int, annotator: str, status: str) -> None:
        super().__init__(target, doc_id, f"Mark {STATUS_TITLES[status].lower()}")
        self._annotator = annotator
        self._status = status
        self._previous = "todo"

    def apply(self) -> None:
        self._previous = self._annotations.set_status(self.doc_id, self._annotator, self._status)

    def revert(self) -> None:
        self._annotations.set_status(self.doc_id, self._annotator, self._previous)


class SetDocumentLabel(EditCommand):
    """Check or uncheck a document label; undo restores the whole previous set, because checking
    one label of a group silently unchecks its siblings."""

    def __init__(self, target: EditTarget, doc_id: int, annotator: str, label: str, present: bool) -> None:
        super().__init__(target, doc_id, f"{'Set' if present else 'Clear'} {label}")
        self._annotator = annotator
        self._label = label
        self._present = present
        self._before: list[str] = []

    def apply(self) -> None:
        self._before = self._annotations.doc_labels(self.doc_id, self._annotator)
        self._annotations.set_doc_label(self.doc_id, self._label, self._annotator, self._present)

    def revert(self) -> None:
        now = set(self._annotations.doc_labels(self.doc_id, self._annotator))
        for label in self._before:
            if label not in now:  # re-checking a sibling also unchecks the label set by apply
                self._annotations.set_doc_label(self.doc_id, label, self._annotator, True)
        now = set(self._annotations.doc_labels(self.doc_id, self._annotator))
        for label in now - set(self._before):
            self._annotations.set_doc_label(self.doc_id, label, self._annotator, False)


class SetDocumentNote(EditCommand):
    def __init__(self, target: EditTarget, doc_id: int, annotator: str, before: str, after: str) -> None:
        super().__init__(target, doc_id, "Edit document note")
        self._annotator = annotator
        self._before = before
        self._after = after

    def apply(self) -> None:
        self._annotations.set_document_note(self.doc_id, self._annotator, self._after)

    def revert(self) -> None:
        self._annotations.set_document_note(self.doc_id, self._annotator, self._before)

    def id(self) -> int:
        return _DOCUMENT_NOTE_MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, SetDocumentNote) or other.doc_id != self.doc_id:
            return False
        self._after = other._after
        return True
