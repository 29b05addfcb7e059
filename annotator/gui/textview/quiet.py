"""Quiet suggestions: a model's suggestions show no chip and only a light underline until one
is in focus, hovered by the pointer or current.

A run of spaCy over an article proposes a span every few words; with a chip and a dashed
underline each, every line carries a row of chips and the text is hard to read. In quiet mode
the scenes keep a suggestion's chip aside (``Mark.quiet_chip``, see ``scene.py``) and the
painter shows it, over the chip row, only for the suggestions this class says are in focus.
Every line keeps the room of a chip row anyway, so a chip appearing on hover moves nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QPoint, QPointF, QRect
from PySide6.QtGui import QTextBlock

from annotator.gui.textview.model import SpanModel
from annotator.gui.textview.scene import LineScene
from annotator.store.records import SpanRecord

Shown = Callable[[QRect], Iterable[tuple[QTextBlock, QPointF, LineScene]]]


class SuggestionFocus:
    """Whether suggestions are quiet, and which one the pointer is on."""

    def __init__(self, model: SpanModel, hit: Callable[[QPoint], list[int]], shown: Shown,
                 repaint: Callable[[int, int], None], repaint_all: Callable[[], None]) -> None:
        self._model = model
        self._hit = hit          # span ids at a viewport point, as a click finds them
        self._shown = shown      # the scenes of the lines reaching a viewport rectangle
        self._repaint = repaint  # repaint the lines of code points [start, end)
        self._repaint_all = repaint_all
        self.quiet = False
        self.hovered: int | None = None

    def revealed(self, current: int | None) -> frozenset[int]:
        """The suggestions whose chip and dashed underline are shown (none unless quiet)."""
        if not self.quiet:
            return frozenset()
        return frozenset(span_id for span_id in (self.hovered, current) if span_id is not None)

    def chip_at(self, point: QPoint, current: int | None) -> int | None:
        """The span whose shown quiet chip is at a viewport point: clicking it picks it."""
        revealed = self.revealed(current)
        if not revealed:
            return None
        for _block, offset, scene in self._shown(QRect(point, point)):
            position = QPointF(point) - offset
            for mark in scene.marks:
                if mark.span.id in revealed and mark.quiet_chip is not None and mark.quiet_chip.contains(position):
                    return mark.span.id
        return None

    def move(self, point: QPoint, current: int | None) -> None:
        """The pointer moved to ``point``: the suggestion under it (or under its shown chip) is
        in focus."""
        if not self.quiet:
            return
        hovered = self.chip_at(point, current)
        if hovered is None:
            spans = self._model.spans
            hovered = next((span_id for span_id in self._hit(point) if spans[span_id].layer == "suggestion"), None)
        self._set(hovered)

    def current_changed(self, previous: SpanRecord | None, current: SpanRecord | None) -> None:
        """The current span changed (the view repaints both spans' lines): a quiet suggestion's
        relations appear or go with it, maybe across lines."""
        if self.quiet and any(span is not None and span.layer == "suggestion" and self._model.relations_of(span.id)
                              for span in (previous, current)):
            self._repaint_all()

    def leave(self) -> None:
        self._set(None)

    def reset(self, *, quiet: bool | None = None) -> None:
        """A new document, or quiet mode switched (``quiet``): nothing is hovered."""
        self.hovered = None
        if quiet is not None:
            self.quiet = quiet

    def _set(self, hovered: int | None) -> None:
        if hovered == self.hovered:
            return
        previous, self.hovered = self.hovered, hovered
        for span_id in (previous, hovered):
            span = self._model.spans.get(span_id) if span_id is not None else None
            if span is not None and self._model.relations_of(span.id):
                self._repaint_all()  # its relations appear or go, maybe across lines
                return
            if span is not None:
                self._repaint(span.start, span.end)
