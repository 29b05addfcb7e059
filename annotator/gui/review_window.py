"""Review ▸ Agreement…: how far the chosen annotators agree, and where they agree least.

The reviewer chooses the annotators and the rule for which documents count (the same
``--observed`` rules as ``annotator agreement``, said in words under the choice), and whether
to compute 95% bootstrap intervals. The computation runs in a ``BackgroundTask`` (a corpus of
a thousand documents takes seconds, with intervals several more) behind the shared progress
dialog, whose Cancel stops it between steps; the window only shows the result the core
returns, through ``annotator.gui.review_bridge``: what was counted (the rule, documents,
annotators), the table of figures with their intervals and what each rests on, the pairwise
matrix as a heat map (F1 overlap or exact, precision and recall of the row's annotator against
the column's, Cohen's κ, relation F1: the matrix is the same shape, only the measure changes),
per-label bars (αu, F1 and AC1), each annotator against gold (precision, recall, F1, αu), and
the documents sorted worst first by their differences (``annotator.review.differences``). A
figure that is not available shows "n/a" and says why, never 1.0.
Double-clicking a document asks the main window to open the comparison view on it
(``compareRequested``).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

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
    FiguresTable,
    GoldTable,
    HeatMapTable,
    LabelBars,
    describe,
    format_value,
    heat_color,
)
from annotator.gui.workers import BackgroundTask, progress_dialog
from annotator.review.corpus import ADJUDICATION_RULE, GOLD_RULE, OBSERVED, OBSERVED_RULES, Observed
from annotator.store import Project
from annotator.tasks import Cancelled, TaskControl

#: Matrix measures: combo title -> key of ``AgreementSummary.pairwise`` values.
MATRIX_MEASURES = {"F1 (overlap)": "f1_overlap", "F1 (exact)": "f1_exact",
                   "Precision (overlap), row against column": "precision_overlap",
                   "Recall (overlap), row against column": "recall_overlap",
                   "Precision (exact), row against column": "precision_exact",
                   "Recall (exact), row against column": "recall_exact",
                   "Cohen's κ": "cohen_kappa", "Relation F1": "relation_f1"}
#: Directional measures: the figure of (a, b) that is (b, a)'s measure (b's precision against a
#: is a's recall against b, the matching being one to one).
TRANSPOSED = {"precision_overlap": "recall_overlap", "recall_overlap": "precision_overlap",
              "precision_exact": "recall_exact", "recall_exact": "precision_exact"}
#: The rules' titles in the choice, in ``OBSERVED``'s order.
OBSERVED_TITLES: dict[Observed, str] = {
    "done": "Marked done or reviewed (default)", "reviewed": "Done, on reviewed documents only",
    "any-status": "Done, or with spans whatever the status", "with-spans": "With spans, whatever the status"}


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
        self.observed_combo = QComboBox()
        for rule in OBSERVED:
            self.observed_combo.addItem(OBSERVED_TITLES[rule], rule)
        self.observed_combo.currentIndexChanged.connect(self._show_rule)
        self.rule_label = QLabel()
        self.rule_label.setWordWrap(True)
        self.intervals = QCheckBox("95% bootstrap intervals (1,000 resamples of the documents; takes longer)")
        self.compute_button = QPushButton("Compute")
        self.compute_button.setDefault(True)
        self.compute_button.clicked.connect(self.compute)

        self.measure_combo = QComboBox()
        self.measure_combo.addItems(list(MATRIX_MEASURES))
        self.measure_combo.currentIndexChanged.connect(self._show_matrix)
        self.matrix = HeatMapTable()
        self.overall_label = QLabel("Choose annotators and press Compute.")
        self.overall_label.setWordWrap(True)
        self.overall_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.figures = FiguresTable()
        self.label_bars = LabelBars(("αu", "F1", "AC1"))
        bars_scroll = QScrollArea()
        bars_scroll.setWidget(self.label_bars)
        bars_scroll.setWidgetResizable(True)
        self.gold_label = QLabel("Each annotator against gold:")
        self.gold_label.setWordWrap(True)
        self.gold_table = GoldTable()
        self.document_list = QTreeWidget()
        self.document_list.setHeaderLabels(["Document", "Differences", "αu", "Spans"])
        self.document_list.headerItem().setToolTip(
            1, "Every difference a reviewer settles, summed over the pairs of annotators: spans only one made, "
               "label, boundary and attribute value differences, relations only one made")
        self.document_list.setRootIsDecorated(False)
        header = self.document_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # long titles are elided
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.document_list.itemActivated.connect(self._document_activated)
        self.document_list.itemDoubleClicked.connect(self._document_activated)

        choose = QFormLayout()
        choose.addRow("Annotators:", self.annotator_list)
        choose.addRow("Which work counts:", self.observed_combo)
        choose.addRow("", self.rule_label)
        choose.addRow("", self.intervals)
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
        left_layout.addWidget(self.figures, 2)
        left_layout.addWidget(QLabel("Per label (hover a label for the values in words):"))
        left_layout.addWidget(bars_scroll, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.gold_label)
        right_layout.addWidget(self.gold_table, 1)
        right_layout.addWidget(QLabel("Documents, most differences first (double-click to compare):"))
        right_layout.addWidget(self.document_list, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([500, 600])  # the gold table is wide

        layout = QVBoxLayout(self)
        layout.addLayout(choose_row)
        layout.addWidget(self.overall_label)
        layout.addWidget(splitter, 1)
        self.resize(1100, 800)
        self._show_rule()

    # --- choosing and computing ----------------------------------------------------------------

    def _show_rule(self) -> None:
        self.rule_label.setText(f"{OBSERVED_RULES[self.observed()]}; {ADJUDICATION_RULE}.")

    def observed(self) -> Observed:
        rule: Observed = self.observed_combo.currentData()
        return rule

    def chosen_annotators(self) -> list[str]:
        return [self.annotator_list.item(row).text() for row in range(self.annotator_list.count())
                if self.annotator_list.item(row).checkState() == Qt.CheckState.Checked]

    def compute(self) -> BackgroundTask | None:
        annotators = self.chosen_annotators()
        if len(annotators) < 2:
            self.overall_label.setText(Errors.E540)
            return None
        project, observed, intervals = self._project, self.observed(), self.intervals.isChecked()

        def work(control: TaskControl) -> AgreementSummary:
            return bridge.compute_agreement(project, annotators, observed=observed, intervals=intervals,
                                            control=control)

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
        alpha = summary.alpha_u
        headline = (f"Overall αu: <b>{format_value(alpha.value)}</b> {escape(alpha.interval_text())}"
                    if alpha.defined else f"Overall αu: <b>not available</b>: {escape(alpha.reason or '')}")
        lines = [headline] + [escape(line) for line in summary.header[1:]]
        lines += [f"<span style='color:#b35900'>Warning: {escape(warning)}</span>" for warning in summary.warnings]
        self.overall_label.setText("<br>".join(lines))
        self.overall_label.setToolTip(summary.header[0])
        self.figures.show_rows([(row.name, row.figure, row.documents, row.annotators)
                                for row in summary.overall + summary.attributes])
        self.label_bars.set_rows(summary.per_label)
        self.gold_label.setText(f"Each annotator against gold ({summary.gold_documents} counted documents with "
                                f"gold; {GOLD_RULE}):")
        self.gold_table.show_rows([(row.annotator, row.documents, [getattr(row, name) for name in GoldTable.FIGURES])
                                   for row in summary.gold])
        self.document_list.clear()
        for row in summary.documents:
            item = QTreeWidgetItem([row.title, str(row.differences.total), format_value(row.alpha_u.value),
                                    str(row.spans)])
            item.setData(0, Qt.ItemDataRole.UserRole, row.doc_id)
            item.setBackground(2, heat_color(row.alpha_u.value))
            item.setToolTip(0, row.title)
            item.setToolTip(1, row.differences.text())
            item.setToolTip(2, describe(row.alpha_u))
            self.document_list.addTopLevelItem(item)

    def _show_matrix(self) -> None:
        if self._summary is None:
            return
        measure = MATRIX_MEASURES[self.measure_combo.currentText()]
        values = {pair: scores[measure] for pair, scores in self._summary.pairwise.items()}
        if measure in TRANSPOSED:  # row against column: each cell its own direction
            values.update({(b, a): scores[TRANSPOSED[measure]] for (a, b), scores in self._summary.pairwise.items()})
        self.matrix.show_matrix(self._summary.annotators, values)

    def _document_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        if self._summary is not None:
            self.compareRequested.emit(int(item.data(0, Qt.ItemDataRole.UserRole)), list(self._summary.annotators))
