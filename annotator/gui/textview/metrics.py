"""Sizes derived from the reading font: chip font and height, room above and below each line.

Everything scales with the font so that ``set_font_point_size`` keeps the proportions: the
chips stay a little smaller than the text, and the room under a line fits three stacked
underlines before they start to squeeze together.
"""

from __future__ import annotations

import math

from PySide6.QtGui import QFont, QFontMetricsF, QStaticText

CHIP_ROWS = 2          # chips that would collide stack into a second row, then shift right
UNDERLINE_LEVELS = 3   # levels that fit below a line at full spacing; more are squeezed


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
        self.arc_room = math.ceil(self.chip_height * 1.5)
        self.above = float(self.chip_height + 2 + self.arc_room)
        self.step = float(max(3, round(self.text_height * 0.22)))
        self.below = 2.0 + UNDERLINE_LEVELS * self.step
        self._chip_texts: dict[str, tuple[QStaticText, float]] = {}
        self._label_widths: dict[str, float] = {}

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
