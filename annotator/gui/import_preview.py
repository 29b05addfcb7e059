"""The import's preview step: what was taken from each web page, PDF and Word file, correctable.

File ▸ Import documents… and Import folder… first read the laid-out files among the chosen
paths (``corpus.previews``, on a worker thread behind a progress dialog whose Cancel stops
everything, nothing imported) and show one row per file: its title, date, outlet and language.
The analyst corrects a cell by typing into it (F2, or just typing, edits; Tab and the arrows
move); a file that would be refused shows its message instead, greyed. Enter imports with the
corrections, Esc imports nothing. Paths without such files go straight to the import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.corpus.corrections import Correction
from annotator.corpus.previews import Preview, previewed_files, read_previews
from annotator.errors import Errors, UserError
from annotator.formats.detect import AUTO_SUFFIXES
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.workers import BackgroundTask, progress_dialog
from annotator.tasks import Cancelled, TaskControl

if TYPE_CHECKING:
    from annotator.gui.mainwindow import MainWindow

COLUMNS = ("File", "Title", "Date", "Outlet", "Language")
_FIELDS = ("title", "published", "source", "language")  # the editable columns 1-4, as ``Correction`` names them
_REFUSED = QColor("#808080")

Proceed = Callable[[Sequence[str | Path], Mapping[str, Correction]], object]


class ImportPreviewDialog(QDialog):
    """One row per previewed file; ``corrections()`` once accepted (checked: a bad date or
    language keeps the dialog open with the reason under the table)."""

    def __init__(self, parent: QWidget | None, previews: Sequence[Preview]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import documents: check what was taken")
        self.previews = list(previews)
        refused = sum(preview.problem is not None for preview in self.previews)
        intro = QLabel(
            f"What the import takes from {len(self.previews)} file(s) laid out for reading (web pages, PDF, Word). "
            "Correct a cell by typing into it (F2 edits, Tab moves on); Enter imports, Esc imports nothing."
            + (f" {refused} file(s) will be refused: their rows say why." if refused else ""))
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self.previews), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.DoubleClicked)
        self.table.setTabKeyNavigation(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, preview in enumerate(self.previews):
            self._fill(row, preview)
        self.table.resizeColumnToContents(0)
        for column, width in ((0, 260), (2, 110), (3, 160), (4, 80)):
            self.table.setColumnWidth(column, min(width, max(self.table.columnWidth(column), 80)))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        importing = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        importing.setText("&Import")
        importing.setDefault(True)  # Enter in the table (not editing) imports
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(1000, min(640, 160 + 30 * len(self.previews)))
        first = next((row for row, preview in enumerate(self.previews) if preview.problem is None), 0)
        self.table.setCurrentCell(first, 1)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.table.setFocus()  # the keys start in the first title, not on a button

    def _fill(self, row: int, preview: Preview) -> None:
        name = QTableWidgetItem(preview.path.name)
        name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
        name.setToolTip(str(preview.path))
        self.table.setItem(row, 0, name)
        if preview.problem is not None:
            message = QTableWidgetItem(preview.problem)
            message.setFlags(message.flags() & ~Qt.ItemFlag.ItemIsEditable)
            message.setForeground(_REFUSED)
            message.setToolTip(preview.problem)
            self.table.setItem(row, 1, message)
            self.table.setSpan(row, 1, 1, len(COLUMNS) - 1)
            return
        for column, field in enumerate(_FIELDS, start=1):
            self.table.setItem(row, column, QTableWidgetItem(getattr(preview, field)))

    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def corrections(self) -> dict[str, Correction]:
        """The cells the analyst changed, by file; raises ``UserError`` for a value that cannot be stored."""
        found: dict[str, Correction] = {}
        for row, preview in enumerate(self.previews):
            if preview.problem is not None:
                continue
            changed = {field: text for column, field in enumerate(_FIELDS, start=1)
                       if (text := self.cell(row, column)) != getattr(preview, field)}
            if changed:
                found[preview.key] = Correction(**changed).checked(preview.path.name)
        return found

    def accept(self) -> None:
        try:
            self.corrections()
        except UserError as error:
            self.problem.setText(str(error))
            self.problem.show()
            return
        super().accept()


class ImportPreview(QObject):
    """Reads the previewed files off the GUI thread, asks, then hands the paths and corrections on."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.dialog: ImportPreviewDialog | None = None

    def start(self, paths: Sequence[str | Path], proceed: Proceed) -> BackgroundTask | None:
        """Preview the laid-out files among ``paths``, or go straight to ``proceed`` when there are none."""
        files = previewed_files(paths, AUTO_SUFFIXES)
        if not files:
            proceed(paths, {})
            return None
        project = self._window.project
        from annotator.limits import project_limits

        def work(control: TaskControl) -> list[Preview]:
            return read_previews(files, project_limits(project), control)

        task = BackgroundTask(work)
        progress = progress_dialog(self._window, "Import documents", "Reading pages…", task,
                                   lambda done, total, path: f"Read {done} of {total} files: {Path(path).name}")
        task.succeeded.connect(lambda previews: self._ask(paths, previews, proceed))
        task.failed.connect(self._failed)
        task.finished.connect(progress.hide)
        task.finished.connect(progress.deleteLater)
        task.start()
        return task

    def _ask(self, paths: Sequence[str | Path], previews: list[Preview], proceed: Proceed) -> None:
        self.dialog = ImportPreviewDialog(self._window, previews)
        self.dialog.accepted.connect(lambda: proceed(paths, self.dialog.corrections() if self.dialog else {}))
        self.dialog.open()

    def _failed(self, error: Exception) -> None:
        if isinstance(error, Cancelled):
            self._window.show_message("Import cancelled while reading the files; nothing was imported.")
        elif isinstance(error, UserError):
            self._window.show_message(str(error))
        else:
            show_unexpected_error(error, Errors.E507, self._window)
