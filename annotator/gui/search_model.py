"""The concordance table of Edit ▸ Find in corpus: a Qt model over ``SearchHit`` rows.

Sorting goes through ``SORT_ROLE`` values chosen for reading a concordance: the left context
sorts by its words read backwards from the hit (the classic KWIC sort, which groups "said
Lukashenko" apart from "President Lukashenko"), positions sort as numbers, text ignoring case.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from annotator.search import SearchHit

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Document", "Published", "Left", "Hit", "Right", "Label", "Annotator", "Layer", "Actor")
LEFT, HIT, RIGHT = 2, 3, 4

Index = QModelIndex | QPersistentModelIndex


class ConcordanceModel(QAbstractTableModel):
    """Search hits, one per row, in the order the search found them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self.hits = hits
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's signature
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        hit = self.hits[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(hit, column)
        if role == SORT_ROLE:
            return _sort_key(hit, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == LEFT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column in (0, HIT):
            return f"{hit.title}\n{hit.doc_name}, characters {hit.start}–{hit.end}"
        return None

    def hit(self, row: int) -> SearchHit:
        return self.hits[row]


def _display(hit: SearchHit, column: int) -> str:
    values = (hit.title or hit.doc_name, hit.published or "", hit.left, hit.hit, hit.right, hit.label or "",
              hit.annotator or "", hit.layer or "", hit.actor or "")
    return values[column]


def _sort_key(hit: SearchHit, column: int) -> str | int:
    if column == 0:
        return f"{(hit.title or hit.doc_name).casefold()}\x00{hit.doc_id:012d}\x00{hit.start:012d}"
    if column == LEFT:
        return hit.left[::-1].casefold()
    if column == 1:
        return f"{hit.published or ''}\x00{hit.doc_id:012d}\x00{hit.start:012d}"
    return _display(hit, column).casefold()


class LeftElidingDelegate(QStyledItemDelegate):
    """Cuts a too-long left context at its start, so the words next to the hit stay visible."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft
