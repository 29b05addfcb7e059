"""How a span looks: which of four styles it gets and the colours derived from its label.

Kept apart from the painting code so that the rules ("whose span is this, and is it editable?")
and the palette arithmetic (tints that stay readable on light and dark themes, chip text that
contrasts with its chip, label colours that stand out from the background) can be read and
tested without walking through geometry.

A schema gives one colour per label, but no single colour reads on both a white and a near-black
page: the yellow that glows on dark is a faint line on white, the deep blue that is crisp on white
sinks into dark. Each theme therefore draws a label in its own shade of the schema colour: the
same hue, made darker on a light background or lighter on a dark one just until it reaches
``LABEL_CONTRAST`` against the text background. WCAG asks 3:1 for graphics; thin dashed lines
read weaker than solid ones, hence a little more, and more again on a dark page, where a thin
saturated line looks dimmer than its ratio says (the schema's blue measures 3.2:1 on the dark
base and is hard to make out). Colours that already stand out are kept as the schema gives them.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPalette, QPen

from annotator.store.records import RelationRecord, SpanRecord

FALLBACK_COLOR = "#888888"
LABEL_CONTRAST = {"light": 3.5, "dark": 4.5}  # label colour against the text background


class SpanStyle(Enum):
    """OWN spans are the current annotator's editable work; the rest are read-only overlays."""

    OWN = "own"                # solid underline, tinted background, filled chip
    OTHER = "other"            # another annotator: thin translucent underline, no tint
    SUGGESTION = "suggestion"  # a model's proposal: dashed underline and chip outline, no fill
    GOLD = "gold"              # adjudicated reference: double underline


def span_style(span: SpanRecord, owner: str | None) -> SpanStyle:
    if span.layer == "suggestion":
        return SpanStyle.SUGGESTION
    if span.layer == "gold":
        return SpanStyle.GOLD
    if owner is not None and span.annotator == owner:
        return SpanStyle.OWN
    return SpanStyle.OTHER


def is_own_relation(relation: RelationRecord, owner: str | None) -> bool:
    return relation.layer == "annotation" and owner is not None and relation.annotator == owner


def luminance(color: QColor) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def mix(color: QColor, background: QColor, amount: float) -> QColor:
    """``amount`` of ``color`` over ``background``, as an opaque colour (cheaper to paint than
    alpha and identical under the selection highlight)."""
    return QColor.fromRgbF(
        color.redF() * amount + background.redF() * (1 - amount),
        color.greenF() * amount + background.greenF() * (1 - amount),
        color.blueF() * amount + background.blueF() * (1 - amount),
    )


def contrast(first: QColor, second: QColor) -> float:
    """WCAG contrast ratio of two colours, 1 (the same) to 21 (black on white)."""
    a, b = luminance(first), luminance(second)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def is_dark(background: QColor) -> bool:
    return luminance(background) < 0.18  # closer to black than to white in contrast terms


def readable(color: QColor, background: QColor) -> QColor:
    """``color`` itself when it reaches ``LABEL_CONTRAST`` against ``background``; else the same
    hue and saturation made darker (on a light background) or lighter (on a dark one), by as
    little as reaches it."""
    dark = is_dark(background)
    ratio = LABEL_CONTRAST["dark" if dark else "light"]
    if contrast(color, background) >= ratio:
        return color
    hue, saturation, lightness = max(color.hslHueF(), 0.0), color.hslSaturationF(), color.lightnessF()  # grey: hue -1
    target = 1.0 if dark else 0.0
    near, far = lightness, target  # near fails the ratio; far (black or white) is the best there is
    for _ in range(20):
        middle = (near + far) / 2
        if contrast(QColor.fromHslF(hue, saturation, middle), background) >= ratio:
            far = middle
        else:
            near = middle
    return QColor.fromHslF(hue, saturation, far).toRgb()


class SpanColors:
    """Colours for labels and relations under the widget's current palette, cached per label."""

    def __init__(self, palette: QPalette, colors: dict[str, str]) -> None:
        self.base = palette.color(QPalette.ColorRole.Base)
        self.text = palette.color(QPalette.ColorRole.Text)
        self.highlight = palette.color(QPalette.ColorRole.Highlight)
        # A dark base needs more of the label colour for the tint to be seen at all; a light
        # base needs little, or black text on it loses contrast.
        self._tint_amount = 0.38 if luminance(self.base) < 0.4 else 0.22
        self.neutral = mix(self.text, self.base, 0.6)
        self._colors = colors
        self._cache: dict[str, tuple[QColor, QColor, QColor, QColor]] = {}
        self._chips: dict[tuple[str, SpanStyle], tuple[QPen, QBrush, QPen]] = {}

    def _entry(self, label: str) -> tuple[QColor, QColor, QColor, QColor]:
        entry = self._cache.get(label)
        if entry is None:
            given = QColor(self._colors.get(label, FALLBACK_COLOR))
            if not given.isValid():
                given = QColor(FALLBACK_COLOR)
            color = readable(given, self.base)
            chip_text = QColor("#000000") if luminance(color) > 0.18 else QColor("#ffffff")
            # The tint lies under the text, so it starts from the schema's colour, whose share
            # was chosen to keep the text readable; lines and chips use this theme's shade.
            entry = (color, mix(given, self.base, self._tint_amount), chip_text, mix(color, self.base, 0.3))
            self._cache[label] = entry
        return entry

    def label(self, label: str) -> QColor:
        """The label's colour in this theme: its schema colour, or a shade of it that reaches
        ``LABEL_CONTRAST`` against the background."""
        return self._entry(label)[0]

    def tint(self, label: str) -> QColor:
        return self._entry(label)[1]

    def chip_text(self, label: str) -> QColor:
        """Black or white, whichever reads better on a chip filled with the label colour."""
        return self._entry(label)[2]

    def faint(self, label: str) -> QColor:
        """The fill of read-only chips: the label colour washed into the background."""
        return self._entry(label)[3]

    def chip(self, label: str, style: SpanStyle) -> tuple[QPen, QBrush, QPen]:
        """Border, fill and text pen of a chip: filled for own spans, outlined and washed out
        for read-only ones, dashed and empty for suggestions. Cached: a page has hundreds."""
        key = (label, style)
        look = self._chips.get(key)
        if look is None:
            color = self.label(label)
            if style is SpanStyle.OWN:
                look = (QPen(Qt.PenStyle.NoPen), QBrush(color), QPen(self.chip_text(label)))
            elif style is SpanStyle.SUGGESTION:
                border = QPen(color, 1.0)
                border.setDashPattern([2.0, 2.0])
                look = (border, QBrush(self.base), QPen(self.text))
            else:
                width = 1.5 if style is SpanStyle.GOLD else 1.0
                look = (QPen(color, width), QBrush(self.faint(label)), QPen(self.text))
            self._chips[key] = look
        return look

    def relation(self, label: str) -> QColor:
        """A relation's own colour when the schema gives one, else a neutral grey that works
        on both themes."""
        if label in self._colors:
            return self.label(label)
        return self.neutral
