"""Suggestions ▸ Models…: the project's trained model versions, which one suggests, and its thresholds.

The list shows what ``annotator models PROJECT`` prints (date, who trained, layer, documents,
held-out F1, size) with a first row for no trained model (the base pipeline and rules suggest
alone). Each change is one call of the core's ``ModelVersions``, one transaction: choosing a
version (Enter or "Use for suggestions"), deleting one (Delete, after a question; its
suggestions already made stay), and setting the per-label thresholds of the selected version
(the spin boxes, then Apply or Enter in a spin box). Esc closes.

Choosing a model and setting thresholds are project settings, not annotations, so they write no
row to the change feed (``store.change_log``) and the window's poll never hears of them. The
dialog reads the versions again whenever it becomes the active window (back from a terminal
where ``annotator models P --use 2`` ran, or from a teammate's message), on F5 and on Refresh;
a threshold being edited keeps the analyst's value.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import Errors, UserError
from annotator.gui.dataset_dialogs import LAYER_TITLES
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.model_training import chosen_message
from annotator.store import Project
from annotator.store.model_versions import ModelVersionInfo, ModelVersions

COLUMNS = ("Version", "Trained", "By", "Layer", "Documents", "F1", "Size", "Suggests")
NONE_TITLE = "None: base pipeline and rules only"


def _when(moment: datetime) -> str:
    if moment.tzinfo is None:  # SQLite hands back naive datetimes; they were stored in UTC
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


def overall_f1(info: ModelVersionInfo) -> float | None:
    overall = (info.scores or {}).get("overall") or {}
    return float(overall["f1"]) if "f1" in overall else None


def label_f1(info: ModelVersionInfo, label: str) -> float | None:
    score = ((info.scores or {}).get("labels") or {}).get(label) or {}
    return float(score["f1"]) if "f1" in score else None


def version_cells(info: ModelVersionInfo) -> list[str]:
    """One row of the list, as ``annotator models`` prints it."""
    trained_on = info.trained_on or {}
    f1 = overall_f1(info)
    documents = f"{trained_on.get('documents', '-')}"
    if "held_out" in trained_on:
        documents += f" + {trained_on['held_out']} held out"
    return [f"v{info.id}", _when(info.created_at), info.trained_by or "-", LAYER_TITLES.get(info.layer, info.layer),
            documents,
            "-" if f1 is None else f"{f1:.2f}", f"{info.size_bytes / 1e6:.1f} MB", ""]


class ModelsDialog(QDialog):
    """The versions list, choosing, deleting and thresholds; each change one transaction."""

    message = Signal(str)

    def __init__(self, parent: QWidget | None, project: Project) -> None:
        super().__init__(parent)
        self.setWindowTitle("Trained models")
        self._versions = ModelVersions(project)
        self._listed: list[ModelVersionInfo] = []  # newest first; row r shows _listed[r - 1]
        self._chosen: int | None = None
        self._shown_version: int | None = None  # whose thresholds the spin boxes show
        self._stored: dict[str, float] = {}
        self.spins: dict[str, QDoubleSpinBox] = {}
        self.question: QMessageBox | None = None

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda *_cells: self._show_thresholds())
        self.table.cellDoubleClicked.connect(lambda *_cell: self.choose_current())
        self.table.installEventFilter(self)
        self.thresholds_box = QGroupBox("Thresholds")
        self._thresholds_form = QFormLayout(self.thresholds_box)
        self.apply_button = QPushButton("&Apply thresholds")
        self.apply_button.clicked.connect(self.apply_thresholds)
        self.apply_button.setDefault(True)  # Enter in a spin box applies; in the list, Enter chooses
        self.use_button = QPushButton("&Use for suggestions")
        self.use_button.setToolTip("Enter: the selected version suggests from the next suggestion run")
        self.use_button.clicked.connect(self.choose_current)
        self.delete_button = QPushButton("&Delete…")
        self.delete_button.setToolTip("Delete: delete the selected version (asks first)")
        self.delete_button.clicked.connect(self.ask_delete)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setToolTip("F5: read the versions again (another window or 'annotator models' may "
                                       "have changed them)")
        self.refresh_button.clicked.connect(self.refresh)
        close_button = QPushButton("Close")
        close_button.clicked.connect(self.reject)
        for button in (self.use_button, self.delete_button, self.refresh_button, close_button):
            button.setAutoDefault(False)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh)
        self.status = QLabel()
        self.status.setWordWrap(True)

        buttons = QHBoxLayout()
        for button in (self.use_button, self.delete_button, self.refresh_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The version that suggests (Enter), from the next suggestion run; "
                                "Delete deletes the selected version."))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.thresholds_box)
        layout.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(820, 520)
        self.refresh()
        self.table.setFocus()

    # --- reading ------------------------------------------------------------------------------

    def version_at(self, row: int) -> ModelVersionInfo | None:
        return self._listed[row - 1] if 0 < row <= len(self._listed) else None

    def current_version(self) -> ModelVersionInfo | None:
        return self.version_at(self.table.currentRow())

    def row_of(self, version_id: int | None) -> int:
        for row, info in enumerate(self._listed, start=1):
            if info.id == version_id:
                return row
        return 0

    def refresh(self) -> None:
        """Read the versions and the choice again; the selection stays on the same version."""
        selected = self.current_version()
        keep = selected.id if selected is not None else (None if self.table.rowCount() else -1)
        try:
            self._listed = list(reversed(self._versions.all()))
            self._chosen = self._versions.chosen()
        except UserError as error:
            self._say(str(error), problem=True)
            return
        self.table.setRowCount(len(self._listed) + 1)
        self._fill_row(0, [NONE_TITLE, "", "", "", "", "", "", ""], self._chosen is None)
        for row, info in enumerate(self._listed, start=1):
            self._fill_row(row, version_cells(info), info.id == self._chosen)
        self.table.setCurrentCell(self.row_of(self._chosen if keep == -1 else keep), 0)
        self._show_thresholds()

    def _fill_row(self, row: int, cells: list[str], chosen: bool) -> None:
        cells[-1] = "✓ suggests" if chosen else ""
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if chosen:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            if column == 0 and row == 0:
                self.table.setSpan(0, 0, 1, len(COLUMNS) - 1)
            self.table.setItem(row, column, item)

    def _show_thresholds(self) -> None:
        """The spin boxes of the selected version; edits not yet applied survive a refresh."""
        info = self.current_version()
        version = info.id if info is not None else None
        if version == self._shown_version and self._pending():
            self._stored = {label: info.threshold(label) for label in self.spins} if info is not None else {}
            self._update_apply()
            return
        while self._thresholds_form.rowCount():
            self._thresholds_form.removeRow(0)
        self.spins = {}
        self._shown_version = version
        self.delete_button.setEnabled(info is not None)
        if info is None:
            self.thresholds_box.setTitle("Thresholds")
            self._thresholds_form.addRow(QLabel("Select a version to set the minimum score of its suggestions."))
            self._stored = {}
            self._update_apply()
            return
        self.thresholds_box.setTitle(f"Thresholds of v{info.id}: a suggestion needs at least this score")
        self._stored = {label: info.threshold(label) for label in info.span_labels}
        for label in info.span_labels:
            spin = QDoubleSpinBox()
            spin.setRange(0.0, 1.0)
            spin.setDecimals(2)
            spin.setSingleStep(0.05)
            spin.setValue(self._stored[label])
            spin.valueChanged.connect(self._update_apply)
            f1 = label_f1(info, label)
            row = QWidget()
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.addWidget(spin)
            row_layout.addWidget(QLabel("" if f1 is None else f"held-out F1 {f1:.2f}"))
            row_layout.addStretch(1)
            self._thresholds_form.addRow(label, row)
            self.spins[label] = spin
        self._update_apply()

    def _pending(self) -> dict[str, float]:
        """Thresholds edited and not yet applied."""
        return {label: round(spin.value(), 2) for label, spin in self.spins.items()
                if round(spin.value(), 2) != round(self._stored.get(label, -1.0), 2)}

    def _update_apply(self) -> None:
        self.apply_button.setEnabled(bool(self._pending()))

    # --- changing -----------------------------------------------------------------------------

    def choose_current(self) -> None:
        """The selected version (or none) suggests from the next run; one transaction."""
        info = self.current_version()
        version = info.id if info is not None else None
        if self._act(lambda: self._versions.choose(version)):
            self._say(chosen_message(version))

    def apply_thresholds(self) -> None:
        changed = self._pending()
        version = self._shown_version
        if not changed or version is None:
            return
        merged: dict[str, float] = {}

        def change() -> None:
            merged.update(self._versions.set_thresholds(version, changed))

        if self._act(change):
            shown = ", ".join(f"{label} {value:.2f}" for label, value in sorted(changed.items()))
            self._say(f"model:v{version} thresholds set: {shown} (from the next suggestion run).")

    def ask_delete(self) -> None:
        """Ask, then delete the selected version (its suggestions already made stay)."""
        info = self.current_version()
        if info is None:
            return
        f1 = overall_f1(info)
        text = (f"Delete model v{info.id}, trained {_when(info.created_at)}"
                f"{'' if f1 is None else f' (F1 {f1:.2f})'}? This cannot be undone; suggestions it already "
                "made stay.")
        if info.id == self._chosen:
            text += " It suggests now: after it is deleted, the base pipeline and rules suggest alone."
        box = QMessageBox(QMessageBox.Icon.Question, "Delete model version?", text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        delete = box.button(QMessageBox.StandardButton.Yes)
        delete.setText("&Delete")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _result: self._delete(info.id) if box.clickedButton() == delete else None)
        if self.question is not None:
            self.question.deleteLater()
        self.question = box
        box.open()

    def _delete(self, version_id: int) -> None:
        if self._act(lambda: self._versions.delete(version_id)):
            self._say(f"Deleted model:v{version_id}.")

    def _act(self, change: Callable[[], object]) -> bool:
        """Run one change through the core, then show the versions as they now are. A UserError
        (a version another process deleted meanwhile) is shown under the list; a bug gets the
        crash dialog."""
        try:
            change()
        except UserError as error:
            self._say(str(error), problem=True)
            self.refresh()
            return False
        except Exception as error:  # noqa: BLE001 - a bug: reported, the dialog stays usable
            self._say(show_unexpected_error(error, Errors.E1404, self), problem=True)
            return False
        self._shown_version = None  # the spin boxes show the stored values again
        self.refresh()
        return True

    def _say(self, text: str, *, problem: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b00020;" if problem else "")
        if not problem:
            self.message.emit(text)

    # --- keys and activation ------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Enter in the list chooses, Delete deletes (the dialog's Enter applies thresholds)."""
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.choose_current()
                return True
            if event.key() == Qt.Key.Key_Delete:
                self.ask_delete()
                return True
        return super().eventFilter(watched, event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WindowActivate:  # see the module docstring: no change feed for models
            self.refresh()
        return super().event(event)
