"""Relations across lines and paragraphs, each drawn as one connector.

Each line's scene holds the ends of the relations that leave it for another line (``arcs.End``):
a curve from the chip up to the height where its run starts. A connector joins a relation's two
ends into one path: from the head's chip up and left along its line's arc band into the left
margin, down (or up) the margin past the lines in between, and right along the tail line's band
onto the tail's chip, arrowhead first; the label sits once, at the head's end. INCEpTION draws
relations across lines this way; brat cuts them into two halves running off the page.

Lanes. Connectors that pass the same lines run down the margin side by side, each in its own
lane (``LANE_GAP`` apart, the innermost next to the text). Lanes are given to the whole
document's relations at once, so a connector keeps its lane while the view scrolls:
- a relation between two paragraphs (blocks) holds its lane over the blocks from the head's to
  the tail's, both included; narrower relations take the inner lanes (greedy, as arc heights);
  recomputed only when relations or their spans change (``SpanModel.relations_version``);
- a relation between two lines of one paragraph takes the lanes outside those of the relations
  that hold that paragraph, one each (a paragraph has few of them, and all its lines' scenes
  are at hand whenever any of it is on screen).
The margin fits ``max_lanes`` lanes; further ones share the outermost.

An end that is off screen is not needed: its part of the connector is the margin run, which
leaves the viewport at the top or bottom.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPolygonF, QTextBlock

from annotator.gui.textview.arcs import End
from annotator.gui.textview.model import SpanModel
from annotator.gui.textview.scene import LineScene
from annotator.gui.textview.scene_cache import SceneCache
from annotator.store.records import RelationRecord

# Block breaks in the text given to Qt besides LF (see ``offsets``): U+2029, U+FDD0, U+FDD1 and a
# lone CR (a CR before LF is shown as a space there).
_OTHER_BREAKS = ("\r", "\u2029", "\ufdd0", "\ufdd1")
_BREAK = re.compile("[\n\r\u2029\ufdd0\ufdd1]")

LANE_GAP = 3.0      # between neighbouring lanes in the margin
CORNER = 3.0        # radius of a connector's turns into and out of its lane
OFF_SCREEN = 40.0   # how far beyond the viewport a connector to an off-screen end is drawn


@dataclass(slots=True)
class Connector:
    """A relation drawn across lines, in viewport coordinates: one path from the head's chip to
    the tail's; the arrowhead and label where those ends are on screen."""

    relation: RelationRecord
    path: QPainterPath
    arrow: QPolygonF | None
    label_rect: QRectF | None


class BlockNumbers:
    """The block (paragraph) of a code point, by bisecting the code points where blocks start,
    found once per text in the text the view gave Qt (``set_text``). Asking
    ``QTextDocument.findBlock`` for the two ends of 2,000 relations instead took 25 ms of a 1 MB
    document's opening, and reading the breaks back from Qt's raw text 10 ms."""

    def __init__(self) -> None:
        self._text = ""
        self._starts: list[int] | None = [0]

    def set_text(self, shown: str) -> None:
        """The text as given to ``QTextDocument`` (``offsets.qt_display_text``); its block
        starts are found when first asked."""
        self._text = shown
        self._starts = None

    def _find(self) -> list[int]:
        text = self._text
        if any(mark in text for mark in _OTHER_BREAKS):
            return [0, *(match.end() for match in _BREAK.finditer(text))]
        starts = [0]
        at = text.find("\n")
        while at >= 0:  # str.find runs at C speed; a regular expression over 1 MB took 5 ms
            starts.append(at + 1)
            at = text.find("\n", at + 1)
        return starts

    def __call__(self, cp: int) -> int:
        if self._starts is None:
            self._starts = self._find()
        return bisect_right(self._starts, cp) - 1


