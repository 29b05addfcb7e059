"""Seeing teammates' work as it arrives: View ▸ Refresh (F5), a cheap poll, and conflict dialogs.

Several analysts may work on one project (a PostgreSQL server or a shared SQLite file). Their
new spans are the other layers of the open document, so the window must notice them without the
analyst reopening anything:

- View ▸ Refresh (F5) reloads the open document's layers and the document list's counts.
- Every ``POLL_MS`` the watcher asks the core one cheap question about the open document
  (``annotator.store.versions.document_state``: counts, version sums and largest ids) and, when
  the answer differs from the last one seen, reloads that document's layers. Own edits move the
  baseline as they happen, so only others' changes trigger a reload. A reload keeps the current
  span, scroll position and undo history (``DocumentEditor.refresh``). The poll is skipped while
  the window is inactive (nobody is looking) or a text field has the keyboard (a reload would
  redraw the inspector under the analyst's typing); the next tick catches up.
- An edit refused because someone else changed the item (``ConflictError``) is shown in a dialog
  (``annotator.gui.conflicts``) after the editor has reloaded the document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPlainTextEdit, QTextEdit

from annotator.errors import Errors
from annotator.gui.conflicts import show_conflict
from annotator.store.versions import DocumentState, document_state

if TYPE_CHECKING:
    from annotator.gui.mainwindow import MainWindow

POLL_MS = 10_000


class ChangeWatcher(QObject):
    """Keeps the main window's open document in step with what others write to the project."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._seen: tuple[int, DocumentState] | None = None  # (document id, its state when last shown)
        self.conflict_dialog: QMessageBox | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        editor = window.editor
        editor.documentShown.connect(lambda _doc_id: self.remember())
        editor.documentEdited.connect(self._edited)
        editor.conflicted.connect(self.show_conflict)
        self.timer.start()

    def remember(self) -> None:
        """Take the open document's current state as seen (after showing it, or an own edit)."""
        document = self._window.editor.document
        self._seen = None if document is None else (document.id, document_state(self._window.project, document.id))

    def _edited(self, doc_id: int) -> None:
        document = self._window.editor.document
        if document is not None and document.id == doc_id:
            self.remember()

    def refresh(self) -> None:
        """View ▸ Refresh: the document list's counts and the open document's layers, as stored now."""
        window = self._window
        window.inspector.flush()  # a note being typed is committed first, as on any document change
        window.document_panel.flush()
        window.doc_model.reload()
        document = window.editor.document
        if document is None:
            return
        window.doc_list.select_document(document.id)
        window.editor.reload_from_store()
        window.show_message("Refreshed: the document list and this document's layers are as stored now.")

    def poll(self) -> None:
        """One cheap question; a reload only when someone else changed the open document."""
        window = self._window
        document = window.editor.document
        if document is None or not window.isActiveWindow() or _typing():
            return
        state = document_state(window.project, document.id)
        if self._seen is None or self._seen[0] != document.id:
            self._seen = (document.id, state)
            return
        if state == self._seen[1]:
            return
        changes = state.changes_from(self._seen[1])
        window.editor.reload_from_store()  # emits documentEdited: the list row and the baseline follow
        window.show_message(Errors.E561.format(changes=changes))

    def show_conflict(self, message: str) -> None:
        """The editor has reloaded already; tell the analyst why their edit did not happen."""
        if self.conflict_dialog is not None:
            self.conflict_dialog.deleteLater()
        self.conflict_dialog = show_conflict(self._window, message)


def _typing() -> bool:
    """True while a text field (a note, a filter, the actor field) has the keyboard."""
    focus = QApplication.focusWidget()
    if isinstance(focus, QLineEdit):
        return not focus.isReadOnly()
    return isinstance(focus, QPlainTextEdit | QTextEdit) and not focus.isReadOnly()  # not the read-only text view
