"""Sizes derived from the reading font: chip font and height, room above and below each line.

Everything scales with the font so that ``set_font_point_size`` keeps the proportions: the
chips stay a little smaller than the text, and the room under a line fits up to three stacked
underlines before they start to squeeze together.

Room per line (``room``). Every line of text keeps the same room for its chips and underlines,
annotated or not, so that nothing moves when a span, a suggestion or a chip appears or goes
(lines that grew as their first chip arrived made the text jump under the analyst's eyes):
- above: ``pad_above`` (breathing room, and the gap between the previous line's underlines and
  this line's chips), one chip row, and ``arc_room`` for the heights at which relation arcs
  (or the ends of connectors that cross lines) run there: relations are the only thing that
  adds room, and only on the lines where they start or end;
- below: room for ``UNDERLINE_LEVELS`` underline levels (deeper nesting squeezes the levels).
Paragraphs not already set apart by a blank line get ``paragraph_gap`` more under their last
line.
"""

from __future__ import annotations

import math

from PySide6.QtGui import QFont, QFontMetricsF, QStaticText

UNDERLINE_LEVELS = 3   # levels that fit below a line at full spacing; more are squeezed
ARC_CURVE = 4.0        # pixels under the lowest arc height for arcs to curve down onto chips


class Metrics:
    def __init__(self, font: QFont) -> None:
        text = QFontMetricsF(font)
        self.text_height = text.height()
        self.chip_font = QFont(font)
        if font.pointSizeF() > 0:
            self.chip_font.setPointSizeF(max(6.0, font.pointSizeF() * 0.68))
        else:
            self.chip_font.setPixelSize(max(8, round(font.pixelSize() * 0.68)))
        self.chip_font.setWeight(QFont.Weight.DemiBold)
        self.label_font = QFont(self.chip_font)
        self.label_font.setWeight(QFont.Weight.Normal)
        self.label_font.setItalic(True)
        self._chip = QFontMetricsF(self.chip_font)
        self._label = QFontMetricsF(self.label_font)
        self.chip_height = math.ceil(self._chip.height()) + 1
        self.chip_pad = 3.0
        self.chip_text_top = (self.chip_height - self._chip.height()) / 2  # centres the text
        self.label_height = math.ceil(self._label.height())
        self.arc_step = float(self.label_height + 1)  # arc heights a label apart: stacked labels never touch
        self.chip_row = float(self.chip_height + 1)  # the chip row: a chip and a pixel under it
        self.step = float(max(3, round(self.text_height * 0.22)))
        self.pad_above = float(max(2, round(self.text_height * 0.15)))
        self.pad_below = float(max(2, round(self.text_height * 0.15)))
        self.paragraph_gap = float(round(self.text_height * 0.45))
        self._chip_texts: dict[str, tuple[QStaticText, float]] = {}
        self._label_widths: dict[str, float] = {}

    def arc_room(self, arc_levels: int) -> float:
        """The band for arcs running at this many heights: a label's height (and a pixel) per
        height, and ``ARC_CURVE`` under the lowest for the arcs to curve down onto their chips."""
        if arc_levels <= 0:
            return 0.0
        return float(math.ceil(ARC_CURVE + arc_levels * self.arc_step))

    def room(self, arc_levels: int = 0) -> tuple[float, float]:
        """Pixels above and below a line of text whose relations run at ``arc_levels`` heights
        (0 for most lines): the same for every line but for the arcs."""
        above = self.pad_above + self.chip_row + self.arc_room(arc_levels)
        below = max(self.pad_below, 2.0 + UNDERLINE_LEVELS * self.step)
        return above, below

    def chip_text(self, label: str) -> tuple[QStaticText, float]:
        """A prepared ``QStaticText`` for the chip of ``label`` and the chip's width."""
        cached = self._chip_texts.get(label)
        if cached is None:
            static = QStaticText(label)
            static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
            static.prepare(font=self.chip_font)
            cached = (static, self._chip.horizontalAdvance(label) + 2 * self.chip_pad)
            self._chip_texts[label] = cached
        return cached

    def label_width(self, label: str) -> float:
        width = self._label_widths.get(label)
        if width is None:
            width = self._label.horizontalAdvance(label) + 6
            self._label_widths[label] = width
        return width
