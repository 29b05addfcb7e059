"""The main window's size and the widths of its three columns (document list, text, side panel).

Shared by the main window and the first screen shown before it (``first_screen``): both must
break the text into the same lines, so that nothing moves when the main window takes over.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QSplitter

from annotator.gui.settings import GuiSettings

SIDE_WIDTH = 320  # the side panel's first width
SIDE_MIN_WIDTH = 280
SPLITTER = "main"  # the splitter's name in the settings


def lay_out(window: QMainWindow, splitter: QSplitter) -> None:
    """A first-launch size: most of the screen up to 1440×900, the list a title beside id,
    status, spans and last edit wide."""
    available = window.screen().availableGeometry()
    window.resize(min(1440, available.width() * 19 // 20), min(900, available.height() * 19 // 20))
    listed = min(420, window.width() * 3 // 10)
    splitter.setSizes([listed, window.width() - listed - SIDE_WIDTH, SIDE_WIDTH])


def restore(window: QMainWindow, splitter: QSplitter, settings: GuiSettings) -> None:
    """The size, place and column widths the window had when it was last closed, where kept."""
    geometry = settings.window_geometry()
    if geometry is not None:
        window.restoreGeometry(geometry)
    sizes = settings.splitter_sizes(SPLITTER)
    if len(sizes) == splitter.count():
        splitter.setSizes(sizes)
