"""Suggestions ▸ Train model…: what to learn from (``TrainDialog``) and what was learnt (``TrainReportDialog``).

The choices are an export's (``dataset_dialogs``): a layer, whose annotations, which labels and
which documents; then a step budget, whether to train the curve and whether to start from the
installed English pipeline's features. ``TrainDialog.choice()`` turns them into the core's
``TrainOptions``; running it is ``model_training``'s job. All ticked means "all" (None), so
labels and annotators added later are included the next time too.

The report shows the held-out scores per label and overall and the train curve, drawn with
``QPainter`` (``CurveChart``): four bars for 25, 50, 75 and 100 % of the training documents, with
the core's verdict on the last quarter beneath. Nothing here imports spaCy: the window opens the
dialog at once, and the training imports it on the worker thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import Errors
from annotator.gui.dataset_dialogs import LAYER_TITLES, check_list, checked_names
from annotator.training.evaluate import CurvePoint, LabelScore
from annotator.training.trainer import DEFAULT_LAYER, DEFAULT_MAX_STEPS, TrainOptions, TrainReport

#: The layers a model learns from: people's decisions, not the suggestions it would learn to repeat.
TRAIN_LAYERS = (DEFAULT_LAYER, "gold", "annotation")
MAX_STEPS = 100_000
BLANK_BASE = "blank:en"


@dataclass(frozen=True)
class TrainChoice:
    """The training as chosen; ``done_only`` is resolved to documents when the run starts."""

    options: TrainOptions
    done_only: bool = False


def _ticked(widget: QListWidget) -> tuple[str, ...] | None:
    """The ticked names; None when all are ticked (everyone, every label: also those added later)."""
    names = checked_names(widget)
    return None if len(names) == widget.count() else tuple(names)


class TrainDialog(QDialog):
    """Layer, annotators, labels, documents and budget of a training; ``choice()`` once accepted."""

    def __init__(self, parent: QWidget | None, *, annotators: list[str], span_labels: list[str],
                 document_labels: list[str], listed: list[int], total_documents: int, trained_by: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Train model")
        self._listed = list(listed)
        self._trained_by = trained_by
        self.layer_combo = QComboBox()
        for value in TRAIN_LAYERS:
            self.layer_combo.addItem(LAYER_TITLES.get(value, value), value)
        self.layer_combo.setToolTip("Gold, else annotation: each document's gold layer where it has one, "
                                    "else the annotators' layers (the same span by several annotators counts once)")
        # all ticked, as the export dialog ticks every label
        self.annotator_list = check_list(annotators, set(annotators))
        self.span_label_list = check_list(span_labels, set(span_labels), "a span label")
        self.document_label_list = check_list(document_labels, set(document_labels),
                                              "a document label (learnt by textcat)")
        self.all_documents = QRadioButton(f"&All documents ({total_documents:,})")
        self.listed_documents = QRadioButton(f"Documents in the &list ({len(self._listed):,})")
        self.listed_documents.setToolTip("The documents the document list shows with its filter")
        self.all_documents.setChecked(True)
        self._documents_group = QButtonGroup(self)
        documents_row = QWidget()
        documents_layout = QHBoxLayout(documents_row)
        documents_layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.all_documents, self.listed_documents):
            self._documents_group.addButton(button)
            documents_layout.addWidget(button)
        documents_layout.addStretch(1)
        self.done_only = QCheckBox("Only documents marked &done")
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, MAX_STEPS)
        self.steps_spin.setSingleStep(100)
        self.steps_spin.setValue(DEFAULT_MAX_STEPS)
        self.steps_spin.setSuffix(" steps")
        self.steps_spin.setToolTip("Each step learns from one batch of examples: more steps learn more and take "
                                   "longer (the progress shows the time left)")
        self.curve_check = QCheckBox("Train &curve: also on 25, 50 and 75 % of the documents (four trainings), "
                                     "to tell whether more annotation helps")
        self.curve_check.setChecked(True)
        self.base_check = QCheckBox("Start from the installed English pipeline's &features (untick: from nothing)")
        self.base_check.setChecked(True)
        self.hint = QLabel("A fixed part of the documents (chosen by their text, the same in every training) is "
                           "held out: the model never learns from it, and its scores are measured on it.")
        self.hint.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button.setText("&Train")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Layer", self.layer_combo)
        form.addRow("Annotators", self.annotator_list)
        form.addRow("Span labels", self.span_label_list)
        if document_labels:
            form.addRow("Document labels", self.document_label_list)
        form.addRow("Documents", documents_row)
        form.addRow("", self.done_only)
        form.addRow("Budget", self.steps_spin)
        form.addRow("", self.curve_check)
        form.addRow("", self.base_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        for signal in (self.layer_combo.currentIndexChanged, self.annotator_list.itemChanged,
                       self.span_label_list.itemChanged, self.document_label_list.itemChanged,
                       self._documents_group.buttonToggled):
            signal.connect(self._update)
        self._update()
        self.resize(620, 600)
        self.layer_combo.setFocus()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def set_layer(self, layer: str) -> None:
        self.layer_combo.setCurrentIndex(self.layer_combo.findData(layer))

    def _update(self, *_args: object) -> None:
        self.annotator_list.setEnabled(self.layer_combo.currentData() != "gold")  # gold is whoever adjudicated
        problem = self._problem()
        self.problem.setText(problem or "")
        self.problem.setVisible(problem is not None)
        self.ok_button.setEnabled(problem is None)

    def _problem(self) -> str | None:
        if not checked_names(self.span_label_list) and not checked_names(self.document_label_list):
            return Errors.E1401
        if self.annotator_list.isEnabled() and self.annotator_list.count() and not checked_names(self.annotator_list):
            return Errors.E1402
        if self.listed_documents.isChecked() and not self._listed:
            return Errors.E1403
        return None

    def choice(self) -> TrainChoice:
        """The training as chosen; call after OK (the problem check guarantees it is complete)."""
        span_labels, document_labels = _ticked(self.span_label_list), _ticked(self.document_label_list)
        labels = None if span_labels is None and document_labels is None else (
            *checked_names(self.span_label_list), *checked_names(self.document_label_list))
        annotators = _ticked(self.annotator_list) if self.annotator_list.isEnabled() else None
        documents = tuple(self._listed) if self.listed_documents.isChecked() else None
        options = TrainOptions(layer=self.layer_combo.currentData(), labels=labels, documents=documents,
                               annotators=annotators, max_steps=self.steps_spin.value(),
                               curve=self.curve_check.isChecked(),
                               base=None if self.base_check.isChecked() else BLANK_BASE, trained_by=self._trained_by)
        return TrainChoice(options, done_only=self.done_only.isChecked())


# --- what was learnt ---------------------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def curve_change(report: TrainReport) -> float | None:
    """How much the last quarter of the training documents moved the held-out F1 (None without a curve)."""
    curve = report.curve
    return curve[-1].f1 - curve[-2].f1 if len(curve) >= 2 else None


def trained_summary(report: TrainReport, *, labels_shown: int = 4) -> str:
    """The status bar's sentence: "Model v3 trained: F1 0.71 (ACTOR 0.80, CLAIM 0.55) — last quarter +0.04"."""
    scores = report.scores
    by_support = sorted(scores.labels.items(), key=lambda item: (-item[1].support, item[0]))
    shown = ", ".join(f"{label} {score.f1:.2f}" for label, score in by_support[:labels_shown])
    if len(by_support) > labels_shown:
        shown += ", …"
    text = f"Model v{report.version_id} trained: "
    text += f"F1 {scores.overall.f1:.2f} ({shown})" if scores.overall is not None else f"F1 {shown}"
    change = curve_change(report)
    if change is not None:
        text += f" — last quarter {change:+.2f}"
    return text + (f", on {_plural(len(report.trained_documents), 'document')}, scored on "
                   f"{len(report.held_out_documents):,}.")


