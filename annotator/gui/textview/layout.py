"""A plain-text document layout that gives each visual line the room its annotations need.

Label chips and relation arcs are drawn above a line of text and stacked underlines below it,
so annotated lines need gaps; plain lines only a little breathing room. How much each line
needs is the view's business: it answers ``room(block)`` with one ``(above, below)`` pair per
line of the block, and the layout moves the lines apart accordingly.

``QPlainTextDocumentLayout`` ignores ``QTextBlockFormat.lineHeight`` (measured on Qt 6.12) and
``QTextEdit``'s full layout engine is far slower on a 1 MB document. Qt asks
``blockBoundingRect`` for a block's geometry before it paints, hit-tests or places the cursor in
it, and lays the block out (lazily) inside that call; this subclass uses that moment to move
each line of the block down by its gaps. Line positions live in the block's ``QTextLayout``,
which Qt then uses for drawing, cursor rectangles and hit tests alike, so all of them agree with
the gaps.

Knowing when Qt has laid a block out afresh (lines packed from y = 0) rather than kept our
positions:
- ``blockBoundingRect`` sees an empty layout before the base class lays it out (the lazy path:
  after a resize, a font change, ``markContentsDirty``); that is exact;
- Qt can also lay a block out outside this override (``ensureBlockLayout``, the single-block path
  of ``documentChanged``); for that each placed block keeps a record of the line count, line
  width and the y of its first and last line as we left them. A re-packed layout differs from
  the record unless every gap before the last line is 0, and then the lines are exactly where
  they should be anyway.

Gaps are cached per block (in the record) and reused when Qt lays a block out again with the
same line breaks and width; ``refresh`` re-asks the view for chosen blocks when their
annotations change, and ``reset`` forgets everything (new document, new annotations, font).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTextBlock, QTextDocument, QTextLayout
from PySide6.QtWidgets import QPlainTextDocumentLayout

Gap = tuple[float, float]  # room above and below one visual line, in pixels
RoomCallback = Callable[[QTextBlock], Sequence[Gap]]


@dataclass(slots=True)
class _Placed:
    starts: tuple[int, ...]  # textStart of each line: the line breaks the gaps were computed for
    gaps: tuple[Gap, ...]
    width: float = -1.0      # the width Qt broke the lines for (that of every line); -1: unknown
    first_y: float = -1.0    # where the first and last lines were put (read back from Qt);
    last_y: float = -1.0     # -1: not placed yet
    height: float = 0.0      # the block's height with its gaps, without the document margin


class GappedLayout(QPlainTextDocumentLayout):
    """Each visual line gets the room ``room(block)`` asks for above and below it.

    Empty blocks (blank lines between paragraphs) get no gaps: nothing is drawn on them, and
    a bare text line is the paragraph spacing a reader expects. Without a callback (while the
    view is being built) there are no gaps at all.
    """

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._room: RoomCallback | None = None
        self._placed: dict[int, _Placed] = {}
        self.placements = 0  # how many times lines were (re)positioned: for tests and benchmarks

    def set_room(self, room: RoomCallback | None) -> None:
        self._room = room
        self.reset()

    def forget(self) -> None:
        """Forget every block's gaps, for a document whose text is about to be replaced (which
        lays every block out again anyway)."""
        self._placed.clear()

    def reset(self) -> None:
        """Forget every block's gaps and lay the whole document out again (lazily)."""
        self._placed.clear()
        document = self.document()
        document.markContentsDirty(0, document.characterCount())

    def refresh(self, blocks: Iterable[QTextBlock]) -> bool:
        """Ask again for the room of ``blocks`` (their annotations changed); lay out again those
        whose gaps changed. Blocks not laid out yet are left alone: they ask when they are.
        Returns whether any block changes height or line positions (and so was marked dirty)."""
        changed = False
        document = self.document()
        for block in blocks:
            number = block.blockNumber()
            placed = self._placed.get(number)
            if placed is None:
                continue
            layout = block.layout()
            count = layout.lineCount()
            if count == 0 or count != len(placed.starts) or _starts(layout, count) != placed.starts:
                del self._placed[number]  # Qt re-broke the lines; they will be measured afresh
                continue
            gaps = self._ask(block, count)
            if gaps == placed.gaps:
                continue
            placed.gaps = gaps
            placed.first_y = placed.last_y = -1.0
            # The whole block's range: Qt drops its layout (and, as it counts the range twice,
            # maybe the next block's) and lays it out again when it is next shown.
            document.markContentsDirty(block.position(), block.length())
            changed = True
        return changed

    def gaps(self, block: QTextBlock) -> tuple[Gap, ...]:
        """The gaps of each line of a block placed by ``blockBoundingRect``; () for a blank or
        not yet placed block."""
        placed = self._placed.get(block.blockNumber())
        return placed.gaps if placed is not None else ()

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:  # noqa: N802 (Qt override)
        layout = block.layout()
        fresh = layout.lineCount() == 0
        rect = super().blockBoundingRect(block)  # lays the block out if it is not yet
        count = layout.lineCount()
        if count == 0 or not block.isVisible() or block.length() <= 1:
            return rect
        placed = self._placed.get(block.blockNumber())
        if fresh or placed is None or len(placed.starts) != count:
            placed = self._place(block, layout, count, placed)
        else:
            first = layout.lineAt(0)
            if (placed.first_y != first.y() or placed.width != first.width()
                    or placed.last_y != layout.lineAt(count - 1).y()):
                placed = self._place(block, layout, count, placed)
        height = placed.height
        if not block.next().isValid():
            height += self.document().documentMargin()
        return QRectF(rect.x(), rect.y(), rect.width(), height)

    def _place(self, block: QTextBlock, layout: QTextLayout, count: int, placed: _Placed | None) -> _Placed:
        """Move the lines of a freshly laid out block apart by their gaps, reusing the gaps
        already known for these line breaks at this width."""
        starts = _starts(layout, count)
        if placed is None or placed.starts != starts or placed.width != layout.lineAt(0).width():
            placed = _Placed(starts, self._ask(block, count))
            self._placed[block.blockNumber()] = placed
        y = 0.0
        for index, (above, below) in enumerate(placed.gaps):
            line = layout.lineAt(index)
            y += above
            line.setPosition(QPointF(line.x(), y))
            y = line.y() + line.height() + below  # Qt rounds positions to 1/64 px
        first = layout.lineAt(0)
        placed.width = first.width()
        placed.first_y = first.y()
        placed.last_y = layout.lineAt(count - 1).y()
        placed.height = y
        self.placements += 1
        return placed

    def _ask(self, block: QTextBlock, count: int) -> tuple[Gap, ...]:
        if self._room is None:
            return ((0.0, 0.0),) * count
        gaps = tuple((float(above), float(below)) for above, below in self._room(block))
        if len(gaps) != count:  # never expected; keep the layout consistent whatever happens
            gaps = (gaps + ((0.0, 0.0),) * count)[:count]
        return gaps


def _starts(layout: QTextLayout, count: int) -> tuple[int, ...]:
    return tuple(layout.lineAt(index).textStart() for index in range(count))
