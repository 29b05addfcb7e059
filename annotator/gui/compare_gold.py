"""The comparison window's own edits of a gold span: relabel (asking for the new label's required
attributes) and clearing one attribute value.

Why a module of its own: both need a small dialog before the core operation
(``annotator.ops.gold_edits``) runs, and the window's class stays about choosing what a decision
applies to. The dialogs are opened, not executed (``open()``), so the window's event loop and
its tests keep running; the operation runs when the reviewer confirms, on the gold span as it
was shown (a span another reviewer changed meanwhile is then refused as a conflict).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog

from annotator.errors import Errors, UserError
from annotator.gui.dialogs import present
from annotator.gui.required_attributes import RequiredAttributesDialog
from annotator.ops.gold_edits import ClearAttribute, RelabelGold
from annotator.review import relabel
from annotator.review.comparison import value_text
from annotator.store.records import SpanRecord

if TYPE_CHECKING:
    from annotator.gui.compare_view import CompareWindow


class GoldEdits(QObject):
    """Relabel and clear attribute values of the comparison's selected gold span."""

    def __init__(self, window: CompareWindow, adjudicator: str) -> None:
        super().__init__(window)
        self._window = window
        self._adjudicator = adjudicator
        self.required_dialog: RequiredAttributesDialog | None = None  # the last one opened
        self.clear_dialog: QInputDialog | None = None
        self.label_dialog: QInputDialog | None = None

    def choose_label(self) -> None:
        """Relabel by keyboard (F2): a chooser of the schema's span labels, the gold span's own
        first; Return relabels (asking for required attributes next)."""
        window = self._window
        span = window.current_gold()
        if span is None:
            window.report_error(Errors.E543)
            return
        labels = [spec.name for spec in window.project.schema.span_labels]
        dialog = self._chooser(self.label_dialog, "Relabel gold span", f"New label for the gold {span.label}:",
                               labels, span.label)
        dialog.textValueSelected.connect(self.relabel)
        self.label_dialog = dialog
        dialog.open()
        present(dialog)

    def _chooser(self, previous: QInputDialog | None, title: str, text: str, items: list[str],
                 current: str) -> QInputDialog:
        if previous is not None:
            previous.deleteLater()
        dialog = QInputDialog(self._window)
        dialog.setWindowTitle(title)
        dialog.setLabelText(text)
        dialog.setComboBoxItems(items)
        dialog.setTextValue(current)
        return dialog

    def relabel(self, label: str) -> None:
        """Relabel the selected gold span as ``label``; the required attributes it would lack
        are asked for first (Cancel changes nothing)."""
        window = self._window
        span = window.current_gold()
        if span is None:
            window.report_error(Errors.E543)
            return
        if label == span.label:
            window.report_error(Errors.E1224.format(label=label))
            return
        try:
            missing = relabel.missing_required(window.project.schema, span, label)
        except UserError as error:
            window.report_error(str(error))
            return
        if not missing:
            window.perform(RelabelGold(span, label, self._adjudicator))
            return
        if self.required_dialog is not None:
            self.required_dialog.deleteLater()
        dialog = RequiredAttributesDialog(window, span.label, label, missing)
        dialog.accepted.connect(lambda: window.perform(RelabelGold(span, label, self._adjudicator, dialog.values())))
        self.required_dialog = dialog
        dialog.open()
        present(dialog)  # active, so its keys (Return: OK) reach it even without a window manager

    def clear_attribute(self, key: str | None = None) -> None:
        """Take one attribute value off the selected gold span: ``key``, or the one the reviewer
        picks from the span's values (a required one is refused, E1222)."""
        window = self._window
        span = window.current_gold()
        if span is None:
            window.report_error(Errors.E543)
            return
        if key is not None:
            window.perform(ClearAttribute(span, key))
            return
        if not span.attrs:
            window.report_error(Errors.E1227.format(label=span.label))
            return
        choices = {f"{name} = {value_text(value)}": str(name) for name, value in sorted(span.attrs.items())}
        dialog = self._chooser(self.clear_dialog, "Clear a gold attribute value",
                               f"Which value of the gold {span.label} should go?", list(choices), next(iter(choices)))
        dialog.textValueSelected.connect(lambda chosen: self._clear(span, choices[chosen]))
        self.clear_dialog = dialog
        dialog.open()
        present(dialog)  # active, so its keys (Return: OK) reach it even without a window manager

    def _clear(self, span: SpanRecord, key: str) -> None:
        self._window.perform(ClearAttribute(span, key))