class CurveChart(QWidget):
    """The train curve as four bars: held-out F1 (0 to 1) after 25, 50, 75 and 100 % of the documents."""

    def __init__(self, points: Sequence[CurvePoint]) -> None:
        super().__init__()
        self.points = list(points)
        self.setMinimumSize(360, 170)
        described = "; ".join(f"{point.fraction:.0%} ({point.documents} documents): F1 {point.f1:.2f}"
                              for point in self.points)
        self.setToolTip(described)
        self.setAccessibleName("Train curve")
        self.setAccessibleDescription(described)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        if not self.points:
            return
        painter = QPainter(self)
        palette = self.palette()
        metrics = painter.fontMetrics()
        line = metrics.height()
        left, top = metrics.horizontalAdvance("1.00") + 8, line + 4
        bottom = self.height() - 2 * line - 6
        width = self.width() - left - 8
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        for value in (0.0, 0.5, 1.0):  # the scale: 0, 0.5 and 1
            y = bottom - value * (bottom - top)
            painter.drawLine(left, round(y), left + width, round(y))
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(QRectF(0, y - line / 2, left - 6, line), Qt.AlignmentFlag.AlignRight, f"{value:.1f}")
            painter.setPen(palette.color(QPalette.ColorRole.Mid))
        slot = width / len(self.points)
        for index, point in enumerate(self.points):
            x = left + index * slot + slot * 0.2
            height = max(0.0, min(1.0, point.f1)) * (bottom - top)
            painter.fillRect(QRectF(x, bottom - height, slot * 0.6, height), palette.color(QPalette.ColorRole.Highlight))
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(QRectF(x - slot * 0.2, bottom - height - line - 2, slot, line),
                             Qt.AlignmentFlag.AlignHCenter, f"{point.f1:.2f}")
            painter.drawText(QRectF(x - slot * 0.2, bottom + 4, slot, 2 * line), Qt.AlignmentFlag.AlignHCenter,
                             f"{point.fraction:.0%}\n{_plural(point.documents, 'doc')}")
        painter.end()


