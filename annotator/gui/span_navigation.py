"""Moving between spans in the editor from the keyboard: Tab / Shift+Tab and ] / [.

Tab walks the analyst's own spans and the shown suggestions, ] and [ only the suggestions, both
in reading order and wrapping. With no current span (a suggestion just accepted or rejected
leaves none, or another one), ] and [ continue from the suggestion last decided on, so a review
goes through the document in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from annotator.errors import Errors
from annotator.gui.suggestions import is_suggestion
from annotator.store.records import SpanRecord

if TYPE_CHECKING:
    from annotator.gui.editor import DocumentEditor


class SpanNavigation:
    """Which span of the editor's view becomes current on Tab, ] and [ (and their reverses)."""

    def __init__(self, editor: DocumentEditor) -> None:
        self._editor = editor
        self._anchor: tuple[int, int, int] | None = None  # where ] and [ continue from

    def continue_after(self, span: SpanRecord) -> None:
        """The next step starts at ``span`` (a suggestion being decided on) if nothing is current."""
        self._anchor = _order_key(span)

    def forget(self) -> None:
        """A new document: steps start at its first (or last) span."""
        self._anchor = None

    def step_span(self, step: int) -> None:
        """Tab / Shift+Tab: the next or previous of the analyst's own spans and the shown
        suggestions, in text order, wrapping."""
        self._step(step, lambda span: self._editor.is_own(span) or is_suggestion(span))

    def step_suggestion(self, step: int) -> None:
        """] / [: the next or previous suggestion, continuing from the current span or from the
        suggestion last accepted or rejected, wrapping."""
        if not self._step(step, is_suggestion):
            self._editor.message.emit(Errors.E511.format(what="suggestions"))

    def _step(self, step: int, wanted: Callable[[SpanRecord], bool]) -> bool:
        """Make the next (or previous) ``wanted`` span after the current one current; False if
        there is none to go to."""
        view = self._editor.view
        spans = [span for span_id in view.span_ids_in_order()
                 if (span := view.span(span_id)) is not None and wanted(span)]
        if not spans:
            return False
        current = self._editor.current_span()
        anchor = _order_key(current) if current is not None else self._anchor
        keys = [_order_key(span) for span in spans]
        if anchor is None:
            target = spans[0] if step > 0 else spans[-1]
        elif step > 0:
            target = next((span for span, key in zip(spans, keys, strict=True) if key > anchor), spans[0])
        else:
            target = next((span for span, key in zip(reversed(spans), reversed(keys), strict=True) if key < anchor), spans[-1])
        view.set_current_span(target.id)
        self._editor.currentSpanChanged.emit()
        return True


def _order_key(span: SpanRecord) -> tuple[int, int, int]:
    """Reading order, as the view's ``span_ids_in_order``: by start, outer before inner."""
    return (span.start, -span.end, span.id)
