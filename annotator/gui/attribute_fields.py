"""Attribute fields of the span inspector: one widget per attribute type of the schema.

A field only shows a value and says when the analyst edited it (``edited``); the inspector
collects every field's value into the span's attributes and the editor commits them as one
operation. ``value()`` is None when the analyst left the field empty.

Every field is set from the keyboard as well as with the mouse (the inspector is reached with
F2 and left with Esc): a choice takes 1–9 for its n-th value and 0 to clear it, or the first
letters of a value (Qt's type-ahead, committed once the typing pauses, so "op" for
"opposition" is one change, not "official" then "opposition"); a multi-choice is one Tab stop
whose checks the arrows move between, Space toggles the focused one, 1–9 the n-th and 0 clears
them all.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.schema import AttributeDef

_NO_NUMBER = -1e12  # a spin box cannot be empty: this minimum shows as "–" and means "no value"
_COMMAND = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
CHOICE_KEYS = "1–9 choose the n-th value and 0 clears it; or type the first letters of a value."
_ARROW_STEPS = {Qt.Key.Key_Up: -1, Qt.Key.Key_Left: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_Right: 1}
CHECK_KEYS = "1–9 tick or untick the n-th value, 0 clears them all; arrows and Space work too."


def number_key(event: QKeyEvent) -> int | None:
    """The digit typed (top row or keypad) without Ctrl, Alt or Meta; None for any other key."""
    text = event.text()
    if event.modifiers() & _COMMAND or len(text) != 1 or text not in "0123456789":
        return None
    return int(text)


class AttributeField(QObject):
    """One attribute's widget; ``value()`` is None when the analyst left it empty."""

    edited = Signal()

    def __init__(self, definition: AttributeDef, widget: QWidget, keys: str = "") -> None:
        super().__init__(widget)
        self.definition = definition
        self.widget = widget
        widget.setToolTip(f"{definition.description}\n\n{keys}".strip() if keys else definition.description)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus_widgets(self) -> list[QWidget]:
        """The widgets Tab stops at or moves through, in order; the first takes F2's focus."""
        return [self.widget]

    def flush(self) -> None:
        """Commit an edit still waiting (a choice being typed), before the field shows another value."""


class ChoiceCombo(QComboBox):
    """A closed combo box set from the keyboard: a digit picks the entry of that number at once
    (0 is the empty entry); letters search the entries (Qt's type-ahead) and the entry found is
    ``chosen`` once the typing pauses (or on leaving the box), so a prefix is one change."""

    chosen = Signal()  # the analyst chose an entry: click, arrows, a digit, or typing that paused

    def __init__(self) -> None:
        super().__init__()
        self._searching = False  # a key press is being searched: its activation waits
        self._pending = False
        self._pause = QTimer(self, singleShot=True, interval=QApplication.keyboardInputInterval())
        self._pause.timeout.connect(self.flush)
        self.activated.connect(self._activated)

    def _activated(self, _index: int) -> None:
        if self._searching:
            self._pending = True
            self._pause.start()
        else:
            self._pending = False
            self._pause.stop()
            self.chosen.emit()

    def flush(self) -> None:
        if self._pending:
            self._pending = False
            self._pause.stop()
            self.chosen.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        number = number_key(event)
        if number is not None:
            event.accept()
            if number < self.count():
                self.setCurrentIndex(number)
                self._activated(number)
            return
        text = event.text()
        self._searching = bool(text) and text.isprintable() and not event.modifiers() & _COMMAND
        try:
            super().keyPressEvent(event)
        finally:
            self._searching = False

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        self.flush()
        super().focusOutEvent(event)


class ChoiceField(AttributeField):
    def __init__(self, definition: AttributeDef) -> None:
        combo = ChoiceCombo()
        # Long values ("international_organisation") would widen the whole side panel; the
        # popup still shows them in full.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        combo.addItem("", None)
        for value in definition.values:
            combo.addItem(value, value)
        super().__init__(definition, combo, CHOICE_KEYS)
        self.combo = combo
        combo.chosen.connect(self.edited)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value)
        self.combo.setCurrentIndex(max(index, 0))

    def flush(self) -> None:
        self.combo.flush()


class CheckColumn(QWidget):
    """The checks of a multi-choice attribute as one Tab stop: Tab and Shift+Tab leave the
    column from any of its checks, the arrows move between them (by their order, not by where
    they are drawn) and a digit on any of them is ``numberPressed``."""

    numberPressed = Signal(int)  # noqa: N815 (Qt naming)

    def __init__(self) -> None:
        super().__init__()
        self.checks: list[QCheckBox] = []
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(0)

    def add_check(self, check: QCheckBox) -> None:
        self._column.addWidget(check)
        self.checks.append(check)
        check.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and watched in self.checks:
            assert isinstance(event, QKeyEvent)
            number = number_key(event)
            if number is not None:
                self.numberPressed.emit(number)
                return True
            step = _ARROW_STEPS.get(event.key()) if not event.modifiers() & _COMMAND else None
            if step is not None:
                index = min(max(self.checks.index(watched) + step, 0), len(self.checks) - 1)  # type: ignore[arg-type]
                self.checks[index].setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Qt's names
        # Tab from a check goes on from the last check (Shift+Tab from the first), so the whole
        # column is passed at once.
        if self.checks and QApplication.focusWidget() in self.checks:
            edge = self.checks[-1] if next else self.checks[0]
            if not edge.hasFocus():
                edge.setFocus(Qt.FocusReason.TabFocusReason)
        return super().focusNextPrevChild(next)


class MultiChoiceField(AttributeField):
    def __init__(self, definition: AttributeDef) -> None:
        box = CheckColumn()
        super().__init__(definition, box, CHECK_KEYS)
        self.checks: dict[str, QCheckBox] = {}
        for value in definition.values:
            check = QCheckBox(value)
            check.setToolTip(box.toolTip())
            check.toggled.connect(self.edited)
            box.add_check(check)
            self.checks[value] = check
        box.numberPressed.connect(self._number_pressed)

    def value(self) -> Any:
        chosen = [value for value, check in self.checks.items() if check.isChecked()]
        return chosen or None

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        for name, check in self.checks.items():
            check.blockSignals(True)
            check.setChecked(name in chosen)
            check.blockSignals(False)

    def focus_widgets(self) -> list[QWidget]:
        return list(self.checks.values())

    def _number_pressed(self, number: int) -> None:
        """1–9 toggles the n-th check (one edit); 0 unticks them all (one edit, if any was ticked)."""
        checks = list(self.checks.values())
        if 0 < number <= len(checks):
            checks[number - 1].toggle()
        elif number == 0 and self.value() is not None:
            self.set_value(None)
            self.edited.emit()


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
