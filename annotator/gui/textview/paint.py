"""Painting prepared ``LineScene``s onto the viewport.

Two passes around ``QPlainTextEdit.paintEvent``: tints go under the text (the base widget
draws glyphs and the selection highlight over them), everything else over it. Flat shapes
(tints, underlines) are drawn without antialiasing, which keeps them crisp and cheap; curves
and rounded chips with it. Each scene comes with the viewport position of its line's origin
(``Shown``), and the painter is translated there while it draws the scene. Connectors (relations
across lines) come in viewport coordinates already.

Quiet suggestions (``SceneBuilder.quiet``) get a light underline and no chip, unless they are
``revealed`` (hovered or current): then their dashed underline, and their chip drawn over the
chip row, on top of the others. The model's relations between quiet suggestions are drawn only
while one of their ends is revealed (their room is kept, so nothing moves when they appear).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

from annotator.gui.textview.connectors import Connector
from annotator.gui.textview.fragments import paint_joints
from annotator.gui.textview.metrics import Metrics
from annotator.gui.textview.scene import LineScene, Mark
from annotator.gui.textview.style import SpanColors, SpanStyle, is_own_relation
from annotator.store.records import RelationRecord

CHIP_RADIUS = 3.0
QUIET_ALPHA = 0.45  # a quiet suggestion's underline: its label colour, faded

Shown = tuple[QPointF, LineScene]  # where the line's origin is in the viewport, and its scene


def paint_tints(painter: QPainter, shown: Sequence[Shown], colors: SpanColors) -> None:
    for offset, scene in shown:
        painter.translate(offset)
        height = scene.bottom - scene.top
        for x1, x2, label in scene.tints:
            painter.fillRect(QRectF(x1, scene.top, x2 - x1, height), colors.tint(label))
        painter.translate(-offset)


def paint_overlays(painter: QPainter, shown: Sequence[Shown], colors: SpanColors, metrics: Metrics, *,
                   current: int | None, relation_mode: bool, owner: str | None,
                   connectors: Sequence[Connector] = (), revealed: Collection[int] = (), quiet: bool = False) -> None:
    def shown_relation(relation: RelationRecord) -> bool:
        return not quiet or relation.layer != "suggestion" or relation.head_id in revealed or relation.tail_id in revealed

    connectors = [connector for connector in connectors if shown_relation(connector.relation)]
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    for offset, scene in shown:
        painter.translate(offset)
        for mark in scene.marks:
            _underline(painter, scene, mark, colors, quiet=mark.quiet and mark.span.id not in revealed)
        painter.translate(-offset)
    paint_joints(painter, shown, colors)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    if current is not None:
        for offset, scene in shown:
            for mark in scene.marks:
                if mark.span.id == current:
                    painter.translate(offset)
                    _outline(painter, scene, mark, colors, relation_mode)
                    painter.translate(-offset)
    for offset, scene in shown:
        if scene.arcs:
            painter.translate(offset)
            for arc in scene.arcs:
                if shown_relation(arc.relation):
                    _relation(painter, arc.relation, arc.path, arc.arrow, colors, owner)
            painter.translate(-offset)
    for connector in connectors:
        _relation(painter, connector.relation, connector.path, connector.arrow, colors, owner)
    painter.setFont(metrics.chip_font)
    for offset, scene in shown:
        if scene.chip_rows:
            painter.translate(offset)
            for mark in scene.marks:
                if mark.chip is not None:
                    _chip(painter, mark.chip, mark, colors, metrics, mark.span.id == current)
            painter.translate(-offset)
    if revealed:  # quiet chips in focus, over the row
        for offset, scene in shown:
            for mark in scene.marks:
                if mark.quiet_chip is not None and mark.span.id in revealed:
                    painter.translate(offset)
                    _chip(painter, mark.quiet_chip, mark, colors, metrics, mark.span.id == current)
                    painter.translate(-offset)
    painter.setFont(metrics.label_font)
    for offset, scene in shown:
        if scene.arcs:
            painter.translate(offset)
            for arc in scene.arcs:
                if shown_relation(arc.relation):
                    _arc_label(painter, arc.relation.label, arc.label_rect, colors)
            painter.translate(-offset)
    for connector in connectors:
        if connector.label_rect is not None:
            _arc_label(painter, connector.relation.label, connector.label_rect, colors)


def _relation(painter: QPainter, relation: RelationRecord, path: QPainterPath, arrow: QPolygonF | None,
              colors: SpanColors, owner: str | None) -> None:
    color = colors.relation(relation.label)
    pen = QPen(color, 1.4)
    if not is_own_relation(relation, owner):
        pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    if arrow is not None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(arrow)


def _underline(painter: QPainter, scene: LineScene, mark: Mark, colors: SpanColors, *, quiet: bool) -> None:
    color = colors.label(mark.span.label)
    y = scene.underline_y(mark.level)
    width = mark.x2 - mark.x1
    step = scene.step
    style = mark.style
    if style is SpanStyle.OWN:
        painter.fillRect(QRectF(mark.x1, y, width, max(1.0, min(3.0, step - 1.0))), color)
    elif style is SpanStyle.OTHER:
        faded = QColor(color)
        faded.setAlphaF(0.55)
        painter.fillRect(QRectF(mark.x1, y, width, max(1.0, min(1.5, step - 1.0))), faded)
    elif quiet:  # a quiet suggestion out of focus: a light line, enough to find it
        faded = QColor(color)
        faded.setAlphaF(QUIET_ALPHA)
        painter.fillRect(QRectF(mark.x1, y + 0.5, width, 1.0), faded)
    elif style is SpanStyle.SUGGESTION:
        pen = QPen(color, 1.5)
        pen.setDashPattern([3.0, 2.0])
        painter.setPen(pen)
        painter.drawLine(QPointF(mark.x1, y + 0.75), QPointF(mark.x2, y + 0.75))
    else:  # GOLD: double rule, or a single one when the levels are squeezed
        painter.fillRect(QRectF(mark.x1, y, width, 1.0), color)
        if step >= 3.5:
            painter.fillRect(QRectF(mark.x1, y + 2.0, width, 1.0), color)


def _outline(painter: QPainter, scene: LineScene, mark: Mark, colors: SpanColors, relation_mode: bool) -> None:
    """The current span: a box round its text; in relation mode (it is the head) a bolder,
    highlighted one, so it is obvious where the new relation will start."""
    rect = QRectF(mark.x1 - 1.5, scene.top - 1.0, mark.x2 - mark.x1 + 3.0, scene.bottom - scene.top + 2.0)
    if relation_mode:
        halo = QColor(colors.highlight)
        halo.setAlphaF(0.18)
        pen = QPen(colors.highlight, 2.5)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setBrush(halo)
    else:
        pen = QPen(colors.text, 1.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(pen)
    painter.drawRoundedRect(rect, 2.0, 2.0)


def _chip(painter: QPainter, chip: QRectF, mark: Mark, colors: SpanColors, metrics: Metrics, current: bool) -> None:
    border, fill, text = colors.chip(mark.span.label, mark.style)
    painter.setPen(QPen(colors.text, 1.5) if current else border)
    painter.setBrush(fill)
    painter.drawRoundedRect(chip.adjusted(0.5, 0.5, -0.5, -0.5), CHIP_RADIUS, CHIP_RADIUS)
    static, _width = metrics.chip_text(mark.span.label)
    painter.setPen(text)
    painter.drawStaticText(QPointF(chip.left() + metrics.chip_pad, chip.top() + metrics.chip_text_top), static)


def _arc_label(painter: QPainter, label: str, rect: QRectF, colors: SpanColors) -> None:
    backdrop = QColor(colors.base)
    backdrop.setAlphaF(0.85)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(backdrop)
    painter.drawRoundedRect(rect, 2.0, 2.0)
    painter.setPen(colors.relation(label))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
