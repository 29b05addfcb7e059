"""Undoable adjudication: the editor's command pattern (``annotator.gui.undo``) for gold edits.

Why one generic command instead of one class per core call: the core's adjudication functions
each return what undoing them needs (the gold rows made, the status before), so every command
is "call ``do``, keep its result, hand that result to ``undo``". The editor's ``EditCommand``
already handles perform-before-push and reporting errors from undo/redo; here only the target
differs (the comparison window, which reloads its layers instead of patching one span).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from annotator.gui.undo import EditCommand
from annotator.store import Project
from annotator.store.records import RelationRecord, SpanRecord
from annotator.store.versions import VersionLedger

if TYPE_CHECKING:
    from annotator.gui.compare_view import CompareWindow


class ReviewTarget:
    """The ``EditTarget`` of the comparison window: any change reloads its layers and list.

    Reloading is cheap next to a reviewer's pace (one document, a few layers), and it keeps the
    difference list, which depends on gold, right without incremental bookkeeping.
    """

    def __init__(self, window: CompareWindow) -> None:
        self._window = window
        self._versions = VersionLedger()

    @property
    def project(self) -> Project:
        return self._window.project

    @property
    def versions(self) -> VersionLedger:
        """The versions this window's own adjudication left: undo and redo expect them."""
        return self._versions

    def show_document(self, doc_id: int) -> None:
        if doc_id != self._window.doc_id:
            self._window.show_document(doc_id)

    def show_span_added(self, span: SpanRecord, relations: tuple[RelationRecord, ...] = ()) -> None:
        pass  # show_document_changed follows and reloads

    def show_span_removed(self, span_id: int, relations: tuple[RelationRecord, ...] = ()) -> None:
        pass

    def show_span_changed(self, span: SpanRecord, *, make_current: bool) -> None:
        pass

    def show_relation_added(self, relation: RelationRecord) -> None:
        pass

    def show_relation_removed(self, relation: RelationRecord) -> None:
        pass

    def show_document_changed(self, doc_id: int) -> None:
        self._window.refresh()

    def report_error(self, message: str) -> None:
        self._window.report_error(message)

    def report_conflict(self, message: str) -> None:
        self._window.report_conflict(message)


class AdjudicationCommand(EditCommand):
    """``do()`` makes the change through the core and returns what ``undo(result)`` needs."""


    def __init__(self, target: ReviewTarget, doc_id: int, text: str, do: Callable[[], Any],
                 undo: Callable[[Any], object], redo: Callable[[Any], Any] | None = None) -> None:
        super().__init__(target, doc_id, text)
        self._do = do
        self._undo = undo
        self._redo = redo
        self.result: Any = None
        self._done_once = False

    def apply(self) -> None:
        """First time ``do``; later redos ``redo(result)`` when given, which puts back the very
        rows (same ids) so that commands above this one on the stack still find them, and
        returns what the next undo needs (the rows' versions have moved on)."""
        if self._done_once and self._redo is not None:
            self.result = self._redo(self.result)
            return
        self.result = self._do()
        self._done_once = True

    def revert(self) -> None:
        self._undo(self.result)
