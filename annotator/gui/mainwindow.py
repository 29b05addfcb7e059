"""The main window: document list, text, side panels, menus and status bar, wired together.

The window composes and connects; what keys and clicks *do* to annotations is the editor's job
(``annotator.gui.editor``), and every edit goes through the core as one committed, undoable
operation (``annotator.ops``); the Edit menu's Undo and Redo are a view of the annotator's core
``History``. The panels learn of changes only through the window's one ``OpsBridge``
(``annotator.gui.changes``). Shortcuts come in two scopes: keys with a modifier (Ctrl+Z, Ctrl+Enter, Alt+Right) work
anywhere in the window; bare keys (label keys, R, Tab, Enter, Delete, Esc, and Y, X, ] and [
for suggestions) belong to the text view, so they never steal typing or Tab navigation from the
filter box, the note fields or the inspector's widgets. Every action sits in a menu, which shows
its keys and feeds Help ▸ Keyboard shortcuts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import Errors, UserError
from annotator.formats.detect import AUTO_SUFFIXES
from annotator.gui import review_bridge
from annotator.gui.actor_registry import ActorRegistryDialog
from annotator.gui.backup_timer import BackupScheduler
from annotator.gui.changes import ChangeView
from annotator.gui.compare_view import CompareWindow
from annotator.gui.dataset_runner import DatasetRunner
from annotator.gui.dialogs import (
    GuidelinesDialog,
    ImportReportDialog,
    ShortcutsDialog,
    ask_annotator_name,
    import_summary,
    menu_shortcuts,
    present,
)
from annotator.gui.doclist import STATUS_TITLES, DocumentListModel, DocumentListPanel
from annotator.gui.editor import DocumentEditor, load_spacy_tokenizer
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.inspector import DocumentPanel, SpanInspector
from annotator.gui.ops_bridge import OpsBridge
from annotator.gui.palette import LabelPalette
from annotator.gui.review_window import AgreementWindow
from annotator.gui.search_window import SearchWindow
from annotator.gui.settings import GuiSettings
from annotator.gui.suggest_runner import SuggestionRunner
from annotator.gui.textview import DocumentView
from annotator.gui.theme import THEME_TITLES, THEMES, ThemeManager
from annotator.gui.workers import BackgroundTask, cancel_background_tasks, progress_dialog, wait_for_background_tasks
from annotator.importing import ImportOptions, ImportReport, import_files
from annotator.store import Project
from annotator.tasks import Cancelled, TaskControl

MESSAGE_MS = 10_000
FONT_SIZES = (8.0, 40.0)
PROJECT_FILTER = "Annotator projects (*.db *.sqlite *.sqlite3);;All files (*)"


class MainWindow(QMainWindow):
    """One project, one analyst, one open document at a time."""

    def __init__(self, project: Project, annotator: str, settings: GuiSettings) -> None:
        super().__init__()
        self._project = project
        self._annotator = annotator
        self._settings = settings
        self._tokenizer_requested = False
        self.progress_dialog: QProgressDialog | None = None  # while an import runs
        self.theme = ThemeManager(QApplication.instance(), parent=self)
        self.theme.apply(settings.theme)

        self.bridge = OpsBridge(project, self)  # the one way panels learn of changes
        self.view = DocumentView()
        if settings.font_size is not None:
            self.view.set_font_point_size(settings.font_size)
        self.editor = DocumentEditor(project, annotator, self.view)
        self.editor.snapping = settings.snapping
        self.editor.set_show_others(settings.show_other_annotators)
        self.editor.set_show_suggestions(settings.show_suggestions)
        self.suggest_runner = SuggestionRunner(self, project)
        self.dataset_runner = DatasetRunner(self, project)
        self.backups = BackupScheduler(self, project, self.show_message)
        self.actor_registry: ActorRegistryDialog | None = None
        self.search_window: SearchWindow | None = None
        self.dashboard_window: QWidget | None = None
        self.agreement_window: AgreementWindow | None = None
        self.compare_window: CompareWindow | None = None
        self.doc_model = DocumentListModel(project.documents, annotator)
        self.doc_list = DocumentListPanel(self.doc_model)
        self.palette = LabelPalette(project.schema)
        self.inspector = SpanInspector(project.schema)
        self.inspector.actor_field.candidates = self.editor.actor_candidates
        self.document_panel = DocumentPanel(project.schema, STATUS_TITLES)
        self.changes = ChangeView(self)  # every change to the panels; View ▸ Refresh; conflict dialogs
        self._history = self.editor.history
        self._history.add_listener(self._update_undo_actions)

        self._build_layout()
        self._build_status_bar()
        self._build_menus()
        self._connect()
        self._restore_layout()
        self._show_identity()
        self.open_start_document()

    # --- construction --------------------------------------------------------------------------

    def _build_layout(self) -> None:
        side = QWidget()
        side_layout = QVBoxLayout(side)
        for panel in (self.palette, self.inspector, self.document_panel):
            side_layout.addWidget(panel)
        side_layout.addStretch(1)
        side_scroll = QScrollArea()
        side_scroll.setWidget(side)
        side_scroll.setWidgetResizable(True)
        side_scroll.setMinimumWidth(280)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.doc_list)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(side_scroll)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([290, 760, 320])
        self.setCentralWidget(self.splitter)
        available = self.screen().availableGeometry()
        self.resize(min(1440, available.width() * 19 // 20), min(900, available.height() * 19 // 20))

    def _build_status_bar(self) -> None:
        self.project_label = QLabel()
        self.annotator_label = QLabel()
        self.progress_label = QLabel()
        self.snapping_label = QLabel()
        for label in (self.suggest_runner.status_label, self.snapping_label, self.project_label,
                      self.annotator_label, self.progress_label):
            self.statusBar().addPermanentWidget(label)

    def _action(self, menu: QMenu, text: str, slot: Callable[..., object],
                keys: Sequence[str | QKeySequence.StandardKey] = (), *, in_text: bool = False,
                checked: bool | None = None) -> QAction:
        """A menu action; ``in_text`` scopes its keys to the text view (bare keys, see module doc).

        With ``checked`` the action is a toggle starting in that state, calling ``slot(bool)``.
        """
        action = QAction(text, self)
        sequences = {QKeySequence(key).toString(): QKeySequence(key) for key in keys}  # platform keys may repeat
        action.setShortcuts(list(sequences.values()))
        if checked is not None:
            action.setCheckable(True)
            action.setChecked(checked)
            action.toggled.connect(slot)
        else:
            action.triggered.connect(slot)
        if in_text:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.view.addAction(action)
        else:
            self.addAction(action)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&New project…", self.new_project_dialog, [QKeySequence.StandardKey.New])
        self._action(file_menu, "&Open project…", self.open_project_dialog, [QKeySequence.StandardKey.Open])
        self.recent_menu = file_menu.addMenu("&Recent projects")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        self._action(file_menu, "&Import documents…", self.import_files_dialog, ["Ctrl+I"])
        self._action(file_menu, "Import &folder…", self.import_folder_dialog, ["Ctrl+Shift+I"])
        # Ctrl+Shift+I is taken by Import folder…; D for dataset, next to E for export.
        self._action(file_menu, "Import &dataset…", self.import_dataset_dialog, ["Ctrl+Shift+D"])
        self._action(file_menu, "&Export dataset…", self.export_dataset_dialog, ["Ctrl+E"])
        self._action(file_menu, "Import &limits…", self.import_limits_dialog)
        file_menu.addSeparator()
        self._action(file_menu, "&Switch annotator…", self.switch_annotator_dialog, ["Ctrl+Shift+U"])
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, [QKeySequence.StandardKey.Quit, "Ctrl+Q"])

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self._action(edit_menu, "&Undo", self.undo, [QKeySequence.StandardKey.Undo])
        self.redo_action = self._action(edit_menu, "&Redo", self.redo,
                                        [QKeySequence.StandardKey.Redo, "Ctrl+Shift+Z"])
        edit_menu.addSeparator()
        self.label_menu = edit_menu.addMenu("Apply &label")
        self._build_label_actions()
        self._action(edit_menu, "&Delete span", self.editor.delete_current_span, ["Delete", "Backspace"],
                     in_text=True)
        self._action(edit_menu, "&Clear selection / cancel", self.editor.cancel, ["Esc"], in_text=True)
        edit_menu.addSeparator()
        self.snapping_action = self._action(edit_menu, "Snap to &tokens", self.set_snapping, ["Ctrl+T"],
                                            checked=self.editor.snapping)
        edit_menu.addSeparator()
        self._action(edit_menu, "&Actor registry…", self.show_actor_registry, ["Ctrl+Shift+A"])
        self._action(edit_menu, "&Find in corpus…", self.show_search, ["Ctrl+Shift+F"])

        view_menu = bar.addMenu("&View")
        self._action(view_menu, "&Bigger text", lambda: self.change_font_size(+1),
                     [QKeySequence.StandardKey.ZoomIn, "Ctrl+="])
        self._action(view_menu, "&Smaller text", lambda: self.change_font_size(-1),
                     [QKeySequence.StandardKey.ZoomOut])
        theme_menu = view_menu.addMenu("&Theme")
        self._theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for theme in THEMES:
            action = self._action(theme_menu, THEME_TITLES[theme],
                                  lambda on, chosen=theme: self.set_theme(chosen) if on else None,
                                  checked=theme == self.theme.chosen)
            self._theme_group.addAction(action)
            self.theme_actions[theme] = action
        view_menu.addSeparator()
        self.show_others_action = self._action(view_menu, "Show &other annotators (read-only)",
                                               self.set_show_others, ["Ctrl+Shift+O"],
                                               checked=self._settings.show_other_annotators)
        self.show_suggestions_action = self._action(view_menu, "Show s&uggestions", self.set_show_suggestions,
                                                    ["Ctrl+Shift+S"], checked=self.editor.show_suggestions)
        self._action(view_menu, "&Refresh (teammates' changes)", self.changes.refresh, ["F5"])

        document_menu = bar.addMenu("&Document")
        self._action(document_menu, "&Next document", self.next_document, ["N", "Alt+Right"], in_text=True)
        self._action(document_menu, "&Previous document", self.previous_document, ["P", "Alt+Left"],
                     in_text=True)
        self._action(document_menu, "Mark &done and next", self.mark_done_and_next, ["Ctrl+Return", "Ctrl+Enter"])
        self._action(document_menu, "Mark &in progress", lambda: self.editor.set_status("in_progress"),
                     ["Ctrl+Shift+Return"])
        document_menu.addSeparator()
        self._action(document_menu, "Start &relation", self.editor.start_relation, ["R"], in_text=True)
        self._action(document_menu, "&Link to current span / accept suggestion", self.editor.confirm,
                     ["Return", "Enter"], in_text=True)
        self._action(document_menu, "Next &span", lambda: self.editor.step_span(+1), ["Tab"], in_text=True)
        self._action(document_menu, "Previous s&pan", lambda: self.editor.step_span(-1), ["Shift+Tab"],
                     in_text=True)

        self._build_suggestions_menu(bar.addMenu("&Suggestions"))
        self._build_review_menu(bar.addMenu("Re&view"))

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, ["Ctrl+/"])
        self._action(help_menu, "Annotation &guidelines", self.show_guidelines,
                     [QKeySequence.StandardKey.HelpContents])

        self._update_undo_actions()

    def _build_suggestions_menu(self, menu: QMenu) -> None:
        """Deciding on suggestions (keys free of the schema's label keys and the other bare
        keys), then making them."""
        editor = self.editor
        self._action(menu, "&Accept suggestion", editor.accept_current, ["Y"], in_text=True)
        self._action(menu, "&Reject suggestion", editor.reject_current, ["X", "Shift+Del"], in_text=True)
        self._action(menu, "&Next suggestion", lambda: editor.step_suggestion(+1), ["]"], in_text=True)
        self._action(menu, "&Previous suggestion", lambda: editor.step_suggestion(-1), ["["], in_text=True)
        menu.addSeparator()
        self._action(menu, "Accept all suggestions of this &label", lambda: editor.accept_all(of_current_label=True),
                     ["Shift+Y"], in_text=True)
        self._action(menu, "Reject all suggestions of this la&bel", lambda: editor.reject_all(of_current_label=True),
                     ["Shift+X"], in_text=True)
        self._action(menu, "Accept all in &document", editor.accept_all, ["Ctrl+Shift+Y"])
        self._action(menu, "Reject all in d&ocument", editor.reject_all, ["Ctrl+Shift+X"])
        menu.addSeparator()
        self.suggest_document_action = self._action(menu, "&Suggest for this document", self.suggest_document)
        self.suggest_all_action = self._action(menu, "Suggest for all doc&uments", self.suggest_all)
        self.suggest_runner.use_menu(menu.addMenu("Pi&peline"))

    def _build_label_actions(self) -> None:
        """One action per span label, its key scoped to the text; rebuilt when the schema changes."""
        for action in self.label_menu.actions():
            self.view.removeAction(action)
            action.deleteLater()
        self.label_menu.clear()
        for label in self._project.schema.span_labels:
            keys = [label.key.upper()] if label.key else []
            self._action(self.label_menu, label.name, lambda _checked=False, name=label.name: self.apply_label(name),
                         keys, in_text=True)

    def _connect(self) -> None:
        self.editor.documentShown.connect(self._document_shown)
        self.editor.currentSpanChanged.connect(self._show_current_span)
        self.editor.message.connect(self.show_message)
        self.doc_list.documentChosen.connect(self.open_document)
        self.doc_list.documentClicked.connect(lambda _doc_id: self.view.setFocus())
        self.palette.labelChosen.connect(self.apply_label)
        self.inspector.labelChosen.connect(self.editor.relabel_span)
        self.inspector.attrsEdited.connect(self.editor.set_span_attrs)
        self.inspector.noteCommitted.connect(self.editor.set_span_note)
        self.inspector.relationDeleteRequested.connect(self.editor.delete_relation)
        self.inspector.spanRequested.connect(self.editor.select_span)
        self.inspector.acceptRequested.connect(lambda _span_id: self.editor.accept_current())
        self.inspector.rejectRequested.connect(lambda _span_id: self.editor.reject_current())
        actor_field = self.inspector.actor_field
        actor_field.linkRequested.connect(self.editor.link_actor)
        actor_field.unlinkRequested.connect(lambda span_id: self.editor.link_actor(span_id, None))
        actor_field.createRequested.connect(self.editor.create_actor)
        actor_field.message.connect(self.show_message)
        for clicked in (self.inspector.acceptRequested, self.inspector.rejectRequested, actor_field.linkRequested,
                        actor_field.unlinkRequested, actor_field.createRequested):
            clicked.connect(lambda *_args: self.view.setFocus())  # after the edit: keys go on working in the text
        self.suggest_runner.message.connect(self.show_message)
        self.dataset_runner.message.connect(self.show_message)
        self.dataset_runner.imported.connect(self._import_finished)
        self.document_panel.statusChosen.connect(self.editor.set_status)
        self.document_panel.labelToggled.connect(self.editor.set_doc_label)
        self.document_panel.noteCommitted.connect(self.editor.set_document_note)

    def _build_review_menu(self, menu: QMenu) -> None:
        """Bringing teammates' layers together: agreement over the corpus, then one document's
        comparison and adjudication into gold (windows of their own: ``review_window``,
        ``compare_view``)."""
        self._action(menu, "&Agreement…", self.show_agreement, ["Ctrl+Shift+G"])
        self._action(menu, "&Compare annotators on this document…", self.compare_current_document,
                     ["Ctrl+Shift+R"])
        menu.addSeparator()
        self._action(menu, "&Merge teammates' work…", self.merge_dialog, ["Ctrl+Shift+M"])
        menu.addSeparator()
        # Ctrl+Shift+D is Import dataset…; B for (dash)board.
        self._action(menu, "&Dashboard…", self.show_dashboard, ["Ctrl+Shift+B"])

    def merge_dialog(self) -> None:
        """Review ▸ Merge: pick teammates' project files or canonical JSONL exports."""
        paths, _filter = QFileDialog.getOpenFileNames(
            self, "Merge teammates' projects or exports", "",
            "Projects and exports (*.db *.sqlite *.jsonl);;All files (*)")
        if paths:
            self.merge_files(paths)

    def merge_files(self, paths: Sequence[str | Path]) -> BackgroundTask:
        """Bring teammates' layers into this project off the GUI thread, then report what came in.

        Documents are matched by text and nothing here is overwritten (``annotator.review.merge``),
        so merging the same file again adds nothing.
        """
        from annotator.review.merge import merge

        self.flush_panels()
        project = self._project
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
            self, "Merging teammates' work", "Reading…", task,
            lambda done, total, source: f"Merging {Path(source).name} ({done + 1} of {total})")
        task.succeeded.connect(self._merge_succeeded)
        task.failed.connect(self._merge_failed)
        task.finished.connect(progress.hide)
        task.finished.connect(progress.deleteLater)
        task.finished.connect(self._import_finished)
        task.start()
        return task

    def _merge_succeeded(self, lines: list[str]) -> None:
        self.merge_report = QMessageBox(QMessageBox.Icon.Information, "Merge finished",
                                        "\n".join(lines) or "Nothing to merge.", parent=self)
        self.merge_report.open()

    def _merge_failed(self, error: Exception) -> None:
        if isinstance(error, Cancelled):
            self.show_message("Merge cancelled; files merged before it are kept.")
            return
        if not isinstance(error, UserError):
            show_unexpected_error(error, Errors.E507, self)
            return
        QMessageBox.warning(self, "Merge failed", str(error))

    # --- settings ------------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self._settings.window_geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self._settings.window_state()
        if state is not None:
            self.restoreState(state)
        sizes = self._settings.splitter_sizes("main")
        if len(sizes) == self.splitter.count():
            self.splitter.setSizes(sizes)

    def _save_layout(self) -> None:
        self._settings.save_window(self.saveGeometry(), self.saveState())
        self._settings.set_splitter_sizes("main", self.splitter.sizes())
        self._settings.sync()

    # --- lifecycle -----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._tokenizer_requested:
            self._tokenizer_requested = True
            QTimer.singleShot(0, self._load_tokenizer)  # after the first paint: spaCy is slow to import
        self.view.setFocus()

    def _load_tokenizer(self) -> None:
        self.show_message("spaCy loading… snapping uses a simple tokenizer until it is ready.")
        task = BackgroundTask(load_spacy_tokenizer)
        task.succeeded.connect(self._tokenizer_loaded)
        task.failed.connect(lambda error: self.show_message(show_unexpected_error(error, Errors.E187, self)))
        task.finished.connect(self.suggest_runner.prepare)  # then the suggestion pipeline, never both at once
        task.start()

    def _tokenizer_loaded(self, tokenize: object) -> None:
        self.editor.use_spacy_tokenizer(tokenize)  # type: ignore[arg-type]
        self._show_snapping()
        self.show_message("spaCy tokenizer ready.")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.flush_panels()
        self._save_layout()
        cancel_background_tasks()
        wait_for_background_tasks()
        self.bridge.stop()
        self._history.remove_listener(self._update_undo_actions)
        self.backups.backup_on_close(self._project)
        self._project.close()
        super().closeEvent(event)

    def flush_panels(self) -> None:
        """Commit notes still being typed before the window moves on."""
        self.inspector.flush()
        self.document_panel.flush()

    # --- documents -----------------------------------------------------------------------------

    def open_start_document(self) -> None:
        """The last document of this project, else the first one not done, else the first."""
        ids = self.doc_model.ids
        if not ids:
            self.editor.show_nothing()
            self.document_panel.show_nothing()
            return
        last = self._settings.last_document(self._project.location)
        if last is None or self.doc_model.row_of(last) is None:
            done = set(self._project.documents.ids(status="done", annotator=self._annotator))
            last = next((doc_id for doc_id in ids if doc_id not in done), ids[0])
        self.open_document(last)

    def open_document(self, doc_id: int) -> None:
        self.flush_panels()
        if self.editor.document is None or self.editor.document.id != doc_id:
            self.editor.open_document(doc_id)

    def next_document(self) -> None:
        self._step_document(+1)

    def previous_document(self) -> None:
        self._step_document(-1)

    def _step_document(self, step: int) -> None:
        ids = self.doc_model.ids
        current = self.editor.document
        row = self.doc_model.row_of(current.id) if current is not None else None
        target = (row + step) if row is not None else 0
        if 0 <= target < len(ids):
            self.open_document(ids[target])
        else:
            self.show_message("This is the last document in the list." if step > 0
                              else "This is the first document in the list.")

    def mark_done_and_next(self) -> None:
        """Ctrl+Enter: done, then the next document in the list not done yet (wrapping)."""
        current = self.editor.document
        if current is None:
            return
        self.flush_panels()
        self.editor.set_status("done")
        done = set(self._project.documents.ids(status="done", annotator=self._annotator))
        ids = self.doc_model.ids
        row = self.doc_model.row_of(current.id)
        start = row if row is not None else -1
        for offset in range(1, len(ids) + 1):
            candidate = ids[(start + offset) % len(ids)]
            if candidate not in done:
                self.open_document(candidate)
                return
        self.show_message(f"All {len(ids)} documents in the list are done.")

    def _document_shown(self, doc_id: int) -> None:
        document = self.editor.document
        assert document is not None
        self.doc_list.select_document(doc_id)
        self.show_document_panel()
        self.setWindowTitle(f"{document.title or document.name} — {self._project_title} — Annotator")
        self._settings.set_last_document(self._project.location, doc_id)
        self._settings.sync()

    def show_document_panel(self) -> None:
        if self.editor.document is None:
            return
        self.document_panel.show_document(self.editor.status(), self.editor.doc_labels(),
                                          self.editor.document_note())

    def _show_current_span(self) -> None:
        span = self.editor.current_span()
        if span is None:
            self.inspector.show_span(None)
            return
        self.inspector.show_span(span, self.editor.covered_text(span), self.editor.relations_of(span),
                                 editable=self.editor.is_own(span))

    # --- editing -------------------------------------------------------------------------------

    def apply_label(self, label: str) -> None:
        self.editor.apply_label(label)
        self.view.setFocus()

    def undo(self) -> None:
        self.flush_panels()  # a note being typed is a step of its own, taken back first
        self.editor.undo()

    def redo(self) -> None:
        self.flush_panels()
        self.editor.redo()

    def _update_undo_actions(self) -> None:
        """The Edit menu as a view of the core history: "Undo Add ACTOR", enabled when there is one."""
        for action, title, text in ((self.undo_action, "&Undo", self._history.undo_label),
                                    (self.redo_action, "&Redo", self._history.redo_label)):
            action.setEnabled(text is not None)
            action.setText(f"{title} {text}" if text else title)

    def _follow_history(self) -> None:
        """The Edit menu follows the history of the current project and annotator."""
        self._history.remove_listener(self._update_undo_actions)
        self._history = self.editor.history
        self._history.add_listener(self._update_undo_actions)
        self._update_undo_actions()

    def set_snapping(self, enabled: bool) -> None:
        self.editor.snapping = enabled
        self._settings.snapping = enabled
        self._show_snapping()
        self.show_message("Token snapping on: selections grow to whole tokens." if enabled
                          else "Token snapping off: spans keep the exact selection.")

    def _show_snapping(self) -> None:
        tokenizer = "spaCy" if self.editor.spacy_ready else "simple"
        self.snapping_label.setText(f"Snapping: {tokenizer}" if self.editor.snapping else "Snapping: off")

    # --- view ----------------------------------------------------------------------------------

    def change_font_size(self, step: int) -> None:
        low, high = FONT_SIZES
        size = min(high, max(low, round(self.view.font().pointSizeF()) + step))
        self.view.set_font_point_size(size)
        self._settings.font_size = size

    def set_theme(self, theme: str) -> None:
        self.theme.apply(theme)
        self._settings.theme = theme

    def set_show_others(self, shown: bool) -> None:
        self._settings.show_other_annotators = shown
        self.editor.set_show_others(shown)

    def set_show_suggestions(self, shown: bool) -> None:
        self._settings.show_suggestions = shown
        self.editor.set_show_suggestions(shown)

    # --- suggestions and actors ----------------------------------------------------------------

    def suggest_document(self) -> None:
        current = self.editor.document
        if current is None:
            self.show_message(Errors.E508.format(supported=", ".join(AUTO_SUFFIXES)))
            return
        self.flush_panels()
        self.suggest_runner.run([current.id])

    def suggest_all(self) -> None:
        self.flush_panels()
        self.suggest_runner.run(None)

    def show_actor_registry(self) -> None:
        """The registry dialog (non-modal); its changes rename what the view and inspector show."""
        if self.actor_registry is None:
            self.actor_registry = ActorRegistryDialog(self, self._project.actors, self._project.schema)
            self.actor_registry.finished.connect(self._actor_registry_closed)
        present(self.actor_registry)

    def _actor_registry_closed(self) -> None:
        if self.actor_registry is not None:
            self.actor_registry.deleteLater()
        self.actor_registry = None

    def show_search(self) -> SearchWindow:
        """Edit ▸ Find in corpus… (non-modal); double-clicking a hit opens it here, selected."""
        if self.search_window is None:
            self.search_window = SearchWindow(self, self._project)
            self.search_window.hitActivated.connect(self.open_search_hit)
            self.search_window.finished.connect(self._search_closed)
        else:
            self.search_window.refresh_choices()
        present(self.search_window)
        self.search_window.query.setFocus()
        return self.search_window

    def open_search_hit(self, doc_id: int, start: int, end: int, span_id: int | None) -> None:
        """Show a search hit: its document, the hit selected and scrolled to, and for a span hit
        that span current (when it is shown: another annotator's only with View ▸ Show other)."""
        self.editor.cancel()
        self.open_document(doc_id)
        if span_id is not None and self.view.span(span_id) is not None:
            self.editor.select_span(span_id)
        self.view.select_range(start, end)
        self.view.ensureCursorVisible()
        self.activateWindow()
        self.view.setFocus()

    def _search_closed(self) -> None:
        if self.search_window is not None:
            self.search_window.deleteLater()
        self.search_window = None

    # --- review --------------------------------------------------------------------------------

    def show_agreement(self) -> AgreementWindow:
        """Review ▸ Agreement… (non-modal); double-clicking a document there compares it."""
        self.flush_panels()
        if self.agreement_window is None:
            humans = review_bridge.human_annotators(self._project)
            self.agreement_window = AgreementWindow(self, self._project, humans)
            self.agreement_window.compareRequested.connect(self.open_comparison)
            self.agreement_window.finished.connect(self._agreement_closed)
        present(self.agreement_window)
        return self.agreement_window

    def _agreement_closed(self) -> None:
        if self.agreement_window is not None:
            self.agreement_window.deleteLater()
        self.agreement_window = None

    def compare_current_document(self) -> CompareWindow | None:
        """Review ▸ Compare annotators: everyone with spans in the open document."""
        current = self.editor.document
        if current is None:
            self.show_message(Errors.E546)
            return None
        names = review_bridge.annotators_of(self._project, current.id)
        if len(names) < 2:
            self.show_message(Errors.E545.format(found=", ".join(names) or "nobody"))
            return None
        return self.open_comparison(current.id, names)

    def open_comparison(self, doc_id: int, annotators: list[str]) -> CompareWindow:
        """The comparison window, adjudicating as the current annotator; one at a time, reused."""
        self.flush_panels()
        window = self.compare_window
        if window is not None and window.annotators != list(annotators):
            window.close()
            window = None
        if window is None:
            window = CompareWindow(self, self._project, doc_id, annotators, self._annotator)
            self.compare_window = window
        else:
            window.show_document(doc_id)
        present(window)
        return window

    def show_dashboard(self) -> QWidget:
        """Review ▸ Dashboard… (non-modal, one at a time); double-clicking a span behind a network
        link opens its document here. Imported on first use: Matplotlib costs a second of start-up."""
        from annotator.gui.dashboard_window import DashboardWindow

        self.flush_panels()
        if self.dashboard_window is None:
            window = DashboardWindow(self, self._project)  # deletes itself when closed
            window.documentRequested.connect(self.open_document)
            window.destroyed.connect(self._dashboard_closed)
            window.refresh()
            self.dashboard_window = window
        present(self.dashboard_window)
        return self.dashboard_window

    def _dashboard_closed(self) -> None:
        self.dashboard_window = None

    def _close_review_windows(self) -> None:
        if self.dashboard_window is not None:
            self.dashboard_window.close()  # it deletes itself; a new project needs a new one
            self.dashboard_window = None
        if self.agreement_window is not None:
            self.agreement_window.close()  # finished → _agreement_closed deletes it
        if self.compare_window is not None:
            self.compare_window.close()
            self.compare_window.deleteLater()
        self.compare_window = None

    # --- status bar ----------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, MESSAGE_MS)

    def _show_identity(self) -> None:
        read_only = self._project.read_only
        self.project_label.setText(self._project_title)
        self.project_label.setToolTip(self._project.location + (f"\nRead-only: {read_only}" if read_only else ""))
        if read_only:
            self.show_message(f"{self._project.display_name} is open read-only ({read_only}): you can read, "
                              "search and export; changes are refused.")
        self.annotator_label.setText(f"Annotator: {self._annotator}")
        self.show_progress()
        self._show_snapping()

    @property
    def _project_title(self) -> str:
        """The project's name as the title bar and status bar show it, marked when read-only."""
        return self._project.display_name + (" (read-only)" if self._project.read_only else "")

    def show_progress(self) -> None:
        done, total = self._project.documents.progress(self._annotator)
        self.progress_label.setText(f"{done} of {total} done")

    # --- projects and annotators ---------------------------------------------------------------

    @property
    def project(self) -> Project:
        return self._project

    @property
    def annotator(self) -> str:
        return self._annotator

    def set_project(self, project: Project) -> None:
        """Work in another project; the old one is closed and the undo history cleared."""
        self.flush_panels()
        old = self._project
        self._project = project
        self._settings.remember_project(project.location)
        self.editor.set_project(project, self._annotator)
        self.bridge.set_project(project)
        self._follow_history()
        self.suggest_runner.set_project(project)
        self.dataset_runner.set_project(project)
        self.backups.set_project(project)
        if self.actor_registry is not None:
            self.actor_registry.close()
        if self.search_window is not None:  # it searches the old project
            self.search_window.close()
        self._close_review_windows()
        self.doc_model.use_documents(project.documents, self._annotator)
        schema = project.schema
        self.palette.set_schema(schema)
        self.inspector.set_schema(schema)
        self.document_panel.set_schema(schema)
        self._build_label_actions()
        self._show_identity()
        self.open_start_document()
        if old is not project:
            self.backups.backup_on_close(old)
            old.close()

    def set_annotator(self, name: str) -> None:
        """Annotate as ``name`` from now on; the undo history belonged to the previous one."""
        self.flush_panels()
        self._close_review_windows()  # the comparison adjudicated as the previous annotator
        self._annotator = name
        self._settings.annotator = name
        current = self.editor.document
        self.editor.set_project(self._project, name)
        self._follow_history()
        self.doc_model.set_annotator(name)
        self._show_identity()
        if current is not None:
            self.editor.open_document(current.id)
        else:
            self.open_start_document()

    def switch_annotator_dialog(self) -> None:
        name = ask_annotator_name(self, self._annotator, self._project.annotator_names())
        if name and name != self._annotator:
            self.set_annotator(name)

    def new_project_dialog(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "New project", str(Path.home() / "project.annotator.db"), PROJECT_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.open_project(path)

    def open_project_dialog(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Open project", str(Path.home()), PROJECT_FILTER)
        if path:
            self.open_project(path, create=False)

    def open_project(self, location: str, *, create: bool = True) -> bool:
        try:
            project = Project.open(location, create=create)
        except UserError as error:
            QMessageBox.warning(self, "Cannot open project", str(error))
            return False
        self.set_project(project)
        return True

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self._settings.recent_projects()
        for location in recent:
            action = self.recent_menu.addAction(location)
            action.triggered.connect(lambda _checked=False, where=location: self._open_recent(where))
        if not recent:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def _open_recent(self, location: str) -> None:
        if not self.open_project(location, create=False):
            self._settings.forget_project(location)

    # --- import --------------------------------------------------------------------------------

    def import_files_dialog(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in AUTO_SUFFIXES)
        paths, _filter = QFileDialog.getOpenFileNames(self, "Import documents", str(Path.home()),
                                                      f"Documents and annotations ({patterns});;All files (*)")
        if paths:
            self.import_documents(paths)

    def import_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of documents", str(Path.home()))
        if folder:
            self.import_documents([folder])

    def import_documents(self, paths: Sequence[str | Path]) -> BackgroundTask:
        """Import on a worker thread behind a progress dialog whose Cancel stops after the current file."""
        project = self._project

        def work(control: TaskControl) -> ImportReport:
            return import_files(project, list(paths), ImportOptions(), control=control)

        task = BackgroundTask(work)
        progress = progress_dialog(
            self, "Importing documents", "Reading files…", task,
            lambda done, total, path: f"Read {done} of {total} files: {Path(path).name}")
        task.succeeded.connect(self._import_succeeded)
        task.failed.connect(self._import_failed)
        task.finished.connect(self._import_finished)
        self.progress_dialog = progress
        task.start()
        return task

    def _import_succeeded(self, report: ImportReport) -> None:
        self.show_message(import_summary(report))
        self.import_report_dialog = ImportReportDialog(self, report)
        self.import_report_dialog.open()

    def _import_failed(self, error: Exception) -> None:
        if not isinstance(error, UserError):
            show_unexpected_error(error, Errors.E507, self)
            return
        QMessageBox.warning(self, "Import failed", str(error))

    def _import_finished(self) -> None:
        """Whatever the outcome, documents committed before it are listed (the bridge brought
        their changes, ``changes.ChangeView``); the progress dialog goes."""
        if self.progress_dialog is not None:
            self.progress_dialog.deleteLater()
        self.progress_dialog = None

    def export_dataset_dialog(self) -> None:
        """File ▸ Export dataset…: formats, filters and split for training or other tools."""
        self.flush_panels()
        current = self.editor.document
        self.dataset_runner.export_dialog(self._annotator, current.id if current is not None else None)

    def import_limits_dialog(self) -> None:
        """File ▸ Import limits…: the largest file and longest document imports accept."""
        from annotator.gui.limits_dialog import ImportLimitsDialog

        if ImportLimitsDialog(self, self._project).exec():
            self.show_message("Import limits saved for this project.")

    def import_dataset_dialog(self) -> None:
        """File ▸ Import dataset…: annotated files from other tools (plain texts: Import documents…)."""
        self.flush_panels()
        self.dataset_runner.import_dialog(self._annotator)

    # --- help ----------------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        self.shortcuts_dialog = ShortcutsDialog(self, menu_shortcuts(self.menuBar()))
        self.shortcuts_dialog.show()

    def show_guidelines(self) -> None:
        self.guidelines_dialog = GuidelinesDialog(self, self._project.schema.guidelines_markdown())
        self.guidelines_dialog.show()
