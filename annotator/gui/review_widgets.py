"""Small display widgets of the review windows: a heat-map matrix, per-label bars and a table
of figures.

Kept apart from the windows so that they only take figures: the agreement window decides
*which* measure is shown, these widgets only how it looks. Values are agreement coefficients
(F1, κ, α, AC1), at most 1; κ and α can go below 0, which is shown as the worst colour. A
figure that is not available shows "n/a" in grey, never a number, and its reason as a tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from annotator.review.figures import Figure

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
    return "n/a" if value is None or math.isnan(value) else f"{value:.3f}"


def describe(figure: Figure) -> str:
    """A figure in words for a tooltip: its value and interval, or why it is not available."""
    if figure.value is None:
        return f"Not available: {figure.reason}"
    text = format_value(figure.value)
    if figure.interval is not None:
        text += f", 95% interval {figure.interval_text()}"
    if figure.interval_note:
        text += f" ({figure.interval_note})"
    return text


def row_cells(tree: QTreeWidget, name: str, columns: int) -> list[str] | None:
    """The cells of ``tree``'s top-level line whose first cell is ``name``, or None."""
    for index in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(index)
        if item is not None and item.text(0) == name:
            return [item.text(column) for column in range(columns)]
    return None


class HeatMapTable(QTableWidget):
    """A symmetric annotator × annotator matrix whose cells are coloured by their value.

    The diagonal stays empty: agreement of an annotator with themselves says nothing.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def show_matrix(self, names: Sequence[str], values: Mapping[tuple[str, str], Figure]) -> None:
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
                    figure = values.get((first, second), values.get((second, first), Figure(None, "not computed")))
                    color = heat_color(figure.value)
                    item.setText(format_value(figure.value))
                    item.setBackground(color)
                    item.setForeground(QColor("#000000") if color.lightnessF() > 0.45 else QColor("#ffffff"))
                    item.setToolTip(f"{first} × {second}: {describe(figure)}")
                    item.setData(Qt.ItemDataRole.UserRole, figure.value)
                self.setItem(row, column, item)

    def value(self, row: int, column: int) -> float | None:
        item = self.item(row, column)
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)


class LabelBars(QWidget):
    """Per-label horizontal bars, one per measure (e.g. αu and F1), drawn with QPainter.

    A table would show the numbers as well, but bars make the weak labels jump out, which is
    what a reviewer looks for first.
    """

    BAR_HEIGHT = 15  # each measure's bar and its value; a label's row holds one per measure
    NAME_WIDTH = 120

    def __init__(self, measures: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._measures = tuple(measures)
        self.row_height = self.BAR_HEIGHT * max(1, len(self._measures)) + 10
        self._rows: list[tuple[str, dict[str, Figure]]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set_rows(self, rows: Sequence[tuple[str, Mapping[str, Figure]]]) -> None:
        self._rows = [(label, dict(values)) for label, values in rows]
        self.updateGeometry()
        self.update()

    def rows(self) -> list[tuple[str, dict[str, float | None]]]:
        """Each label's values (None: not available)."""
        return [(label, {name: figure.value for name, figure in values.items()}) for label, values in self._rows]

    def tooltip_at(self, y: float) -> str:
        """What the row at height ``y`` says in words: each measure's value or reason."""
        index = int((y - 4) // self.row_height)
        if not 0 <= index < len(self._rows):
            return ""
        label, values = self._rows[index]
        return "\n".join([label] + [f"{measure}: {describe(values[measure])}" for measure in self._measures
                                     if measure in values])

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos().y())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(360, max(1, len(self._rows)) * self.row_height + 8)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.Text)
        bar_left = self.NAME_WIDTH + 34
        width = max(10, self.width() - bar_left - 60)
        bar_height = (self.row_height - 8) / max(1, len(self._measures))
        for index, (label, values) in enumerate(self._rows):
            top = 4 + index * self.row_height
            painter.setPen(text)
            painter.drawText(QRectF(0, top, self.NAME_WIDTH, self.row_height - 4),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)
            for slot, measure in enumerate(self._measures):
                value = values[measure].value if measure in values else None
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


class FiguresTable(QTreeWidget):
    """Every overall figure on a line: value, 95% interval, what it rests on, and for a figure
    that is not available the reason, in words, in its own column."""

    COLUMNS = ("Figure", "Value", "95% interval", "Documents", "Annotators", "Note")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(list(self.COLUMNS))
        self.setRootIsDecorated(False)
        self.setWordWrap(True)
        header = self.header()
        header.setStretchLastSection(True)
        for column in range(len(self.COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def show_rows(self, rows: Sequence[tuple[str, Figure, int, int]]) -> None:
        self.clear()
        for name, figure, documents, annotators in rows:
            item = QTreeWidgetItem([name, format_value(figure.value), figure.interval_text(), str(documents),
                                    str(annotators), figure.reason or figure.interval_note or ""])
            item.setBackground(1, heat_color(figure.value))
            item.setToolTip(1, describe(figure))
            item.setToolTip(5, figure.reason or figure.interval_note or "")
            self.addTopLevelItem(item)

    def row(self, name: str) -> list[str] | None:
        """The cells of the line called ``name`` (for tests and accessibility)."""
        return row_cells(self, name, len(self.COLUMNS))


class GoldTable(QTreeWidget):
    """Each annotator against gold, a line each: precision, recall and F1 (overlap, then exact)
    and αu, coloured like the other figures, so the annotator who needs guidance stands out.
    A figure that is not available shows "n/a", its reason in the tooltip and the Note column."""

    COLUMNS = ("Annotator", "Docs", "P\noverlap", "R\noverlap", "F1\noverlap", "P\nexact", "R\nexact",
               "F1\nexact", "αu", "Note")
    FIGURES = ("precision_overlap", "recall_overlap", "f1_overlap", "precision_exact", "recall_exact", "f1_exact",
               "alpha_u")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(list(self.COLUMNS))
        self.setRootIsDecorated(False)
        header = self.header()
        header.setStretchLastSection(True)
        for column in range(len(self.COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.headerItem().setToolTip(1, "The documents with gold the annotator counts in")
        for column in (2, 5):
            self.headerItem().setToolTip(column, "Precision: the share of the annotator's spans that gold has too")
            self.headerItem().setToolTip(column + 1, "Recall: the share of gold's spans the annotator found")

    def show_rows(self, rows: Sequence[tuple[str, int, Sequence[Figure]]]) -> None:
        """``rows``: annotator, documents with gold they count in, figures in ``FIGURES`` order."""
        self.clear()
        for name, documents, figures in rows:
            reasons = dict.fromkeys(figure.reason for figure in figures if figure.reason)
            item = QTreeWidgetItem([name, str(documents), *[format_value(figure.value) for figure in figures],
                                    " ".join(reasons)])
            for column, figure in enumerate(figures, start=2):
                item.setBackground(column, heat_color(figure.value))
                item.setForeground(column, QColor("#000000"))
                what = self.COLUMNS[column].replace("\n", " ")
                item.setToolTip(column, f"{name} against gold, {what}: {describe(figure)}")
            item.setToolTip(len(self.COLUMNS) - 1, " ".join(reasons))
            self.addTopLevelItem(item)

    def row(self, name: str) -> list[str] | None:
        """The cells of the annotator ``name``'s line (for tests and accessibility)."""
        return row_cells(self, name, len(self.COLUMNS))
