"""The main window's status bar labels: which project, who is annotating, how far along, how
selections snap (and, from ``suggest_runner``, which suggestion pipeline is ready; from
``index_state``, how many new documents are being indexed for search).

Passing messages are the window's ``show_message``; these labels stay. The change events keep
the progress current (``changes.ChangeView`` calls ``show_progress``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from annotator.gui.index_state import IndexState
from annotator.store import Project

if TYPE_CHECKING:
    from annotator.gui.mainwindow import MainWindow


def project_title(project: Project) -> str:
    """The project's name as the title bar and status bar show it, marked when read-only."""
    return project.display_name + (" (read-only)" if project.read_only else "")


class StatusLine(QObject):
    """The permanent labels at the right of the window's status bar."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.project_label = QLabel()
        self.annotator_label = QLabel()
        self.progress_label = QLabel()
        self.snapping_label = QLabel()
        self.index = IndexState(window)  # started after each import and when a project is shown
        window.dataset_runner.imported.connect(self.index.start)
        for label in (self.index.label, window.suggest_runner.status_label, self.snapping_label, self.project_label,
                      self.annotator_label, self.progress_label):
            window.statusBar().addPermanentWidget(label)

    def show_identity(self) -> None:
        """Project, annotator, progress and snapping, after opening a project or switching annotator."""
        window = self._window
        project = window.project
        read_only = project.read_only
        self.project_label.setText(project_title(project))
        self.project_label.setToolTip(project.location + (f"\nRead-only: {read_only}" if read_only else ""))
        if read_only:
            window.show_message(f"{project.display_name} is open read-only ({read_only}): you can read, "
                                "search and export; changes are refused.")
        self.annotator_label.setText(f"Annotator: {window.annotator}")
        self.show_progress()
        self.show_snapping()
        self.index.start()

    def show_progress(self) -> None:
        done, total = self._window.project.documents.progress(self._window.annotator)
        self.progress_label.setText(f"{done} of {total} done")

    def show_snapping(self) -> None:
        editor = self._window.editor
        tokenizer = "spaCy" if editor.spacy_ready else "simple"
        self.snapping_label.setText(f"Snapping: {tokenizer}" if editor.snapping else "Snapping: off")
