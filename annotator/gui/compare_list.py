"""The comparison window's list of compared items: one row per place, colour-badged by kind.

Why a widget of its own: the rows, their order and stepping through the differences (F8 as in
diff tools) are the list's business; the window reads the chosen item and acts on it. The items
come from the core through ``annotator.gui.review_bridge``.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem

from annotator.gui.review_bridge import CompareItem

#: Badge colour and title of each kind of compared item, in the order the legend lists them.
KIND_STYLES: dict[str, tuple[str, str]] = {
    "agreement": ("#2e7d32", "Agreement"),
    "label": ("#c62828", "Label disagreement"),
    "boundary": ("#ef6c00", "Boundary disagreement"),
    "only_one": ("#6a1b9a", "Only one annotator"),
}


def badge(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


def legend() -> QLabel:
    """What each badge colour means, shown under the list."""
    label = QLabel("  ".join(f"<span style='color:{color}'>■</span> {title}" for color, title in KIND_STYLES.values()))
    label.setWordWrap(True)
    return label


class DifferenceList(QListWidget):
    """The compared items of one document, the quote and each annotator's labels in full."""

    def __init__(self) -> None:
        super().__init__()
        self._compared: list[CompareItem] = []
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
                color, title = KIND_STYLES.get(item.kind, ("#9e9e9e", item.kind))
                quote = text[item.start:item.end].replace("\n", " ")
                if len(quote) > 40:
                    quote = quote[:39] + "…"
                versions = "; ".join(f"{who}: {', '.join(span.label for span in spans)}"
                                     for who, spans in item.versions.items())
                done = " ✓ gold" if item.in_gold else ""
                entry = QListWidgetItem(badge(color), f"“{quote}” — {versions}{done}")
                entry.setToolTip(f"{title}\n{versions}")
                self.addItem(entry)
            if items:
                self.setCurrentRow(min(max(row, 0), len(items) - 1))

    def compared_at(self, row: int) -> CompareItem | None:
        return self._compared[row] if 0 <= row < len(self._compared) else None

    def current_compared(self) -> CompareItem | None:
        return self.compared_at(self.currentRow())

    def step(self, direction: int) -> bool:
        """Select the next / previous item that is not an agreement (wrapping), as F8 does in diff
        tools. False when there are items but every one is an agreement, so the caller can say so;
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
