"""Reopening the last document where the analyst was, after a restart or a crash.

The window reopens the project's last document (``GuiSettings.last_document``); this keeps the
place in it, per project: the first character on screen, the caret and the current span
(``ReadingPlace``). Characters rather than the scroll bar's value, which counts wrapped lines
and so means another place at another window width or font size.

When it is written. Opening a document writes nothing in the key: the window's timer calls
``save`` a moment later (``SYNC_AFTER_OPEN_MS``, after the paint), which writes the document and
the place in it together, and if a crash comes first, the file still names the document before
and the place in it. Not even in memory: ``QSettings`` given a value posts itself a write of the
whole file at the next turn of the event loop, before the key's paint (3-5 ms of CPU a key). Scrolling, moving the
caret or picking a span writes the place to disk ``SAVE_MS`` after the last move, and every
``SAVE_AT_LEAST_MS`` while the moves go on; closing the window writes it too. Writing is not
free (the settings file is replaced and flushed: 12–16 ms measured here), so it waits for a pause
rather than following every notch of the wheel.

Restoring waits for the view. At start-up the window is built before it is shown, and the
view's width, so its line breaks, settles over a few resizes; until the analyst takes over (a
key or a click in the text, the wheel, the scroll bar) every resize puts the remembered line
back at the top, and a save keeps the remembered place rather than one read from a view still
settling.

To the pixel, as the analyst left it (measured on Qt 6.12): ``QPlainTextEdit`` scrolls by whole
pixels and keeps the fraction of a pixel it owes, so a line reached by scrolling down sits on the
row above its exact place and one reached by scrolling up on the row below. The restore starts
from the top with the viewport's updates off (Qt then keeps no fraction), scrolls down to the
line, and if the line was drawn a row lower, comes back to it from below. Where the place is
within ``LAY_OUT_ABOVE`` characters of the start, the lines above it are laid out first, so the
scroll bar's handle stands where reading down to it put it (Qt counts a block it has not laid
out as one line); further down, laying out a long document would cost more than the handle's
exact place is worth.

Code points and Qt's UTF-16 positions are converted with an ``OffsetMap`` of the document's
text, made when first needed (a save after a move, a restore): making one for a 1 MB text takes
about 16 ms, which opening a document does not pay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from annotator.gui.offsets import OffsetMap
from annotator.gui.settings import ReadingPlace

if TYPE_CHECKING:
    from annotator.gui.mainwindow import MainWindow

SAVE_MS = 1000
SAVE_AT_LEAST_MS = 5000
LAY_OUT_ABOVE = 100_000
_TAKING_OVER = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel)


class PlaceMemory(QObject):
    """Saves the window's place in its open document and puts it back when the project opens."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._view = window.view
        self._location: str | None = None  # the project whose document was shown last
        self._map: OffsetMap | None = None  # of the open document's text, once needed
        self._pending: ReadingPlace | None = None  # the place to restore, until the analyst takes over
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.save)
        self._moving = QElapsedTimer()  # since the first move not yet saved
        window.editor.documentShown.connect(self._shown)
        window.editor.currentSpanChanged.connect(self._moved)
        self._view.cursorPositionChanged.connect(self._moved)
        scroll_bar = self._view.verticalScrollBar()
        scroll_bar.valueChanged.connect(self._moved)
        scroll_bar.actionTriggered.connect(self._taken_over)  # dragged, clicked or wheeled by the analyst
        for watched in (self._view, self._view.viewport(), window):
            watched.installEventFilter(self)

    def place(self) -> ReadingPlace | None:
        """Where the analyst is now (the remembered place while it is still being restored)."""
        document = self._window.editor.document
        if document is None:
            return None
        if self._pending is not None:
            return self._pending
        view = self._view
        view.finish_text()  # the top line and the caret are in the text Qt holds
        top = top_position(view)
        offsets = self._offsets()
        return ReadingPlace(document.id, offsets.from_qt(top), offsets.from_qt(view.textCursor().position()),
                            view.current_span_id(), row_of(view, top))

    def save(self) -> None:
        """Write the document and the place in it to the settings file now (the window calls
        this a moment after the last opening too)."""
        self._timer.stop()
        place = self.place()
        if place is not None and self._location is not None:
            settings = self._window.settings
            settings.set_last_document(self._location, place.document)
            settings.set_reading_place(self._location, place)
            settings.sync()

    # --- following the analyst -------------------------------------------------------------

    def _shown(self, doc_id: int) -> None:
        """A document was opened: at the remembered place when its project has just opened, else
        at its top."""
        window = self._window
        self._map = None
        location = window.project.location
        opening = location != self._location
        self._location = location
        saved = window.settings.reading_place(location) if opening else None
        self._pending = saved if saved is not None and saved.document == doc_id else None
        if self._pending is None:  # at the top, caret and all: written with the document by ``save``
            return
        view = self._view
        view.finish_text()  # the place may be past the first screens the view holds yet
        span = self._pending.span
        if span is not None and view.span(span) is not None:
            window.editor.select_span(span)
        cursor = QTextCursor(view.document())
        cursor.setPosition(self._offsets().to_qt(self._pending.caret))
        view.setTextCursor(cursor)
        self._restore_top()

    def _moved(self) -> None:
        """Save a pause after the last move, or after a while of moves going on."""
        if not self._timer.isActive():
            self._moving.start()
        self._timer.start(max(0, min(SAVE_MS, SAVE_AT_LEAST_MS - self._moving.elapsed())))

    def _taken_over(self) -> None:
        self._pending = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if watched is self._window:
            if kind == QEvent.Type.Close:
                self.save()  # before the window closes the project and syncs its settings
        elif kind in _TAKING_OVER:
            self._taken_over()
        elif kind in (QEvent.Type.Resize, QEvent.Type.Show) and self._pending is not None:
            QTimer.singleShot(0, self._restore_top)  # once the view has laid its lines out anew
        return super().eventFilter(watched, event)

    # --- lines and characters ----------------------------------------------------------------

    def _offsets(self) -> OffsetMap:
        if self._map is None:
            document = self._window.editor.document
            self._map = OffsetMap(document.text if document is not None else "")
        return self._map

    def _restore_top(self) -> None:
        """Scroll so that the line holding the remembered first character is the top line, on
        the pixel row it was drawn at (see the module's docstring)."""
        place = self._pending
        view = self._view
        if place is None or not view.isVisible():
            return
        view.finish_text()
        position = self._offsets().to_qt(place.top)
        document = view.document()
        layout = document.documentLayout()
        block = document.begin() if position <= LAY_OUT_ABOVE else document.findBlock(position)
        while block.isValid() and block.position() <= position:
            layout.blockBoundingRect(block)  # lays it out: its real number of lines counts
            block = block.next()
        block = document.findBlock(position)
        line = block.layout().lineForTextPosition(position - block.position())
        number = block.firstLineNumber() + (line.lineNumber() if line.isValid() else 0)
        bar = view.verticalScrollBar()
        viewport = view.viewport()
        viewport.setUpdatesEnabled(False)  # to the top, keeping no fraction of a pixel
        if bar.value() == 0:
            bar.setValue(1)
        bar.setValue(0)
        viewport.setUpdatesEnabled(True)
        bar.setValue(number)  # down to the line: the row above its exact place
        if row_of(view, position) != place.top_y and number < bar.maximum():
            bar.setValue(number + 1)
            bar.setValue(number)  # up to it: the row below


def top_position(view: QPlainTextEdit) -> int:
    """The first position (UTF-16) of the top line on screen. The vertical scroll bar counts
    visual lines: its value is the number of the line at the top."""
    number = view.verticalScrollBar().value()
    document = view.document()
    block = document.findBlockByLineNumber(number)
    document.documentLayout().blockBoundingRect(block)  # lays the block out, so its lines are known
    line = block.layout().lineAt(number - block.firstLineNumber())
    return block.position() + (line.textStart() if line.isValid() else 0)


def row_of(view: QPlainTextEdit, position: int) -> int:
    """The pixel row the line holding ``position`` (UTF-16) is drawn at, from the view's top."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    return view.cursorRect(cursor).top()
