"""The comparison window's list of compared items: one row per item, colour-badged by kind.

Why a widget of its own: the rows, their order and stepping through the differences (F8 as in
diff tools) are the list's business; the window reads the chosen item and acts on it. The items
come from the core through ``annotator.gui.review_bridge``.

Each row says who said what ("claim_type: anna evaluation · boris accusation") and how it stands:
a pending difference in plain text; one gold already decides with a check mark and dimmed text;
one the reviewer rejected with a cross and struck-out text. The tooltip says the same in words.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem

from annotator.gui.review_bridge import CompareItem

#: Badge colour and title of each kind of compared item, in the order the legend lists them.
KIND_STYLES: dict[str, tuple[str, str]] = {
    "agreement": ("#2e7d32", "Agreement"),
    "label": ("#c62828", "Label disagreement"),
    "boundary": ("#ef6c00", "Boundary disagreement"),
    "only_one": ("#6a1b9a", "Only one annotator"),
    "attribute": ("#1565c0", "Attribute value"),
    "actor": ("#00838f", "Actor link"),
    "relation": ("#ad1457", "Relation"),
    "doc_label": ("#5d4037", "Document label"),
}

#: How a row begins for each state of its item, and what its tooltip says about it.
STATE_MARKS = {"gold": ("✓ ", "Decided: gold holds one of these versions."),
               "rejected": ("✗ ", "Rejected: every version here is turned down; nothing goes to gold."),
               "pending": ("", "Pending: not decided yet.")}


def badge(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


def legend() -> QLabel:
    """What each badge colour and row mark means, shown under the list."""
    kinds = "  ".join(f"<span style='color:{color}'>■</span> {title}" for color, title in KIND_STYLES.values())
    label = QLabel(f"{kinds}<br>✓ decided in gold  ✗ rejected  (plain: pending)")
    label.setWordWrap(True)
    return label


class DifferenceList(QListWidget):
    """The compared items of one document, the quote and each annotator's labels in full."""

    def __init__(self, annotators: Sequence[str] = ()) -> None:
        super().__init__()
        self._compared: list[CompareItem] = []
        self._annotators = list(annotators)  # whose versions each row names, in the order of their keys
        self.setWordWrap(True)  # quotes and versions in full: the reviewer reads them
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    @property
    def compared(self) -> list[CompareItem]:
        return list(self._compared)

    def set_compared(self, items: list[CompareItem], text: str) -> None:
        """Fill the rows anew, keeping the selected row (clamped); emits no row change, so the
        caller shows the selection itself."""
        row = self.currentRow()
        self._compared = items
        with QSignalBlocker(self):
            self.clear()
            for item in items:
                self.addItem(self._row(item, text))
            if items:
                self.setCurrentRow(min(max(row, 0), len(items) - 1))

    def _row(self, item: CompareItem, text: str) -> QListWidgetItem:
        color, title = KIND_STYLES.get(item.kind, ("#9e9e9e", item.kind))
        if item.kind == "doc_label":
            where = "Document"
        else:
            quote = text[item.start:item.end].replace("\n", " ")
            where = f"“{quote[:39] + '…' if len(quote) > 40 else quote}”"
        versions = item.who_said_what(self._annotators or list(item.versions))
        mark, state = STATE_MARKS[item.state]
        entry = QListWidgetItem(badge(color), f"{mark}{where} — {versions}")
        entry.setToolTip(f"{title}\n{versions}\nGold: {item.gold_text()}\n{state}")
        entry.setData(Qt.ItemDataRole.UserRole, item.state)
        if item.state != "pending":
            font = entry.font()
            font.setStrikeOut(item.state == "rejected")
            entry.setFont(font)
            entry.setForeground(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        return entry

    def compared_at(self, row: int) -> CompareItem | None:
        return self._compared[row] if 0 <= row < len(self._compared) else None

    def current_compared(self) -> CompareItem | None:
        return self.compared_at(self.currentRow())

    def step(self, direction: int) -> bool:
        """Select the next / previous item that is not an agreement (wrapping), as F8 does in diff
        tools: span, attribute, actor, relation and document label differences alike. False when there are items but every one is an agreement, so the caller can say so;
        an empty list has nothing to step through and is no refusal."""
        count = len(self._compared)
        if not count:
            return True
        row = self.currentRow()
        for offset in range(1, count + 1):
            candidate = (row + direction * offset) % count
            if self._compared[candidate].kind != "agreement":
                self.setCurrentRow(candidate)
                return True
        return False
