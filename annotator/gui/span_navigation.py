"""Moving between spans in the editor from the keyboard: Tab / Shift+Tab and ] / [.

Tab walks only the analyst's own spans (the suggestions would bury them: the first sample
article has about thirty before its first claim), ] and [ only the suggestions, both in reading
order and wrapping. With no current span (a suggestion just accepted or rejected leaves none,
or another one), ] and [ continue from the suggestion last decided on, so a review goes through
the document in order. A step finds its place in the view's reading order by bisection and
walks on from there, so it costs the spans it passes over, not the document's.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
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
        """Tab / Shift+Tab: the next or previous of the analyst's own spans, in text order,
        wrapping."""
        self._step(step, self._editor.is_own)

    def step_suggestion(self, step: int) -> None:
        """] / [: the next or previous suggestion, continuing from the current span or from the
        suggestion last accepted or rejected, wrapping."""
        if not self._step(step, is_suggestion):
            self._editor.message.emit(Errors.E511.format(what="suggestions"))

    def _step(self, step: int, wanted: Callable[[SpanRecord], bool]) -> bool:
        """Make the next (or previous) ``wanted`` span after the current one current; False if
        there is none to go to."""
        view = self._editor.view
        order = view.span_ids_in_order()
        if not order:
            return False
        current = self._editor.current_span()
        anchor = _order_key(current) if current is not None else self._anchor
        if anchor is None:
            first = 0 if step > 0 else len(order) - 1
        else:
            def key(span_id: int) -> tuple[int, int, int]:
                shown = view.span(span_id)
                assert shown is not None
                return _order_key(shown)

            # the first span after the anchor, or the last one before it
            first = bisect_right(order, anchor, key=key) if step > 0 else bisect_left(order, anchor, key=key) - 1
        for passed in range(len(order)):  # on from there, wrapping round to the anchor itself
            span = view.span(order[(first + step * passed) % len(order)])
            if span is not None and wanted(span):
                view.set_current_span(span.id)
                self._editor.currentSpanChanged.emit()
                return True
        return False


def _order_key(span: SpanRecord) -> tuple[int, int, int]:
    """Reading order, as the view's ``span_ids_in_order``: by start, outer before inner."""
    return (span.start, -span.end, span.id)