class Lanes:
    """The lane of each relation between two paragraphs (see the module doc)."""

    def __init__(self) -> None:
        self._version = -1
        self._spans: dict[int, tuple[int, int]] = {}  # relation id -> (head's block, tail's block)
        self._lane: dict[int, int] = {}
        self._by_low: list[tuple[int, int, int]] = []  # (first block, last block, relation id)
        self._longest = 0

    def refresh(self, model: SpanModel, block_of: BlockNumbers) -> None:
        """Give lanes again if relations or their spans changed; ``block_of`` maps a code point
        to its block number."""
        if not self.stale(model):
            return
        self._version = model.relations_version
        self._spans, self._lane = {}, {}
        spans = model.spans
        for relation in model.relations.values():
            head, tail = spans.get(relation.head_id), spans.get(relation.tail_id)
            if head is not None and tail is not None:
                blocks = (block_of(head.start), block_of(tail.start))
                if blocks[0] != blocks[1]:
                    self._spans[relation.id] = blocks
        self._by_low = sorted((min(blocks), max(blocks), rid) for rid, blocks in self._spans.items())
        self._longest = max((high - low for low, high, _rid in self._by_low), default=0)
        lanes: list[tuple[list[int], list[int]]] = []  # per lane: starts and ends of its intervals
        for low, high, rid in sorted(self._by_low, key=lambda item: (item[1] - item[0], item[0], item[2])):
            lane = 0
            while lane < len(lanes):
                starts, ends = lanes[lane]
                before = bisect_right(starts, high) - 1  # the interval starting last at or before high
                if before < 0 or ends[before] < low:
                    break
                lane += 1
            if lane == len(lanes):
                lanes.append(([], []))
            starts, ends = lanes[lane]
            index = bisect_left(starts, low)
            starts.insert(index, low)
            ends.insert(index, high)
            self._lane[rid] = lane

    def stale(self, model: SpanModel) -> bool:
        return model.relations_version != self._version

    def blocks(self, relation_id: int) -> tuple[int, int] | None:
        """The blocks of a cross-paragraph relation's head and tail; None for any other."""
        return self._spans.get(relation_id)

    def lane(self, relation_id: int) -> int:
        return self._lane[relation_id]

    def through(self, first: int, last: int) -> list[int]:
        """Cross-paragraph relations holding any block from ``first`` to ``last``."""
        start = bisect_left(self._by_low, (first - self._longest, -1, -1))
        stop = bisect_right(self._by_low, (last, float("inf"), float("inf")))
        return [rid for low, high, rid in self._by_low[start:stop] if high >= first and low <= last]


