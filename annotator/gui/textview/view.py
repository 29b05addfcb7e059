"""The document text view: read-only, selectable text with spans and relations drawn over it.

Design (see also ``scene.py``):
- The text goes into a ``QPlainTextEdit`` once and is never modified or read back: stored
  offsets are code points and are converted to Qt's UTF-16 positions by ``OffsetMap``; copied
  text is sliced from the stored text.
- Annotations never enter the ``QTextDocument`` (no char formats, no highlighter, no
  ExtraSelections): every repaint asks an interval index for the spans of each visible line
  and paints tints under the text and underlines, chips, outlines and arcs over it. Opening a
  1 MB document therefore costs only Qt's own ``setPlainText`` plus building the index, and
  changing a span costs an index update plus a repaint of the lines it touches. A
  ``QSyntaxHighlighter`` re-formats every block on ``setPlainText`` and on every
  ``set_annotations``: measured on 1 MB with 20,000 spans, 122 ms and 97 ms even for a bare one
  that only sets backgrounds, against 50 ms for this view's whole open and first paint.
- ``GappedLayout`` leaves room above each line for chips and arcs and below it for stacked
  underlines.
- Window-level single-key shortcuts must reach the main window, so the view declines the
  ``ShortcutOverride`` for them (``_leave_to_shortcuts``) and claims it for the keys that move,
  select and copy (``_is_view_key``), which a read-only QPlainTextEdit would otherwise give up.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextLine,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolTip, QWidget

from annotator.gui.offsets import OffsetMap, qt_display_text
from annotator.gui.textview.layout import GappedLayout
from annotator.gui.textview.metrics import Metrics
from annotator.gui.textview.model import SpanModel
from annotator.gui.textview.paint import paint_overlays, paint_tints
from annotator.gui.textview.scene import LineScene, SceneBuilder
from annotator.gui.textview.style import SpanColors
from annotator.gui.textview.tooltips import tooltip_html
from annotator.store.records import RelationRecord, SpanRecord

DOCUMENT_MARGIN = 14.0
_SHORTCUT_KEYS = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Delete, Qt.Key.Key_Backspace,
                  Qt.Key.Key_Return, Qt.Key.Key_Enter)
_VIEW_KEYS = tuple(
    getattr(QKeySequence.StandardKey, name)
    for name in ("Copy", "SelectAll")
    + tuple(f"{verb}{where}" for verb in ("MoveTo", "Select") for where in (
        "NextChar", "PreviousChar", "NextWord", "PreviousWord", "NextLine", "PreviousLine", "NextPage",
        "PreviousPage", "StartOfLine", "EndOfLine", "StartOfBlock", "EndOfBlock", "StartOfDocument",
        "EndOfDocument"))
)


class DocumentView(QPlainTextEdit):
    """Shows one document with its annotations; the main window decides what clicks mean."""

    spanClicked = Signal(int)  # noqa: N815 (Qt naming)
    """The user clicked a span; clicking again at the same place cycles through the overlapping
    spans there, innermost first. The view does not make the span current itself."""

    selectionRangeChanged = Signal(int, int)  # noqa: N815
    """The text selection in code points, (-1, -1) when nothing is selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        document = QTextDocument(self)
        document.setUndoRedoEnabled(False)
        self._layout = GappedLayout(document)
        document.setDocumentLayout(self._layout)
        document.setDocumentMargin(DOCUMENT_MARGIN)
        self.setDocument(document)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setTabChangesFocus(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setCursorWidth(2)

        self._text = ""
        self._offsets = OffsetMap("")
        self._model = SpanModel()
        self._owner: str | None = None
        self._colors: dict[str, str] = {}
        self._span_colors = SpanColors(self.palette(), self._colors)
        self._current: int | None = None
        self._relation_mode = False
        self._last_selection = (-1, -1)
        self._press: QPoint | None = None
        self._double_clicked = False
        self._last_click: tuple[tuple[int, ...], int] | None = None

        self._metrics = Metrics(self.font())
        self._layout.set_gaps(self._metrics.above, self._metrics.below)
        font = QFont(self.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(max(11.0, font.pointSizeF() * 1.1))
        self.setFont(font)  # changeEvent derives the metrics and gaps of the reading font
        self.selectionChanged.connect(self._on_selection_changed)

    # --- content -------------------------------------------------------------------------

    def set_document(self, text: str, spans: Sequence[SpanRecord], relations: Sequence[RelationRecord],
                     colors: dict[str, str], *, owner: str | None) -> None:
        """Show a new document from its top, with no current span and no selection."""
        self._text = text
        self._offsets = OffsetMap(text)
        self._owner = owner
        self._colors = dict(colors)
        self._span_colors = SpanColors(self.palette(), self._colors)
        self._current = None
        self._last_click = None
        self._model.reset(spans, relations)
        self._load_text()
        self.verticalScrollBar().setValue(0)
        self.horizontalScrollBar().setValue(0)
        self.viewport().update()

    def _load_text(self) -> None:
        """Put the text into the document, making sure Qt's positions match ours one for one."""
        expected = self._offsets.utf16_length + 1  # Qt counts one more: the final block end
        for strict in (False, True):
            self.setPlainText(qt_display_text(self._text, strict=strict))
            if self.document().characterCount() == expected:
                return
        raise RuntimeError(
            f"Qt changed the length of the text ({self.document().characterCount()} positions, "
            f"expected {expected}); span offsets would be wrong."
        )

    def set_annotations(self, spans: Sequence[SpanRecord], relations: Sequence[RelationRecord]) -> None:
        """Replace all spans and relations; text, scroll position and selection stay."""
        self._model.reset(spans, relations)
        if self._current not in self._model.spans:
            self._current = None
        self.viewport().update()

    def add_span(self, span: SpanRecord) -> None:
        previous = self._model.put_span(span)
        if previous is not None:
            self._update_range(previous.start, previous.end)
        self._update_range(span.start, span.end)

    def replace_span(self, span: SpanRecord) -> None:
        """Show the new state of a span (label, attributes, note or offsets changed)."""
        self.add_span(span)
        if self._model.relations_of(span.id):
            self.viewport().update()

    def remove_span(self, span_id: int) -> None:
        """Remove a span and the relations that use it (the store deletes them together)."""
        span, relations = self._model.remove_span(span_id)
        if span is None:
            return
        if self._current == span_id:
            self._current = None
        if relations:
            self.viewport().update()
        else:
            self._update_range(span.start, span.end)

    def add_relation(self, relation: RelationRecord) -> None:
        self._model.add_relation(relation)
        self.viewport().update()

    def remove_relation(self, relation_id: int) -> None:
        if self._model.remove_relation(relation_id) is not None:
            self.viewport().update()

    def set_colors(self, colors: dict[str, str]) -> None:
        """Label (and relation) name to "#rrggbb"."""
        self._colors = dict(colors)
        self._span_colors = SpanColors(self.palette(), self._colors)
        self.viewport().update()

    def set_owner(self, owner: str | None) -> None:
        """The current annotator, whose "annotation" layer spans are editable and tinted."""
        self._owner = owner
        self.viewport().update()

    # --- queries -------------------------------------------------------------------------

    def span(self, span_id: int) -> SpanRecord | None:
        return self._model.spans.get(span_id)

    def spans_at(self, position: int) -> list[int]:
        """Ids of the spans covering code point ``position``, innermost (shortest) first."""
        return self._model.spans_at(position)

    def span_ids_in_order(self) -> list[int]:
        """All shown spans by (start, -end, id), for Tab / Shift+Tab."""
        return list(self._model.order())

    # --- current span and modes ----------------------------------------------------------

    def current_span_id(self) -> int | None:
        return self._current

    def set_current_span(self, span_id: int | None, *, scroll: bool = True) -> None:
        """Outline a span (None: none) and, with ``scroll``, bring it into view. Emits nothing."""
        previous = self._model.spans.get(self._current) if self._current is not None else None
        span = self._model.spans.get(span_id) if span_id is not None else None
        self._current = span.id if span is not None else None
        if previous is not None:
            self._update_range(previous.start, previous.end)
        if span is not None:
            if scroll:
                self._scroll_to(self._offsets.to_qt(span.start))
            self._update_range(span.start, span.end)

    def set_relation_mode(self, active: bool) -> None:
        """Cross cursor and a highlighted head (the current span); clicks still emit spanClicked."""
        self._relation_mode = active
        self.viewport().setCursor(Qt.CursorShape.CrossCursor if active else Qt.CursorShape.IBeamCursor)
        if self._current is not None:
            span = self._model.spans[self._current]
            self._update_range(span.start, span.end)

    def set_font_point_size(self, size: float) -> None:
        font = QFont(self.font())
        font.setPointSizeF(size)
        self.setFont(font)

    # --- selection -----------------------------------------------------------------------

    def selected_range(self) -> tuple[int, int] | None:
        """The selection in code points, None when it is empty."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._offsets.from_qt(cursor.selectionStart())
        end = self._offsets.from_qt_end(cursor.selectionEnd())
        return (start, end) if start < end else None

    def select_range(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def _on_selection_changed(self) -> None:
        selected = self.selected_range() or (-1, -1)
        if selected != self._last_selection:
            self._last_selection = selected
            self.selectionRangeChanged.emit(*selected)

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 (Qt override)
        """Copy the stored text, not Qt's rendering of it (which has U+2029 at line breaks)."""
        data = QMimeData()
        selected = self.selected_range()
        if selected is not None:
            data.setText(self._text[selected[0]:selected[1]])
        return data

    # --- painting ------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        scenes = self._scenes(event.rect())
        if any(scene.tints for scene in scenes):
            painter = QPainter(self.viewport())
            painter.setClipRect(event.rect())
            paint_tints(painter, scenes, self._span_colors)
            painter.end()
        super().paintEvent(event)
        if scenes:
            painter = QPainter(self.viewport())
            painter.setClipRect(event.rect())
            paint_overlays(painter, scenes, self._span_colors, self._metrics, current=self._current,
                           relation_mode=self._relation_mode, owner=self._owner)
            painter.end()

    def _scenes(self, clip: QRect) -> list[LineScene]:
        lines = [(block.position(), line, origin) for block, line, origin in self._visible_lines(clip)]
        return self._builder().build(lines)

    def _builder(self) -> SceneBuilder:
        return SceneBuilder(self._model, self._offsets, self._metrics, self._owner, self.viewport().width())

    def _visible_blocks(self) -> Iterator[tuple[QTextBlock, QRectF]]:
        """Blocks on screen, top to bottom, with their rectangles in viewport coordinates.

        Walks from ``firstVisibleBlock`` adding heights, as ``QPlainTextEdit`` paints, rather
        than asking ``blockBoundingGeometry`` per block (which walks from the top each time).
        """
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        height = self.viewport().height()
        while block.isValid() and offset.y() <= height:
            rect = self.blockBoundingRect(block).translated(offset)
            yield block, rect
            offset.setY(rect.bottom())
            block = block.next()

    def _visible_lines(self, clip: QRect) -> Iterator[tuple[QTextBlock, QTextLine, QPointF]]:
        """Lines whose text, chips, arcs or underlines fall inside ``clip``, with the origin of
        their block's layout in viewport coordinates."""
        above, below = self._metrics.above, self._metrics.below
        for block, rect in self._visible_blocks():
            if rect.top() > clip.bottom():
                break
            if rect.bottom() < clip.top() or not block.isVisible():
                continue
            layout = block.layout()
            for index in range(layout.lineCount()):
                line = layout.lineAt(index)
                top = rect.top() + line.y()
                if top - above <= clip.bottom() and top + line.height() + below >= clip.top():
                    yield block, line, rect.topLeft()

    def _update_range(self, start: int, end: int) -> None:
        """Repaint only the blocks that hold code points ``[start, end)``, where visible."""
        document = self.document()
        first = document.findBlock(self._offsets.to_qt(start)).blockNumber()
        last = document.findBlock(self._offsets.to_qt(max(start, end - 1))).blockNumber()
        top: float | None = None
        bottom = 0.0
        for block, rect in self._visible_blocks():
            number = block.blockNumber()
            if number > last:
                break
            if number >= first:
                top = rect.top() if top is None else top
                bottom = rect.bottom()
        if top is not None:
            self.viewport().update(QRect(0, int(top) - 1, self.viewport().width(), int(bottom - top) + 3))

    def _scroll_to(self, position: int) -> None:
        """Bring UTF-16 ``position`` into view, a third of a page from the top, unless its
        line is already fully visible."""
        block = self.document().findBlock(position)
        self._layout.blockBoundingRect(block)  # lays the block out, so its lines are known
        line = block.layout().lineForTextPosition(position - block.position())
        if not line.isValid():
            return
        height = self.viewport().height()
        for shown, rect in self._visible_blocks():
            if shown == block:
                top = rect.top() + line.y()
                if top - self._metrics.above >= 0 and top + line.height() + self._metrics.below <= height:
                    return
                break
        per_line = self._metrics.text_height + self._metrics.above + self._metrics.below
        context = int(height / per_line / 3)
        self.verticalScrollBar().setValue(max(0, block.firstLineNumber() + line.lineNumber() - context))

    # --- hit testing, clicks and tooltips -------------------------------------------------

    def _hit(self, point: QPoint) -> list[int]:
        """Span ids at a viewport point: the chip's span, the spans under the character (innermost
        first), or the span whose underline is there."""
        pos = QPointF(point)
        for scene in self._scenes(QRect(point, point)):
            line = scene.line
            for mark in scene.marks:
                if mark.chip is not None and mark.chip.contains(pos):
                    return [mark.span.id]
            if scene.top <= pos.y() < scene.bottom and scene.left <= pos.x() <= scene.right:
                relative = line.xToCursor(pos.x() - scene.origin_x, QTextLine.CursorPosition.CursorOnCharacter)
                return self._model.spans_at(self._offsets.from_qt(scene.block_position + relative))
            if pos.y() >= scene.bottom:
                for mark in scene.marks:
                    y = scene.underline_y(mark.level)
                    if mark.x1 <= pos.x() <= mark.x2 and y - 1 <= pos.y() <= y + scene.step:
                        return [mark.span.id]
        return []

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        self._press = event.position().toPoint() if event.button() == Qt.MouseButton.LeftButton else None
        self._double_clicked = False
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        self._double_clicked = True  # a double click selects a word; its release is no span click
        super().mouseDoubleClickEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if press is None or self._double_clicked or event.button() != Qt.MouseButton.LeftButton:
            return
        if event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier):
            return
        point = event.position().toPoint()
        if (point - press).manhattanLength() >= QApplication.startDragDistance():
            return  # a drag made a selection
        candidates = tuple(self._hit(point))
        if not candidates:
            return
        index = 0
        if self._last_click is not None and self._last_click[0] == candidates:
            index = (candidates.index(self._last_click[1]) + 1) % len(candidates)
        self._last_click = (candidates, candidates[index])
        self.spanClicked.emit(candidates[index])

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            ids = self._hit(event.pos())
            if ids:
                spans = [self._model.spans[span_id] for span_id in ids]
                QToolTip.showText(event.globalPos(), tooltip_html(spans, self._text, self._owner), self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    # --- keys, fonts and palette ---------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.ShortcutOverride:
            # Accepting the override keeps the key for the view; ignoring it lets a window
            # QAction with that shortcut fire.
            if _is_view_key(event):
                event.accept()
                return True
            if _leave_to_shortcuts(event):
                event.ignore()
                return True
        return super().event(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        # Qt may send these while QPlainTextEdit.__init__ runs, before our fields exist.
        if event.type() == QEvent.Type.FontChange and hasattr(self, "_metrics"):
            self._metrics = Metrics(self.font())
            self._layout.set_gaps(self._metrics.above, self._metrics.below)
        elif event.type() == QEvent.Type.PaletteChange and hasattr(self, "_metrics"):
            self._span_colors = SpanColors(self.palette(), self._colors)
        super().changeEvent(event)


def _is_view_key(event: QKeyEvent) -> bool:
    """Moving the caret, selecting and copying: these stay with the view even if the window
    binds the same keys (a read-only QPlainTextEdit would let such a shortcut take them)."""
    return any(event.matches(key) for key in _VIEW_KEYS)


def _leave_to_shortcuts(event: QKeyEvent) -> bool:
    """Keys the main window binds as shortcuts and the read-only view has no use for: single
    characters without Ctrl/Alt/Meta (label keys, R, N, P), Tab/Backtab, Delete, Backspace and
    Return/Enter. Arrows, Home/End, PageUp/Down, Ctrl+A and Ctrl+C stay with the view."""
    if event.key() in _SHORTCUT_KEYS:
        return True
    command = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
    if event.modifiers() & command:
        return False
    text = event.text()
    return len(text) == 1 and text.isprintable()