def _score_row(table: QTableWidget, row: int, name: str, score: LabelScore, *, bold: bool = False) -> None:
    values = [name, f"{score.support:,}", f"{score.precision:.2f}", f"{score.recall:.2f}", f"{score.f1:.2f}"]
    for column, value in enumerate(values):
        item = QTableWidgetItem(value)
        if column:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if bold:
            font = QFont(item.font())
            font.setBold(True)
            item.setFont(font)
        table.setItem(row, column, item)


class TrainReportDialog(QDialog):
    """Scores on the held-out documents, the train curve and its verdict; "Use for suggestions"."""

    def __init__(self, parent: QWidget | None, report: TrainReport, layer: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Model v{report.version_id} trained")
        self.report = report
        self.summary = QLabel(
            f"<b>model:v{report.version_id}</b> learnt from {_plural(len(report.trained_documents), 'document')} "
            f"({LAYER_TITLES.get(layer, layer).lower()} layer) in {_plural(report.steps, 'step')} and "
            f"{_duration(report.seconds)}; scored on {_plural(len(report.held_out_documents), 'held-out document')} "
            "it never learnt from.")
        self.summary.setWordWrap(True)
        notes = [line[0].upper() + line[1:] + "." for line in report.counts.left_out.lines()]
        if report.unannotated:
            notes.append(f"{_plural(report.unannotated, 'selected document')} with nothing in the layer "
                         "left out.")
        self.notes = QLabel("\n".join(notes))
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(notes))
        self.scores_table = QTableWidget(0, 5)
        self.scores_table.setHorizontalHeaderLabels(["Label", "Held-out", "Precision", "Recall", "F1"])
        self.scores_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.scores_table.verticalHeader().setVisible(False)
        self.scores_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        scores = report.scores
        rows = list(scores.labels.items())
        self.scores_table.setRowCount(len(rows) + (scores.overall is not None))
        for row, (label, score) in enumerate(rows):
            _score_row(self.scores_table, row, label, score)
        if scores.overall is not None:
            _score_row(self.scores_table, len(rows), "All spans", scores.overall, bold=True)
        self.chart = CurveChart(report.curve)
        self.chart.setVisible(bool(report.curve))
        self.curve_message = QLabel(report.curve_message or "Train with “train curve” ticked to learn whether "
                                    "annotating more documents would still improve the model.")
        self.curve_message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.use_button = self.buttons.addButton("&Use for suggestions", QDialogButtonBox.ButtonRole.AcceptRole)
        self.use_button.setToolTip("Let this version suggest from the next suggestion run (Suggestions ▸ Models… "
                                   "chooses another, or none)")
        self.buttons.rejected.connect(self.reject)
        self.buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addWidget(QLabel("Scores on the held-out documents"))
        layout.addWidget(self.scores_table, 1)
        layout.addWidget(QLabel("Train curve: held-out F1 by share of the training documents"
                                if report.curve else "Train curve"))
        layout.addWidget(self.chart)
        layout.addWidget(self.curve_message)
        layout.addWidget(self.buttons)
        self.resize(620, 640)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()
