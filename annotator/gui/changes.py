"""Keeping the main window's panels current: every change arrives as one ``Changes`` value.

The window's one ``OpsBridge`` (``annotator.gui.ops_bridge``) delivers every change of the open
project in the GUI thread: the editor's own operations, undo and redo, suggestion runs, imports,
merges and adjudication (all committed through the window's own ``Project``, so they carry its
origin), and what other windows, the command line and teammates wrote (found by the bridge's
poll every second, whatever window or field has the focus). Each panel here updates itself from
the value; nothing else in the window fans changes out by hand:

- the document list refreshes the rows of the documents (and statuses) named, and reloads when
  documents came or went (``document_list``, ``everything``);
- the status bar's progress when statuses or the list changed, and the document panel (status,
  labels, note) of the open document when they may have changed (``shows_in_document_panel``);
- the editor reloads the open document's layers when the change touched it and was not its own
  operation (``DocumentEditor.apply_changes``); when someone else made it the status bar says so
  (E561) — never after this window's own suggestion run, import or merge.

View ▸ Refresh (F5) asks the bridge at once and reloads the list and the open document. An edit
refused because someone else changed the item is shown in one dialog (``show_conflict``) after
the editor has reloaded the document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from annotator.errors import Errors
from annotator.gui.conflicts import show_conflict
from annotator.store.change_log import Changes

if TYPE_CHECKING:
    from annotator.gui.mainwindow import MainWindow


class ChangeView(QObject):
    """Applies each ``Changes`` from the window's bridge to its panels."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.conflict_dialog: QMessageBox | None = None
        window.bridge.changed.connect(self.apply)
        window.editor.conflicted.connect(self.show_conflict)

    def apply(self, changes: Changes) -> None:
        window = self._window
        own = window.bridge.is_own(changes)
        model = window.doc_model
        document = window.editor.document
        if changes.everything or changes.document_list or (changes.statuses and model.filtered_by_status):
            model.reload()
            if document is not None:
                window.doc_list.select_document(document.id)
        else:
            for doc_id in changes.documents | changes.statuses:
                model.refresh_document(doc_id)
        if changes.statuses or changes.document_list or changes.everything:  # "n of m done" moved
            window.show_progress()
        if document is None:
            if changes.document_list or changes.everything:
                window.open_start_document()  # the first documents arrived
            return
        reloaded = window.editor.apply_changes(changes)
        if shows_in_document_panel(changes, document.id, own=own):
            window.show_document_panel()
        if reloaded and not own and changes.touches_document(document.id):
            window.show_message(Errors.E561.format(changes=describe(changes)))

    def refresh(self) -> None:
        """View ▸ Refresh: ask for others' changes now, then show the list and the open
        document as stored."""
        window = self._window
        window.flush_panels()
        window.bridge.poll()
        window.doc_model.reload()
        window.show_progress()
        document = window.editor.document
        if document is None:
            return
        window.doc_list.select_document(document.id)
        window.editor.reload_from_store()
        window.show_document_panel()
        window.show_message("Refreshed: the document list and this document's layers are as stored now.")

    def show_conflict(self, message: str) -> None:
        """The editor has reloaded already; tell the analyst why their edit did not happen."""
        if self.conflict_dialog is not None:
            self.conflict_dialog.deleteLater()
        self.conflict_dialog = show_conflict(self._window, message)


def shows_in_document_panel(changes: Changes, doc_id: int, *, own: bool) -> bool:
    """Whether the document panel (status, document labels, note) of ``doc_id`` may show
    something else after ``changes``. A window's own edits say exactly what they touched, so a
    span or relation edit (every label key, accept or undo) does not read the three again;
    another window's change may come from a version that did not say (``Changes``), so any
    change to the document counts."""
    if not changes.touches_document(doc_id):
        return False
    if not own or changes.everything or changes.schema or changes.document_list:
        return True
    return doc_id in changes.statuses | changes.document_labels | changes.document_notes


def describe(changes: Changes) -> str:
    """ "2 spans, 1 relation changed" for the E561 notice."""
    parts = [f"{len(items)} {name if len(items) != 1 else name[:-1]}"
             for name, items in (("spans", changes.spans), ("relations", changes.relations))
             if items]
    return (", ".join(parts) or "its annotations") + " changed"
