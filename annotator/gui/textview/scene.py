"""Geometry of the annotations on one visual line: tints, underlines, chips and relation arcs.

A ``LineScene`` is built in the line's own coordinates: x as in the block's ``QTextLayout``, y
from the top of the line's text. Nothing in it depends on where the line ends up on screen, so
the scenes of a block are built once (the view caches them per block and drops them when the
annotations of that block change) and painted and hit-tested translated to wherever the line
is. Painting (``paint.py``) and hit-testing (clicks, tooltips) both read the same scenes, so
what the analyst clicks is exactly what was drawn.

A scene also says how much room its line needs (``room_above``, ``room_below``, from its chip
rows, arcs and underline levels, see ``Metrics.room``); the view hands those to the layout, so
the lines are spaced for exactly what is drawn on them.

Layout rules, per line:
- underline levels: greedy interval colouring with the innermost (shortest) spans first, so
  nested spans stack outward from the text and overlapping spans never share a level;
- background tint: for each stretch of text, the innermost of the owner's spans covering it;
- chips: above the start of each span, innermost first; a chip that would overlap its
  neighbour moves a little right (spans that start together), else up a row;
- arcs: between the tops of the two chips when both are on the line, otherwise a brat-style
  end that leaves towards the edge of the viewport on the side of the other span.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPolygonF, QTextLine

from annotator.gui.offsets import OffsetMap
from annotator.gui.textview.intervals import Entry
from annotator.gui.textview.metrics import ARC_LEVEL_STEP, ARC_LEVELS, CHIP_ROWS, Metrics
from annotator.gui.textview.model import SpanModel
from annotator.gui.textview.style import SpanStyle, span_style
from annotator.store.records import RelationRecord, SpanRecord

CHIP_DRIFT = 1.5      # how far (in chip widths) a chip may shift right of its span's start
ARC_STUB = 14.0       # horizontal run of an arc end before it turns towards the viewport edge

# An arc to place: (relation, head chip, tail chip (None when off this line), +1 when the tail
# comes after the head, x where the arc starts, x where it ends)
_Pending = tuple[RelationRecord, QRectF | None, QRectF | None, float, float, float]


@dataclass(slots=True)
class Mark:
    """One span's piece on one line, in the line's coordinates."""

    span: SpanRecord
    style: SpanStyle
    start: int           # code points covered on this line
    end: int
    x1: float
    x2: float
    level: int = 0
    chip: QRectF | None = None


@dataclass(slots=True)
class Arc:
    """A relation drawn on this line: a whole arc or one end of an arc that crosses lines."""

    relation: RelationRecord
    path: QPainterPath
    arrow: QPolygonF | None
    label_center: QPointF


@dataclass(slots=True)
class LineScene:
    """What is drawn on one visual line, in the line's coordinates: x as in the block's layout,
    y = 0 at the top of the text (chips and arcs have negative y)."""

    bottom: float        # the text's height
    left: float          # x of the text's left edge and the end of its natural width
    right: float
    block_position: int  # UTF-16 position of the block, for hit-testing characters
    line_index: int      # the line's number in its block
    marks: list[Mark] = field(default_factory=list)
    tints: list[tuple[float, float, str]] = field(default_factory=list)  # x1, x2, label
    arcs: list[Arc] = field(default_factory=list)
    step: float = 0.0
    levels: int = 0           # underline levels used
    chip_rows: int = 0        # chip rows used (0: no chip starts on this line)
    room_above: float = 0.0   # the room this line needs above and below its text
    room_below: float = 0.0

    top = 0.0  # not a field: every scene's y starts at the top of its line's text

    def underline_y(self, level: int) -> float:
        return self.bottom + 2.0 + level * self.step


class SceneBuilder:
    """Builds ``LineScene``s for the current model, owner and font."""

    def __init__(self, model: SpanModel, offsets: OffsetMap, metrics: Metrics, owner: str | None,
                 viewport_width: float) -> None:
        self.model = model
        self.offsets = offsets
        self.metrics = metrics
        self.owner = owner
        self.viewport_width = viewport_width

    def block(self, block_position: int, lines: Sequence[QTextLine]) -> list[LineScene | None]:
        """A scene for each of ``lines``, the lines of the block at UTF-16 ``block_position``
        (None for a line no span touches). One index query covers the block, then each line
        takes its share of the result."""
        offsets = self.offsets
        ranges: list[tuple[int, int] | None] = []
        for line in lines:
            first = block_position + line.textStart()
            length = line.textLength()
            ranges.append((offsets.from_qt(first), offsets.from_qt_end(first + length)) if length else None)
        present = [bounds for bounds in ranges if bounds is not None]
        if not present:
            return [None] * len(lines)
        entries = self.model.index.overlapping(present[0][0], present[-1][1])
        scenes: list[LineScene | None] = []
        for index, (line, bounds) in enumerate(zip(lines, ranges, strict=True)):
            scene = None
            if bounds is not None:
                start, end = bounds
                mine = [entry for entry in entries if entry[0] < end and entry[1] > start]
                if mine:
                    scene = self._line(block_position, index, line, start, end, mine)
            scenes.append(scene)
        return scenes

    def _line(self, block_position: int, index: int, line: QTextLine, line_start: int, line_end: int,
              entries: list[Entry]) -> LineScene:
        offsets = self.offsets
        metrics = self.metrics
        scene = LineScene(bottom=line.height(), left=line.x(), right=line.x() + line.naturalTextWidth(),
                          block_position=block_position, line_index=index)
        xs: dict[int, float] = {}

        def x_of(cp: int) -> float:
            x = xs.get(cp)
            if x is None:
                found = cast(tuple[float, int], line.cursorToX(offsets.to_qt(cp) - block_position))
                x = xs[cp] = found[0]
            return x

        def x_span(a: int, b: int) -> tuple[float, float]:
            x1, x2 = x_of(a), x_of(b)
            return (x1, x2) if x1 <= x2 else (x2, x1)  # a right-to-left run

        spans = self.model.spans
        owner = self.owner
        marks = scene.marks
        for start, end, span_id in entries:
            span = spans[span_id]
            a = start if start > line_start else line_start
            b = end if end < line_end else line_end
            marks.append(Mark(span, span_style(span, owner), a, b, *x_span(a, b)))
        marks.sort(key=lambda mark: (mark.span.end - mark.span.start, mark.span.start, mark.span.id))
        levels = scene.levels = _assign_levels(marks)
        scene.tints = [(*x_span(a, b), label) for a, b, label in _tint_runs(marks)]
        self._place_chips(scene, line_start)
        arcs = self._pending_arcs(scene)
        arc_levels = _arc_levels(arcs)
        used = max(arc_levels, default=-1) + 1
        scene.room_above, scene.room_below = metrics.room(scene.chip_rows, used, levels)
        # Full underline spacing while the levels fit below the line, squeezed beyond that.
        scene.step = min(metrics.step, max(1.5, (scene.room_below - 2.0) / levels))
        self._place_arcs(scene, arcs, arc_levels, used)
        return scene

    def _place_chips(self, scene: LineScene, line_start: int) -> None:
        """Chips go above their span's start, innermost first. A chip that would overlap the
        previous one moves a little right in the same row when that keeps it near its span
        (nested spans that start together), else up a row; when every row is taken it goes
        after the chip in the least crowded row."""
        metrics = self.metrics
        starting = sorted((mark for mark in scene.marks if mark.span.start >= line_start),
                          key=lambda mark: (mark.x1, mark.level))
        row_right = [float("-inf")] * CHIP_ROWS
        gap = 2.0
        right_edge = self.viewport_width - 1
        for mark in starting:
            width = metrics.chip_text(mark.span.label)[1]
            x = min(mark.x1, right_edge - width)
            row = 0
            if row_right[0] + gap - x > width * CHIP_DRIFT:
                free = [r for r in range(1, CHIP_ROWS) if row_right[r] + gap <= x]
                row = free[0] if free else min(range(CHIP_ROWS), key=row_right.__getitem__)
            x = max(x, row_right[row] + gap)
            row_right[row] = x + width
            scene.chip_rows = max(scene.chip_rows, row + 1)
            bottom = scene.top - 1 - row * (metrics.chip_height + 1)
            mark.chip = QRectF(x, bottom - metrics.chip_height, width, metrics.chip_height)

    def _pending_arcs(self, scene: LineScene) -> list[_Pending]:
        """The arcs and arc ends that start or end at chips on this line, narrowest first."""
        chips = {mark.span.id: mark.chip for mark in scene.marks if mark.chip is not None}
        if not chips:
            return []
        spans = self.model.spans
        pending: list[_Pending] = []
        for span_id, chip in chips.items():
            for relation in self.model.relations_of(span_id):
                head, tail = relation.head_id, relation.tail_id
                toward = 1.0 if _before(spans[head], spans[tail]) else -1.0
                x = chip.center().x()
                if span_id == head and tail in chips:
                    pending.append((relation, chip, chips[tail], toward, x, chips[tail].center().x()))
                elif span_id == head:
                    pending.append((relation, chip, None, toward, x, self.viewport_width if toward > 0 else 0.0))
                elif head not in chips:
                    pending.append((relation, None, chip, toward, 0.0 if toward > 0 else self.viewport_width, x))
        pending.sort(key=lambda item: abs(item[5] - item[4]))
        return pending

    def _place_arcs(self, scene: LineScene, pending: list[_Pending], levels: list[int], used: int) -> None:
        """Arcs run in the band the room keeps for them, under the top padding: the highest
        one with its label at the top of the band, lower levels one step down each."""
        highest = scene.top - scene.room_above + self.metrics.pad_above + self.metrics.label_height / 2
        for (relation, head_chip, tail_chip, toward, _x_from, _x_to), level in zip(pending, levels, strict=True):
            apex = highest + (used - 1 - level) * ARC_LEVEL_STEP
            if head_chip is not None and tail_chip is not None:
                scene.arcs.append(_whole_arc(relation, head_chip, tail_chip, apex))
            elif head_chip is not None:
                scene.arcs.append(self._leaving_end(relation, head_chip, apex, toward))
            else:
                assert tail_chip is not None
                scene.arcs.append(self._arriving_end(relation, tail_chip, apex, toward))

    def _leaving_end(self, relation: RelationRecord, chip: QRectF, apex: float, toward: float) -> Arc:
        """The head's end of an arc whose tail is on another line: up, then off to the edge on
        the tail's side."""
        x0, y0 = chip.center().x(), chip.top()
        edge = self.viewport_width if toward > 0 else 0.0
        path = QPainterPath(QPointF(x0, y0))
        path.quadTo(QPointF(x0, apex), QPointF(x0 + toward * ARC_STUB, apex))
        path.lineTo(QPointF(edge, apex))
        label_x = x0 + toward * (ARC_STUB + 4 + self.metrics.label_width(relation.label) / 2)
        return Arc(relation, path, None, QPointF(self._inside(label_x, relation.label), apex))

    def _arriving_end(self, relation: RelationRecord, chip: QRectF, apex: float, toward: float) -> Arc:
        """The tail's end: in from the edge on the head's side, down onto the chip."""
        x3, y3 = chip.center().x(), chip.top()
        edge = 0.0 if toward > 0 else self.viewport_width
        path = QPainterPath(QPointF(edge, apex))
        path.lineTo(QPointF(x3 - toward * ARC_STUB, apex))
        path.quadTo(QPointF(x3, apex), QPointF(x3, y3))
        label_x = x3 - toward * (ARC_STUB + 4 + self.metrics.label_width(relation.label) / 2)
        return Arc(relation, path, _arrowhead(x3, y3), QPointF(self._inside(label_x, relation.label), apex))

    def _inside(self, x: float, label: str) -> float:
        """A label's centre moved so that the whole label stays in the viewport (an arc end
        near the edge would otherwise carry its label off it)."""
        half = self.metrics.label_width(label) / 2
        return max(half + 1, min(x, self.viewport_width - half - 1))


