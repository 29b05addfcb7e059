"""The status bar's index state: new documents made searchable, and given their language, off the
GUI thread.

An import only commits documents; their search index entries (SQLite) and languages wait in
``document_pending`` for the catch-up step (``annotator.store.pending``). The window runs that
step on a worker thread after each import and when it opens a project that has pending
documents (imported by the command line with ``--no-index``, or by an import that was
stopped), and says so in the status bar ("Indexing 1,234 documents…", gone when done). A search
meanwhile waits for the index itself (the core search catches up first), so nothing is missed;
the label only tells the analyst why that first search may take a moment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from annotator.errors import Errors, UserError
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.workers import BackgroundTask
from annotator.store.pending import catch_up, pending_counts
from annotator.tasks import Cancelled, TaskControl

if TYPE_CHECKING:
    from annotator.gui.mainwindow import MainWindow


class IndexState(QObject):
    """A status bar label and the catch-up it stands for; one catch-up at a time."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.label = QLabel()
        self.label.setToolTip("New documents are being added to the search index and their languages detected; "
                              "a search waits for it.")
        self.label.hide()
        self.task: BackgroundTask | None = None
        self._again = False  # asked while one ran: look again when it ends (another import, another project)

    def start(self) -> None:
        """Catch up the window's project on a worker thread if it has pending documents."""
        if self.task is not None:
            self._again = True
            return
        project = self._window.project
        if project.read_only is not None:
            return
        pending = pending_counts(project)
        if not pending:
            return
        self.label.setText(f"Indexing {pending.documents:,} documents…")
        self.label.show()

        def work(control: TaskControl) -> object:
            return catch_up(project, control=control)

        task = BackgroundTask(work)
        task.failed.connect(self._failed)
        task.finished.connect(self._finished)
        self.task = task
        task.start()

    def _failed(self, error: Exception) -> None:
        if isinstance(error, Cancelled):  # the window is closing: the rest stays pending
            return
        if isinstance(error, UserError):
            self._window.show_message(str(error))
            return
        show_unexpected_error(error, Errors.E1440, self._window)

    def _finished(self) -> None:
        self.task = None
        self.label.hide()
        if self._again:
            self._again = False
            self.start()
