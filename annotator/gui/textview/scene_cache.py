"""The scenes of the view's laid-out blocks, kept while their line breaks stay, and the room
each line needs.

Building a block's scenes (``SceneBuilder.block``) asks the span index and measures every chip,
which is too slow to do on every paint of a large document; the scenes of the last
``SCENE_CACHE_BLOCKS`` blocks (a few screens' worth) are therefore kept. The layout asks for a
block's room (``line_rooms``) from the very scenes that are painted, so lines are spaced for
exactly what is drawn on them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable

from PySide6.QtGui import QTextBlock

from annotator.gui.textview.layout import Gap
from annotator.gui.textview.metrics import Metrics
from annotator.gui.textview.scene import LineScene, SceneBuilder

SCENE_CACHE_BLOCKS = 256  # blocks whose line scenes are kept: a few screens' worth


class SceneCache:
    """The scene of each line of a laid-out block, by block number, least recently used out.

    Whatever changes a cached scene drops it: ``drop`` for the blocks whose annotations
    changed, ``clear`` on a new document, annotations, owner or font. A new width re-breaks the
    lines, which the key (line starts and width) catches.
    """

    def __init__(self, builder: Callable[[], SceneBuilder]) -> None:
        self._builder = builder  # a builder for the view as it is now (model, owner, width)
        # block number -> ((line starts, line width), scene of each line)
        self._blocks: OrderedDict[int, tuple[tuple[tuple[int, ...], float], list[LineScene | None]]] = \
            OrderedDict()

    def scenes(self, block: QTextBlock) -> list[LineScene | None]:
        layout = block.layout()
        count = layout.lineCount()
        if count == 0:
            return []
        lines = [layout.lineAt(index) for index in range(count)]
        key = (tuple(line.textStart() for line in lines), lines[0].width())
        number = block.blockNumber()
        cached = self._blocks.get(number)
        if cached is not None and cached[0] == key:
            self._blocks.move_to_end(number)
            return cached[1]
        scenes = self._builder().block(block.position(), lines)
        self._blocks[number] = (key, scenes)
        if len(self._blocks) > SCENE_CACHE_BLOCKS:
            self._blocks.popitem(last=False)
        return scenes

    def drop(self, numbers: Iterable[int]) -> None:
        for number in numbers:
            self._blocks.pop(number, None)

    def clear(self) -> None:
        self._blocks.clear()


def line_rooms(block: QTextBlock, scenes: list[LineScene | None], metrics: Metrics) -> list[Gap]:
    """Room above and below each line of a laid-out block, for the layout. A line no span
    touches gets the room of any line without relations (its chips and underlines would fit,
    so the first span on it moves nothing); the last line of a paragraph that runs straight
    into the next one (no blank line between) some paragraph spacing."""
    bare = metrics.room()
    rooms = [bare if scene is None else (scene.room_above, scene.room_below) for scene in scenes]
    following = block.next()
    if rooms and following.isValid() and following.length() > 1:
        above, below = rooms[-1]
        rooms[-1] = (above, below + metrics.paragraph_gap)
    return rooms
