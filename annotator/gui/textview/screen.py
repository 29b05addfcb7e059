"""Where the view's lines are on screen: the lines shown in a rectangle, repainting the lines of
a range, scrolling a position into view, and which spans are at a point.

Where the analyst's own span and a suggestion (or another annotator's span) overlap, the own
span comes first at a point, so a click (in relation mode too) takes the analyst's span and the
keys that act on the current span act on it; clicking again at the same place reaches the
others.

A line takes the room the layout gave it above and below its text (``GappedLayout.gaps``), so
its extent on screen is its text's plus that room; chips, arcs and underlines are drawn there.
Positions here are Qt's UTF-16 positions; the view converts code points (``OffsetMap``).
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF
from PySide6.QtGui import QTextBlock, QTextLine
from PySide6.QtWidgets import QPlainTextEdit

from annotator.gui.offsets import OffsetMap
from annotator.gui.textview.layout import GappedLayout
from annotator.gui.textview.model import SpanModel
from annotator.gui.textview.scene import LineScene
from annotator.gui.textview.scene_cache import SceneCache
from annotator.gui.textview.style import SpanStyle


class ScreenLines:
    """The lines of ``view`` (laid out by ``layout``, drawn from ``scenes``) in viewport
    coordinates."""

    def __init__(self, view: QPlainTextEdit, layout: GappedLayout, scenes: SceneCache) -> None:
        self._view = view
        self._layout = layout
        self._scenes = scenes

    def visible_blocks(self) -> Iterator[tuple[QTextBlock, QRectF]]:
        """Blocks on screen, top to bottom, with their rectangles in viewport coordinates.

        Walks from ``firstVisibleBlock`` adding heights, as ``QPlainTextEdit`` paints, rather
        than asking ``blockBoundingGeometry`` per block (which walks from the top each time).
        """
        view = self._view
        block = view.firstVisibleBlock()
        offset = view.contentOffset()
        height = view.viewport().height()
        while block.isValid() and offset.y() <= height:
            rect = view.blockBoundingRect(block).translated(offset)
            yield block, rect
            offset.setY(rect.bottom())
            block = block.next()

    def shown(self, clip: QRect) -> Iterator[tuple[QTextBlock, QPointF, LineScene]]:
        """Scenes of the lines whose text, chips, arcs or underlines fall inside ``clip``, with
        their block and where the line's origin (x of its layout, y of its top) is."""
        for block, rect in self.visible_blocks():
            if rect.top() > clip.bottom():
                break
            if rect.bottom() < clip.top() or not block.isVisible():
                continue
            scenes = self._scenes.scenes(block)
            if not any(scenes):
                continue
            layout = block.layout()
            for index, scene in enumerate(scenes):
                if scene is None:
                    continue
                top = rect.top() + layout.lineAt(index).y()
                if top - scene.room_above <= clip.bottom() and top + scene.bottom + scene.room_below >= clip.top():
                    yield block, QPointF(rect.left(), top), scene

    def update(self, first: int, last: int) -> None:
        """Repaint only the blocks that hold UTF-16 positions ``first`` to ``last``, where visible."""
        document = self._view.document()
        first_number = document.findBlock(first).blockNumber()
        last_number = document.findBlock(last).blockNumber()
        top: float | None = None
        bottom = 0.0
        for block, rect in self.visible_blocks():
            number = block.blockNumber()
            if number > last_number:
                break
            if number >= first_number:
                top = rect.top() if top is None else top
                bottom = rect.bottom()
        if top is not None:
            viewport = self._view.viewport()
            viewport.update(QRect(0, int(top) - 1, viewport.width(), int(bottom - top) + 3))

    def scroll_to(self, position: int) -> None:
        """Bring UTF-16 ``position`` into view, a third of a page from the top, unless its
        line is already fully visible."""
        block = self._view.document().findBlock(position)
        self._layout.blockBoundingRect(block)  # lays the block out, so its lines are known
        line = block.layout().lineForTextPosition(position - block.position())
        if not line.isValid():
            return
        height = self._view.viewport().height()
        for shown, rect in self.visible_blocks():
            if shown == block:
                top, bottom = self._line_extent(block, line.lineNumber())
                if rect.top() + top >= 0 and rect.top() + bottom <= height:
                    return
                break
        # The vertical scroll bar counts visual lines: count those that fit in the third of a
        # page above the target line, each with its own room.
        context = 0
        room = height / 3
        shown, index = block, line.lineNumber()
        while True:
            if index == 0:
                shown = shown.previous()
                if not shown.isValid():
                    break
                self._layout.blockBoundingRect(shown)
                index = shown.layout().lineCount()
                if index == 0:  # a hidden block takes no lines
                    continue
            index -= 1
            top, bottom = self._line_extent(shown, index)
            room -= bottom - top
            if room < 0:
                break
            context += 1
        self._view.verticalScrollBar().setValue(max(0, block.firstLineNumber() + line.lineNumber() - context))

    def _line_extent(self, block: QTextBlock, index: int) -> tuple[float, float]:
        """Top and bottom of line ``index`` of a laid-out block with its room, relative to the
        block."""
        line = block.layout().lineAt(index)
        gaps = self._layout.gaps(block)
        above, below = gaps[index] if index < len(gaps) else (0.0, 0.0)
        return line.y() - above, line.y() + line.height() + below

    def hit(self, point: QPoint, model: SpanModel, offsets: OffsetMap) -> list[int]:
        """Span ids at a viewport point, the analyst's own spans first: the chip's span, the
        spans under the character (innermost first), or the spans whose underlines are there.
        Reads the scenes that were painted, so what is clicked is what was drawn."""
        for block, offset, scene in self.shown(QRect(point, point)):
            pos = QPointF(point) - offset  # in the line's coordinates
            own = {mark.span.id for mark in scene.marks if mark.style is SpanStyle.OWN}
            chips = [mark.span.id for mark in scene.marks if mark.chip is not None and mark.chip.contains(pos)]
            if chips:
                return _own_first(chips, own)
            if scene.top <= pos.y() < scene.bottom and scene.left <= pos.x() <= scene.right:
                line = block.layout().lineAt(scene.line_index)
                relative = line.xToCursor(pos.x(), QTextLine.CursorPosition.CursorOnCharacter)
                return _own_first(model.spans_at(offsets.from_qt(scene.block_position + relative)), own)
            if pos.y() >= scene.bottom:
                underlined = [mark.span.id for mark in scene.marks if mark.x1 <= pos.x() <= mark.x2
                              and scene.underline_y(mark.level) - 1 <= pos.y() <= scene.underline_y(mark.level) + scene.step]
                if underlined:
                    return _own_first(underlined, own)
        return []


def _own_first(span_ids: list[int], own: set[int]) -> list[int]:
    """The analyst's spans before the rest, each kind in the order given (innermost first), once."""
    return sorted(dict.fromkeys(span_ids), key=lambda span_id: span_id not in own)
