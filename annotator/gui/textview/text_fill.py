"""A long text put into the view in parts: its first screens in the key that opens it, the rest
while the window is idle.

``QPlainTextEdit.setPlainText`` of a 1 MB text takes 16-22 ms of the shared machine, more than
the frame a key may take, though a screen shows a few thousand characters of it. So the view
gives Qt the text up to the end of the paragraph that ends its first screens (and the spans
read with them) and the paragraphs of its last screen, with an empty line between for each line
break ("\\n") of the text left out: placeholders. The document then has the blocks of the whole
text from the start; as Qt counts a block it has not laid out as one line and lays out the last
screen's to find the scroll bar's range, that range is the whole text's from the first paint,
and filling the placeholders in does not change it. Idle slices (a zero-interval timer, started
once the view has painted) replace placeholders by their text, a paragraph boundary at a time,
about ``FILL_CHARS`` characters each (about 2-3 ms of CPU).

At every moment the document holds ``shown[:filled]`` position for position (Qt's UTF-16
positions, ``OffsetMap``), an empty block per "\\n" of ``shown[filled:tail]``, then
``shown[tail:]``; the text from ``filled`` on counts as missing. Whatever would reach the
placeholders reads the text first: ``ensure(cp)`` fills up to the paragraph after ``cp`` (the
spans a stretch of ``document_load`` brings, a range selected), ``finish()`` all of it (a key
in the view, Select All, scrolling or resizing near the placeholders, anything that needs every
span). Neither a placeholder block nor the last part is ever painted or hit: the view's screen
never comes near them before they are filled (a placeholder is empty, so Qt's layout gives it
no gaps meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from annotator.gui.offsets import OffsetMap

FILL_CHARS = 150_000  # characters an idle slice puts in (to the next paragraph boundary)
NEAR_SCREENS = 1  # how close (in screens below the view) the placeholders may come before all is filled


def paragraph_end(text: str, at: int) -> int:
    """The offset just after the first "\\n" at or after ``at``, or the text's length."""
    if at >= len(text):
        return len(text)
    found = text.find("\n", max(0, at))
    return len(text) if found < 0 else found + 1


