"""Attribute fields of the span inspector: one widget per attribute type of the schema.

A field only shows a value and says when the analyst edited it (``edited``); the inspector
collects every field's value into the span's attributes and the editor commits them as one
operation. ``value()`` is None when the analyst left the field empty.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QVBoxLayout, QWidget

from annotator.schema import AttributeDef

_NO_NUMBER = -1e12  # a spin box cannot be empty: this minimum shows as "–" and means "no value"


class AttributeField(QObject):
    """One attribute's widget; ``value()`` is None when the analyst left it empty."""

    edited = Signal()

    def __init__(self, definition: AttributeDef, widget: QWidget) -> None:
        super().__init__(widget)
        self.definition = definition
        self.widget = widget
        widget.setToolTip(definition.description)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class ChoiceField(AttributeField):
    def __init__(self, definition: AttributeDef) -> None:
        combo = QComboBox()
        # Long values ("international_organisation") would widen the whole side panel; the
        # popup still shows them in full.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        combo.addItem("", None)
        for value in definition.values:
            combo.addItem(value, value)
        super().__init__(definition, combo)
        combo.activated.connect(self.edited)

    def value(self) -> Any:
        return self.widget.currentData()

    def set_value(self, value: Any) -> None:
        index = self.widget.findData(value)
        self.widget.setCurrentIndex(max(index, 0))


class MultiChoiceField(AttributeField):
    def __init__(self, definition: AttributeDef) -> None:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        super().__init__(definition, box)
        self.checks: dict[str, QCheckBox] = {}
        for value in definition.values:
            check = QCheckBox(value)
            check.toggled.connect(self.edited)
            layout.addWidget(check)
            self.checks[value] = check

    def value(self) -> Any:
        chosen = [value for value, check in self.checks.items() if check.isChecked()]
        return chosen or None

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        for name, check in self.checks.items():
            check.blockSignals(True)
            check.setChecked(name in chosen)
            check.blockSignals(False)


class BooleanField(AttributeField):
    def __init__(self, definition: AttributeDef) -> None:
        check = QCheckBox()
        super().__init__(definition, check)
        check.toggled.connect(self.edited)

    def value(self) -> Any:
        return self.widget.isChecked()

    def set_value(self, value: Any) -> None:
        self.widget.setChecked(bool(value))


class TextField(AttributeField):
    def __init__(self, definition: AttributeDef) -> None:
        line = QLineEdit()
        super().__init__(definition, line)
        line.editingFinished.connect(self.edited)

    def value(self) -> Any:
        return self.widget.text().strip() or None

    def set_value(self, value: Any) -> None:
        self.widget.setText("" if value is None else str(value))


class NumberField(AttributeField):
    def __init__(self, definition: AttributeDef) -> None:
        spin = QDoubleSpinBox()
        spin.setRange(_NO_NUMBER, 1e9)
        spin.setDecimals(3)
        spin.setSpecialValueText("–")
        spin.setKeyboardTracking(False)
        super().__init__(definition, spin)
        spin.editingFinished.connect(self.edited)

    def value(self) -> Any:
        number = self.widget.value()
        return None if number == _NO_NUMBER else number

    def set_value(self, value: Any) -> None:
        self.widget.setValue(_NO_NUMBER if value is None else float(value))


FIELD_TYPES: dict[str, type[AttributeField]] = {
    "choice": ChoiceField,
    "multichoice": MultiChoiceField,
    "boolean": BooleanField,
    "text": TextField,
    "number": NumberField,
}
