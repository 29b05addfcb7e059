"""The main window: document list, text, side panels, menus and status bar, wired together.

The window composes and connects; what keys and clicks *do* to annotations is the editor's job
(``annotator.gui.editor``), and every edit goes through the core as one committed, undoable
operation (``annotator.ops``). Its parts live in modules of their own:

- ``window_menus``: the menus, their actions and keys (Undo and Redo a view of the core ``History``);
- ``secondary_windows``: actor registry, search, agreement, comparison, dashboard and help, each
  opened once and closed when the project or annotator changes;
- ``window_files``: projects, imports, merges and dataset exports;
- ``status_line``: the status bar's project, annotator, progress and snapping labels;
- ``layer_switch``: View ▸ Layer, the layer the editor works in (own, gold, a teammate's);
- ``ops_bridge`` and ``changes``: the one way the panels learn of changes, own or others'.

What stays here: the layout, the open document and moving between documents, the project and
annotator switches, view settings and the window's life (layout saved, spaCy loaded, closing).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QScrollArea, QSplitter, QVBoxLayout, QWidget

from annotator.errors import Errors
from annotator.formats.detect import AUTO_SUFFIXES
from annotator.gui import window_layout
from annotator.gui.backup_timer import BackupScheduler
from annotator.gui.changes import ChangeView
from annotator.gui.dataset_runner import DatasetRunner
from annotator.gui.dialogs import ask_annotator_name
from annotator.gui.doc_order import DocumentOrder
from annotator.gui.doclist import STATUS_TITLES, DocumentListModel, DocumentListPanel, short_title
from annotator.gui.document_language import set_language_dialog
from annotator.gui.editor import DocumentEditor, load_spacy_tokenizer
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.inspector import DocumentPanel, SpanInspector
from annotator.gui.layer_switch import LayerSwitch
from annotator.gui.ops_bridge import OpsBridge
from annotator.gui.palette import LabelPalette
from annotator.gui.reading_place import PlaceMemory
from annotator.gui.secondary_windows import SecondaryWindows
from annotator.gui.settings import GuiSettings
from annotator.gui.start_order import after_first_screen
from annotator.gui.status_line import StatusLine, project_title
from annotator.gui.suggest_runner import SuggestionRunner
from annotator.gui.text_focus import TextFocus
from annotator.gui.textview import DocumentView
from annotator.gui.theme import ThemeManager
from annotator.gui.window_files import WindowFiles
from annotator.gui.window_menus import WindowMenus
from annotator.gui.workers import BackgroundTask, cancel_background_tasks, wait_for_background_tasks
from annotator.store import Project
from annotator.store.review_states import ReviewStates

MESSAGE_MS = 10_000
_start_up_frozen = False  # see ``freeze_start_up``
SYNC_AFTER_OPEN_MS = 300  # the last document reaches the settings file this long after the last opening
FONT_SIZES = (8.0, 40.0)


def freeze_start_up() -> None:
    """Leave what start-up made (Qt's wrappers, spaCy and the suggestion pipeline: some 160,000
    objects, nearly all kept for good) out of Python's full garbage collections: each of them
    walked them all, 100-150 ms on the shared machine, inside whichever key happened to set one
    off; 5 ms after this. Once per process, after one full collection, so no garbage is kept
    for good (a second window, or a test's next one, finds it done)."""
    global _start_up_frozen  # noqa: PLW0603 - once per process, whichever window gets there first
    if not _start_up_frozen:
        _start_up_frozen = True
        gc.collect()
        gc.freeze()


class MainWindow(QMainWindow):
    """One project, one analyst, one open document at a time."""

    def __init__(self, project: Project, annotator: str, settings: GuiSettings) -> None:
        super().__init__()
        self._project = project
        self._annotator = annotator
        self._settings = settings
        self._tokenizer_requested = False
        self._pipeline_task: BackgroundTask | None = None
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
        self.doc_model = DocumentListModel(project.documents, annotator)
        self.doc_model.known_span_count = self.editor.own_span_count
        self.doc_model.reviews = ReviewStates(project)  # the list shows review state and filters by it
        self.doc_list = DocumentListPanel(self.doc_model)
        self.palette = LabelPalette(project.schema)
        self.inspector = SpanInspector(project.schema)
        self.inspector.actor_field.candidates = self.editor.actor_candidates
        self.document_panel = DocumentPanel(project.schema, STATUS_TITLES)
        self.text_focus = TextFocus(self.view, (self.palette, self.inspector, self.document_panel))
        self.changes = ChangeView(self)  # every change to the panels; View ▸ Refresh; conflict dialogs
        self.files = WindowFiles(self)
        self.windows = SecondaryWindows(self)
        self.status_line = StatusLine(self)
        self.layers = LayerSwitch(self)  # View ▸ Layer: own, gold or a teammate's
        self.doc_order = DocumentOrder(self)  # View ▸ Document order: least certain, most disagreement

        self._build_layout()
        self.menus = WindowMenus(self)
        self.reading = PlaceMemory(self)  # before _connect: it records an opened document first, the window then syncs
        # Writing the settings file costs 12-16 ms: not in the key that opens a document, but
        # after its paint, once the analyst stops flipping through documents.
        self._sync_soon = QTimer(self, singleShot=True, interval=SYNC_AFTER_OPEN_MS)
        self._sync_soon.timeout.connect(self.reading.save)  # the document and the place in it
        self._connect()
        self._restore_layout()
        self.status_line.show_identity()
        self.layers.restore()
        self.open_start_document()

    # --- construction --------------------------------------------------------------------------

    def _build_layout(self) -> None:
        side = QWidget()
        side_layout = QVBoxLayout(side)
        for panel in (self.layers.box, self.palette, self.inspector, self.document_panel):
            side_layout.addWidget(panel)
        side_layout.addStretch(1)
        # Top-aligned: when the inspector grows or shrinks (every key that changes the current
        # span), only what moved is painted again, not the label palette above it.
        side.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        side_scroll = QScrollArea()
        side_scroll.setWidget(side)
        side_scroll.setWidgetResizable(True)
        side_scroll.setMinimumWidth(window_layout.SIDE_MIN_WIDTH)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.doc_list)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(side_scroll)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        window_layout.lay_out(self, self.splitter)

    def _connect(self) -> None:
        self.editor.documentShown.connect(self._document_shown)
        self.editor.currentSpanChanged.connect(self._show_current_span)
        self.editor.message.connect(self.show_message)
        self.editor.attributesRequested.connect(self.inspector.focus_attributes)
        self.inspector.leaveRequested.connect(self.view.setFocus)
        self.doc_list.documentChosen.connect(self.open_document)
        self.doc_list.documentClicked.connect(lambda _doc_id: self.view.setFocus())
        self.doc_list.languageRequested.connect(lambda doc_id: set_language_dialog(self, doc_id))
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
        self.document_panel.statusChosen.connect(self.editor.set_status)
        self.document_panel.labelToggled.connect(self.editor.set_doc_label)
        self.document_panel.noteCommitted.connect(self.editor.set_document_note)
        for edited in (self.inspector.labelChosen, self.inspector.attrsEdited, self.inspector.relationDeleteRequested,
                       self.inspector.spanRequested, self.document_panel.statusChosen,
                       self.document_panel.labelToggled):
            edited.connect(self.text_focus.after_panel_edit)  # after the edit: a click gives the keys back

    # --- settings ------------------------------------------------------------------------------

    @property
    def settings(self) -> GuiSettings:
        return self._settings

    def _restore_layout(self) -> None:
        window_layout.restore(self, self.splitter, self._settings)
        state = self._settings.window_state()
        if state is not None:
            self.restoreState(state)

    def _save_layout(self) -> None:
        self._settings.save_window(self.saveGeometry(), self.saveState())
        self._settings.set_splitter_sizes(window_layout.SPLITTER, self.splitter.sizes())
        self._settings.sync()

    # --- lifecycle -----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._tokenizer_requested:
            self._tokenizer_requested = True
            after_first_screen(self, self._load_tokenizer)  # spaCy's import must not slow the first paint and keys
        self.view.setFocus()

    def _load_tokenizer(self) -> None:
        self.show_message("spaCy loading… snapping uses a simple tokenizer until it is ready.")
        task = BackgroundTask(load_spacy_tokenizer)
        task.succeeded.connect(self._tokenizer_loaded)
        task.failed.connect(lambda error: self.show_message(show_unexpected_error(error, Errors.E187, self)))
        task.finished.connect(self._prepare_pipeline)  # then the suggestion pipeline, never both at once
        task.start()

    def _prepare_pipeline(self) -> None:
        """Load the suggestion pipeline, then ``freeze_start_up``."""
        self._pipeline_task = self.suggest_runner.prepare()  # kept: a task let go when it ends drops slots after its own
        self._pipeline_task.finished.connect(freeze_start_up)

    def _tokenizer_loaded(self, tokenize: object) -> None:
        self.editor.use_spacy_tokenizer(tokenize)  # type: ignore[arg-type]
        self.status_line.show_snapping()
        self.show_message("spaCy tokenizer ready.")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.flush_panels()
        self._save_layout()
        cancel_background_tasks()
        wait_for_background_tasks()
        self.bridge.stop()
        self.menus.stop_following()
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
        self.show_title()
        self._sync_soon.start()  # ``reading.save`` writes it as the last document, after the paint

    def show_title(self) -> None:
        """Document, project, annotator and the layer shown when it is not the analyst's own."""
        document = self.editor.document
        if document is not None:
            layer = f" · {caption}" if (caption := self.layers.caption()) else ""
            self.setWindowTitle(f"{short_title(document.title or document.name)} — {project_title(self._project)} — "
                                f"{self._annotator}{layer} — Annotator")

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
                                 editable=self.editor.can_edit(span))

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

    def set_snapping(self, enabled: bool) -> None:
        self.editor.snapping = enabled
        self._settings.snapping = enabled
        self.status_line.show_snapping()
        self.show_message("Token snapping on: selections grow to whole tokens." if enabled
                          else "Token snapping off: spans keep the exact selection.")

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

    # --- status bar ----------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, MESSAGE_MS)

    def show_progress(self) -> None:
        self.status_line.show_progress()

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
        self.menus.follow_history()
        self.suggest_runner.set_project(project)
        self.dataset_runner.set_project(project)
        self.backups.set_project(project)
        self.windows.close_all()  # they worked on the old project
        self.doc_model.reviews = ReviewStates(project)
        self.doc_model.use_documents(project.documents, self._annotator)
        self.doc_order.follow_project()
        schema = project.schema
        self.palette.set_schema(schema)
        self.inspector.set_schema(schema)
        self.document_panel.set_schema(schema)
        self.menus.build_label_actions()
        self.status_line.show_identity()
        self.layers.restore()
        self.open_start_document()
        if old is not project:
            self.backups.backup_on_close(old)
            old.close()

    def set_annotator(self, name: str) -> None:
        """Annotate as ``name`` from now on; the undo history belonged to the previous one."""
        self.flush_panels()
        self.windows.close_review()  # the comparison adjudicated as the previous annotator
        self._annotator = name
        self._settings.annotator = name
        current = self.editor.document
        self.editor.set_project(self._project, name)
        self.layers.restore()
        self.menus.follow_history()
        self.doc_model.set_annotator(name)
        self.status_line.show_identity()
        if current is not None:
            self.editor.open_document(current.id)
        else:
            self.open_start_document()

    def switch_annotator_dialog(self) -> None:
        name = ask_annotator_name(self, self._annotator, self._project.annotator_names())
        if name and name != self._annotator:
            self.set_annotator(name)
