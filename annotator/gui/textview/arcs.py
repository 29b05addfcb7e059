"""Relations on one line: whole arcs between two chips of the line, and the ends of connectors
that run to another line.

Every relation leaves its head's chip and arrives, arrowhead first, on its tail's chip. When both
chips are on the line it is an ``Arc`` over the line, its label at the top. When the other chip
is on another line, this line holds one ``End`` of a connector: a curve from the chip up to the
height the end runs at, and the point where its horizontal run towards the left margin starts;
``connectors.py`` joins a relation's two ends into one path down the margin.

Heights (levels), brat-style: arcs and ends are sorted narrowest first and each takes the
lowest height where nothing already there overlaps its horizontal extent, which counts its
label as well as its curve, so wide arcs rise over narrow ones and labels at one height never
meet. Heights are a label's height apart (``Metrics.arc_step``), so labels at different heights
never meet either: three relations between the same two spans stack their labels one above the
other. There is no limit to the heights; the line's room grows with them.

Where several relations use one chip, they attach at points spread across its width, ordered
by where their other end lies, so arcs between the same two chips do not start at one point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPolygonF

from annotator.gui.textview.levels import lowest_free_levels
from annotator.gui.textview.metrics import ARC_CURVE, Metrics
from annotator.gui.textview.model import SpanModel
from annotator.store.records import RelationRecord

if TYPE_CHECKING:
    from annotator.gui.textview.scene import LineScene

ARC_STUB = 10.0   # horizontal run of a connector's end before it heads for the margin
LABEL_GAP = 3.0   # between a connector's run and its label, and between extents at one height


@dataclass(slots=True)
class Arc:
    """A relation whose head and tail chips are both on this line."""

    relation: RelationRecord
    path: QPainterPath
    arrow: QPolygonF
    label_rect: QRectF


@dataclass(slots=True)
class End:
    """One end of a relation whose other chip is on another line. ``path`` runs from the chip
    up to ``run`` (the head's end) or from ``run`` down onto the chip (the tail's, which has the
    arrowhead); ``run`` is where the horizontal run towards the left margin starts. The label
    is drawn once, at the head's end."""

    relation: RelationRecord
    head: bool
    path: QPainterPath
    run: QPointF
    arrow: QPolygonF | None
    label_rect: QRectF | None


@dataclass(slots=True)
class _Item:
    relation: RelationRecord
    head: QRectF | None     # the chips on this line (None: that end is on another line)
    tail: QRectF | None
    x_head: float = 0.0     # attachment points on the chips
    x_tail: float = 0.0
    label: tuple[float, float] | None = None  # the label's left and right (None: no label here)
    run: float = 0.0        # x where an end's run starts
    left: float = 0.0       # horizontal extent: curve, run and label
    right: float = 0.0
    level: int = 0


def place_relations(scene: LineScene, model: SpanModel, metrics: Metrics, viewport_width: float) -> int:
    """Add the arcs and connector ends of the relations whose chips are on this line to
    ``scene``; returns the number of heights they use."""
    anchors = {mark.span.id: chip for mark in scene.marks
               if (chip := mark.chip if mark.chip is not None else mark.quiet_chip) is not None}
    if not anchors:
        return 0
    items: list[_Item] = []
    for span_id in anchors:
        for relation in model.relations_of(span_id):
            head, tail = relation.head_id, relation.tail_id
            if head == tail:
                continue
            if span_id == head:
                items.append(_Item(relation, anchors[span_id], anchors.get(tail)))
            elif head not in anchors:
                items.append(_Item(relation, None, anchors[span_id]))
    if not items:
        return 0
    _attach(items)
    for item in items:
        _extent(item, metrics, scene.left, viewport_width)
    used = _levels(items)
    for item in items:
        _draw(scene, item, metrics)
    return used


