"""Light and dark appearance, following the system unless the analyst chooses.

Dark mode is Fusion with a dark palette rather than the platform style, because not every
platform style can draw dark widgets; Fusion draws the same everywhere. "System" resolves to
light or dark from ``QStyleHints.colorScheme()`` and re-resolves when the system switches.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")
THEME_TITLES = {"system": "&System", "light": "&Light", "dark": "&Dark"}


def dark_palette() -> QPalette:
    """A calm dark palette; span colours stay readable on its base colour."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e",
        QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.ToolTipBase: "#333333",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.PlaceholderText: "#8a8a8a",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#333333",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Link: "#6cb4ff",
        QPalette.ColorRole.Highlight: "#2f65ca",
        QPalette.ColorRole.HighlightedText: "#ffffff",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return palette


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
            self._app.setStyle("Fusion")
            self._app.setPalette(dark_palette())
        else:
            self._app.setStyle(self._native_style)
            self._app.setPalette(self._app.style().standardPalette())

    def _system_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._chosen == "system":
            self.apply("system")
