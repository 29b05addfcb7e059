"""File ▸ Import limits…: the project's import size limits, for analysts who never open a shell.

The same values as ``annotator limits PROJECT`` (``annotator.limits``): a file larger than the
first, or a document longer than the second, is refused whole by every import into the project.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QWidget

from annotator.limits import MB, ImportLimits, project_limits, save_limits
from annotator.store import Project

_LARGEST_MB = 1_000_000.0  # a terabyte: beyond any corpus file, still a finite number


class ImportLimitsDialog(QDialog):
    """Two numbers, in megabytes and millions of characters; OK stores them in the project."""

    def __init__(self, parent: QWidget | None, project: Project) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import limits")
        self._project = project
        current = project_limits(project)
        self.file_mb = _spin(current.max_file_bytes / MB, " MB")
        self.document_mb = _spin(current.max_document_chars / MB, " million characters")
        explanation = QLabel("Imports into this project refuse a larger file, or a longer document, "
                             "whole and with a message. Raise them for bigger material.")
        explanation.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(explanation)
        form.addRow("Largest &file:", self.file_mb)
        form.addRow("Longest &document:", self.document_mb)
        form.addRow(buttons)

    def limits(self) -> ImportLimits:
        return ImportLimits(max_document_chars=max(1, int(self.document_mb.value() * MB)),
                            max_file_bytes=max(1, int(self.file_mb.value() * MB)))

    def accept(self) -> None:
        save_limits(self._project, self.limits())  # one committed setting each, like every edit
        super().accept()


def _spin(value: float, suffix: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0.1, _LARGEST_MB)
    spin.setDecimals(1)
    spin.setSuffix(suffix)
    spin.setValue(value)
    return spin
