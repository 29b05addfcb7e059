"""Edit ▸ Find in corpus: search box, filters, a sortable concordance, CSV export.

The search itself is ``annotator.search.search`` run on the thread pool, so typing never waits
for the database; a newer search cancels the one still running and only the newest result is
shown. Double-clicking a row asks the main window (``hitActivated``) to open the document with
the hit selected. The filter choices come from the project: labels and their attributes from
the schema, annotators and actors from the data.

The results follow the project (issue 13): a change, the analyst's own or a teammate's, that can
alter them runs the shown search again, half a second after the last such change, in the
background like any search, keeping the selected row where its hit is still found. Re-running
is cheap (the index picks the documents, work stops at the hit limit) and only changes that can
matter start it: spans and actors for a span search, none for a plain text search except new
documents and, with a status filter, statuses. F5 runs the shown search again at once.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import Errors, UserError
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.follow_changes import ChangeFollower
from annotator.gui.ops_bridge import OpsBridge
from annotator.gui.search_model import (
    LEFT,
    SORT_ROLE,
    ConcordanceModel,
    LeftElidingDelegate,
)
from annotator.gui.workers import BackgroundTask
from annotator.output_files import ProtectedPaths
from annotator.search import SearchFilters, SearchHit, SearchResult, search, write_csv
from annotator.store import Project
from annotator.store.change_log import Changes
from annotator.store.models import LAYERS, STATUSES
from annotator.tasks import Cancelled, TaskControl

ANY = "(any)"
RERUN_QUIET_MS = 500  # after the last relevant change: a burst of edits runs the search once


class SearchWindow(QDialog):
    """The corpus search window (non-modal); one per main window and project."""

    hitActivated = Signal(int, int, int, object)  # doc id, start, end, span id or None
    searchFinished = Signal()  # the newest search's result or error is shown

    def __init__(self, parent: QWidget, project: Project, *, bridge: OpsBridge | None = None) -> None:
        """``bridge``: the change events to follow (by default the parent window's, if it has one)."""
        super().__init__(parent)
        self.setWindowTitle("Find in corpus")
        self.setWindowFlag(Qt.WindowType.Window)
        self._project = project
        self._task: BackgroundTask | None = None
        self.search_result: SearchResult | None = None
        self._shown: tuple[str, SearchFilters] | None = None  # the query and filters of the rows shown
        self._running: tuple[str, SearchFilters, bool] | None = None  # the search in flight, and `again`
        self._stale = False  # a change came while the window was minimised: run again when restored
        feed = bridge or getattr(parent, "bridge", None)
        self.follower = ChangeFollower(self, feed if isinstance(feed, OpsBridge) else None, self._touches_results,
                                       quiet_ms=RERUN_QUIET_MS)
        self.follower.settled.connect(self._results_changed)

        self.query = QLineEdit()
        self.query.setPlaceholderText('words (all must occur), "a phrase", prefix*')
        self.query.returnPressed.connect(self.run_search)
        self.label = self._combo([span.name for span in project.schema.span_labels])
        self.label.currentTextChanged.connect(self._label_chosen)
        self.attr_key = QComboBox()
        self.attr_key.currentTextChanged.connect(self._attribute_chosen)
        self.attr_value = QComboBox()
        self.attr_value.setEditable(True)
        self.annotator = self._combo(project.annotator_names())
        self.layer = self._combo(list(LAYERS))
        self.actor = self._combo([actor.name for actor in project.actors.all()])
        self.actor.setEditable(True)
        self.date_from = QLineEdit()
        self.date_to = QLineEdit()
        for box in (self.date_from, self.date_to):
            box.setPlaceholderText("YYYY-MM-DD")
            box.returnPressed.connect(self.run_search)
        self.status = self._combo(list(STATUSES))
        self.search_button = QPushButton("&Search")
        self.search_button.clicked.connect(self.run_search)
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.clicked.connect(self.export_dialog)
        self.count = QLabel("Type words and press Enter; choose filters to search annotated spans.")
        self.count.setWordWrap(True)

        self.model = ConcordanceModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the search's own order first
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setItemDelegateForColumn(LEFT, LeftElidingDelegate(self.table))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((0, 160), (1, 90), (LEFT, 260), (3, 140), (4, 260)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self._activate)
        self.table.activated.connect(self._activate)  # Enter on a row, as a double click
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.rerun)  # F5

        self._build_layout()
        self.resize(1100, 600)

    def _combo(self, values: list[str]) -> QComboBox:
        combo = QComboBox()
        combo.addItems([ANY, *values])
        return combo

    def _build_layout(self) -> None:
        filters = QFormLayout()
        attribute = QHBoxLayout()
        attribute.addWidget(self.attr_key)
        attribute.addWidget(QLabel("="))
        attribute.addWidget(self.attr_value, 1)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.date_to)
        filters.addRow("&Label:", self.label)
        filters.addRow(_buddy_label("A&ttribute:", self.attr_key), attribute)
        filters.addRow("A&nnotator:", self.annotator)
        filters.addRow("La&yer:", self.layer)
        filters.addRow("A&ctor:", self.actor)
        filters.addRow(_buddy_label("&Published:", self.date_from), dates)
        filters.addRow("Stat&us:", self.status)
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(self.search_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._label_chosen(ANY)

    # --- filters -------------------------------------------------------------------------------

    def refresh_choices(self) -> None:
        """Re-read annotators and actors (new ones appear as the team works), keeping the choice."""
        for combo, values in ((self.annotator, self._project.annotator_names()),
                              (self.actor, [actor.name for actor in self._project.actors.all()])):
            chosen = combo.currentText()
            combo.clear()
            combo.addItems([ANY, *values])
            combo.setCurrentText(chosen)

    def _label_chosen(self, label: str) -> None:
        """Offer the chosen label's attributes (all labels' when none is chosen)."""
        schema = self._project.schema
        labels = [spec for spec in schema.span_labels if label in (ANY, spec.name)]
        names = sorted({attribute.name for spec in labels for attribute in spec.attributes})
        self.attr_key.clear()
        self.attr_key.addItems([ANY, *names])

    def _attribute_chosen(self, name: str) -> None:
        """Offer the attribute's values when the schema lists them; any text otherwise."""
        values: list[str] = []
        for spec in self._project.schema.span_labels:
            attribute = spec.attribute(name) if name != ANY else None
            if attribute is not None:
                values.extend(value for value in attribute.values if value not in values)
                if attribute.type == "boolean":
                    values.extend(value for value in ("true", "false") if value not in values)
        self.attr_value.clear()
        self.attr_value.addItems(values)
        self.attr_value.setEnabled(name != ANY)

    def filters(self) -> SearchFilters:
        """The filters as chosen in the widgets."""
        def chosen(combo: QComboBox) -> tuple[str, ...]:
            text = combo.currentText().strip()
            return () if text in ("", ANY) else (text,)

        key = self.attr_key.currentText()
        value = self.attr_value.currentText().strip()
        attrs = ((key, value),) if key not in ("", ANY) and value else ()
        return SearchFilters(
            labels=chosen(self.label), attrs=attrs, annotators=chosen(self.annotator), layers=chosen(self.layer),
            actors=chosen(self.actor), published_from=self.date_from.text().strip() or None,
            published_to=self.date_to.text().strip() or None, statuses=chosen(self.status),
        )

    # --- searching -----------------------------------------------------------------------------

    def run_search(self) -> BackgroundTask:
        """Start a search with the current query and filters, cancelling one still running."""
        self.count.setText("Searching…")
        return self._start(self.query.text(), self.filters(), False)

    def rerun(self) -> BackgroundTask:
        """Run the shown search again (F5, or after changes), whatever the boxes hold now; the rows
        stay until the new ones arrive, and the selected hit stays selected if it is still found."""
        if self._shown is None:
            return self.run_search()
        self._stale = False
        return self._start(*self._shown, True)

    def _start(self, query: str, filters: SearchFilters, again: bool) -> BackgroundTask:
        if self._task is not None:
            self._task.cancel()
        project = self._project
        self._running = (query, filters, again)

        def work(control: TaskControl) -> SearchResult:
            return search(project, query, filters, control=control)

        task = BackgroundTask(work)
        self._task = task
        task.succeeded.connect(lambda result: self._show_result(task, result))
        task.failed.connect(lambda error: self._show_error(task, error))
        task.start()
        return task

    def _show_result(self, task: BackgroundTask, result: SearchResult) -> None:
        if task is not self._task or self._running is None:
            return  # an older search finished after a newer one started
        query, filters, again = self._running
        self._task = self._running = None
        self._shown = (query, filters)
        self.search_result = result
        chosen = self._selected_hit() if again else None
        self.model.set_hits(result.hits)  # the view keeps its scroll position through the reset
        self._select(chosen)
        summary = result.summary()[0].upper() + result.summary()[1:] + "."
        self.count.setText(f"{summary} Updated at {datetime.now():%H:%M:%S}." if again else summary)
        self.searchFinished.emit()

    def _show_error(self, task: BackgroundTask, error: Exception) -> None:
        if task is not self._task or isinstance(error, Cancelled):
            return
        if self._running is not None and not self._running[2]:
            self._shown = None  # a new search failed: the rows are not its results, so they stop following
        self._task = self._running = None
        self.count.setText(str(error) if isinstance(error, UserError) else show_unexpected_error(error, Errors.E570, self))
        self.searchFinished.emit()

    # --- following the project ----------------------------------------------------------------

    def _touches_results(self, changes: Changes) -> bool:
        """Whether ``changes`` can alter the rows shown. Document texts never change once
        imported, so text hits change only with new documents (or statuses, when filtered by
        them); span hits with any span (a new one may match) and actors (their names are shown,
        aliases resolve the actor filter). Relations, notes and document labels show nowhere.
        A search still running is judged by its own filters."""
        followed = self._running or self._shown
        if followed is None:
            return False
        filters = followed[1]
        return (changes.everything or changes.document_list or changes.schema
                or bool(filters.statuses and changes.statuses)
                or (filters.selects_spans and bool(changes.spans or changes.actors)))

    def _results_changed(self, _changes: Changes) -> None:
        if self.isMinimized():
            self._stale = True  # no searches for a window nobody sees
        elif self._running is not None:
            self._start(*self._running)  # it may have read the project before the change
        else:
            self.rerun()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange and self._stale and not self.isMinimized():
            self.rerun()

    def _selected_hit(self) -> tuple[int | str, ...] | None:
        """The selected row's hit: the current row if it is selected, else the selected row (a
        row can be selected without being current: ``QTableView.selectRow`` makes it current only
        where the header has a column at its left edge, which a window not laid out yet has not)."""
        selection = self.table.selectionModel()
        index = selection.currentIndex()
        if not index.isValid() or not selection.isRowSelected(index.row(), QModelIndex()):
            rows = selection.selectedRows()
            if not rows:
                return None
            index = rows[0]
        return _hit_key(self.model.hit(self.proxy.mapToSource(index).row()))

    def _select(self, key: tuple[int | str, ...] | None) -> None:
        """Select the row of the hit ``key`` again, without taking the keyboard from anyone."""
        if key is None:
            return
        for row, hit in enumerate(self.model.hits):
            if _hit_key(hit) == key:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.table.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
                return

    def _activate(self, index: QModelIndex) -> None:
        hit = self.model.hit(self.proxy.mapToSource(index).row())
        self.hitActivated.emit(hit.doc_id, hit.start, hit.end, hit.span_id)

    # --- export --------------------------------------------------------------------------------

    def export_dialog(self) -> None:
        if self.search_result is None or not self.search_result.hits:
            self.count.setText(Errors.E571)
            return
        path, _filter = QFileDialog.getSaveFileName(self, "Export search results", "search-results.csv",
                                                    "CSV files (*.csv);;All files (*)")
        if path:
            self.export(Path(path), force=True)  # the save dialog has asked before replacing a file

    def export(self, path: Path, *, force: bool = False) -> None:
        """Write the rows in the order the table shows them; never onto the project or its
        backups, and over an existing file only with ``force``."""
        assert self.search_result is not None
        hits = [self.model.hit(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
                for row in range(self.proxy.rowCount())]
        try:
            write_csv(hits, path, protected=ProtectedPaths.of(self._project.location), force=force)
        except UserError as error:
            self.count.setText(str(error))
            return
        self.count.setText(f"Wrote {len(hits)} rows to {path}.")


def _hit_key(hit: SearchHit) -> tuple[int | str, ...]:
    """What identifies a hit across runs: its span (which may have moved) or its place."""
    return ("span", hit.span_id) if hit.span_id is not None else ("text", hit.doc_id, hit.start, hit.end)


def _buddy_label(text: str, buddy: QWidget) -> QLabel:
    """A form label whose Alt+key focuses ``buddy``: QFormLayout sets the buddy itself only when
    the field is a widget, and shows the '&' literally when the field is a layout."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label