def _whole_arc(relation: RelationRecord, head: QRectF, tail: QRectF, apex: float) -> Arc:
    x0, y0 = head.center().x(), head.top()
    x3, y3 = tail.center().x(), tail.top()
    # A cubic with both control points at height c peaks at 0.125*y0 + 0.75*c + 0.125*y3.
    control = (apex - 0.125 * (y0 + y3)) / 0.75
    path = QPainterPath(QPointF(x0, y0))
    path.cubicTo(QPointF(x0, control), QPointF(x3, control), QPointF(x3, y3))
    return Arc(relation, path, _arrowhead(x3, y3), QPointF((x0 + x3) / 2, apex))


def _arrowhead(x: float, y: float) -> QPolygonF:
    """A small triangle pointing down onto the tail chip."""
    return QPolygonF([QPointF(x, y), QPointF(x - 3.5, y - 6.0), QPointF(x + 3.5, y - 6.0)])


def _arc_levels(pending: list[_Pending]) -> list[int]:
    """Heights for arcs sorted narrowest first: narrow arcs stay low and wide ones rise over
    them, so nested arcs and their labels do not sit on each other (greedy levels over the
    arcs' horizontal extents; beyond ``ARC_LEVELS`` they share the top one)."""
    taken: list[list[tuple[float, float]]] = [[] for _ in range(ARC_LEVELS)]
    levels = []
    for _relation, _head, _tail, _toward, x_from, x_to in pending:
        left, right = min(x_from, x_to), max(x_from, x_to)
        level = next((n for n, used in enumerate(taken) if all(b < left or right < a for a, b in used)),
                     ARC_LEVELS - 1)
        taken[level].append((left, right))
        levels.append(level)
    return levels


