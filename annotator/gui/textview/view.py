"""The document text view: read-only, selectable text with spans and relations drawn over it.

Design (see also ``scene.py``):
- The text goes into a ``QPlainTextEdit`` once and is never modified or read back: stored
  offsets are code points and are converted to Qt's UTF-16 positions by ``OffsetMap``; copied
  text is sliced from the stored text.
- Annotations never enter the ``QTextDocument`` (no char formats, no highlighter, no
  ExtraSelections): the view asks an interval index for the spans of each shown block, builds
  the scenes of its lines (``scene.py``; cached per block, dropped when that block's
  annotations change) and paints tints under the text and underlines, chips, outlines and arcs
  over it. Opening a 1 MB document therefore costs only Qt's own ``setPlainText`` plus building
  the index, and changing a span costs an index update, the scenes of the blocks it touches
  and a repaint of their lines (of the view, when their height changed). A
  ``QSyntaxHighlighter`` re-formats every block on ``setPlainText`` and on every
  ``set_annotations``: measured on 1 MB with 20,000 spans, 122 ms and 97 ms even for a bare one
  that only sets backgrounds, against 50 ms for this view's whole open and first paint.
- ``GappedLayout`` leaves room above each line for chips and arcs and below it for stacked
  underlines, as much as that line needs (``_room``: read from the very scenes that are
  painted, ``scene_cache.py``). When annotations change, only the blocks they touch are asked
  again, and only those whose room changed are laid out again (``_changed``).
- Where lines are on screen (what a paint or a click reaches, repainting a range, scrolling to a
  span) is ``screen.py``; which keys the view keeps from the window's shortcuts, ``keys.py``;
  relations across lines, one connector each, ``connectors.py``; quiet suggestions (no chip
  until hovered or current), ``quiet.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QPoint, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QResizeEvent,
    QTextBlock,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QMenu, QPlainTextEdit, QToolTip, QWidget

from annotator.gui.offsets import OffsetMap, qt_display_text
from annotator.gui.textview.connectors import Connector, Connectors, drawn_relations
from annotator.gui.textview.keys import is_view_key, leave_to_shortcuts
from annotator.gui.textview.layout import Gap, GappedLayout
from annotator.gui.textview.metrics import Metrics
from annotator.gui.textview.model import SpanModel
from annotator.gui.textview.paint import Shown, paint_overlays, paint_tints
from annotator.gui.textview.quiet import SuggestionFocus
from annotator.gui.textview.scene import SceneBuilder
from annotator.gui.textview.scene_cache import SceneCache, line_rooms
from annotator.gui.textview.screen import ScreenLines
from annotator.gui.textview.style import SpanColors
from annotator.gui.textview.text_fill import NEAR_SCREENS, TextFill
from annotator.gui.textview.tooltips import tooltip_html
from annotator.store.records import RelationRecord, SpanRecord

DOCUMENT_MARGIN = 14.0
MIN_SCREEN = (800, 600)  # pixels: a view not laid out yet (its window not shown yet) counts as this big


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
        self.tooltip_extra: Callable[[SpanRecord], str] | None = None  # rich text appended per span
        self._press: QPoint | None = None
        self._double_clicked = False
        self._last_click: tuple[tuple[int, ...], int] | None = None
        self._scenes = SceneCache(self._builder)
        self._batch: tuple[list[tuple[int, int]], list[int]] | None = None  # see ``changing``
        self._loading: Callable[[], None] | None = None  # reads the spans not read yet: ``begin_loading``
        # The spans of the document shown before, let go of once the new one is painted: freeing
        # 20,000 of them took 10 ms of the key that opened the next document (a zero timer
        # started in the key still ran before Qt's repaint).
        self._discarded: list[object] = []
        # A long text goes in by parts (``text_fill``); what waits for the new document's first
        # paint (the rest of its text, the rest of its spans) starts then, not inside the key.
        self._fill = TextFill(self, self.screen_chars, self._mapped, self._text_filled, self._load_text)
        self._painted_waiting: list[Callable[[], None]] = []
        self._after_paint = QTimer(self, singleShot=True, interval=0)
        self._after_paint.timeout.connect(self._run_after_paint)
        self._screen = ScreenLines(self, self._layout, self._scenes)
        self._connectors = Connectors()
        self._focus = SuggestionFocus(self._model, lambda point: self._screen.hit(point, self._model, self._offsets),
                                      self._screen.shown, self._update_range, self.viewport().update)

        self._metrics = Metrics(self.font())
        self._layout.set_room(self._room)
        font = QFont(self.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(max(11.0, font.pointSizeF() * 1.1))
        self.setFont(font)  # changeEvent derives the metrics and gaps of the reading font
        self.selectionChanged.connect(self._on_selection_changed)

    # --- content -------------------------------------------------------------------------

    def set_document(self, text: str, spans: Sequence[SpanRecord], relations: Sequence[RelationRecord],
                     colors: dict[str, str], *, owner: str | None, text_first: int | None = None) -> None:
        """Show a new document from its top, with no current span and no selection. With
        ``text_first`` (code points), Qt gets the text to the paragraph end a screen past it (and
        past every span given) and the last screen's now, the rest once painted, in idle slices
        (``text_fill``)."""
        self._painted_waiting.clear()
        self._fill.stop()
        self._text = text
        self._owner = owner
        self._colors = dict(colors)
        self._span_colors = SpanColors(self.palette(), self._colors)
        self._current = None
        self._last_click = None
        self._loading = None
        self._focus.reset()
        self._let_go(self._model.reset(spans, relations))
        self._scenes.clear()
        self._layout.forget()  # setPlainText lays everything out again, with the new model
        if text_first is None:
            self._offsets = OffsetMap(text)
            self._load_text()
        else:  # the offsets too come with the text's first part
            self._load_text(max([text_first, *(span.end for span in spans)]))
        self.verticalScrollBar().setValue(0)
        self.horizontalScrollBar().setValue(0)
        self.viewport().update()

    def _let_go(self, contents: object) -> None:
        self._discarded.append(contents)
        self.when_painted(self._discarded.clear)

    def _load_text(self, first: int | None = None) -> None:
        """Put the text into the document, making sure Qt's positions match ours one for one;
        with ``first``, only to the paragraph end after code point ``first`` and the last
        screen's paragraphs for now (``text_fill``)."""
        if first is not None:
            shown = qt_display_text(self._text)
            screen = self.screen_chars()  # a screen more: the analyst may scroll before the rest is in
            head = self._fill.begin(shown, first + screen * (1 + NEAR_SCREENS), screen)
            if head is not None:
                self._offsets = head  # right for all the text Qt holds, until ``_mapped``
                self._connectors.set_text(shown)
                self.when_painted(self._fill.go_on)
                return
        if first is not None:  # a text that fits in its first part
            self._offsets = OffsetMap(self._text)
        expected = self._offsets.utf16_length + 1  # Qt counts one more: the final block end
        value = self.verticalScrollBar().value()  # a part given before: the reader stays on its line
        for strict in (False, True):
            shown = qt_display_text(self._text, strict=strict)
            self.setPlainText(shown)
            self.verticalScrollBar().setValue(value)
            if self.document().characterCount() == expected:
                self._connectors.set_text(shown)
                return
        raise RuntimeError(
            f"Qt changed the length of the text ({self.document().characterCount()} positions, "
            f"expected {expected}); span offsets would be wrong."
        )

    def set_annotations(self, spans: Sequence[SpanRecord], relations: Sequence[RelationRecord]) -> None:
        """Replace all spans and relations; text, scroll position and selection stay."""
        self._loading = None
        self._let_go(self._model.reset(spans, relations))
        if self._current not in self._model.spans:
            self._current = None
        self._scenes.clear()
        self._layout.reset()
        self.viewport().update()

    # --- a document whose spans (or text) are still being read ---------------------------

    @property
    def loading(self) -> bool:
        """Whether some of the document's spans are not read yet (``begin_loading``) or some
        of its text is not in Qt's document yet (``text_fill``)."""
        return self._loading is not None or self._fill.active

    def text_filled(self) -> int:
        """Code points of the text Qt's document holds (the whole text once loaded)."""
        return self._fill.filled if self._fill.active else len(self._text)

    def finish_text(self) -> None:
        """The whole text in Qt's document now (positions past the first part are used)."""
        self._fill.finish()

    def _mapped(self, offsets: OffsetMap) -> None:
        """The whole text's offsets, made before the text past the first part goes in."""
        self._offsets = offsets

    def _text_filled(self, first: int, last: int, shifted: bool) -> None:
        """Blocks ``first`` to ``last`` were placeholders and hold their text now; with
        ``shifted``, the blocks after them have other numbers now (scenes and gaps are kept by
        block number)."""
        if shifted:
            self._scenes.clear()
            self._layout.reset()
        else:
            self._scenes.drop(range(first, last + 1))

    def when_painted(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the view has painted (the document just shown is on screen):
        idle work after a key starts after its repaint. A view not shown runs it at once (from
        the event loop); one that gets no paint (a minimised window), after a while. A new
        document drops the callbacks still waiting."""
        self._painted_waiting.append(callback)
        self._after_paint.start(100 if self.isVisible() else 0)

    def _run_after_paint(self) -> None:
        waiting, self._painted_waiting = self._painted_waiting, []
        for callback in waiting:
            callback()

    def begin_loading(self, finish: Callable[[], None]) -> None:
        """The document shown has more spans than the view holds yet; ``finish`` reads them all
        (through ``add_loaded``, then ``end_loading``). The view calls it before anything that
        needs every span: a span looked up by id that it does not hold, the reading order (Tab,
        ] and [), the spans at a position, counts, relations, and every change of spans or
        relations. Painting and hit-testing use what is there."""
        self._loading = finish

    def end_loading(self, finish: Callable[[], None]) -> None:
        """``finish`` (as given to ``begin_loading``) has read everything, or is given up."""
        if self._loading == finish:
            self._loading = None

    def add_loaded(self, spans: Sequence[SpanRecord], relations: Sequence[RelationRecord], first: int,
                   stop: int) -> None:
        """The spans starting in ``[first, stop)`` (code points) and the relations read with them:
        the lines they are on are measured and drawn again (lines scrolled to before their spans
        arrived, or with an arc to a span just read)."""
        self._fill.ensure(max([stop, *(span.end for span in spans)]))
        model = self._model
        model.extend(spans, relations)
        ends = [end for relation in relations for end_id in (relation.head_id, relation.tail_id)
                if (end := model.spans.get(end_id)) is not None and end.start < first]
        ranges = [(first, max(first, min(stop, len(self._text))))] if spans else []
        self._changed(ranges + [(span.start, span.end) for span in spans if span.end > stop],
                      [end.start for end in ends])
        if ends and (shown := self._shown_range()) is not None:  # an arc or a connector over the screen
            reached = [(min(head.start, tail.start), max(head.end, tail.end)) for relation in relations
                       if (head := model.spans.get(relation.head_id)) is not None
                       and (tail := model.spans.get(relation.tail_id)) is not None]
            if any(start <= shown[1] and end >= shown[0] for start, end in reached):
                self.viewport().update()

    def _shown_range(self) -> tuple[int, int] | None:
        """The code points of the blocks on screen, first to last; None when there are none."""
        blocks = [block for block, _rect in self._screen.visible_blocks()]
        if not blocks:
            return None
        return (self._offsets.from_qt(blocks[0].position()),
                self._offsets.from_qt(blocks[-1].position() + blocks[-1].length()))

    def screen_chars(self) -> int:
        """How many characters a screen of the view can show at most: lines of the plain line
        height, each full of average characters (a line with room for chips and arcs, a wrapped
        or short line, holds fewer)."""
        metrics = self.fontMetrics()
        viewport = self.viewport()
        width = max(viewport.width(), MIN_SCREEN[0])
        height = max(viewport.height(), MIN_SCREEN[1])
        return (height // max(1, metrics.lineSpacing()) + 1) * (width // max(1, metrics.averageCharWidth()) + 1)

    def _complete(self) -> None:
        """Read the spans (and the text) not read yet, if any (``begin_loading``)."""
        self._fill.finish()
        if self._loading is not None:
            self._loading()

    # --- changes ---------------------------------------------------------------------------

    def add_span(self, span: SpanRecord) -> None:
        self._complete()
        previous = self._model.put_span(span)
        ranges = [(span.start, span.end)] if previous is None else [(previous.start, previous.end),
                                                                     (span.start, span.end)]
        partners = self._model.partners(span.id)
        self._changed(ranges, [other.start for other in partners])
        if partners:
            self.viewport().update()  # the arcs to it moved or appeared

    def replace_span(self, span: SpanRecord) -> None:
        """Show the new state of a span (label, attributes, note or offsets changed)."""
        self.add_span(span)

    def remove_span(self, span_id: int) -> None:
        """Remove a span and the relations that use it (the store deletes them together)."""
        self._complete()
        span, relations = self._model.remove_span(span_id)
        if span is None:
            return
        if self._current == span_id:
            self._current = None
        ends = [self._model.spans.get(end) for relation in relations for end in (relation.head_id, relation.tail_id)]
        self._changed([(span.start, span.end)], [end.start for end in ends if end is not None])
        if relations:
            self.viewport().update()

    def add_relation(self, relation: RelationRecord) -> None:
        self._complete()
        previous = self._model.relations.get(relation.id)
        self._model.add_relation(relation)
        self._relation_changed(relation, previous)

    def remove_relation(self, relation_id: int) -> None:
        self._complete()
        relation = self._model.remove_relation(relation_id)
        if relation is not None:
            self._relation_changed(relation)

    def _relation_changed(self, *relations: RelationRecord | None) -> None:
        """Arcs are drawn on the lines where the chips of their head and tail are."""
        ends = [self._model.spans.get(end) for relation in relations if relation is not None
                for end in (relation.head_id, relation.tail_id)]
        self._changed([], [end.start for end in ends if end is not None])
        self.viewport().update()

    @contextmanager
    def changing(self) -> Iterator[None]:
        """Several span and relation changes as one: the blocks they touch are measured again
        (their scenes built) and repainted once, at the end, not after each change (an accepted
        suggestion goes and its copy comes on the same line)."""
        if self._batch is not None:
            yield
            return
        self._complete()
        self._batch = ([], [])
        try:
            yield
        finally:
            ranges, positions = self._batch
            self._batch = None
            if ranges or positions:
                self._changed(ranges, positions)

    def _changed(self, ranges: Sequence[tuple[int, int]], positions: Sequence[int]) -> None:
        """Annotations changed on code points ``ranges`` (underlines, chips) and on the lines
        holding ``positions`` (arcs): ask the layout to measure those blocks again, and repaint
        them; when a block's room changed, Qt lays it out again and repaints the whole view.
        Inside ``changing`` this waits for its end."""
        if self._batch is not None:
            self._batch[0].extend(ranges)
            self._batch[1].extend(positions)
            return
        document = self.document()
        blocks: dict[int, QTextBlock] = {}
        for start, end in [*ranges, *((position, position + 1) for position in positions)]:
            block = document.findBlock(self._offsets.to_qt(start))
            last = document.findBlock(self._offsets.to_qt(max(start, end - 1))).blockNumber()
            while block.isValid() and block.blockNumber() <= last:
                blocks[block.blockNumber()] = block
                block = block.next()
        self._scenes.drop(blocks)
        if self._layout.refresh(blocks.values()):
            self.viewport().update()
            return
        for start, end in ranges:
            self._update_range(start, end)

    def _room(self, block: QTextBlock) -> list[Gap]:
        """Room above and below each line of a laid-out block: the layout's callback."""
        return line_rooms(block, self._scenes.scenes(block), self._metrics)

    def set_colors(self, colors: dict[str, str]) -> None:
        """Label (and relation) name to "#rrggbb"."""
        self._colors = dict(colors)
        self._span_colors = SpanColors(self.palette(), self._colors)
        self.viewport().update()

    def set_owner(self, owner: str | None) -> None:
        """The current annotator, whose "annotation" layer spans are editable and tinted."""
        self._owner = owner
        self._scenes.clear()
        self.viewport().update()

    # --- queries -------------------------------------------------------------------------

    def span(self, span_id: int) -> SpanRecord | None:
        span = self._model.spans.get(span_id)
        if span is None and self._loading is not None:
            self._complete()
            span = self._model.spans.get(span_id)
        return span

    def spans_at(self, position: int) -> list[int]:
        """Ids of the spans covering code point ``position``, innermost (shortest) first."""
        self._complete()
        return self._model.spans_at(position)

    def relations_touching(self, span_id: int) -> list[RelationRecord]:
        """The relations held for this span, by id, whether or not their other end is shown."""
        self._complete()
        return self._model.touching(span_id)

    def count_spans(self, layer: str, annotator: str) -> int:
        """How many spans of ``annotator``'s ``layer`` are shown (kept, not counted per call)."""
        self._complete()
        return self._model.count(layer, annotator)

    def span_ids_in_order(self) -> list[int]:
        """All shown spans by (start, -end, id), for Tab / Shift+Tab."""
        self._complete()
        return list(self._model.order())

    # --- current span and modes ----------------------------------------------------------

    def current_span_id(self) -> int | None:
        return self._current

    def set_current_span(self, span_id: int | None, *, scroll: bool = True) -> None:
        """Outline a span (None: none) and, with ``scroll``, bring it into view. Emits nothing."""
        previous = self._model.spans.get(self._current) if self._current is not None else None
        span = self.span(span_id) if span_id is not None else None
        self._current = span.id if span is not None else None
        if previous is not None:
            self._update_range(previous.start, previous.end)
        if span is not None:
            if scroll:
                self._screen.scroll_to(self._offsets.to_qt(span.start))
            self._update_range(span.start, span.end)
        self._focus.current_changed(previous, span)

    def set_relation_mode(self, active: bool) -> None:
        """Cross cursor and a highlighted head (the current span); clicks still emit spanClicked."""
        self._relation_mode = active
        self.viewport().setCursor(Qt.CursorShape.CrossCursor if active else Qt.CursorShape.IBeamCursor)
        if self._current is not None:
            span = self._model.spans[self._current]
            self._update_range(span.start, span.end)

    def set_quiet_suggestions(self, quiet: bool) -> None:
        """Suggestions without chips and with a light underline until hovered or current."""
        self._focus.reset(quiet=quiet)
        self.viewport().setMouseTracking(quiet)
        self._scenes.clear()
        self._layout.reset()
        self.viewport().update()

    def quiet_suggestions(self) -> bool:
        return self._focus.quiet

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
        self._fill.finish()  # the caller may scroll there
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def _on_selection_changed(self) -> None:
        selected = self.selected_range() or (-1, -1)
        if selected != self._last_selection:
            self._last_selection = selected
            self.selectionRangeChanged.emit(*selected)

    def copy(self) -> None:
        """Copy the stored text, not Qt's rendering of it (U+2029 at line breaks, CR as space).

        Shadows ``QPlainTextEdit.copy`` and is wired to Ctrl+C and the context menu, instead of
        overriding ``createMimeDataFromSelection``: the clipboard keeps the data it is given
        until the process ends, and a ``QMimeData`` made in Python would then be destroyed by
        Qt's exit-time clean-up after the interpreter is gone, crashing the process on exit.
        """
        selected = self.selected_range()
        if selected is not None:
            QApplication.clipboard().setText(self._text[selected[0]:selected[1]])

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        self._fill.finish()  # Ctrl+End, Page Down, Ctrl+A, Shift+Down…: Qt's keys reach any line
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt override)
        menu = QMenu(self)
        copy = menu.addAction("Copy", self.copy)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setEnabled(self.selected_range() is not None)
        menu.addAction("Select All", self.select_all).setShortcut(QKeySequence.StandardKey.SelectAll)
        menu.exec(event.globalPos())

    def select_all(self) -> None:
        self._fill.finish()
        self.selectAll()

    # --- painting ------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        shown: list[Shown] = [(offset, scene) for _block, offset, scene in self._screen.shown(event.rect())]
        connectors = self._visible_connectors()
        if any(scene.tints for _offset, scene in shown):
            painter = QPainter(self.viewport())
            painter.setClipRect(event.rect())
            paint_tints(painter, shown, self._span_colors)
            painter.end()
        if self._painted_waiting:
            self._after_paint.start(0)
        super().paintEvent(event)
        if shown or connectors:
            painter = QPainter(self.viewport())
            painter.setClipRect(event.rect())
            paint_overlays(painter, shown, self._span_colors, self._metrics, current=self._current,
                           relation_mode=self._relation_mode, owner=self._owner, connectors=connectors,
                           revealed=self._focus.revealed(self._current), quiet=self._focus.quiet)
            painter.end()

    def _visible_connectors(self) -> list[Connector]:
        return self._connectors.visible(list(self._screen.visible_blocks()), self._scenes, self._model,
                                        self.contentOffset().x() + self.document().documentMargin(),
                                        self.viewport().height())

    def drawn_relations(self) -> list[tuple[int, QPainterPath, QRectF | None]]:
        """Each relation on screen as drawn, in viewport coordinates: its id, its one path (an
        arc, or a connector across lines) and its label's rectangle (None when off screen)."""
        return drawn_relations(self._screen.shown(self.viewport().rect()), self._visible_connectors())

    def _builder(self) -> SceneBuilder:
        return SceneBuilder(self._model, self._offsets, self._metrics, self._owner, self.viewport().width(),
                            quiet=self._focus.quiet)

    def _update_range(self, start: int, end: int) -> None:
        """Repaint only the blocks that hold code points ``[start, end)``, where visible."""
        self._screen.update(self._offsets.to_qt(start), self._offsets.to_qt(max(start, end - 1)))

    # --- hit testing, clicks and tooltips -------------------------------------------------

    def _hit(self, point: QPoint) -> list[int]:
        chip = self._focus.chip_at(point, self._current)  # a quiet suggestion's chip, shown in focus
        return [chip] if chip is not None else self._screen.hit(point, self._model, self._offsets)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        self._focus.move(event.position().toPoint(), self._current)
        super().mouseMoveEvent(event)

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
        if event.type() == QEvent.Type.Leave:  # the pointer left the text (for the scroll bar too)
            self._focus.leave()
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            ids = self._hit(event.pos())
            if ids:
                spans = [self._model.spans[span_id] for span_id in ids]
                html = tooltip_html(spans, self._text, self._owner)
                if self.tooltip_extra is not None:  # e.g. a gold span's provenance, from the review window
                    html += "".join(self.tooltip_extra(span) for span in spans)
                QToolTip.showText(event.globalPos(), html, self.viewport())
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
            if is_view_key(event):
                event.accept()
                return True
            if leave_to_shortcuts(event):
                event.ignore()
                return True
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fill.near_screen()  # a taller view may reach the text not filled in yet

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        # Qt may send these while QPlainTextEdit.__init__ runs, before our fields exist.
        if event.type() == QEvent.Type.FontChange and hasattr(self, "_metrics"):
            self._metrics = Metrics(self.font())
            self._scenes.clear()
            self._layout.reset()
        elif event.type() == QEvent.Type.PaletteChange and hasattr(self, "_metrics"):
            self._span_colors = SpanColors(self.palette(), self._colors)
        super().changeEvent(event)