class TextFill(QObject):
    """The part of the shown text the view's document does not hold yet, and the slices that put
    it in. ``screen_chars()`` bounds the characters a screen shows; ``mapped(offsets)`` is given
    the whole text's offsets when they are made (before the first fill); ``dropped(first, last,
    shifted)`` is told the block numbers each fill replaced (their cached scenes are stale) and
    whether the blocks after them were numbered anew; ``failed()`` that Qt changed the length of
    a part (the view then loads the whole text again, strictly)."""

    def __init__(self, view: QPlainTextEdit, screen_chars: Callable[[], int], mapped: Callable[[OffsetMap], None],
                 dropped: Callable[[int, int, bool], None], failed: Callable[[], None]) -> None:
        super().__init__(view)
        self._screen_chars = screen_chars
        self._mapped = mapped
        self._whole = False  # whether ``_offsets`` are the whole text's (else the first part's)
        self._view = view
        self._dropped = dropped
        self._failed = failed
        self._shown = ""
        self._offsets = OffsetMap("")
        self._filled = 0  # code points of the shown text in the document; placeholders follow
        self._tail = 0  # where the last part begins (after the placeholders)
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._slice)
        self.slices = 0  # for tests and the benchmark
        view.verticalScrollBar().valueChanged.connect(lambda _value: self.near_screen())

    @property
    def active(self) -> bool:
        """Whether some of the text is still placeholders."""
        return self._filled < self._tail

    @property
    def filled(self) -> int:
        """Code points of the text the document holds (all of it when not ``active``)."""
        return self._filled if self.active else len(self._shown)

    def begin(self, shown: str, first: int, last: int) -> OffsetMap | None:
        """Give the document ``shown`` up to the paragraph end at or after ``first``, from the
        paragraph holding its ``last``-th character from the end on, and a placeholder per line
        break between. Returns the offsets of the first part (right up to its end; the whole
        text's are made before the first fill: 3 ms for 1 MB); None (and nothing held) when the
        text fits in those parts, or when Qt changed its length (the caller loads it whole)."""
        self.stop()
        cut = paragraph_end(shown, first)
        tail = shown.rfind("\n", 0, max(0, len(shown) - last)) + 1
        if tail <= cut:
            return None
        between = shown.count("\n", cut, tail)
        head = OffsetMap(shown[:cut])  # "shown" has the text's characters but CR of CRLF, at the same places
        self._view.setPlainText(f"{shown[:cut]}{chr(10) * between}{shown[tail:]}")
        if self._view.document().characterCount() != head.utf16_length + between + OffsetMap(
                shown[tail:]).utf16_length + 1:
            return None
        self._shown, self._offsets, self._filled, self._tail = shown, head, cut, tail
        return head

    def go_on(self) -> None:
        """Fill the rest in idle slices (the view has painted the first part)."""
        if self.active:
            self._timer.start()

    def stop(self) -> None:
        """Another text: forget this one (the caller replaces the document's text)."""
        self._timer.stop()
        self._shown, self._offsets, self._filled, self._tail = "", OffsetMap(""), 0, 0
        self._whole = False

    def ensure(self, cp: int) -> None:
        """The text up to code point ``cp`` (and the rest of its paragraph) in the document."""
        if self.active and cp >= self._filled:
            self._fill(cp)

    def finish(self) -> None:
        """All the text in the document, now."""
        if self.active:
            self._fill(self._tail)

    def near_screen(self) -> None:
        """Fill everything now if the text from the top of the screen to the placeholders is
        less than ``1 + NEAR_SCREENS`` screens (``screen_chars``, a generous bound of what a
        screen shows): scrolled or resized there, Qt must never show one. Called on every move of
        the scroll bar (before the paint it asks for) and resize; lays nothing out."""
        if not self.active:
            return
        view = self._view
        document = view.document()
        top = document.findBlockByLineNumber(view.verticalScrollBar().value()).position()
        if self._offsets.to_qt(self._filled) - top <= self._screen_chars() * (1 + NEAR_SCREENS):
            self.finish()

    def _slice(self) -> None:
        self._fill(self._filled + FILL_CHARS)
        self.slices += 1
        if self.active:
            self._timer.start()

    def _fill(self, stop: int) -> None:
        """Replace the placeholders up to the paragraph end at or after ``stop`` by their text."""
        self._timer.stop()
        shown, at = self._shown, self._filled
        if not self._whole:  # the first part's offsets so far: the rest's are needed now
            self._whole = True
            self._offsets = OffsetMap(shown)
            self._mapped(self._offsets)
        end = min(self._tail, paragraph_end(shown, max(stop, at)))  # the tail begins a paragraph
        chunk = shown[at:end]
        position = self._offsets.to_qt(at)
        placeholders = chunk.count("\n")
        view = self._view
        document = view.document()
        first_block = document.findBlock(position).blockNumber()
        blocks = document.blockCount()
        layout = document.documentLayout()
        # The lines on screen stay as they are: no repaint of the view for text off screen (Qt
        # asks for one of the whole view on every change of a multi-block range).
        layout.blockSignals(True)
        try:
            cursor = QTextCursor(document)
            cursor.beginEditBlock()
            cursor.setPosition(position)
            cursor.setPosition(position + placeholders, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(chunk)
            cursor.endEditBlock()
        finally:
            layout.blockSignals(False)
        shifted = document.blockCount() != blocks  # a lone CR or U+2029 in the part: a break more
        if shifted:
            layout.documentSizeChanged.emit(layout.documentSize())
        self._filled = end
        self._dropped(first_block, first_block + placeholders, shifted)
        if not self.active and document.characterCount() != self._offsets.utf16_length + 1:
            self.stop()
            self._failed()
