"""Running dataset exports and imports from the window: off the GUI thread, with progress and cancel.

Same pattern as File ▸ Import documents… (``WindowFiles.import_documents``): the core call runs in a
``BackgroundTask`` behind a window-modal ``QProgressDialog`` whose Cancel asks the core to stop at
its next safe point; a report dialog follows. An import is ``annotator.importing.import_files``
with the dialog's choices, as Import documents… is with the defaults, and its report is the same
``ImportReportDialog``. The window-modal progress dialog keeps the analyst
from editing documents that are being exported or replaced. After an import, ``imported`` tells
the window to list the new documents (also after a failure or cancel: what was committed stays).

The core (``annotator.formats.pipeline``, ``annotator.importing``) is imported on the worker thread when a run starts, not
when the window is built, so a format module that is broken or still missing costs the window
nothing but that run (the dialogs list formats tolerantly for the same reason). An export cancelled while writing returns
a result marked cancelled (the core publishes none of its files); one cancelled before that,
like an import cancelled while reading, raises ``Cancelled``: both end in a status-bar message.

An export never replaces a file unasked: the core refuses with every file it would replace
(``ReplaceRefused``), the window asks once, listing them, and runs the export again with
``force`` if the analyst says Replace. Nothing has been written when the question is asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from annotator.errors import Errors, UserError
from annotator.formats.base import ExportOptions
from annotator.gui.dataset_dialogs import ExportChoice, ExportDialog, ImportChoice, ImportDialog
from annotator.gui.dataset_reports import ExportReportDialog, export_summary
from annotator.gui.dialogs import ImportReportDialog, import_summary
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.workers import BackgroundTask, progress_dialog
from annotator.output_files import ReplaceRefused
from annotator.store import Project
from annotator.tasks import Cancelled, TaskControl


class DatasetRunner(QObject):
    """The window's File ▸ Export dataset… and Import dataset…: dialogs, runs and reports."""

    message = Signal(str)
    imported = Signal()  # an import ended (any outcome): documents may have been added

    def __init__(self, window: QWidget, project: Project) -> None:
        super().__init__(window)
        self._window = window
        self._project = project
        self.dialog: ExportDialog | ImportDialog | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.report_dialog: ExportReportDialog | ImportReportDialog | QMessageBox | None = None
        self.task: BackgroundTask | None = None

    def set_project(self, project: Project) -> None:
        self._project = project

    # --- dialogs -------------------------------------------------------------------------------

    def export_dialog(self, annotator: str, current_document: int | None) -> ExportDialog:
        """Open the export dialog (window-modal, returns at once); OK starts the export."""
        dialog = ExportDialog(self._window, annotators=self._project.annotator_names(), current_annotator=annotator,
                              labels=[label.name for label in self._project.schema.span_labels],
                              current_document=current_document)
        dialog.accepted.connect(lambda: self.export(dialog.choice()))
        self._show(dialog)
        return dialog

    def import_dialog(self, annotator: str) -> ImportDialog:
        """Open the import dialog (window-modal, returns at once); OK starts the import."""
        dialog = ImportDialog(self._window, annotators=self._project.annotator_names(), current_annotator=annotator)
        dialog.accepted.connect(lambda: self.import_(dialog.choice()))
        self._show(dialog)
        return dialog

    def _show(self, dialog: ExportDialog | ImportDialog) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()

    # --- runs ----------------------------------------------------------------------------------

    def export(self, choice: ExportChoice, *, force: bool = False) -> BackgroundTask:
        """Run the export; with ``force`` it replaces existing files (after the analyst agreed)."""
        project = self._project

        def work(control: TaskControl) -> Any:
            from annotator.formats.pipeline import export_project  # lazily: see the module docstring

            options = ExportOptions(annotators=choice.annotators, layer=choice.layer, labels=choice.labels,
                                    done_only=choice.done_only, documents=choice.documents)
            return export_project(project, choice.out, choice.format_name, options, split=choice.split,
                                  seed=choice.seed, control=control, force=force)

        return self._run(work, "Exporting dataset", "Selecting documents…", self._export_succeeded,
                         lambda error: self._export_failed(choice, error))

    def _export_failed(self, choice: ExportChoice, error: Exception) -> None:
        if not isinstance(error, ReplaceRefused):
            self._failed("Export", Errors.E530, error)
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Replace existing files?", error.question(),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self._window)
        replace = box.button(QMessageBox.StandardButton.Yes)
        replace.setText("&Replace")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda _result: self._replace_answered(choice, box.clickedButton() == replace))
        self._report(box)

    def _replace_answered(self, choice: ExportChoice, replace: bool) -> None:
        if replace:
            self.export(choice, force=True)
        else:
            self.message.emit("Export cancelled; no file was written or replaced.")

    def import_(self, choice: ImportChoice) -> BackgroundTask:
        project = self._project

        def work(control: TaskControl) -> Any:
            from annotator.importing import ImportOptions, import_files  # lazily: see the module docstring

            options = ImportOptions(format=choice.format_name, annotator=choice.annotator, layer=choice.layer,
                                    label_map=choice.label_map)
            return import_files(project, list(choice.paths), options, control=control)

        return self._run(work, "Importing dataset", "Reading files…", self._import_succeeded,
                         lambda error: self._failed("Import", Errors.E531, error), then=self.imported.emit)

    def _run(self, work: Callable[[TaskControl], Any], title: str, label: str,
             succeeded: Callable[[Any], None], failed: Callable[[Exception], None],
             then: Callable[[], None] | None = None) -> BackgroundTask:
        """Start ``work`` behind a progress dialog; ``then`` runs after it, whatever the outcome.
        Every slot is connected before the start: a quick task may end before ``start`` returns."""
        task = BackgroundTask(work)
        progress = progress_dialog(self._window, title, label, task,
                                   lambda done, total, message: message or f"{done} of {total}")
        task.succeeded.connect(succeeded)
        task.failed.connect(failed)
        task.finished.connect(self._finished)
        if then is not None:
            task.finished.connect(then)
        self.progress_dialog = progress
        self.task = task
        task.start()
        return task

    def _finished(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
        self.progress_dialog = None
        self.task = None

    def _export_succeeded(self, result: Any) -> None:
        self.message.emit(export_summary(result))
        self._report(ExportReportDialog(self._window, result))

    def _import_succeeded(self, result: Any) -> None:
        self.message.emit(import_summary(result))
        self._report(ImportReportDialog(self._window, result))

    def _report(self, dialog: ExportReportDialog | ImportReportDialog | QMessageBox) -> None:
        if self.report_dialog is not None:
            self.report_dialog.deleteLater()
        self.report_dialog = dialog
        dialog.open()

    def _failed(self, what: str, unexpected: str, error: Exception) -> None:
        if isinstance(error, Cancelled):
            self.message.emit(f"{what} cancelled.")
            return
        if not isinstance(error, UserError):  # a bug: the crash dialog, with its report
            self.message.emit(show_unexpected_error(error, unexpected, self._window))
            return
        message = str(error)
        self.message.emit(message)
        box = QMessageBox(QMessageBox.Icon.Warning, f"{what} failed", message, QMessageBox.StandardButton.Ok,
                          self._window)
        self._report(box)  # open(), not exec(): the event loop (and a test) goes on
