"""What comes into and goes out of the main window's project: projects opened or created,
documents and datasets imported, teammates' work merged, datasets exported.

Long runs happen on a worker thread behind a progress dialog whose Cancel stops after the
current file; what was committed before a failure or cancel stays, and the window's
``OpsBridge`` brings it to the panels (``changes.ChangeView``), so nothing here refreshes a panel
by hand. File ▸ Import documents… and Import folder… call the one import entry point,
``annotator.importing.import_files``, with the default options and, for web pages, PDF and Word
files, the corrections the analyst made in the preview step (``import_preview``); Import
dataset… is the same call
with the dialog's choices (``dataset_runner``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QProgressDialog

from annotator.corpus.corrections import Correction
from annotator.errors import Errors, UserError
from annotator.formats.detect import AUTO_SUFFIXES
from annotator.gui.dialogs import ImportReportDialog, import_summary
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.import_preview import ImportPreview
from annotator.gui.workers import BackgroundTask, progress_dialog
from annotator.importing import ImportOptions, ImportReport, import_files
from annotator.store import Project
from annotator.tasks import Cancelled, TaskControl

if TYPE_CHECKING:
    from annotator.gui.mainwindow import MainWindow

PROJECT_FILTER = "Annotator projects (*.db *.sqlite *.sqlite3);;All files (*)"


class WindowFiles(QObject):
    """The File menu's projects, imports and exports, and Review ▸ Merge teammates' work…"""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.progress_dialog: QProgressDialog | None = None  # while an import runs
        self.import_report_dialog: ImportReportDialog | None = None
        self.merge_report: QMessageBox | None = None
        self.preview = ImportPreview(window)  # web pages, PDF and Word: what was taken, correctable first

    # --- projects ------------------------------------------------------------------------------

    def new_project_dialog(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self._window, "New project", str(Path.home() / "project.annotator.db"), PROJECT_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.open_project(path)

    def open_project_dialog(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self._window, "Open project", str(Path.home()), PROJECT_FILTER)
        if path:
            self.open_project(path, create=False)

    def open_project(self, location: str, *, create: bool = True) -> bool:
        try:
            project = Project.open(location, create=create)
        except UserError as error:
            QMessageBox.warning(self._window, "Cannot open project", str(error))
            return False
        self._window.set_project(project)
        return True

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        recent = self._window.settings.recent_projects()
        for location in recent:
            action = menu.addAction(location)
            action.triggered.connect(lambda _checked=False, where=location: self._open_recent(where))
        if not recent:
            menu.addAction("(none yet)").setEnabled(False)

    def _open_recent(self, location: str) -> None:
        if not self.open_project(location, create=False):
            self._window.settings.forget_project(location)

    # --- import and export ---------------------------------------------------------------------

    def import_files_dialog(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in AUTO_SUFFIXES)
        paths, _filter = QFileDialog.getOpenFileNames(self._window, "Import documents", str(Path.home()),
                                                      f"Documents and annotations ({patterns});;All files (*)")
        if paths:
            self.preview.start(paths, self.import_documents)

    def import_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self._window, "Import a folder of documents", str(Path.home()))
        if folder:
            self.preview.start([folder], self.import_documents)

    def import_documents(self, paths: Sequence[str | Path],
                         corrections: Mapping[str, Correction] | None = None) -> BackgroundTask:
        """Import on a worker thread behind a progress dialog whose Cancel stops after the current file;
        ``corrections``: what the analyst changed in the preview of web pages, PDF and Word files."""
        project = self._window.project
        options = ImportOptions(corrections=dict(corrections or {}))

        def work(control: TaskControl) -> ImportReport:
            return import_files(project, list(paths), options, control=control)

        task = BackgroundTask(work)
        progress = progress_dialog(
            self._window, "Importing documents", "Reading files…", task,
            lambda done, total, path: f"Read {done} of {total} files: {Path(path).name}")
        task.succeeded.connect(self._import_succeeded)
        task.failed.connect(self._import_failed)
        task.finished.connect(self._import_finished)
        self.progress_dialog = progress
        task.start()
        return task

    def _import_succeeded(self, report: ImportReport) -> None:
        self._window.show_message(import_summary(report))
        self.import_report_dialog = ImportReportDialog(self._window, report)
        self.import_report_dialog.open()

    def _import_failed(self, error: Exception) -> None:
        if not isinstance(error, UserError):
            show_unexpected_error(error, Errors.E507, self._window)
            return
        QMessageBox.warning(self._window, "Import failed", str(error))

    def _import_finished(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.deleteLater()
        self.progress_dialog = None
        self._window.status_line.index.start()  # the new documents' index and languages

    def import_dataset_dialog(self) -> None:
        """File ▸ Import dataset…: annotated files from other tools (plain texts: Import documents…)."""
        self._window.flush_panels()
        self._window.dataset_runner.import_dialog(self._window.annotator)

    def export_dataset_dialog(self) -> None:
        """File ▸ Export dataset…: formats, filters and split for training or other tools."""
        window = self._window
        window.flush_panels()
        current = window.editor.document
        window.dataset_runner.export_dialog(window.annotator, current.id if current is not None else None)

    def import_limits_dialog(self) -> None:
        """File ▸ Import limits…: the largest file and longest document imports accept."""
        from annotator.gui.limits_dialog import ImportLimitsDialog

        if ImportLimitsDialog(self._window, self._window.project).exec():
            self._window.show_message("Import limits saved for this project.")

    # --- merge ---------------------------------------------------------------------------------

    def merge_dialog(self) -> None:
        """Review ▸ Merge: pick teammates' project files or canonical JSONL exports."""
        paths, _filter = QFileDialog.getOpenFileNames(
            self._window, "Merge teammates' projects or exports", "",
            "Projects and exports (*.db *.sqlite *.jsonl);;All files (*)")
        if paths:
            self.merge_files(paths)

    def merge_files(self, paths: Sequence[str | Path]) -> BackgroundTask:
        """Bring teammates' layers into this project off the GUI thread, then report what came in.

        Documents are matched by text and nothing here is overwritten (``annotator.review.merge``),
        so merging the same file again adds nothing.
        """
        from annotator.review.merge import merge

        self._window.flush_panels()
        project = self._window.project
        sources = [str(path) for path in paths]

        def work(control: TaskControl) -> list[str]:
            lines: list[str] = []
            for index, source in enumerate(sources):
                control.raise_if_cancelled()
                control.report(index, len(sources), source)
                lines.extend(merge(project, source, control=control).lines())
            return lines

        task = BackgroundTask(work)
        progress = progress_dialog(
            self._window, "Merging teammates' work", "Reading…", task,
            lambda done, total, source: f"Merging {Path(source).name} ({done + 1} of {total})")
        task.succeeded.connect(self._merge_succeeded)
        task.failed.connect(self._merge_failed)
        task.finished.connect(progress.hide)
        task.finished.connect(progress.deleteLater)
        task.start()
        return task

    def _merge_succeeded(self, lines: list[str]) -> None:
        self.merge_report = QMessageBox(QMessageBox.Icon.Information, "Merge finished",
                                        "\n".join(lines) or "Nothing to merge.", parent=self._window)
        self.merge_report.open()

    def _merge_failed(self, error: Exception) -> None:
        if isinstance(error, Cancelled):
            self._window.show_message("Merge cancelled; files merged before it are kept.")
            return
        if not isinstance(error, UserError):
            show_unexpected_error(error, Errors.E507, self._window)
            return
        QMessageBox.warning(self._window, "Merge failed", str(error))
