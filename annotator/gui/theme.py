"""Light and dark appearance, following the system unless the analyst chooses.

Dark mode is Fusion with a dark palette rather than the platform style, because not every
platform style can draw dark widgets; Fusion draws the same everywhere. "System" resolves to
light or dark from ``QStyleHints.colorScheme()`` and re-resolves when the system switches.

Every widget must follow the palette, which takes three things beyond ``setPalette``:
- a full palette: Fusion draws frames, bevels and separators from the derived roles (Light,
  Midlight, Mid, Dark, Shadow), so the dark palette is built from its button and window colours
  (``QPalette(button, window)`` derives them) rather than painted over the light default, whose
  derived roles are light;
- widgets with a style sheet of their own (the label buttons' padding) keep the palette and
  style they were polished with; switching the theme re-polishes them;
- Fusion outlines check boxes and radio buttons with the window colour made darker, which on a
  dark window is invisible; ``DarkStyle`` draws those indicators' outlines with the palette's
  text colour toned down instead.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory, QStyleOption, QWidget

THEMES = ("system", "light", "dark")
THEME_TITLES = {"system": "&System", "light": "&Light", "dark": "&Dark"}

DARK_WINDOW = "#2b2b2b"
DARK_BUTTON = "#3a3a3a"
INDICATOR_OUTLINE = 0.62  # share of the text colour in a dark indicator's outline (over Base)


def dark_palette() -> QPalette:
    """A calm dark palette, complete in every role and group; span colours stay readable on its
    base colour (``textview.style.readable``)."""
    palette = QPalette(QColor(DARK_BUTTON), QColor(DARK_WINDOW))  # derives Light, Mid, Dark, Shadow
    roles = {
        QPalette.ColorRole.Window: DARK_WINDOW,
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e",
        QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.ToolTipBase: "#333333",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.PlaceholderText: "#8a8a8a",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: DARK_BUTTON,
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Link: "#6cb4ff",
        QPalette.ColorRole.LinkVisited: "#b48cff",
        QPalette.ColorRole.Highlight: "#2f65ca",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Accent: "#2f65ca",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(disabled, role, QColor("#7a7a7a"))
    palette.setColor(disabled, QPalette.ColorRole.Base, QColor("#262626"))
    palette.setColor(disabled, QPalette.ColorRole.Button, QColor("#303030"))
    palette.setColor(disabled, QPalette.ColorRole.Highlight, QColor("#464646"))
    palette.setColor(disabled, QPalette.ColorRole.HighlightedText, QColor("#a0a0a0"))
    return palette


class DarkStyle(QProxyStyle):
    """Fusion, with check box and radio button indicators outlined so they show on a dark
    window (Fusion's own outline is the window colour made darker)."""

    _INDICATORS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorRadioButton,
                   QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck)

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,  # noqa: N802 (Qt override)
                      painter: QPainter, widget: QWidget | None = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in self._INDICATORS:
            return
        palette = option.palette  # type: ignore[attr-defined]
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        outline = QColor.fromRgbF(*(t * INDICATOR_OUTLINE + b * (1 - INDICATOR_OUTLINE) for t, b in
                                    ((text.redF(), base.redF()), (text.greenF(), base.greenF()),
                                     (text.blueF(), base.blueF()))))
        rect = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)  # type: ignore[attr-defined]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(outline, 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if element is QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(rect)
        else:
            painter.drawRoundedRect(rect, 1.5, 1.5)
        painter.restore()


class ThemeManager(QObject):
    """Applies a theme to the application and keeps "system" in step with the system."""

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._native_style = app.style().name()
        self._chosen = "system"
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)

    @property
    def chosen(self) -> str:
        return self._chosen

    def is_dark(self) -> bool:
        """Whether the theme in effect is dark (after resolving "system")."""
        if self._chosen == "system":
            return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
        return self._chosen == "dark"

    def apply(self, theme: str) -> None:
        self._chosen = theme if theme in THEMES else "system"
        if self.is_dark():
            self._app.setStyle(DarkStyle())
            self._app.setPalette(dark_palette())
        else:
            self._app.setStyle(self._native_style)
            self._app.setPalette(self._app.style().standardPalette())
        self._repolish_styled_widgets()

    def _repolish_styled_widgets(self) -> None:
        """Widgets with a style sheet of their own keep the palette they were polished with
        (the label buttons stayed light grey in the dark theme): polish them again."""
        for widget in self._app.allWidgets():
            if widget.styleSheet():
                widget.setStyleSheet(widget.styleSheet())

    def _system_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._chosen == "system":
            self.apply("system")
