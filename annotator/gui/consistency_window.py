"""Review ▸ Consistency check…: texts labelled differently, and texts left unlabelled where they
were labelled elsewhere, each place one row that opens the document at the place.

The check is the core's (``annotator.review.consistency``, also ``annotator check``), run in the
background over the layer chosen (the annotators' layers pooled, or gold), case counting or not.
Findings are top-level rows, worst first (text, kind, labels with counts, places, documents);
their places are child rows with the document and context. Double-click or Enter on a place
opens its document in the main window with the place selected; on a finding, its first place.
F5 (or Check) runs the check again: the window does not follow every edit, the analyst asks
when they have fixed a batch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import UserError
from annotator.gui.dialogs import present
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.workers import BackgroundTask
from annotator.review.consistency import Consistency, Finding, Place, check, contexts
from annotator.store import Project

if TYPE_CHECKING:
    from annotator.gui.mainwindow import MainWindow

COLUMNS = ("Text", "Finding", "Labels", "Places", "Documents")
LAYERS = (("Annotators' layers (all, pooled)", "annotation"), ("Gold", "gold"))
PLACE_ROLE = Qt.ItemDataRole.UserRole
PLACES_SHOWN = 200  # rows per finding; ``annotator check --json`` lists every place

Context = dict[Place, tuple[str, str]]


def _checked(project: Project, layer: str, case_sensitive: bool) -> tuple[Consistency, Context]:
    """The check and the context of the places the window shows (on a pool thread)."""
    result = check(project, layer=layer, case_sensitive=case_sensitive)
    return result, contexts(project, result.findings, PLACES_SHOWN)


class ConsistencyWindow(QDialog):
    """The check's findings for one project (non-modal)."""

    placeActivated = Signal(int, int, int)  # document id, start, end
    checked = Signal()  # the newest check's findings (or its failure) are shown

    def __init__(self, parent: QWidget, project: Project) -> None:
        super().__init__(parent)
        self.setWindowTitle("Consistency check")
        self.setWindowFlag(Qt.WindowType.Window)
        self.project = project
        self.findings: Consistency | None = None  # the newest check's (not ``result``: QDialog's own)
        self._task: BackgroundTask | None = None
        self.layer = QComboBox()
        for title, key in LAYERS:
            self.layer.addItem(title, key)
        self.match_case = QCheckBox("&Match case")
        self.match_case.setChecked(True)
        self.run_button = QPushButton("&Check (F5)")
        self.run_button.clicked.connect(self.run_check)
        self.layer.currentIndexChanged.connect(lambda _index: self.run_check())
        self.match_case.toggled.connect(lambda _on: self.run_check())
        QShortcut(QKeySequence("F5"), self).activated.connect(self.run_check)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.itemActivated.connect(lambda item, _column: self.open_item(item))
        options = QHBoxLayout()
        options.addWidget(self.layer)
        options.addWidget(self.match_case)
        options.addStretch(1)
        options.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        self.resize(900, 560)

    @property
    def running(self) -> bool:
        return self._task is not None

    def run_check(self) -> None:
        """Check again with the layer and case chosen, in the background."""
        if self._task is not None:
            self._task.cancel()
        project, layer, case_sensitive = self.project, self.layer.currentData(), self.match_case.isChecked()
        self.summary.setText("Checking…")
        task = BackgroundTask(lambda _control: _checked(project, layer, case_sensitive))
        task.succeeded.connect(self._checked)  # bound methods: dropped by Qt if the window goes first
        task.failed.connect(self._failed)
        self._task = task
        task.start()

    def _newest(self) -> bool:
        """Whether the reporting check is the newest (a layer or case change started another)."""
        return self._task is not None and self.sender() is self._task

    def done(self, result: int) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        super().done(result)

    def _checked(self, found: tuple[Consistency, Context]) -> None:
        if self._newest():
            self._show(*found)

    def _failed(self, error: BaseException) -> None:
        if not self._newest():
            return
        self._task = None
        self.summary.setText(str(error) if isinstance(error, UserError) else show_unexpected_error(error, None, self))
        self.checked.emit()

    def _show(self, result: Consistency, context: Context) -> None:
        self._task = None
        self.findings = result
        self.summary.setText(result.summary() + " Double-click a place (or press Enter) to open it.")
        self.tree.clear()
        for finding in result.findings:
            self.tree.addTopLevelItem(self._finding_item(finding, context))
        for column in range(1, len(COLUMNS)):
            self.tree.resizeColumnToContents(column)
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        self.tree.setFocus()
        self.checked.emit()

    @staticmethod
    def _finding_item(finding: Finding, context: Context) -> QTreeWidgetItem:
        item = QTreeWidgetItem([finding.text, finding.kind, finding.labels_text(), str(finding.count),
                                str(finding.documents)])
        for column in (3, 4):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setData(0, PLACE_ROLE, finding.places[0] if finding.places else None)
        for place in finding.places[:PLACES_SHOWN]:
            who = f"{place.label} ({place.annotator})" if place.label else "not labelled"
            before, after = context.get(place, ("", ""))
            child = QTreeWidgetItem([f"{before}【{place.text}】{after}", place.title, who, "", ""])
            child.setToolTip(0, f"{place.title}\nid {place.document_id}, characters {place.start}–{place.end}")
            child.setData(0, PLACE_ROLE, place)
            item.addChild(child)
        if finding.count > PLACES_SHOWN:
            item.addChild(QTreeWidgetItem([f"… {finding.count - PLACES_SHOWN:,} more places "
                                           "(annotator check --json lists them all)"]))
        return item

    def open_item(self, item: QTreeWidgetItem) -> None:
        place = item.data(0, PLACE_ROLE)
        if isinstance(place, Place):
            self.placeActivated.emit(place.document_id, place.start, place.end)


class ConsistencyCheck(QObject):
    """Opens the window for the main window's project, one at a time; a window left from another
    project is closed and made anew."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.consistency_window: ConsistencyWindow | None = None

    def show(self) -> ConsistencyWindow:
        window = self._window
        window.flush_panels()
        shown = self.consistency_window
        if shown is not None and shown.project is not window.project:
            shown.close()
            shown = None
        if shown is None:
            shown = ConsistencyWindow(window, window.project)
            shown.placeActivated.connect(lambda doc_id, start, end: window.open_search_hit(doc_id, start, end, None))
            shown.finished.connect(self._closed)
            self.consistency_window = shown
            shown.run_check()
        present(shown)
        return shown

    def _closed(self) -> None:
        if self.consistency_window is not None:
            self.consistency_window.deleteLater()
        self.consistency_window = None
