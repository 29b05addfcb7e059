"""Where the keys go after the analyst works in a side panel: back to the text, when the panel
was used with the mouse.

A change made with the mouse in the span inspector (label, attributes, a relation deleted or
followed) or the document panel (status, document labels) hands the keys back to the text, so
the next label key, Tab or Ctrl+Shift+Z acts on the document instead of on the box just
clicked. That was issue 14's second problem: after an inspector change and its undo, the keys
stayed in the inspector (a label key picked a combo box entry) or fell into the document filter.
A panel the analyst went into from the keyboard (F2 into the inspector) keeps the keys until
they leave it (Esc), and a field being typed in (a note, a text attribute) keeps them.

The window's actions hand the keys back on their own (``window_menus``): undo and redo, dialogs,
toggles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

if TYPE_CHECKING:
    from annotator.gui.textview import DocumentView


class TextFocus(QObject):
    """Hands the keys back to ``view`` after a panel edit made with the mouse."""

    def __init__(self, view: DocumentView, panels: Sequence[QWidget]) -> None:
        super().__init__(view)
        self._view = view
        self._panels = tuple(panels)
        self._by_mouse = False  # how the focus last came into the panels
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)  # disconnected when this object goes

    def after_panel_edit(self, *_edit: object) -> None:
        """Connected after the editor's slot for a panel's edit signal."""
        focus = QApplication.focusWidget()
        if self._by_mouse and focus is not None and self._inside(focus) and not _typed_into(focus):
            self._view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        """Note how the focus entered the panels: with a mouse button down (a click), or not
        (F2, Tab). Moves within the panels, and back from a combo box's popup list, keep that."""
        if new is None or not self._inside(new):
            return
        if old is not None and (self._inside(old) or old.window().windowType() == Qt.WindowType.Popup):
            return
        self._by_mouse = QGuiApplication.mouseButtons() != Qt.MouseButton.NoButton

    def _inside(self, widget: QWidget) -> bool:
        return any(panel is widget or panel.isAncestorOf(widget) for panel in self._panels)


def _typed_into(widget: QWidget) -> bool:
    """A field the analyst types in keeps the keys while they are in it."""
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    return isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox))
