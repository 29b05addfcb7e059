"""Edit ▸ Annotate all occurrences (Ctrl+Shift+H): the other places holding the current span's
text, listed to confirm, labelled in one undoable step.

The places come from the core (``annotator.ops.occurrences.find_occurrences``, in the
background: a corpus is scanned); each is a checkable row with its document and context, the
hit in bold between its left and right context as in Find in corpus. Places that overlap another
span of the layer come unchecked, with what they overlap. The scope (this document or the
corpus) and the case option search again. "Label N" performs ``LabelOccurrences`` through the
editor's history, so Ctrl+Z takes all of it back at once; the status bar says how many were
labelled, skipped as already labelled, and left out beyond the list's limit.

Keys: the list has the focus; Space checks or unchecks the current row, Enter labels the checked
places, Esc closes without labelling.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from annotator.errors import Errors, UserError
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.search_model import LeftElidingDelegate
from annotator.gui.workers import BackgroundTask
from annotator.ops.occurrences import LabelOccurrences, Occurrence, Occurrences, find_occurrences, source_text
from annotator.store.records import SpanRecord

if TYPE_CHECKING:
    from annotator.gui.mainwindow import MainWindow

COLUMNS = ("Document", "Before", "Text", "After", "Overlaps")
SCOPES = (("In this document", False), ("In the whole corpus", True))


def annotate_all_occurrences(window: MainWindow) -> OccurrencesDialog | None:
    """Open the dialog for the current span, or say why it cannot be (no span, not editable,
    discontinuous)."""
    editor = window.editor
    span = editor.current_span()
    if span is None:
        window.show_message(Errors.E1292)
        return None
    if not editor.refuse_unless_own(span):  # the editor said why
        return None
    try:
        source_text(window.project, span)
    except UserError as error:
        window.show_message(str(error))
        return None
    window.flush_panels()
    dialog = OccurrencesDialog(window, span)
    dialog.open()
    dialog.search()
    return dialog


class OccurrencesDialog(QDialog):
    """The places to label, to confirm (module docstring); deletes itself when closed."""

    def __init__(self, window: MainWindow, span: SpanRecord) -> None:
        super().__init__(window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Annotate all occurrences")
        self._window = window
        self._span = span
        self.found: Occurrences | None = None
        self._task: BackgroundTask | None = None
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.scope = QComboBox()
        for title, in_corpus in SCOPES:
            self.scope.addItem(title, in_corpus)
        self.match_case = QCheckBox("&Match case")
        self.match_case.setChecked(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(1, LeftElidingDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(lambda _item: self._update_button())
        self.report = QLabel()
        self.report.setWordWrap(True)
        self.check_all = QPushButton("Check &all")
        self.uncheck_all = QPushButton("&Uncheck all")
        self.check_all.clicked.connect(lambda: self._check_every(True))
        self.uncheck_all.clicked.connect(lambda: self._check_every(False))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.label_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for button in (self.check_all, self.uncheck_all):
            button.setAutoDefault(False)
        self.scope.currentIndexChanged.connect(lambda _index: self.search())
        self.match_case.toggled.connect(lambda _on: self.search())

        options = QHBoxLayout()
        options.addWidget(self.scope)
        options.addWidget(self.match_case)
        options.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.check_all)
        row.addWidget(self.uncheck_all)
        row.addStretch(1)
        row.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(options)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.report)
        layout.addLayout(row)
        self.resize(min(1100, window.width() * 9 // 10), 480)
        self._update_button()

    # --- finding -------------------------------------------------------------------------------

    def search(self) -> None:
        """Find the places again with the scope and case chosen (in the background)."""
        if self._task is not None:
            self._task.cancel()
        project, span, annotator = self._window.project, self._span, self._window.annotator
        in_corpus, case_sensitive = bool(self.scope.currentData()), self.match_case.isChecked()
        self.heading.setText(f"Looking for '{project.documents.get(span.document_id).text[span.start:span.end]}'…")
        self.found = None
        self.table.setRowCount(0)
        self._update_button()
        task = BackgroundTask(lambda _control: find_occurrences(project, span, annotator, in_corpus=in_corpus,
                                                                case_sensitive=case_sensitive))
        task.succeeded.connect(self._show)  # bound methods: dropped by Qt if the dialog goes first
        task.failed.connect(self._failed)
        self._task = task
        task.start()

    @property
    def searching(self) -> bool:
        """True until the places of the newest search are shown (or its failure)."""
        return self._task is not None

    def _newest(self) -> bool:
        """Whether the reporting search is the newest (a scope or case change started another)."""
        return self._task is not None and self.sender() is self._task

    def _failed(self, error: BaseException) -> None:
        if not self._newest():
            return
        self._task = None
        message = str(error) if isinstance(error, UserError) else show_unexpected_error(error, None, self)
        self.heading.setText(message)

    def _show(self, found: Occurrences) -> None:
        if not self._newest():
            return
        self._task = None
        self.found = found
        documents = len({place.document_id for place in found.places})
        self.heading.setText(
            f"'{found.text}' as {found.label} in {found.layer_title()}: {len(found.places)} other occurrence"
            f"{'s' if len(found.places) != 1 else ''} {found.where()}"
            + (f" ({documents} documents)" if found.in_corpus else "")
            + (". Uncheck those not to label." if found.places else "."))
        notes = [f"{found.skipped} already labelled {found.label} (skipped)."] if found.skipped else []
        if found.left_out:
            notes.append(found.limit_message() or "")
        if not found.places:
            notes.insert(0, found.nothing_message())
        self.report.setText(" ".join(notes))
        bold = QFont(self.table.font())
        bold.setBold(True)
        self.table.blockSignals(True)
        self.table.setRowCount(len(found.places))
        for row, place in enumerate(found.places):
            cells = (place.title, place.before, place.text, place.after, "; ".join(place.overlaps))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                item.setToolTip(text)
                if column == 0:
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Unchecked if place.overlaps else Qt.CheckState.Checked)
                    item.setData(Qt.ItemDataRole.UserRole, row)
                elif column == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                elif column == 2:
                    item.setFont(bold)
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        self.table.resizeColumnToContents(2)
        self.table.setColumnWidth(0, min(220, self.table.sizeHintForColumn(0) + 8))
        if found.places:
            self.table.setCurrentCell(0, 0)
        self.table.setFocus()
        self._update_button()

    # --- choosing ------------------------------------------------------------------------------

    def chosen(self) -> list[Occurrence]:
        """The places checked, in list order."""
        if self.found is None:
            return []
        return [place for row, place in enumerate(self.found.places)
                if (item := self.table.item(row, 0)) is not None and item.checkState() == Qt.CheckState.Checked]

    def _check_every(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None:
                item.setCheckState(state)

    def _update_button(self) -> None:
        count = len(self.chosen())
        self.label_button.setText(f"&Label {count}" if count else "&Label")
        self.label_button.setEnabled(count > 0)

    def accept(self) -> None:
        """Label the checked places as one step of the editor's history."""
        places = self.chosen()
        found = self.found
        if not places or found is None:
            return
        window = self._window
        layer = found.layer
        spec = window.project.schema.span_label(found.label)
        attrs = spec.default_attrs() if spec is not None else {}
        outcome = window.editor.perform(LabelOccurrences(places, found.label, window.annotator, layer=layer,
                                                         attrs=attrs))
        if outcome is not None:
            unchecked = len(found.places) - len(places)
            parts = [f"Labelled {len(places)} occurrence{'s' if len(places) != 1 else ''} of '{found.text}' "
                     f"as {found.label}"]
            if found.skipped:
                parts.append(f"{found.skipped} already labelled (skipped)")
            if unchecked:
                parts.append(f"{unchecked} left unchecked")
            if found.left_out:
                parts.append(f"{found.left_out} beyond the list not looked at")
            window.show_message("; ".join(parts) + ". Ctrl+Z takes it back.")
        super().accept()

    def done(self, result: int) -> None:
        """Closed either way: a search still running is cancelled and the keys go back to the text
        (Ctrl+Z at once takes the step back)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        super().done(result)
        self._window.activateWindow()
        self._window.view.setFocus()
