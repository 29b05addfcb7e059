"""Discontinuous spans on a line: an underline under each piece, a dotted joint over each gap.

A span with fragments (brat's "T1 ACTOR 0 5;9 14", made in the editor with Shift and the label
key) is one annotation, so it is drawn as one: the scene builder lays it out over its whole
extent first (one underline level, kept free over the gaps, and one chip, above its first
piece), then ``split_fragments`` replaces its mark on each line by the marks of the pieces
there, and puts a ``Joint`` where the underline would run through a gap: a thin dotted line at
the span's level in its label colour, with a short tick where each piece ends and the next
begins, so the eye follows the pieces to their one chip. Tints, outlines and hit-testing then
read the piece marks, so the text of a gap is neither tinted nor part of the span when clicked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF
from PySide6.QtGui import QColor, QPainter, QPen

from annotator.gui.textview.style import SpanColors, SpanStyle
from annotator.store.records import SpanRecord

if TYPE_CHECKING:
    from annotator.gui.textview.scene import LineScene, Mark

JOINT_DOTS = [1.0, 2.5]   # the joint's dash pattern, in pen widths: dotted, lighter than any underline
JOINT_TICK = 3.0          # height of the ticks at a gap's ends, above and below the joint


@dataclass(slots=True, frozen=True)
class Joint:
    """The part of a discontinuous span's gap on one line, in the line's coordinates.
    ``opens``/``closes``: a piece ends at ``x1`` / the next begins at ``x2`` on this line (a
    gap that runs on to another line has no tick at the line's edge)."""

    span: SpanRecord
    style: SpanStyle
    x1: float
    x2: float
    level: int
    opens: bool
    closes: bool


def split_fragments(marks: list[Mark], x_span: Callable[[int, int], tuple[float, float]]) -> list[Joint]:
    """Replace, in place, the mark of each discontinuous span by the marks of its pieces on
    the line (same level and order, so nesting and tints are worked out as for any span) and
    return the joints over its gaps. ``x_span`` gives the x extent of code points [a, b) on
    the line."""
    if not any(mark.span.fragments for mark in marks):
        return []
    joints: list[Joint] = []
    split: list[Mark] = []
    for mark in marks:
        pieces = mark.span.fragments
        if not pieces:
            split.append(mark)
            continue
        for a, b in pieces:
            a, b = max(a, mark.start), min(b, mark.end)
            if a < b:
                x1, x2 = x_span(a, b)
                split.append(dataclasses.replace(mark, start=a, end=b, x1=x1, x2=x2))
        for (_start, gap_start), (gap_end, _end) in zip(pieces, pieces[1:], strict=False):
            a, b = max(gap_start, mark.start), min(gap_end, mark.end)
            if a < b:
                x1, x2 = x_span(a, b)
                joints.append(Joint(mark.span, mark.style, x1, x2, mark.level,
                                    opens=a == gap_start, closes=b == gap_end))
    marks[:] = split
    return joints


def paint_joints(painter: QPainter, shown: Sequence[tuple[QPointF, LineScene]], colors: SpanColors) -> None:
    """The joints of the lines shown, drawn over the text where the pieces' underlines run."""
    for offset, scene in shown:
        if not scene.joints:
            continue
        painter.translate(offset)
        for joint in scene.joints:
            color = QColor(colors.label(joint.span.label))
            if joint.style is not SpanStyle.OWN:
                color.setAlphaF(0.6)
            y = scene.underline_y(joint.level) + 1.0
            pen = QPen(color, 1.0)
            painter.setPen(pen)
            for x, shown_tick in ((joint.x1, joint.opens), (joint.x2, joint.closes)):
                if shown_tick:
                    painter.drawLine(QLineF(x, y - JOINT_TICK, x, y + JOINT_TICK))
            pen.setDashPattern(JOINT_DOTS)
            painter.setPen(pen)
            painter.drawLine(QLineF(joint.x1 + 2.0, y, joint.x2 - 2.0, y))
        painter.translate(-offset)
