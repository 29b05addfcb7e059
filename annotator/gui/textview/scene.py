"""Geometry of the annotations on one visual line: tints, underlines, chips and relation arcs.

A ``LineScene`` is built in the line's own coordinates: x as in the block's ``QTextLayout``, y
from the top of the line's text. Nothing in it depends on where the line ends up on screen, so
the scenes of a block are built once (the view caches them per block and drops them when the
annotations of that block change) and painted and hit-tested translated to wherever the line
is. Painting (``paint.py``) and hit-testing (clicks, tooltips) both read the same scenes, so
what the analyst clicks is exactly what was drawn.

A scene also says how much room its line needs (``room_above``, ``room_below``, see
``Metrics.room``): the same for every line but for the heights its relations run at; the view
hands those to the layout, so the lines are spaced for exactly what is drawn on them, and a
chip or an underline appearing never moves the text.

Layout rules, per line:
- underline levels: greedy interval colouring with the innermost (shortest) spans first, so
  nested spans stack outward from the text and overlapping spans never share a level;
- background tint: for each stretch of text, the innermost of the owner's spans covering it;
- chips: one row, above the start of each span, innermost first; a chip that would overlap
  its neighbour moves right of it. In quiet mode (``SceneBuilder.quiet``) suggestions take no
  place in the row: their chip is kept aside (``Mark.quiet_chip``, at the span's start) and
  drawn over the row only while the suggestion is hovered or current;
- relations (``arcs.py``): an arc between the tops of the two chips when both are on the line,
  otherwise one end of a connector that ``connectors.py`` draws across the lines between.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from PySide6.QtCore import QRectF
from PySide6.QtGui import QTextLine

from annotator.gui.offsets import OffsetMap
from annotator.gui.textview.arcs import Arc, End, place_relations
from annotator.gui.textview.fragments import Joint, split_fragments
from annotator.gui.textview.intervals import Entry
from annotator.gui.textview.levels import lowest_free_levels
from annotator.gui.textview.metrics import Metrics
from annotator.gui.textview.model import SpanModel
from annotator.gui.textview.style import SpanStyle, span_style
from annotator.store.records import SpanRecord

CHIP_GAP = 2.0  # between neighbouring chips in the row


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
    chip: QRectF | None = None        # the chip drawn in the row (None: the span starts elsewhere)
    quiet: bool = False               # a suggestion in quiet mode: light underline, chip only in focus
    quiet_chip: QRectF | None = None  # its chip, kept out of the row, drawn only while it is in focus


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
    arcs: list[Arc] = field(default_factory=list)   # relations with both chips on this line
    ends: list[End] = field(default_factory=list)   # ends of relations that cross lines
    joints: list[Joint] = field(default_factory=list)  # gaps of discontinuous spans (fragments.py)
    step: float = 0.0
    levels: int = 0           # underline levels used
    chip_rows: int = 0        # 1 when a chip (shown or quiet) starts on this line, else 0
    room_above: float = 0.0   # the room this line needs above and below its text
    room_below: float = 0.0

    top = 0.0  # not a field: every scene's y starts at the top of its line's text

    def underline_y(self, level: int) -> float:
        return self.bottom + 2.0 + level * self.step


class SceneBuilder:
    """Builds ``LineScene``s for the current model, owner and font."""

    def __init__(self, model: SpanModel, offsets: OffsetMap, metrics: Metrics, owner: str | None,
                 viewport_width: float, *, quiet: bool = False) -> None:
        self.model = model
        self.offsets = offsets
        self.metrics = metrics
        self.owner = owner
        self.viewport_width = viewport_width
        self.quiet = quiet  # suggestions' chips kept out of the row (see the module doc)

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
        quiet = self.quiet
        marks = scene.marks
        for start, end, span_id in entries:
            span = spans[span_id]
            a = start if start > line_start else line_start
            b = end if end < line_end else line_end
            style = span_style(span, owner)
            marks.append(Mark(span, style, a, b, *x_span(a, b), quiet=quiet and style is SpanStyle.SUGGESTION))
        marks.sort(key=lambda mark: (mark.span.end - mark.span.start, mark.span.start, mark.span.id))
        levels = scene.levels = _assign_levels(marks)
        scene.joints = split_fragments(marks, x_span)  # a discontinuous span's pieces, on its one level
        scene.tints = [(*x_span(a, b), label) for a, b, label in _tint_runs(marks)]
        self._place_chips(scene)
        used = place_relations(scene, self.model, metrics, self.viewport_width)
        scene.room_above, scene.room_below = metrics.room(used)
        # Full underline spacing while the levels fit below the line, squeezed beyond that.
        scene.step = min(metrics.step, max(1.5, (scene.room_below - 2.0) / levels))
        return scene

    def _place_chips(self, scene: LineScene) -> None:
        """Chips go in one row above their span's start, innermost first; a chip that would
        overlap the previous one moves right of it. Quiet suggestions keep their chip aside, at
        their start or right of the row's chips in its way, to be drawn over the row while they
        are in focus."""
        metrics = self.metrics
        starting = sorted((mark for mark in scene.marks if mark.start == mark.span.start),
                          key=lambda mark: (mark.x1, mark.level))
        if not starting:
            return
        scene.chip_rows = 1
        right = float("-inf")
        right_edge = self.viewport_width - 1
        top = scene.top - 1 - metrics.chip_height
        row: list[tuple[float, float]] = []
        for mark in starting:
            if not mark.quiet:
                width = metrics.chip_text(mark.span.label)[1]
                x = max(min(mark.x1, right_edge - width), right + CHIP_GAP)
                right = x + width
                mark.chip = QRectF(x, top, width, metrics.chip_height)
                row.append((x, right))
        for mark in starting:
            if mark.quiet:
                width = metrics.chip_text(mark.span.label)[1]
                x = min(mark.x1, right_edge - width)
                for left, end in row:
                    if left < x + width + CHIP_GAP and x < end + CHIP_GAP:
                        x = end + CHIP_GAP
                mark.quiet_chip = QRectF(x, top, width, metrics.chip_height)


def _assign_levels(marks: list[Mark]) -> int:
    """Give each mark (sorted innermost first) the lowest level free of overlapping marks;
    returns the number of levels used."""
    levels = lowest_free_levels([(mark.start, mark.end) for mark in marks])
    for mark, level in zip(marks, levels, strict=True):
        mark.level = level
    return max(levels, default=-1) + 1


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
