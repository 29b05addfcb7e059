"""Model suggestions in the editor: which shown spans are suggestions, and deciding on them.

Deciding on them (accept, reject, one or all of a label or document) is a core operation
(``annotator.ops.suggestions``): one transaction each way, a redo of an acceptance putting the
copies back under their first ids, so later steps that name them stay valid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.errors import Errors
from annotator.ops.suggestions import AcceptSuggestions, RejectSuggestions
from annotator.store.records import SpanRecord

if TYPE_CHECKING:
    from annotator.gui.editor import DocumentEditor
    from annotator.gui.span_navigation import SpanNavigation

LAYER = "suggestion"


def is_suggestion(span: SpanRecord) -> bool:
    return span.layer == LAYER


class SuggestionReview:
    """Accepting and rejecting the suggestions the editor shows: the current one (Y, X), or all
    pending ones of the document or of the current span's label, each one operation."""

    def __init__(self, editor: DocumentEditor, navigation: SpanNavigation) -> None:
        self._editor = editor
        self._navigation = navigation  # ] and [ continue from the suggestion last decided on

    def accept_current(self) -> None:
        """Accept the current suggestion; its copy becomes current (``HistorySteps``)."""
        editor = self._editor
        span = self._current_suggestion()
        if span is not None:
            self._navigation.continue_after(span)
            editor.perform(AcceptSuggestions(span.document_id, editor.annotator, suggestion=span))

    def reject_current(self) -> None:
        span = self._current_suggestion()
        if span is not None:
            self._navigation.continue_after(span)
            self._editor.perform(RejectSuggestions(span.document_id, suggestion=span))

    def accept_all(self, *, of_current_label: bool = False) -> None:
        """Accept every pending suggestion of the document, or of the current span's label."""
        editor = self._editor
        scope = self._bulk_scope(of_current_label)
        if scope is not None:
            outcome = editor.perform(AcceptSuggestions(scope[0], editor.annotator, label=scope[1]))
            if outcome is not None:  # the copy of the current suggestion is current (``HistorySteps``)
                editor.message.emit(f"Accepted {_count(len(outcome.result), scope[1])}.")

    def reject_all(self, *, of_current_label: bool = False) -> None:
        """Reject every pending suggestion of the document, or of the current span's label."""
        scope = self._bulk_scope(of_current_label)
        if scope is not None:
            outcome = self._editor.perform(RejectSuggestions(scope[0], label=scope[1]))
            if outcome is not None:
                self._editor.message.emit(f"Rejected {_count(len(outcome.result), scope[1])}.")

    def _bulk_scope(self, of_current_label: bool) -> tuple[int, str | None] | None:
        """The document and label (None: all labels) a bulk decision is about, or None, with a
        message, when there is nothing to decide: an empty step on the undo stack helps no one."""
        editor = self._editor
        document = editor.document
        if document is None:
            return None
        label = None
        if of_current_label:
            span = editor.current_span()
            if span is None:
                editor.message.emit(Errors.E512)
                return None
            label = span.label
        if not editor.project.suggestions.spans(document.id, label=label):
            editor.message.emit(Errors.E511.format(what=_count(None, label)))
            return None
        return document.id, label

    def _current_suggestion(self) -> SpanRecord | None:
        span = self._editor.current_span()
        if span is None or not is_suggestion(span):
            self._editor.message.emit(Errors.E510)
            return None
        return span


def _count(number: int | None, label: str | None) -> str:
    """ "3 ACTOR suggestions", "1 suggestion"; without a number, the plural alone."""
    what = f"{label} suggestion" if label else "suggestion"
    plural = what if number == 1 else what + "s"
    return plural if number is None else f"{number} {plural}"
