"""The small dialog that asks for the required attribute values a gold relabel needs.

Why a dialog and not a refusal: relabelling a THREAT as a CLAIM is a decision the reviewer has
made; the schema wants a ``claim_type`` with it, and asking on the spot (prefilled with the
schema's defaults) is one more keystroke, where a refusal sends the reviewer elsewhere and back.
Cancel changes nothing. The core refuses the same relabel without the values (E1220), so the
dialog is a convenience, never the only guard.

Every field is reachable by keyboard: the first has the focus, Tab moves on, a choice takes
the arrow keys or its first letters, Return is OK (enabled once every field has a value).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.schema.model import AttributeDef

Reader = Callable[[], Any]  # a field's value now; None (or empty) while it has none


class RequiredAttributesDialog(QDialog):
    """Ask for ``attributes`` (the required ones a relabel as ``label`` would leave unset)."""

    def __init__(self, parent: QWidget | None, old: str, label: str, attributes: Sequence[AttributeDef]) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Relabel gold {old} as {label}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._readers: dict[str, Reader] = {}
        self.fields: dict[str, QWidget] = {}
        form = QFormLayout()
        for attribute in attributes:
            widget, reader = self._field(attribute)
            widget.setToolTip(attribute.description)
            form.addRow(f"{attribute.name} *", widget)
            self.fields[attribute.name] = widget
            self._readers[attribute.name] = reader
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(f"A {label} needs these values (the schema marks them required):")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update()
        if self.fields:
            next(iter(self.fields.values())).setFocus()

    def _field(self, attribute: AttributeDef) -> tuple[QWidget, Reader]:
        """An editor for one attribute, prefilled with its default, and how to read it."""
        default = attribute.default
        if attribute.type == "choice":
            combo = QComboBox()
            combo.addItems(attribute.values)
            combo.setPlaceholderText("choose…")
            combo.setCurrentIndex(attribute.values.index(default) if default in attribute.values else -1)
            combo.currentIndexChanged.connect(self._update)
            return combo, lambda: combo.currentText() if combo.currentIndex() >= 0 else None
        if attribute.type == "multichoice":
            choices = QListWidget()
            for value in attribute.values:
                item = QListWidgetItem(value)
                checked = isinstance(default, list) and value in default
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                choices.addItem(item)
            choices.itemChanged.connect(self._update)
            return choices, lambda: [choices.item(row).text() for row in range(choices.count())
                                     if choices.item(row).checkState() == Qt.CheckState.Checked]
        if attribute.type == "boolean":
            box = QCheckBox()
            box.setChecked(bool(default))
            return box, box.isChecked
        edit = QLineEdit("" if default is None else str(default))
        edit.textChanged.connect(self._update)
        if attribute.type == "number":
            edit.setValidator(QDoubleValidator())
            return edit, lambda: float(edit.text()) if edit.hasAcceptableInput() else None
        return edit, lambda: edit.text().strip() or None

    def values(self) -> dict[str, Any]:
        """The values given, by attribute name."""
        return {name: read() for name, read in self._readers.items()}

    def complete(self) -> bool:
        return all(value is not None and value != [] for value in self.values().values())

    def _update(self) -> None:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        button.setEnabled(self.complete())
        button.setDefault(True)
