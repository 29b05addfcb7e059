"""Running the suggestion pipeline from the window: off the GUI thread, with progress and cancel.

spaCy and a trained model take seconds to import and load, so nothing here touches them on the
GUI thread. Once the window is up, ``prepare`` lists the installed pipelines and loads the
project's choice on a worker thread; a run started before that loads it itself, behind its
progress dialog. Loaded pipelines live in one process-wide slot (``cached_pipeline``), so only
the first run pays for loading, and switching projects does not load again.

A run shows a window-modal progress dialog, so the analyst does not edit documents whose
suggestions are being replaced. Its bar counts the characters parsed, so it moves within one long
document too, and its label the documents finished. Cancel stops within about a second (see
``annotator.nlp.suggest``); documents finished by then keep their new suggestions, the others
are left as they were. The choice of pipeline is the project setting ``nlp_pipeline``, made in
Suggestions ▸ Pipeline.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QLabel, QMenu, QMessageBox, QProgressDialog, QWidget

from annotator.errors import Errors, UserError
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.workers import BackgroundTask, progress_dialog
from annotator.nlp.language_route import RUSSIAN_PIPELINE, suggest_by_language
from annotator.nlp.pipelines import BLANK, LoadedPipeline, default_pipeline_name, installed_pipelines, load_pipeline
from annotator.nlp.suggest import PIPELINE_SETTING, SuggestResult
from annotator.store import Project
from annotator.tasks import TaskControl

_loaded: dict[str, LoadedPipeline] = {}
_loading = threading.Lock()
PROGRESS_STEPS = 1000  # the bar's range: characters of a corpus can pass a QProgressDialog's int


def cached_pipeline(name: str) -> LoadedPipeline:
    """The pipeline ``name``, loaded once per process; only the last one asked for is kept.
    Thread-safe: a run that needs the pipeline ``prepare`` is still loading waits for it."""
    with _loading:
        if name not in _loaded:
            loaded = load_pipeline(name)
            _loaded.clear()
            _loaded[name] = loaded
        return _loaded[name]


@dataclass(frozen=True)
class Pipelines:
    """What ``prepare`` found: trained pipelines installed here, the one used without a setting,
    and why the chosen one could not be loaded, if it could not."""

    installed: list[str]
    default: str
    problem: str | None = None


def summary(result: SuggestResult) -> str:
    """One status-bar sentence about a finished run."""
    labels = ", ".join(f"{label} {count}" for label, count in sorted(result.spans.items()))
    total = sum(result.spans.values())
    text = (f"Suggested with {result.pipeline} in {result.documents} document"
            f"{'' if result.documents == 1 else 's'}: {total} new suggestion{'' if total == 1 else 's'}"
            f"{f' ({labels})' if labels else ''}, {result.relations} relation{'' if result.relations == 1 else 's'}")
    if result.already_decided:
        text += f"; {result.already_decided} already accepted or rejected, not proposed again"
    pipelines = getattr(result, "pipelines_text", None)  # a run routed by language says which ran where
    return text + (f". Pipelines: {pipelines()}." if pipelines is not None else ".")


class SuggestionRunner(QObject):
    """The window's suggestion runs, its pipeline menu and its "Pipeline:" status label."""

    message = Signal(str)
    finished = Signal(object)  # after a run: its SuggestResult (also when cancelled), None if it failed

    def __init__(self, window: QWidget, project: Project) -> None:
        super().__init__(window)
        self._window = window
        self._project = project
        self._pipelines: Pipelines | None = None
        self._result: SuggestResult | None = None
        self.task: BackgroundTask | None = None  # the run under way
        self.progress_dialog: QProgressDialog | None = None
        self.report_box: QMessageBox | None = None
        self.status_label = QLabel()
        self.menu: QMenu | None = None
        self._group = QActionGroup(self)
        self._show_choice()

    # --- the pipeline ----------------------------------------------------------------------

    def set_project(self, project: Project) -> None:
        self._project = project
        if self._pipelines is not None:
            self.prepare()  # the other project may use another pipeline
        self._show_choice()

    def chosen(self) -> str | None:
        """The project's pipeline: its setting, else the default (None until ``prepare`` knows it)."""
        setting = self._project.setting(PIPELINE_SETTING)
        return setting or (self._pipelines.default if self._pipelines is not None else None)

    def use_menu(self, menu: QMenu) -> None:
        """The Suggestions ▸ Pipeline submenu, filled once the installed pipelines are known."""
        self.menu = menu
        self._fill_menu()

    def prepare(self) -> BackgroundTask:
        """List the installed pipelines and load the chosen one, on a worker thread."""
        setting = self._project.setting(PIPELINE_SETTING)

        def work(_control: TaskControl) -> Pipelines:
            installed, default = installed_pipelines(), default_pipeline_name()
            try:
                cached_pipeline(setting or default)
            except UserError as error:  # the setting names a pipeline not installed here
                return Pipelines(installed, default, str(error))
            return Pipelines(installed, default)

        task = BackgroundTask(work)
        task.succeeded.connect(self._prepared)
        task.failed.connect(lambda error: self._prepared(Pipelines([], BLANK, show_unexpected_error(
            error, Errors.E517, self._window))))  # a UserError is caught in the work itself
        task.start()
        return task

    def _prepared(self, pipelines: Pipelines) -> None:
        self._pipelines = pipelines
        self._fill_menu()
        if pipelines.problem is not None:
            self.message.emit(pipelines.problem)

    def set_pipeline(self, name: str) -> None:
        """Use ``name`` for this project's suggestions from now on, and load it in the background."""
        if name == self.chosen():
            return
        self._project.set_setting(PIPELINE_SETTING, name)
        if self._pipelines is not None:
            self._pipelines = replace(self._pipelines, problem=None)  # that was about the previous choice
        self.message.emit(f"Suggestions will use {_title(name)}; it is loading in the background.")
        self.prepare()
        self._show_choice()

    def _show_choice(self) -> None:
        """The status label and the menu's check mark: which pipeline, plainly if it has no model."""
        name = self.chosen()
        problem = self._pipelines.problem if self._pipelines is not None else None
        if name is None:
            self.status_label.setText("Pipeline: loading…")
        elif problem is not None:
            self.status_label.setText(f"Pipeline: {name} (not available)")
        else:
            self.status_label.setText(f"Pipeline: {_title(name)} · Russian: {RUSSIAN_PIPELINE}")
        self.status_label.setToolTip(problem or "The spaCy pipeline that makes suggestions (Suggestions ▸ Pipeline); "
                                                "documents in Russian go to natasha's Russian NER")
        for action in self._group.actions():
            action.setChecked(action.data() == name)

    def _fill_menu(self) -> None:
        """Rebuild the menu from what ``prepare`` found (never from an action's own signal: that
        would delete the action while it is being triggered)."""
        menu = self.menu
        if menu is None:
            return
        for action in self._group.actions():
            self._group.removeAction(action)
        menu.clear()
        if self._pipelines is None:
            menu.addAction("Looking for installed pipelines…").setEnabled(False)
            return
        known = [*self._pipelines.installed, BLANK]
        chosen = self.chosen()
        names = known if chosen is None or chosen in known else [chosen, *known]  # a setting from elsewhere
        for name in names:
            action = QAction(_title(name) if name in known else f"{name} (not installed)", menu)
            action.setData(name)
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, picked=name: self.set_pipeline(picked))
            self._group.addAction(action)
            menu.addAction(action)
        if not self._pipelines.installed:
            menu.addSeparator()
            menu.addAction("No trained English pipeline is installed").setEnabled(False)
        self._show_choice()

    # --- runs --------------------------------------------------------------------------------

    def run(self, doc_ids: Sequence[int] | None) -> BackgroundTask | None:
        """Suggest for ``doc_ids`` (None: every document) behind a progress dialog with Cancel."""
        if self.task is not None:
            return None
        project = self._project
        name = self.chosen()
        ids = None if doc_ids is None else list(doc_ids)
        pipeline = name  # None until ``prepare`` has found the default: then the work names it

        def work(control: TaskControl) -> SuggestResult:
            nonlocal pipeline
            pipeline = name or default_pipeline_name()
            control.report(0, 0, f"Loading the spaCy pipeline {pipeline}…")
            loaded = cached_pipeline(pipeline)
            return suggest_by_language(project, ids, pipeline=loaded, control=control)

        task = BackgroundTask(work)
        progress = progress_dialog(self._window, "Making suggestions", "Starting…", task)
        progress.canceled.connect(lambda: self.message.emit(
            "Cancelling: documents finished so far keep their new suggestions, the others stay as they were…"))

        def show_progress(done: int, total: int, text: str) -> None:
            """While loading: what is loaded. Then the bar: characters parsed; the label:
            documents finished ("0 of 1 documents" while a long one is read)."""
            if task.control.cancelled:
                return
            if total == 0:
                progress.setLabelText(text)
                return
            progress.setMaximum(PROGRESS_STEPS)
            progress.setValue(min(done, total) * PROGRESS_STEPS // total)
            progress.setLabelText(f"Suggesting with {text}")  # the text names the pipeline of the documents under way

        task.progressed.connect(show_progress)
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
        task.finished.connect(self._finished)
        self.task = task
        self.progress_dialog = progress
        self._result = None
        task.start()
        return task

    def _succeeded(self, result: SuggestResult) -> None:
        self._result = result
        notes = result.notes
        text = summary(result)
        if not result.trained:  # said plainly, in place of the first note (the same thing, technically)
            plain = Errors.E514 if self._project.setting(PIPELINE_SETTING) == BLANK else Errors.E513
            notes = [plain, *notes[1:]]
            self._report("Suggestions from rules only", plain, QMessageBox.Icon.Information)
        if result.slow_rules:  # rules the analyst must fix: not only in the status bar
            self._report("Slow pattern rules skipped", "\n\n".join(result.slow_rules), QMessageBox.Icon.Warning)
        self.message.emit(" ".join([text, *notes]))

    def _failed(self, error: Exception) -> None:
        if isinstance(error, UserError):
            self._report("Suggestions failed", str(error), QMessageBox.Icon.Warning)
        else:
            show_unexpected_error(error, Errors.E515, self._window)

    def _finished(self) -> None:
        """Whatever the outcome, documents finished before it have new suggestions: show them."""
        if self.progress_dialog is not None:
            self.progress_dialog.hide()  # not close(): closing a progress dialog means Cancel
            self.progress_dialog.deleteLater()
        self.progress_dialog = None
        self.task = None
        self.finished.emit(self._result)

    def _report(self, title: str, text: str, icon: QMessageBox.Icon) -> None:
        """A non-blocking message box: the analyst reads it while the suggestions are on show."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Close, self._window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.report_box = box
        box.open()


def _title(name: str) -> str:
    return f"{name} (rules only: patterns and aliases)" if name == BLANK else name
