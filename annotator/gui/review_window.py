"""Review ▸ Agreement…: how far the chosen annotators agree, and where they agree least.

The computation runs in a ``BackgroundTask`` (a corpus of a thousand documents takes seconds)
behind the shared progress dialog; the window only shows the result the core returns, through
``annotator.gui.review_bridge``: the pairwise matrix as a heat map (F1 overlap or Cohen's κ,
chosen in a combo box: the matrix is the same shape, only the measure changes), per-label bars
(αu and F1), overall αu and Fleiss' κ, and the documents sorted worst first. Double-clicking a
document asks the main window to open the comparison view on it (``compareRequested``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import Errors, UserError
from annotator.gui import review_bridge as bridge
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.review_bridge import AgreementSummary
from annotator.gui.review_widgets import (
    HeatMapTable,
    LabelBars,
    format_value,
    heat_color,
)
from annotator.gui.workers import BackgroundTask, progress_dialog
from annotator.store import Project
from annotator.tasks import Cancelled, TaskControl

#: Matrix measures: combo title -> key of ``AgreementSummary.pairwise`` values.
MATRIX_MEASURES = {"F1 (overlap)": "f1_overlap", "F1 (exact)": "f1_exact", "Cohen's κ": "cohen_kappa"}


class AgreementWindow(QDialog):
    """Non-modal: the reviewer keeps it open while comparing documents."""

    compareRequested = Signal(int, list)  # noqa: N815 - Qt naming; document id, annotators

    def __init__(self, parent: QWidget, project: Project, annotators: Sequence[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Agreement — Annotator")
        self._project = project
        self._summary: AgreementSummary | None = None
        self.task: BackgroundTask | None = None
        self.progress: QProgressDialog | None = None

        self.annotator_list = QListWidget()
        for name in annotators:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.annotator_list.addItem(item)
        self.annotator_list.setMaximumHeight(96)
        self.only_done = QCheckBox("Only documents marked done by at least two of them")
        self.only_done.setChecked(True)
        self.compute_button = QPushButton("Compute")
        self.compute_button.setDefault(True)
        self.compute_button.clicked.connect(self.compute)

        self.measure_combo = QComboBox()
        self.measure_combo.addItems(list(MATRIX_MEASURES))
        self.measure_combo.currentIndexChanged.connect(self._show_matrix)
        self.matrix = HeatMapTable()
        self.overall_label = QLabel("Choose annotators and press Compute.")
        self.overall_label.setWordWrap(True)
        self.label_bars = LabelBars(("αu", "F1"))
        bars_scroll = QScrollArea()
        bars_scroll.setWidget(self.label_bars)
        bars_scroll.setWidgetResizable(True)
        self.document_list = QTreeWidget()
        self.document_list.setHeaderLabels(["Document", "αu", "Spans"])
        self.document_list.setRootIsDecorated(False)
        header = self.document_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # long titles are elided
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.document_list.itemActivated.connect(self._document_activated)
        self.document_list.itemDoubleClicked.connect(self._document_activated)

        choose = QFormLayout()
        choose.addRow("Annotators:", self.annotator_list)
        choose.addRow("", self.only_done)
        choose_row = QHBoxLayout()
        choose_row.addLayout(choose, 1)
        choose_row.addWidget(self.compute_button, 0, Qt.AlignmentFlag.AlignBottom)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        measure_row = QHBoxLayout()
        measure_row.addWidget(QLabel("Pairwise:"))
        measure_row.addWidget(self.measure_combo, 1)
        left_layout.addLayout(measure_row)
        left_layout.addWidget(self.matrix, 2)
        left_layout.addWidget(self.overall_label)
        left_layout.addWidget(QLabel("Per label:"))
        left_layout.addWidget(bars_scroll, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(QLabel("Documents, worst first (double-click to compare):"))
        right_layout.addWidget(self.document_list, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)

        layout = QVBoxLayout(self)
        layout.addLayout(choose_row)
        layout.addWidget(splitter, 1)
        self.resize(1000, 700)

    # --- choosing and computing ----------------------------------------------------------------

    def chosen_annotators(self) -> list[str]:
        return [self.annotator_list.item(row).text() for row in range(self.annotator_list.count())
                if self.annotator_list.item(row).checkState() == Qt.CheckState.Checked]

    def compute(self) -> BackgroundTask | None:
        annotators = self.chosen_annotators()
        if len(annotators) < 2:
            self.overall_label.setText(Errors.E540)
            return None
        project, only_done = self._project, self.only_done.isChecked()

        def work(control: TaskControl) -> AgreementSummary:
            return bridge.compute_agreement(project, annotators, only_done=only_done, control=control)

        task = BackgroundTask(work)
        progress = progress_dialog(self, "Computing agreement", "Reading annotations…", task)

        def show_progress(done: int, total: int, message: str) -> None:
            progress.setMaximum(total)
            progress.setValue(done)
            progress.setLabelText(message or f"{done} of {total} documents")

        task.progressed.connect(show_progress)
        task.succeeded.connect(self.show_summary)
        task.failed.connect(self._failed)
        task.finished.connect(self._finished)
        self.compute_button.setEnabled(False)
        self.task, self.progress = task, progress
        task.start()
        return task

    def _failed(self, error: Exception) -> None:
        if isinstance(error, Cancelled):
            self.overall_label.setText("Cancelled: agreement was not computed.")
        elif isinstance(error, UserError):
            self.overall_label.setText(str(error))
        else:
            self.overall_label.setText(show_unexpected_error(error, Errors.E544, self))

    def _finished(self) -> None:
        if self.progress is not None:
            self.progress.hide()
            self.progress.deleteLater()
        self.progress = None
        self.task = None
        self.compute_button.setEnabled(True)

    # --- showing -------------------------------------------------------------------------------

    @property
    def summary(self) -> AgreementSummary | None:
        return self._summary

    def show_summary(self, summary: AgreementSummary) -> None:
        self._summary = summary
        self._show_matrix()
        self.overall_label.setText(
            f"Overall αu: <b>{format_value(summary.alpha_u)}</b> &nbsp; Fleiss' κ: "
            f"<b>{format_value(summary.fleiss_kappa)}</b> &nbsp; over {summary.n_documents} documents")
        self.label_bars.set_rows(summary.per_label)
        self.document_list.clear()
        for row in summary.documents:
            item = QTreeWidgetItem([row.name, format_value(row.score), str(row.spans)])
            item.setData(0, Qt.ItemDataRole.UserRole, row.doc_id)
            item.setBackground(1, heat_color(row.score))
            item.setToolTip(0, row.name)
            self.document_list.addTopLevelItem(item)

    def _show_matrix(self) -> None:
        if self._summary is None:
            return
        measure = MATRIX_MEASURES[self.measure_combo.currentText()]
        values = {pair: scores.get(measure) for pair, scores in self._summary.pairwise.items()}
        self.matrix.show_matrix(self._summary.annotators, values)

    def _document_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        if self._summary is not None:
            self.compareRequested.emit(int(item.data(0, Qt.ItemDataRole.UserRole)), list(self._summary.annotators))
