"""Label colours that stand out from the background in both themes, and dark-theme widgets
that follow the palette, also after switching themes while the window is open (issue 14)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QCheckBox, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from annotator.gui.palette import LabelPalette
from annotator.gui.textview.style import LABEL_CONTRAST, SpanColors, contrast
from annotator.gui.theme import ThemeManager, dark_palette
from annotator.paths import default_schema_path
from annotator.schema.loader import load_schema


def light_palette() -> QPalette:
    style = QApplication.style()
    return style.standardPalette()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_default_label_colour_stands_out_from_the_background(theme: str, qapp: QApplication) -> None:
    schema = load_schema(default_schema_path())
    colors = {label.name: label.color for label in schema.span_labels}
    colors |= {kind.name: kind.color for kind in schema.relation_types if kind.color}
    palette = light_palette() if theme == "light" else dark_palette()
    base = palette.color(QPalette.ColorRole.Base)
    assert (theme == "dark") == (base.lightness() < 128)
    shades = SpanColors(palette, colors)
    for name in colors:
        ratio = contrast(shades.label(name), base)
        assert ratio >= 3.0, f"{name} {shades.label(name).name()} on {base.name()}: {ratio:.2f}:1"
        assert ratio >= LABEL_CONTRAST[theme] - 0.01
        assert contrast(shades.relation(name), base) >= 3.0
    # Shades of the schema's colours, not new colours: the hue stays.
    for name, given in colors.items():
        original, shown = QColor(given), shades.label(name)
        if original.hslSaturationF() > 0.2:
            assert abs(original.hslHueF() - shown.hslHueF()) < 0.03, name


def test_dark_theme_widgets_follow_the_palette_after_a_switch(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    themes = ThemeManager(app)
    themes.apply("light")
    panel = QWidget()
    qtbot.addWidget(panel)
    layout = QVBoxLayout(panel)
    labels = LabelPalette(load_schema(default_schema_path()))
    box = QCheckBox("RELEVANT")
    layout.addWidget(labels)
    layout.addWidget(box)
    panel.show()
    qtbot.waitExposed(panel)
    try:
        themes.apply("dark")  # switched while the widgets exist, as View ▸ Theme does
        qtbot.wait(50)
        window = QApplication.palette().color(QPalette.ColorRole.Window)
        button = labels.buttons["ACTOR"]
        face = button.grab().toImage()
        assert face.pixelColor(face.width() - 12, face.height() // 2).lightness() < 100  # not light grey
        shot = box.grab().toImage()
        indicator = [shot.pixelColor(x, y) for x in range(0, 20) for y in range(shot.height())]
        assert max(contrast(pixel, window) for pixel in indicator) >= 3.0  # the box's outline shows
        themes.apply("light")
        qtbot.wait(50)
        face = labels.buttons["ACTOR"].grab().toImage()
        assert face.pixelColor(face.width() - 12, face.height() // 2).lightness() > 180
    finally:
        themes.apply("light")