def _before(first: SpanRecord, second: SpanRecord) -> bool:
    return (first.start, first.id) < (second.start, second.id)


def _assign_levels(marks: list[Mark]) -> int:
    """Give each mark (sorted innermost first) the lowest level free of overlapping marks;
    returns the number of levels used."""
    taken: list[list[tuple[int, int]]] = []
    for mark in marks:
        level = 0
        while level < len(taken) and any(a < mark.end and mark.start < b for a, b in taken[level]):
            level += 1
        if level == len(taken):
            taken.append([])
        taken[level].append((mark.start, mark.end))
        mark.level = level
    return len(taken)


def _tint_runs(marks: list[Mark]) -> list[tuple[int, int, str]]:
    """Stretches of the line, each with the label of the innermost owner's span over it.

    ``marks`` come innermost first, so the first own mark covering a stretch is its tint.
    """
    own = [mark for mark in marks if mark.style is SpanStyle.OWN]
    if not own:
        return []
    bounds = sorted({position for mark in own for position in (mark.start, mark.end)})
    runs: list[tuple[int, int, str]] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        cover = next((mark for mark in own if mark.start <= a and b <= mark.end), None)
        if cover is None:
            continue
        if runs and runs[-1][1] == a and runs[-1][2] == cover.span.label:
            runs[-1] = (runs[-1][0], b, cover.span.label)
        else:
            runs.append((a, b, cover.span.label))
    return runs
