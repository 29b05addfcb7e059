"""Side panels: the span inspector and the document panel.

Both only display what they are given and emit what the analyst changed; the editor turns each
change into one committed, undoable edit. Attribute widgets come from the schema's attribute
types (``attribute_fields``), so a new attribute in the YAML needs no GUI code. Refreshes block the widgets' signals,
so showing a value never looks like the analyst changing it. An ACTOR span also shows its
canonical actor (``annotator.gui.actors.ActorField``); a model suggestion shows where it came
from, with buttons to accept or reject it.

The span inspector is reached from the keyboard: ``focus_attributes`` (Edit ▸ Edit attributes,
F2) puts the focus on the span's first attribute, Tab and Shift+Tab walk its fields in the
order shown, each field is set by keys (``attribute_fields``), and Esc commits what is being
typed and hands the focus back to the text (``leaveRequested``), the span still current.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.actors import ActorField, is_actor_span
from annotator.gui.attribute_fields import FIELD_TYPES, AttributeField
from annotator.gui.suggestions import is_suggestion
from annotator.schema import LabelSchema
from annotator.store.records import RelationRecord, SpanRecord

RelatedSpan = tuple[RelationRecord, SpanRecord, str]  # a relation, the span at its other end, its text
NOTE_COMMIT_DELAY_MS = 800
SHRINK_DELAY_MS = 600  # with no span current for this long, the inspector gives its room back
RELATED_TEXT_CHARS = 24
_OPENING_QUOTES = ("“", "„", "«", "‹", "‘", '"', "'")
_CLOSING_QUOTES = ("”", "“", "»", "›", "’", '"', "'")


def quoted(text: str) -> str:
    """``text`` in “ ”, without doubling the quotation marks a span may hold itself (a CLAIM
    taken with its quotes showed as ““…””): a side that already has one gets none, except an
    apostrophe closing a word ("Belarus’s") when the text does not open with a quote."""
    opens = text.startswith(_OPENING_QUOTES)
    closes = text.endswith(_CLOSING_QUOTES) and (opens or not text.endswith(("’", "'")))
    return ("" if opens else "“") + text + ("" if closes else "”")


class DeferredTextEdit(QPlainTextEdit):
    """A note field that commits after a pause in typing or on leaving it, not per keystroke.

    ``flush`` commits at once; callers use it before the field is pointed at another object, so
    a note typed just before switching spans or documents is never lost.
    """

    committed = Signal(str)

    def __init__(self, placeholder: str) -> None:
        super().__init__()
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)
        self._stored = ""
        self._timer = QTimer(self, singleShot=True, interval=NOTE_COMMIT_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self.textChanged.connect(self._timer.start)

    def set_stored_text(self, text: str) -> None:
        """Show the stored value (no commit). While the analyst is typing in the field (it has
        the focus and holds uncommitted text) the typing stays: it commits over the new value."""
        if self.hasFocus() and self.toPlainText() != self._stored:
            self._stored = text
            return
        self._timer.stop()
        self._stored = text
        if self.toPlainText() != text:
            self.blockSignals(True)
            self.setPlainText(text)
            self.blockSignals(False)

    def flush(self) -> None:
        self._timer.stop()
        text = self.toPlainText()
        if text != self._stored:
            self._stored = text
            self.committed.emit(text)

    def focusOutEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.flush()
        super().focusOutEvent(event)


# --- the span inspector --------------------------------------------------------------------------


class SpanInspector(QGroupBox):
    """Label, text, attributes, relations and note of the current span."""

    labelChosen = Signal(int, str)              # span id, label
    attrsEdited = Signal(int, dict)             # span id, all attributes
    noteCommitted = Signal(int, str)            # span id, note
    relationDeleteRequested = Signal(int)       # relation id
    spanRequested = Signal(int)                 # span id at the other end of a relation
    acceptRequested = Signal(int)               # suggestion id
    rejectRequested = Signal(int)               # suggestion id
    leaveRequested = Signal()                   # Esc: the focus goes back to the text

    def __init__(self, schema: LabelSchema) -> None:
        super().__init__("Span")
        self._schema = schema
        self._span: SpanRecord | None = None
        self._fields: list[AttributeField] = []
        self._field_sets: dict[str | None, list[AttributeField]] = {}  # by label, made when first shown
        self._shows = 0
        self.shrink_timer = QTimer(self, singleShot=True, interval=SHRINK_DELAY_MS)
        self.shrink_timer.timeout.connect(self.release_height)

        self._empty = QLabel("Select text and press a label key, or click a span.")
        self._empty.setWordWrap(True)
        self.label_combo = QComboBox()
        self.label_combo.activated.connect(self._label_activated)
        self._owner = QLabel()
        self._owner.setWordWrap(True)
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.accept_button = QPushButton("Accept (Y)")
        self.accept_button.setToolTip("Copy this suggestion into your annotations")
        self.accept_button.clicked.connect(lambda: self._emit_for_span(self.acceptRequested))
        self.reject_button = QPushButton("Reject (X)")
        self.reject_button.setToolTip("Reject this suggestion; it is not proposed again")
        self.reject_button.clicked.connect(lambda: self._emit_for_span(self.rejectRequested))
        self._decision = QWidget()
        decision_row = QHBoxLayout(self._decision)
        decision_row.setContentsMargins(0, 0, 0, 0)
        decision_row.addWidget(self.accept_button)
        decision_row.addWidget(self.reject_button)
        self.actor_field = ActorField()
        self._attributes = QFormLayout()
        self._attributes.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # "sovereignty_position"
        self.relations_list = QListWidget()
        self.relations_list.setMaximumHeight(90)
        self.relations_list.itemActivated.connect(self._relation_activated)
        self.relations_list.currentItemChanged.connect(self._update_delete_button)
        self.delete_relation_button = QPushButton("Delete relation")
        self.delete_relation_button.clicked.connect(self._delete_clicked)
        self.note_edit = DeferredTextEdit("Note on this span")
        self.note_edit.setMaximumHeight(80)
        self.note_edit.committed.connect(self._note_committed)

        self._details = QWidget()
        form = QFormLayout(self._details)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Label", self.label_combo)
        form.addRow("Text", self.text_label)
        form.addRow("", self._owner)
        form.addRow(self._decision)
        form.addRow("Actor", self.actor_field)
        form.addRow(self._attributes)
        form.addRow(QLabel("Relations"))
        form.addRow(self.relations_list)
        form.addRow(self.delete_relation_button)
        form.addRow("Note", self.note_edit)
        self._form = form
        layout = QVBoxLayout(self)
        layout.addWidget(self._empty)
        layout.addWidget(self._details)
        layout.addStretch(1)  # the height kept (``_keep_height``) is empty space below, not between rows
        # Esc anywhere in the inspector (an open list or completer takes its own Esc first).
        leave = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        leave.activated.connect(self._leave)
        self.set_schema(schema)
        self.show_span(None)

    @property
    def span(self) -> SpanRecord | None:
        return self._span

    @property
    def fields(self) -> dict[str, AttributeField]:
        """The attribute fields on show, by attribute name."""
        return {field.definition.name: field for field in self._fields}

    def set_schema(self, schema: LabelSchema) -> None:
        self._schema = schema
        self.label_combo.clear()
        for label in schema.span_labels:
            self.label_combo.addItem(label.name, label.name)
        self._span = None
        while self._attributes.rowCount():  # the fields of the old schema's labels
            self._attributes.removeRow(0)
        self._fields = []
        self._field_sets.clear()
        self._rebuild_fields(None)

    def flush(self) -> None:
        """Commit a choice or note being typed before the inspector moves on."""
        for field in self._fields:
            field.flush()
        self.note_edit.flush()

    def focus_attributes(self) -> bool:
        """Put the focus on the current span's first attribute (its label when it has none),
        scrolled into view; False when there is no editable span to take it."""
        if self._span is None or not self.label_combo.isEnabled():
            return False
        target = self._fields[0].focus_widgets()[0] if self._fields else self.label_combo
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None:
            area.ensureWidgetVisible(target)
        return True

    def _leave(self) -> None:
        self.flush()
        self.leaveRequested.emit()

    def show_span(self, span: SpanRecord | None, covered_text: str = "",
                  relations: list[RelatedSpan] | None = None, editable: bool = True) -> None:
        self._shows += 1
        ticket = self._shows
        self.flush()
        if ticket != self._shows:  # committing the note showed the span again, with fresher data
            return
        previous = self._span
        self._span = span
        self._empty.setVisible(span is None)
        self._details.setVisible(span is not None)
        if span is None:
            self.shrink_timer.start()
            if self.minimumHeight() > 0:
                return  # the empty view needs less than any span did: no layout to measure
        else:
            self.shrink_timer.stop()
            self._show_details(span, previous, covered_text, relations or [], editable)
        self._keep_height()

    def release_height(self) -> None:
        """Let the panel take the height of what it shows again: no span has been current for a
        moment (after X, Esc or opening a document), so the document panel below comes into view."""
        self.shrink_timer.stop()
        self.setMinimumHeight(0)
        self._keep_height()

    def _keep_height(self) -> None:
        """Shrink only in ``release_height``: the panel keeps the tallest height it needed since.
        Otherwise every key that changes the current span (X leaves none, Y swaps the Accept and
        Reject row for the fields, ] goes to a label with other fields) moved the document panel
        below it, and made the side column's scroll bar come and go, so Qt laid out and painted
        the whole column again (5 to 12 ms a key). With no span current it shrinks after a
        moment (``shrink_timer``), not within the key, and not at all when ] or a click makes a
        span current before."""
        layout = self.layout()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() and self.width() > 0 \
            else layout.totalSizeHint().height()
        if needed > self.minimumHeight():
            self.setMinimumHeight(needed)

    def _show_details(self, span: SpanRecord, previous: SpanRecord | None, covered_text: str,
                      relations: list[RelatedSpan], editable: bool) -> None:
        if previous is None or previous.label != span.label:  # the same fields show the next span's values
            self._rebuild_fields(span.label)
        if self.label_combo.findData(span.label) < 0:  # a label from outside the schema (an import)
            self.label_combo.addItem(span.label, span.label)
        self.label_combo.setCurrentIndex(self.label_combo.findData(span.label))
        self.text_label.setText(quoted(covered_text))
        suggested = is_suggestion(span)
        if suggested:
            self._owner.setText(_origin(span))
        else:
            self._owner.setText("" if editable else f"{span.annotator}'s span (read-only)")
        self._owner.setVisible(not editable)
        self._decision.setVisible(suggested)
        actor_row = is_actor_span(span)
        if self._form.isRowVisible(self.actor_field) != actor_row:  # setting it again lays the form out again
            self._form.setRowVisible(self.actor_field, actor_row)
        self.actor_field.show_span(span, editable)
        for field in self._fields:
            field.blockSignals(True)
            field.set_value(span.attrs.get(field.definition.name))
            field.blockSignals(False)
        self.note_edit.set_stored_text(span.note)
        self._show_relations(span, relations)
        for widget in [self.label_combo, self.note_edit, *(field.widget for field in self._fields)]:
            widget.setEnabled(editable)
        self._update_delete_button()

    def _rebuild_fields(self, label_name: str | None) -> None:
        """Show the attribute fields of ``label_name``: made the first time a span of that label
        is shown, then hidden and shown again (a review walking suggestions of alternating
        labels made and destroyed the widgets on every ] otherwise)."""
        for field in self._fields:
            self._attributes.setRowVisible(field.widget, False)
        made = self._field_sets.get(label_name)
        if made is not None:
            self._fields = made
            for field in made:
                self._attributes.setRowVisible(field.widget, True)
            self._chain_focus()
            return
        self._fields = []
        spec = self._schema.span_label(label_name) if label_name else None
        for definition in spec.attributes if spec else []:
            field = FIELD_TYPES[definition.type](definition)
            field.edited.connect(self._attrs_edited)
            caption = definition.name + (" *" if definition.required else "")
            self._attributes.addRow(caption, field.widget)
            field.widget.show()  # now, not when the layout's queued show runs: F2 may focus it at once
            self._fields.append(field)
        self._field_sets[label_name] = self._fields
        self._chain_focus()

    def _chain_focus(self) -> None:
        """Tab walks the inspector in the order shown: the fields of a label are made after the
        rest of the window, so without this they would come last in the window's chain."""
        actor = self.actor_field
        chain = [self.label_combo, self.accept_button, self.reject_button, actor.line, actor.new_button,
                 actor.unlink_button, *(widget for field in self._fields for widget in field.focus_widgets()),
                 self.relations_list, self.delete_relation_button, self.note_edit]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _show_relations(self, span: SpanRecord, relations: list[RelatedSpan]) -> None:
        self.relations_list.clear()
        for relation, other, other_text in relations:
            short = other_text if len(other_text) <= RELATED_TEXT_CHARS else other_text[:RELATED_TEXT_CHARS] + "…"
            if relation.head_id == span.id:
                shown = f"{relation.label} → {other.label} {quoted(short)}"
            else:
                shown = f"{other.label} {quoted(short)} {relation.label} → this"
            item = QListWidgetItem(shown)
            item.setToolTip(f"{relation.label} by {relation.annotator}: {other.label} {quoted(other_text)}")
            item.setData(Qt.ItemDataRole.UserRole, relation.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, other.id)
            self.relations_list.addItem(item)

    def _label_activated(self, _index: int) -> None:
        if self._span is not None:
            self.labelChosen.emit(self._span.id, self.label_combo.currentData())

    def _attrs_edited(self) -> None:
        if self._span is None:
            return
        attrs = dict(self._span.attrs)
        for field in self._fields:
            value = field.value()
            if value is None:
                attrs.pop(field.definition.name, None)
            else:
                attrs[field.definition.name] = value
        self.attrsEdited.emit(self._span.id, attrs)

    def _note_committed(self, text: str) -> None:
        if self._span is not None:
            self.noteCommitted.emit(self._span.id, text)

    def _relation_activated(self, item: QListWidgetItem) -> None:
        self.spanRequested.emit(item.data(Qt.ItemDataRole.UserRole + 1))

    def _update_delete_button(self) -> None:
        has_choice = self.relations_list.currentItem() is not None
        self.delete_relation_button.setVisible(self.relations_list.count() > 0)
        self.delete_relation_button.setEnabled(has_choice and self.label_combo.isEnabled())

    def _delete_clicked(self) -> None:
        item = self.relations_list.currentItem()
        if item is not None:
            self.relationDeleteRequested.emit(item.data(Qt.ItemDataRole.UserRole))

    def _emit_for_span(self, signal: SignalInstance) -> None:
        if self._span is not None:
            signal.emit(self._span.id)


