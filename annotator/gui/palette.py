"""The label palette: every span label with its colour and key; a click applies it.

The buttons never take keyboard focus, so clicking one leaves the text selection (and the
focus) in the document view, exactly as pressing the label's key would.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QPushButton, QWidget

from annotator.schema import LabelSchema


def swatch(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class LabelPalette(QGroupBox):
    labelChosen = Signal(str)

    def __init__(self, schema: LabelSchema) -> None:
        super().__init__("Labels")
        self._grid = QGridLayout(self)
        self._grid.setColumnStretch(0, 1)
        self.buttons: dict[str, QPushButton] = {}
        self.set_schema(schema)

    def set_schema(self, schema: LabelSchema) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget: QWidget | None = item.widget()
            if widget is not None:
                widget.deleteLater()
        self.buttons = {}
        for row, label in enumerate(schema.span_labels):
            button = QPushButton(swatch(label.color), label.name)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setStyleSheet("text-align: left; padding: 2px 6px;")
            button.setToolTip(label.description)
            button.clicked.connect(lambda _checked=False, name=label.name: self.labelChosen.emit(name))
            key = QLabel(label.key.upper() if label.key else "")
            key.setAlignment(Qt.AlignmentFlag.AlignCenter)
            key.setToolTip(f"Press {label.key.upper()} to apply {label.name}" if label.key else "")
            self._grid.addWidget(button, row, 0)
            self._grid.addWidget(key, row, 1)
            self.buttons[label.name] = button
