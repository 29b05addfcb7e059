"""Suggestions ▸ Train model… and Models… in the window: the dialogs, the training run and its report.

A training runs as an export does (``dataset_runner``): the core's ``trainer.train`` in a
``BackgroundTask`` behind a window-modal progress dialog, whose label carries the core's step
count and time estimate and whose Cancel asks the core to stop at the next step (spaCy stops
between two steps; nothing is stored). Window-modal, because the training reads the project and
a project switch must wait for it. Then the report dialog (``train_dialog.TrainReportDialog``)
and a status-bar sentence with the scores and what the last quarter of the curve did.

This module is what the menus import when the window is built, so it imports no training code
and no spaCy: the dialogs' modules are imported when a menu item is first used, and the trainer
(which imports spaCy) on the worker thread.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QProgressDialog

from annotator.errors import Errors, UserError
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.workers import BackgroundTask, progress_dialog
from annotator.tasks import Cancelled, TaskControl

if TYPE_CHECKING:
    from annotator.gui.mainwindow import MainWindow
    from annotator.gui.models_dialog import ModelsDialog
    from annotator.gui.train_dialog import TrainChoice, TrainDialog
    from annotator.store import Project
    from annotator.training.trainer import TrainOptions, TrainReport


class ModelTraining(QObject):
    """The window's model menu items: Train model… (dialog, run, report) and Models…."""

    message = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.dialog: TrainDialog | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.report_dialog: QDialog | None = None  # the report, or the message of a failure
        self.models_dialog: ModelsDialog | None = None
        self.task: BackgroundTask | None = None
        self.message.connect(window.show_message)

    # --- Train model… ---------------------------------------------------------------------------

    def show_train_dialog(self) -> TrainDialog:
        """Open the training dialog (window-modal, returns at once); Train starts the run."""
        from annotator.gui.train_dialog import TrainDialog

        window = self._window
        project = window.project
        schema = project.schema
        dialog = TrainDialog(window, annotators=project.annotator_names(humans_only=True),
                             span_labels=[label.name for label in schema.span_labels],
                             document_labels=[label.name for label in schema.document_labels],
                             listed=list(window.doc_model.ids), total_documents=project.documents.count(),
                             trained_by=window.annotator)
        dialog.accepted.connect(lambda: self.train(dialog.choice()))
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()
        return dialog

    def train(self, choice: TrainChoice) -> BackgroundTask | None:
        """Train as chosen, off the GUI thread; None if a training is already under way."""
        if self.task is not None:
            return None
        project = self._window.project

        def work(control: TaskControl) -> TrainReport:
            from annotator.training.trainer import train  # imports spaCy: here, not on the GUI thread

            control.report(0, 0, "Selecting the documents and preparing spaCy…")
            return train(project, _resolve_done(project, choice), control)

        task = BackgroundTask(work)
        progress = progress_dialog(self._window, "Training model", "Starting…", task, _describe)
        progress.canceled.connect(lambda: self.message.emit("Cancelling the training: it stops after this step…"))
        task.succeeded.connect(lambda report: self._succeeded(report, choice.options.layer))
        task.failed.connect(self._failed)
        task.finished.connect(self._finished)
        self.progress_dialog = progress
        self.task = task
        task.start()
        return task

    def _succeeded(self, report: TrainReport, layer: str) -> None:
        from annotator.gui.train_dialog import TrainReportDialog, trained_summary

        self.message.emit(trained_summary(report))
        dialog = TrainReportDialog(self._window, report, layer)
        dialog.accepted.connect(lambda: self.use_version(report.version_id))
        self._report(dialog)

    def use_version(self, version_id: int | None) -> None:
        """Let ``version_id`` suggest (None: no trained model), one transaction; the status bar says so."""
        from annotator.store.model_versions import ModelVersions

        try:
            ModelVersions(self._window.project).choose(version_id)
        except UserError as error:  # deleted meanwhile, by another process
            self.message.emit(str(error))
            return
        self.message.emit(chosen_message(version_id))

    def _failed(self, error: Exception) -> None:
        if isinstance(error, Cancelled):
            self.message.emit("Training cancelled; no model was stored.")
            return
        if not isinstance(error, UserError):  # a bug: the crash dialog, with its report
            self.message.emit(show_unexpected_error(error, Errors.E1400, self._window))
            return
        self.message.emit(str(error))
        self._report(QMessageBox(QMessageBox.Icon.Warning, "Training failed", str(error),
                                 QMessageBox.StandardButton.Ok, self._window))

    def _finished(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.hide()  # not close(): closing a progress dialog means Cancel
            self.progress_dialog.deleteLater()
        self.progress_dialog = None
        self.task = None

    def _report(self, dialog: QDialog) -> None:
        if self.report_dialog is not None:
            self.report_dialog.deleteLater()
        self.report_dialog = dialog
        dialog.open()  # open(), not exec(): the event loop (and a test) goes on

    # --- Models… --------------------------------------------------------------------------------

    def show_models_dialog(self) -> ModelsDialog:
        """The project's model versions: choose which suggests, delete, set thresholds."""
        from annotator.gui.models_dialog import ModelsDialog

        if self.models_dialog is not None:
            self.models_dialog.deleteLater()
        dialog = ModelsDialog(self._window, self._window.project)
        dialog.message.connect(self.message)
        self.models_dialog = dialog
        dialog.open()
        return dialog


def chosen_message(version_id: int | None) -> str:
    if version_id is None:
        return "No trained model suggests now: the next suggestion run uses the base pipeline and rules only."
    return f"model:v{version_id} suggests from the next suggestion run (Suggestions ▸ Suggest for…)."


def _describe(done: int, total: int, message: str) -> str:
    """The progress label: the core's "step 40 of 600 · about 2 min left", then what follows the steps."""
    if total and done >= total:
        return "Scoring on the held-out documents and storing the model…"
    return f"Training: {message}" if total else message


def _resolve_done(project: Project, choice: TrainChoice) -> TrainOptions:
    """The options, with "only documents marked done" turned into those documents (by any of the
    chosen annotators), as an export selects them; E1405 when none is."""
    options = choice.options
    if not choice.done_only:
        return options
    from annotator.formats.base import ExportOptions
    from annotator.formats.select import select_document_ids

    ids = select_document_ids(project, ExportOptions(annotators=options.annotators, done_only=True,
                                                     documents=options.documents))
    if not ids:
        by = f" by {', '.join(options.annotators)}" if options.annotators else ""
        raise UserError(Errors.E1405.format(by=by))
    return replace(options, documents=tuple(ids))
