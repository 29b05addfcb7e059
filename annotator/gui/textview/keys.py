"""Which keys the view keeps and which it leaves to the window's shortcuts.

Window-level single-key shortcuts (label keys, R, N, P, Tab, Delete, Enter) must reach the main
window, so the view declines the ``ShortcutOverride`` for them (``leave_to_shortcuts``) and
claims it for the keys that move, select and copy (``is_view_key``), which a read-only
``QPlainTextEdit`` would otherwise give up to a window shortcut bound to the same key.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence

_SHORTCUT_KEYS = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Delete, Qt.Key.Key_Backspace,
                  Qt.Key.Key_Return, Qt.Key.Key_Enter)
_VIEW_KEYS = tuple(
    getattr(QKeySequence.StandardKey, name)
    for name in ("Copy", "SelectAll")
    + tuple(f"{verb}{where}" for verb in ("MoveTo", "Select") for where in (
        "NextChar", "PreviousChar", "NextWord", "PreviousWord", "NextLine", "PreviousLine", "NextPage",
        "PreviousPage", "StartOfLine", "EndOfLine", "StartOfBlock", "EndOfBlock", "StartOfDocument",
        "EndOfDocument"))
)


def is_view_key(event: QKeyEvent) -> bool:
    """Moving the caret, selecting and copying: these stay with the view even if the window
    binds the same keys (a read-only QPlainTextEdit would let such a shortcut take them)."""
    return any(event.matches(key) for key in _VIEW_KEYS)


def leave_to_shortcuts(event: QKeyEvent) -> bool:
    """Keys the main window binds as shortcuts and the read-only view has no use for: single
    characters without Ctrl/Alt/Meta (label keys, R, N, P), Tab/Backtab, Delete, Backspace and
    Return/Enter. Arrows, Home/End, PageUp/Down, Ctrl+A and Ctrl+C stay with the view."""
    if event.key() in _SHORTCUT_KEYS:
        return True
    command = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
    if event.modifiers() & command:
        return False
    text = event.text()
    return len(text) == 1 and text.isprintable()
