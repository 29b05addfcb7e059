"""Which keys the view keeps and which it leaves to the window's shortcuts.

Window-level single-key shortcuts (label keys, R, N, P, Tab, Delete, Enter) must reach the main
window, so the view declines the ``ShortcutOverride`` for them (``leave_to_shortcuts``) and
claims it for the keys that move, select and copy (``is_view_key``), which a read-only
``QPlainTextEdit`` would otherwise give up to any shortcut bound to the same key, except where
one of the window's actions is bound to it: then the action wins. The platform decides which
keys move the caret (X11 makes Ctrl+E "end of line", and a desktop's settings can add more),
and a menu key that silently moved the caret instead was issue 14's first problem. The window's
own keys are chosen to avoid every platform's text bindings (``tests/gui/test_shortcuts.py``
checks them against Qt's table for Windows, macOS and Linux).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication

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
# As QKeyEvent.matches compares: the keypad and group switch modifiers make no difference.
_IGNORED = (Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.GroupSwitchModifier).value
_WATCHED = "annotator_keys_watched"

_view_keys: frozenset[int] | None = None  # the platform's bindings of _VIEW_KEYS, read once
_seen: tuple[tuple[int, ...], frozenset[int]] | None = None  # the actions looked at last, and their keys


def is_view_key(event: QKeyEvent) -> bool:
    """Moving the caret, selecting and copying: the view keeps these keys (a read-only
    QPlainTextEdit would give them up to any shortcut), except one that an enabled action of
    the window is bound to: window actions win.

    The keys are compared as numbers (``event.matches`` for each standard key asks the platform
    theme every time: 0.15 ms for every key pressed in the view); the actions' keys are read
    again only when the actions there are others (a rebuilt label menu) or one of them changed
    (its keys, or enabled), since reading them costs a millisecond. Measured offscreen: 1 µs
    for a label key, under 0.1 ms for an arrow."""
    global _view_keys
    if _view_keys is None:
        _view_keys = frozenset(sequence[0].toCombined() for key in _VIEW_KEYS
                               for sequence in QKeySequence.keyBindings(key) if sequence.count() == 1)
    pressed = event.keyCombination().toCombined() & ~_IGNORED
    return pressed in _view_keys and pressed not in _action_keys()


def _action_keys() -> frozenset[int]:
    """The keys of the enabled actions of the focus widget (the view: Qt sends the override to
    it) and of its window."""
    global _seen
    focus = QApplication.focusWidget()
    if focus is None:
        return frozenset()
    actions = [action for holder in (focus, focus.window()) for action in holder.actions()]
    ids = tuple(map(id, actions))
    if _seen is None or _seen[0] != ids:
        for action in actions:
            if not action.property(_WATCHED):
                action.setProperty(_WATCHED, True)
                action.changed.connect(_forget)
                action.destroyed.connect(_forget)  # a new action may come where it was (its id)
        _seen = ids, frozenset(sequence[0].toCombined() for action in actions if action.isEnabled()
                               for sequence in action.shortcuts() if sequence.count() == 1)
    return _seen[1]


def _forget() -> None:
    global _seen
    _seen = None


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
