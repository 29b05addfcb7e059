"""The comparison window's way through the documents: next and previous document, the next
undecided one, Mark reviewed moving on, and each document opening at its first undecided
difference.

Why in the comparison window: a reviewer settles one document after another; going back to the
main window or the agreement window for each next one breaks the run of keys. The documents are
those the compared annotators have (``annotator.review.review_queue``), or, when the comparison
was opened from the agreement window's list, that list in its order (worst first), which the
window is given with ``set_order``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from annotator.errors import Errors
from annotator.gui.review_bridge import CompareItem
from annotator.review import review_queue

if TYPE_CHECKING:
    from annotator.gui.compare_view import CompareWindow

#: The keys of the document actions (the Review menu shows them).
KEYS = {"next": "Ctrl+PgDown", "previous": "Ctrl+PgUp", "undecided": "Ctrl+Shift+PgDown"}


def first_pending_row(items: Sequence[CompareItem]) -> int:
    """The row of the first difference nobody decided yet; the first row when there is none."""
    return next((row for row, item in enumerate(items) if review_queue.is_pending(item.kind, item.state)), 0)


class DocumentFlow(QObject):
    """Moves a comparison window from document to document (module docstring)."""

    def __init__(self, window: CompareWindow) -> None:
        super().__init__(window)
        self._window = window
        self._order: list[int] | None = None

    def set_order(self, doc_ids: Sequence[int] | None) -> None:
        """Step through ``doc_ids`` (the agreement window's list); None: the documents the compared
        annotators have."""
        self._order = list(doc_ids) if doc_ids else None

    def documents(self) -> list[int]:
        window = self._window
        return self._order or review_queue.compared_documents(window.project, window.annotators)

    def add_actions(self, menu: QMenu) -> None:
        menu.addSeparator()
        for text, key, slot in (("Next &document", KEYS["next"], lambda: self.step(+1)),
                                ("Previous d&ocument", KEYS["previous"], lambda: self.step(-1)),
                                ("Next &undecided document", KEYS["undecided"], self.next_undecided)):
            action = QAction(text, self._window)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self._window.addAction(action)
            menu.addAction(action)

    def step(self, direction: int) -> bool:
        """The next (+1) or previous (-1) document; at either end, say so and stay."""
        order = self.documents()
        window = self._window
        index = order.index(window.doc_id) + direction if window.doc_id in order else 0
        if not 0 <= index < len(order):
            window.report_error(Errors.E1226.format(which="last" if direction > 0 else "first", count=len(order)))
            return False
        self._go(order[index], order)
        return True

    def next_undecided(self, *, report: bool = True) -> bool:
        """The next document with a difference nobody decided yet (wrapping round); when none is
        left, stay (and with ``report`` say so)."""
        window = self._window
        order = self.documents()
        found = review_queue.next_undecided(window.project, order, window.doc_id, window.annotators)
        if found is None:
            if report:
                window.report_error(Errors.E1225.format(annotators=", ".join(window.annotators)))
            return False
        self._go(found, order)
        return True

    def _go(self, doc_id: int, order: list[int]) -> None:
        window = self._window
        window.show_document(doc_id)
        window.statusBar().showMessage(f"Document {order.index(doc_id) + 1} of {len(order)}: "
                                       f"{window.windowTitle().removeprefix('Compare: ')}", 10_000)
