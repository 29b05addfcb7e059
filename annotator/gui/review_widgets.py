"""Small display widgets of the review windows: a heat-map matrix and per-label bars.

Kept apart from the windows so that they only take plain numbers: the agreement window decides
*which* measure is shown, these widgets only how it looks. Values are agreement coefficients
(F1, κ, αu), at most 1; κ and αu can go below 0, which is shown as the worst colour.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

#: Low, middle and high ends of the heat scale: red for disagreement, green for agreement.
_SCALE = (QColor("#d7301f"), QColor("#fdd835"), QColor("#2e7d32"))


def missing(value: float | None) -> bool:
    """No value to show: the measure is undefined (None, or NaN from the core)."""
    return value is None or math.isnan(value)


def heat_color(value: float | None) -> QColor:
    """Colour of one agreement value on a red–yellow–green scale; grey when there is no value
    (a pair that never annotated the same document)."""
    if value is None or math.isnan(value):
        return QColor("#9e9e9e")
    value = max(0.0, min(1.0, value))
    low, high = (_SCALE[0], _SCALE[1]) if value < 0.5 else (_SCALE[1], _SCALE[2])
    amount = (value % 0.5) * 2 if value < 1.0 else 1.0
    return QColor.fromRgbF(
        low.redF() + (high.redF() - low.redF()) * amount,
        low.greenF() + (high.greenF() - low.greenF()) * amount,
        low.blueF() + (high.blueF() - low.blueF()) * amount,
    )


def format_value(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.3f}"


class HeatMapTable(QTableWidget):
    """A symmetric annotator × annotator matrix whose cells are coloured by their value.

    The diagonal stays empty: agreement of an annotator with themselves says nothing.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def show_matrix(self, names: Sequence[str], values: Mapping[tuple[str, str], float | None]) -> None:
        """``values`` holds each unordered pair once, in either order."""
        self.clear()
        self.setRowCount(len(names))
        self.setColumnCount(len(names))
        self.setHorizontalHeaderLabels(list(names))
        self.setVerticalHeaderLabels(list(names))
        for row, first in enumerate(names):
            for column, second in enumerate(names):
                item = QTableWidgetItem()
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if row != column:
                    value = values.get((first, second), values.get((second, first)))
                    color = heat_color(value)
                    item.setText(format_value(value))
                    item.setBackground(color)
                    item.setForeground(QColor("#000000") if color.lightnessF() > 0.45 else QColor("#ffffff"))
                    item.setToolTip(f"{first} × {second}: {format_value(value)}")
                    item.setData(Qt.ItemDataRole.UserRole, value)
                self.setItem(row, column, item)

    def value(self, row: int, column: int) -> float | None:
        item = self.item(row, column)
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)


class LabelBars(QWidget):
    """Per-label horizontal bars, one per measure (e.g. αu and F1), drawn with QPainter.

    A table would show the numbers as well, but bars make the weak labels jump out, which is
    what a reviewer looks for first.
    """

    ROW_HEIGHT = 34
    NAME_WIDTH = 120

    def __init__(self, measures: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._measures = tuple(measures)
        self._rows: list[tuple[str, dict[str, float | None]]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set_rows(self, rows: Sequence[tuple[str, Mapping[str, float | None]]]) -> None:
        self._rows = [(label, dict(values)) for label, values in rows]
        self.updateGeometry()
        self.update()

    def rows(self) -> list[tuple[str, dict[str, float | None]]]:
        return list(self._rows)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(360, max(1, len(self._rows)) * self.ROW_HEIGHT + 8)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.Text)
        bar_left = self.NAME_WIDTH + 34
        width = max(10, self.width() - bar_left - 60)
        bar_height = (self.ROW_HEIGHT - 8) / max(1, len(self._measures))
        for index, (label, values) in enumerate(self._rows):
            top = 4 + index * self.ROW_HEIGHT
            painter.setPen(text)
            painter.drawText(QRectF(0, top, self.NAME_WIDTH, self.ROW_HEIGHT - 4),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)
            for slot, measure in enumerate(self._measures):
                value = values.get(measure)
                y = top + slot * bar_height
                painter.setPen(text)
                painter.drawText(QRectF(self.NAME_WIDTH, y, 32, bar_height),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, measure)
                length = 0.0 if value is None or missing(value) else width * max(0.0, min(1.0, value))
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(heat_color(value))
                painter.drawRect(QRectF(bar_left, y + 1, length, bar_height - 2))
                painter.setPen(text)
                painter.drawText(QRectF(bar_left + length + 4, y, 56, bar_height),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, format_value(value))
        painter.end()
