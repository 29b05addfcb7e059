"""Telling the analyst that someone else changed what they were editing.

Why a dialog and not the status bar: a refused edit means the analyst's last action did not
happen, and the message carries the value that won (label, text, attributes); a status-bar line
that fades after ten seconds is too easy to miss for that. The dialog is opened window-modal but
non-blocking (``open``), so the window reloads behind it and the analyst reads the message next
to the current value; the window keeps the box (``conflict_dialog``) until the next one.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.errors import Errors

CONFLICT_TITLE = "Changed by someone else"


def show_conflict(parent: QWidget, message: str) -> QMessageBox:
    """Open the conflict dialog over ``parent`` (E560: the core's message, then that the view was
    reloaded) and return it."""
    box = QMessageBox(QMessageBox.Icon.Warning, CONFLICT_TITLE, Errors.E560.format(message=message),
                      QMessageBox.StandardButton.Ok, parent)
    box.open()
    return box