class Connectors:
    """Builds the connectors of the relations that cross the lines on screen."""

    def __init__(self) -> None:
        self.lanes = Lanes()
        self._blocks = BlockNumbers()

    def set_text(self, shown: str) -> None:
        """A new text in the view, as given to Qt: blocks are numbered anew, lanes given anew."""
        self._blocks.set_text(shown)
        self.lanes = Lanes()

    def visible(self, blocks: Sequence[tuple[QTextBlock, QRectF]], scenes: SceneCache, model: SpanModel,
                text_left: float, height: float) -> list[Connector]:
        """Connectors over ``blocks`` (the blocks on screen, with their viewport rectangles);
        ``text_left`` is the viewport x of the text's left edge, the margin lies left of it."""
        if not model.relations or not blocks:
            return []
        lanes = self.lanes
        if lanes.stale(model):
            lanes.refresh(model, self._blocks)
        first, last = blocks[0][0].blockNumber(), blocks[-1][0].blockNumber()
        found: dict[int, dict[bool, tuple[End, QPointF]]] = {}
        local: dict[int, list[tuple[float, int]]] = {}  # block -> (vertical extent, relation id)
        for block, rect in blocks:
            layout = block.layout()
            here: dict[int, dict[bool, tuple[End, QPointF]]] = {}
            for index, scene in enumerate(scenes.scenes(block)):
                if scene is None or not scene.ends:
                    continue
                offset = QPointF(rect.left(), rect.top() + layout.lineAt(index).y())
                for end in scene.ends:
                    here.setdefault(end.relation.id, {})[end.head] = (end, offset)
            for rid, ends in here.items():
                found.setdefault(rid, {}).update(ends)
                if len(ends) == 2 and lanes.blocks(rid) is None:  # two lines of this paragraph
                    (head, head_at), (tail, tail_at) = ends[True], ends[False]
                    extent = abs((tail_at.y() + tail.run.y()) - (head_at.y() + head.run.y()))
                    local.setdefault(block.blockNumber(), []).append((extent, rid))
        lane_of: dict[int, int] = {}
        for number, inside in local.items():
            base = 1 + max((lanes.lane(rid) for rid in lanes.through(number, number)), default=-1)
            for rank, (_extent, rid) in enumerate(sorted(inside)):
                lane_of[rid] = base + rank
        max_lane = max(0, int((text_left - 2.0) // LANE_GAP) - 1)
        connectors = []
        for rid in sorted(set(found) | set(lanes.through(first, last))):
            relation = model.relations.get(rid)
            if relation is None:
                continue
            if rid not in lane_of:
                if lanes.blocks(rid) is None:
                    continue  # both ends on one line of a paragraph: an arc, not a connector
                lane_of[rid] = lanes.lane(rid)
            x = text_left - LANE_GAP * (1 + min(lane_of[rid], max_lane))
            ends = found.get(rid, {})
            blocks_of = lanes.blocks(rid)
            points: list[QPointF | tuple[End, QPointF]] = []
            for is_head in (True, False):
                shown = ends.get(is_head)
                if shown is not None:
                    points.append(shown)
                else:
                    assert blocks_of is not None  # a relation inside one paragraph has both ends here
                    above = blocks_of[0 if is_head else 1] < first
                    points.append(QPointF(x, -OFF_SCREEN if above else height + OFF_SCREEN))
            connectors.append(_connector(relation, x, points[0], points[1]))
        return connectors


def _connector(relation: RelationRecord, lane: float, head: QPointF | tuple[End, QPointF],
               tail: QPointF | tuple[End, QPointF]) -> Connector:
    """One path: head chip (or off-screen point), its run into the lane, the lane, the tail's run
    and the tail chip (or off-screen point)."""
    label = arrow = None
    if isinstance(head, tuple):
        end, offset = head
        path = end.path.translated(offset)
        head_y = offset.y() + end.run.y()
        label = end.label_rect.translated(offset) if end.label_rect is not None else None
    else:
        path = QPainterPath(head)
        head_y = head.y()
    tail_y = tail[1].y() + tail[0].run.y() if isinstance(tail, tuple) else tail.y()
    down = 1.0 if tail_y > head_y else -1.0
    if isinstance(head, tuple):
        path.lineTo(QPointF(lane + CORNER, head_y))
        path.quadTo(QPointF(lane, head_y), QPointF(lane, head_y + down * CORNER))
    if isinstance(tail, tuple):
        end, offset = tail
        path.lineTo(QPointF(lane, tail_y - down * CORNER))
        path.quadTo(QPointF(lane, tail_y), QPointF(lane + CORNER, tail_y))
        path.connectPath(end.path.translated(offset))
        arrow = end.arrow.translated(offset) if end.arrow is not None else None
    else:
        path.lineTo(tail)
    return Connector(relation, path, arrow, label)


def drawn_relations(shown: Iterable[tuple[QTextBlock, QPointF, LineScene]],
                    connectors: Iterable[Connector]) -> list[tuple[int, QPainterPath, QRectF | None]]:
    """Each relation as drawn, in viewport coordinates: the arcs of the ``shown`` lines and the
    ``connectors``, as (relation id, path, label rectangle or None)."""
    drawn: list[tuple[int, QPainterPath, QRectF | None]] = []
    for _block, offset, scene in shown:
        drawn.extend((arc.relation.id, arc.path.translated(offset), arc.label_rect.translated(offset))
                     for arc in scene.arcs)
    drawn.extend((connector.relation.id, connector.path, connector.label_rect) for connector in connectors)
    return drawn