def _origin(suggestion: SpanRecord) -> str:
    """Where a suggestion comes from: the pipeline, which of its parts, and a score if any. A
    trained model version (source ``model:v3``, Suggestions ▸ Models…) is named first, with the
    score, which is its own (the pipeline's parts give none); the parts that proposed the same
    span too follow ("ner+model:v3")."""
    score = f"score {suggestion.score:.2f}" if suggestion.score is not None else None
    sources = (suggestion.source or "").split("+")
    models = [source for source in sources if source.startswith("model:v")]
    if models:
        others = "+".join(source for source in sources if source and source not in models)
        return (f"Suggested by trained model {models[0].removeprefix('model:')} "
                f"({', '.join(part for part in (models[0], score) if part)})"
                + (f" and {suggestion.annotator} ({others})" if others else ""))
    parts = [part for part in (suggestion.source, score) if part]
    return f"Suggested by {suggestion.annotator}" + (f" ({', '.join(parts)})" if parts else "")


# --- the document panel --------------------------------------------------------------------------


class DocumentPanel(QGroupBox):
    """The analyst's status, document labels and note for the open document."""

    statusChosen = Signal(str)
    labelToggled = Signal(str, bool)
    noteCommitted = Signal(str)

    def __init__(self, schema: LabelSchema, status_titles: dict[str, str]) -> None:
        super().__init__("Document")
        self.status_combo = QComboBox()
        for status, title in status_titles.items():
            self.status_combo.addItem(title, status)
        self.status_combo.activated.connect(lambda _index: self.statusChosen.emit(self.status_combo.currentData()))
        self._labels_box = QWidget()
        self._labels_layout = QVBoxLayout(self._labels_box)
        self._labels_layout.setContentsMargins(0, 0, 0, 0)
        self._checks: dict[str, QCheckBox] = {}
        self.note_edit = DeferredTextEdit("Note on this document (for the team)")
        self.note_edit.setMaximumHeight(90)
        self.note_edit.committed.connect(self.noteCommitted)
        status_row = QHBoxLayout()
        status_row.addWidget(QLabel("Status"))
        status_row.addWidget(self.status_combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(status_row)
        layout.addWidget(self._labels_box)
        layout.addWidget(QLabel("Note"))
        layout.addWidget(self.note_edit)
        self.set_schema(schema)

    @property
    def label_checks(self) -> dict[str, QCheckBox]:
        return dict(self._checks)

    def set_schema(self, schema: LabelSchema) -> None:
        """One box per group (its labels exclude each other), ungrouped labels last."""
        while self._labels_layout.count():
            item = self._labels_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self._checks = {}
        groups: dict[str | None, list[Any]] = {}
        for label in schema.document_labels:
            groups.setdefault(label.group, []).append(label)
        for group, labels in sorted(groups.items(), key=lambda item: item[0] is None):
            box = QGroupBox(group.replace("_", " ").capitalize() + " (one)" if group else "Other")
            box_layout = QVBoxLayout(box)
            for label in labels:
                check = QCheckBox(label.name)
                check.setToolTip(label.description)
                check.toggled.connect(lambda on, name=label.name: self.labelToggled.emit(name, on))
                box_layout.addWidget(check)
                self._checks[label.name] = check
            self._labels_layout.addWidget(box)

    def flush(self) -> None:
        self.note_edit.flush()

    def show_document(self, status: str, labels: list[str], note: str) -> None:
        self.setEnabled(True)
        self.status_combo.setCurrentIndex(max(self.status_combo.findData(status), 0))
        for name, check in self._checks.items():
            check.blockSignals(True)
            check.setChecked(name in labels)
            check.blockSignals(False)
        self.note_edit.set_stored_text(note)

    def show_nothing(self) -> None:
        self.show_document("todo", [], "")
        self.setEnabled(False)