def _attach(items: list[_Item]) -> None:
    """Spread the relations using one chip across its width, ordered by where their other end
    lies (ends leaving for another line first: they run to the left margin)."""
    users: dict[int, tuple[QRectF, list[tuple[float, int, _Item, bool]]]] = {}
    for item in items:
        for chip, other, is_head in ((item.head, item.tail, True), (item.tail, item.head, False)):
            if chip is not None:
                toward = other.center().x() if other is not None else float("-inf")
                users.setdefault(id(chip), (chip, []))[1].append((toward, item.relation.id, item, is_head))
    for chip, using in users.values():
        using.sort(key=lambda use: (use[0], use[1]))
        for index, (_toward, _id, item, is_head) in enumerate(using):
            x = chip.left() + chip.width() * (index + 1) / (len(using) + 1)
            if is_head:
                item.x_head = x
            else:
                item.x_tail = x


def _extent(item: _Item, metrics: Metrics, text_left: float, viewport_width: float) -> None:
    """Where the item's label goes and how far it reaches left and right."""
    width = metrics.label_width(item.relation.label)

    def inside(left: float) -> tuple[float, float]:  # within the text's width: the margin holds the lanes
        left = max(text_left, min(left, viewport_width - width - 1.0))
        return left, left + width

    if item.head is not None and item.tail is not None:  # a whole arc: label at the top, centred
        left, right = inside((item.x_head + item.x_tail - width) / 2)
        item.label = (left, right)
        item.left = min(item.x_head, item.x_tail, left)
        item.right = max(item.x_head, item.x_tail, right)
    elif item.head is not None:  # the head's end: label on the run, or right of the curve
        x = item.x_head
        item.run = min(x, max(text_left, x - ARC_STUB))
        if item.run - LABEL_GAP - width >= text_left:
            item.label = (item.run - LABEL_GAP - width, item.run - LABEL_GAP)
        else:
            item.label = inside(x + LABEL_GAP)
        item.left, item.right = 0.0, max(x, item.label[1])
    else:  # the tail's end
        x = item.x_tail
        item.run = min(x, max(text_left, x - ARC_STUB))
        item.left, item.right = 0.0, x


def _levels(items: list[_Item]) -> int:
    """Give each item the lowest height where its extent meets no other's, narrowest first;
    returns the number of heights used."""
    ordered = sorted(items, key=lambda item: (item.right - item.left, item.left, item.relation.id))
    levels = lowest_free_levels([(item.left, item.right) for item in ordered], LABEL_GAP)
    for item, level in zip(ordered, levels, strict=True):
        item.level = level
    return max(levels, default=-1) + 1


def _draw(scene: LineScene, item: _Item, metrics: Metrics) -> None:
    chip = item.head if item.head is not None else item.tail
    assert chip is not None
    top = chip.top()
    apex = top - ARC_CURVE - (item.level + 0.5) * metrics.arc_step
    label_rect = None
    if item.label is not None:
        height = metrics.label_height
        label_rect = QRectF(item.label[0], apex - height / 2, item.label[1] - item.label[0], height)
    if item.head is not None and item.tail is not None:
        x0, x3 = item.x_head, item.x_tail
        # A cubic with both control points at height c peaks at 0.125*y0 + 0.75*c + 0.125*y3.
        control = (apex - 0.25 * top) / 0.75
        path = QPainterPath(QPointF(x0, top))
        path.cubicTo(QPointF(x0, control), QPointF(x3, control), QPointF(x3, top))
        assert label_rect is not None
        scene.arcs.append(Arc(item.relation, path, arrowhead(x3, top), label_rect))
    elif item.head is not None:
        x = item.x_head
        path = QPainterPath(QPointF(x, top))
        path.quadTo(QPointF(x, apex), QPointF(item.run, apex))
        scene.ends.append(End(item.relation, True, path, QPointF(item.run, apex), None, label_rect))
    else:
        x = item.x_tail
        path = QPainterPath(QPointF(item.run, apex))
        path.quadTo(QPointF(x, apex), QPointF(x, top))
        scene.ends.append(End(item.relation, False, path, QPointF(item.run, apex), arrowhead(x, top), None))


def arrowhead(x: float, y: float) -> QPolygonF:
    """A small triangle pointing down onto the tail chip."""
    return QPolygonF([QPointF(x, y), QPointF(x - 3.5, y - 6.0), QPointF(x + 3.5, y - 6.0)])
