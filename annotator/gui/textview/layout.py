"""A plain-text document layout that leaves room above and below every visual line.

Label chips and relation arcs are drawn above each line of text and stacked underlines below
it, so lines need gaps. ``QPlainTextDocumentLayout`` ignores ``QTextBlockFormat.lineHeight``
(measured on Qt 6.12) and ``QTextEdit``'s full layout engine is far slower on a 1 MB document.
Qt asks ``blockBoundingRect`` for a block's geometry before it paints, hit-tests or places the
cursor in it, and does so right after (lazily) laying the block out; this subclass uses that
moment to move each line of the block down by the gaps. Line positions live in the block's
``QTextLayout``, which Qt then uses for drawing, cursor rectangles and hit tests alike, so all
of them agree with the gaps.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTextBlock, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout


class GappedLayout(QPlainTextDocumentLayout):
    """Every visual line gets ``above`` pixels over it and ``below`` under it.

    Empty blocks (blank lines between paragraphs) get no gaps: nothing is drawn on them, and
    a bare text line is the paragraph spacing a reader expects.
    """

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.above = 0.0
        self.below = 0.0

    def set_gaps(self, above: float, below: float) -> None:
        """Change the gaps and lay the document out again (lazily, as Qt does on a resize)."""
        if (above, below) == (self.above, self.below):
            return
        self.above = above
        self.below = below
        document = self.document()
        document.markContentsDirty(0, document.characterCount())

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:  # noqa: N802 (Qt override)
        rect = super().blockBoundingRect(block)  # lays the block out if it is not yet
        layout = block.layout()
        count = layout.lineCount()
        if count == 0 or not block.isVisible():
            return rect
        above, below = (0.0, 0.0) if block.length() <= 1 else (self.above, self.below)
        # A fresh layout packs its lines from y = 0; a gapped one starts at ``above``.
        if layout.lineAt(0).y() != above:
            y = 0.0
            for index in range(count):
                line = layout.lineAt(index)
                y += above
                line.setPosition(QPointF(line.x(), y))
                y += line.height() + below
        last = layout.lineAt(count - 1)
        height = last.y() + last.height() + below
        if not block.next().isValid():
            height += self.document().documentMargin()
        return QRectF(rect.x(), rect.y(), rect.width(), height)
