"""The comparison window: one document, the chosen annotators' layers stacked, and adjudication.

Why a window of its own rather than a mode of the main window: the reviewer keeps the editor
(their own layer) and the agreement window open beside it. Every decision is a core operation
(``annotator.ops.adjudication``) performed through the adjudicator's one history
(``History.of(project, adjudicator)``): Undo and Redo here are a view of it, as the main
window's Edit menu is, and each undo or redo is one transaction. The window reloads whenever a
change (its own, or a teammate's the change feed found) touches its document, through the main
window's ``OpsBridge`` (or its own when opened alone).

Each annotator gets a read-only ``DocumentView`` (owner ``None``: nothing is tinted as "own"),
and the gold layer one more at the bottom; their vertical scrolling is synced by fraction, since
the views lay out their gaps differently. The list beside them holds every compared item from
the core (``annotator.gui.review_bridge``), colour-badged by kind; selecting one makes each
annotator's span current in their view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QIcon,
    QKeySequence,
    QPixmap,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from annotator.errors import Errors, UserError
from annotator.gui import review_bridge as bridge
from annotator.gui.conflicts import show_conflict
from annotator.gui.ops_bridge import OpsBridge
from annotator.gui.review_bridge import CompareItem
from annotator.gui.textview import DocumentView
from annotator.ops import History, Operation
from annotator.ops import adjudication as adjudicate
from annotator.store import Project
from annotator.store.change_log import Changes
from annotator.store.records import RelationRecord, SpanRecord
from annotator.store.versions import ConflictError

#: Badge colour and title of each kind of compared item, in the order the legend lists them.
KIND_STYLES: dict[str, tuple[str, str]] = {
    "agreement": ("#2e7d32", "Agreement"),
    "label": ("#c62828", "Label disagreement"),
    "boundary": ("#ef6c00", "Boundary disagreement"),
    "only_one": ("#6a1b9a", "Only one annotator"),
}
GOLD = "gold"


def badge(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class CompareWindow(QMainWindow):
    """Compare ``annotators`` on one document and adjudicate into gold as ``adjudicator``."""

    goldChanged = Signal(int)  # noqa: N815 - Qt naming; document id

    def __init__(self, parent: QWidget | None, project: Project, doc_id: int, annotators: Sequence[str],
                 adjudicator: str, *, bridge: OpsBridge | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self._project = project
        self._adjudicator = adjudicator
        self._annotators = list(annotators)
        self._doc_id = doc_id
        self._text = ""
        self._items: list[CompareItem] = []
        self._syncing = False
        self._picked: SpanRecord | None = None  # an annotator's span clicked: its relations, attributes
        self.conflict_dialog: QMessageBox | None = None  # the last "changed by someone else" box
        self.history = History.of(project, adjudicator)
        shared = bridge or getattr(parent, "bridge", None)
        self.bridge = shared if isinstance(shared, OpsBridge) else OpsBridge(project, self)
        self.bridge.changed.connect(self._changes_arrived)
        self.views: dict[str, DocumentView] = {}

        self._build()
        self._build_actions()
        self.history.add_listener(self._history_changed)
        self._history_changed()
        self.show_document(doc_id)

    # --- construction --------------------------------------------------------------------------

    def _build(self) -> None:
        stack = QSplitter(Qt.Orientation.Vertical)
        for name in [*self._annotators, GOLD]:
            pane = QWidget()
            layout = QVBoxLayout(pane)
            layout.setContentsMargins(0, 0, 0, 0)
            title = QLabel(f"<b>{name}</b>" if name != GOLD else f"<b>Gold</b> (adjudicated by {self._adjudicator})")
            view = DocumentView()
            if name == GOLD:
                view.tooltip_extra = lambda span: bridge.provenance_html(self._project, span)
            view.spanClicked.connect(lambda span_id, who=name: self._span_clicked(who, span_id))
            view.verticalScrollBar().valueChanged.connect(lambda _value, source=view: self._sync_scroll(source))
            layout.addWidget(title)
            layout.addWidget(view, 1)
            stack.addWidget(pane)
            self.views[name] = view

        self.item_list = QListWidget()
        self.item_list.setWordWrap(True)  # quotes and versions in full: the reviewer reads them
        self.item_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.item_list.currentRowChanged.connect(self._item_selected)
        legend = QLabel("  ".join(f"<span style='color:{color}'>■</span> {title}"
                                  for color, title in KIND_STYLES.values()))
        legend.setWordWrap(True)
        self.accept_buttons: dict[str, QPushButton] = {}
        buttons = QVBoxLayout()
        for name in self._annotators:
            button = QPushButton(f"Accept {name}'s version")
            button.clicked.connect(lambda _checked=False, who=name: self.accept_version(who))
            buttons.addWidget(button)
            self.accept_buttons[name] = button
        self.accept_agreed_button = QPushButton("Accept all agreed items")
        self.accept_agreed_button.clicked.connect(self.accept_all_agreed)
        self.reject_button = QPushButton("Reject difference")
        self.reject_button.setToolTip("Mark every version here rejected; nothing goes to gold.")
        self.reject_button.clicked.connect(self.reject_item)
        self.delete_gold_button = QPushButton("Delete gold span")
        self.delete_gold_button.clicked.connect(self.delete_gold)
        edit_row = QHBoxLayout()
        self.relabel_combo = QComboBox()
        self.relabel_combo.addItems([spec.name for spec in self._project.schema.span_labels])
        relabel_button = QPushButton("Relabel gold")
        relabel_button.clicked.connect(lambda: self.relabel_gold(self.relabel_combo.currentText()))
        fit_button = QPushButton("Fit to selection")
        fit_button.setToolTip("Give the gold span the offsets of the text selected in any view.")
        fit_button.clicked.connect(self.fit_gold_to_selection)
        edit_row.addWidget(self.relabel_combo, 1)
        edit_row.addWidget(relabel_button)
        edit_row.addWidget(fit_button)
        comment_row = QHBoxLayout()
        self.comment_edit = QLineEdit()
        self.comment_edit.setPlaceholderText("Reviewer comment on the gold span…")
        self.comment_edit.returnPressed.connect(self.comment_gold)
        comment_button = QPushButton("Comment")
        comment_button.clicked.connect(self.comment_gold)
        comment_row.addWidget(self.comment_edit, 1)
        comment_row.addWidget(comment_button)
        self.picked_label = QLabel("Click a span in an annotator's layer to accept its relations or attributes.")
        self.picked_label.setWordWrap(True)
        picked_row = QHBoxLayout()
        self.accept_relations_button = QPushButton("Accept its relations")
        self.accept_relations_button.clicked.connect(self.accept_relations)
        self.attribute_combo = QComboBox()
        self.accept_attribute_button = QPushButton("Accept attribute")
        self.accept_attribute_button.clicked.connect(lambda: self.accept_attribute(self.attribute_combo.currentText()))
        picked_row.addWidget(self.accept_relations_button)
        picked_row.addWidget(self.attribute_combo, 1)
        picked_row.addWidget(self.accept_attribute_button)
        self.reviewed_button = QPushButton("Mark reviewed")
        self.reviewed_button.clicked.connect(self.mark_reviewed)
        self.provenance_label = QLabel()
        self.provenance_label.setWordWrap(True)
        self.provenance_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for button in (self.accept_agreed_button, self.reject_button, self.delete_gold_button):
            buttons.addWidget(button)
        buttons.addLayout(edit_row)
        buttons.addLayout(comment_row)
        buttons.addWidget(self.picked_label)
        buttons.addLayout(picked_row)
        buttons.addWidget(self.reviewed_button)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(QLabel("Differences (F8 / Shift+F8, ] / [):"))
        side_layout.addWidget(self.item_list, 1)
        side_layout.addWidget(legend)
        side_layout.addLayout(buttons)
        side_layout.addWidget(self.provenance_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(stack)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([820, 340])
        self.setCentralWidget(splitter)
        self.resize(1200, 820)

    def _build_actions(self) -> None:
        """Window-wide keys: the views are read-only, so nothing here competes with typing."""
        menu = self.menuBar().addMenu("&Review")
        actions: tuple[tuple[str, Callable[[], object], list[str | QKeySequence.StandardKey]], ...] = (
            ("&Next difference", lambda: self.step(+1), ["F8", "]"]),
            ("&Previous difference", lambda: self.step(-1), ["Shift+F8", "["]),
            ("&Undo", self.undo, [QKeySequence.StandardKey.Undo]),
            ("&Redo", self.redo, [QKeySequence.StandardKey.Redo]),
            ("Accept all &agreed", self.accept_all_agreed, []),
            ("&Reject difference", self.reject_item, ["X"]),
            ("&Delete gold span", self.delete_gold, ["Delete"]),
            ("Mark re&viewed", self.mark_reviewed, ["Ctrl+Return"]),
            ("Re&fresh (teammates' changes)", self.refresh, ["F5"]),
        )
        self.undo_action = self.redo_action = QAction(self)
        for text, slot, keys in actions:
            action = QAction(text, self)
            sequences = [QKeySequence(key) for key in keys]
            if text == "&Redo":  # Ctrl+Shift+Z on every platform, once (twice is an ambiguous overload)
                sequences += [QKeySequence("Ctrl+Shift+Z")] * (QKeySequence("Ctrl+Shift+Z") not in sequences)
                self.redo_action = action
            elif text == "&Undo":
                self.undo_action = action
            action.setShortcuts(sequences)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            menu.addAction(action)
        for index, name in enumerate(self._annotators[:9], start=1):
            action = QAction(f"Accept {name}'s version", self)
            action.setShortcut(QKeySequence(f"Ctrl+{index}"))
            action.triggered.connect(lambda _checked=False, who=name: self.accept_version(who))
            self.addAction(action)
            menu.addAction(action)

    # --- what is shown -------------------------------------------------------------------------

    @property
    def project(self) -> Project:
        return self._project

    @property
    def doc_id(self) -> int:
        return self._doc_id

    @property
    def annotators(self) -> list[str]:
        return list(self._annotators)

    @property
    def items(self) -> list[CompareItem]:
        return list(self._items)

    def show_document(self, doc_id: int) -> None:
        """(Re)load the document's layers and the compared items; keeps the selected row."""
        document = self._project.documents.get(doc_id)
        if doc_id != self._doc_id or not self._text:
            self._doc_id = doc_id
            self._text = document.text
            colors = self._project.label_colors()
            for name, view in self.views.items():
                view.set_document(self._text, *self._layer(name), colors, owner=None)
        else:
            for name, view in self.views.items():
                view.set_annotations(*self._layer(name))
        self.setWindowTitle(f"Compare: {document.title or document.name} — {', '.join(self._annotators)}")
        self._load_items()

    def _layer(self, name: str) -> tuple[list[SpanRecord], list[RelationRecord]]:
        annotations = self._project.annotations
        if name == GOLD:
            return (annotations.spans(self._doc_id, layers=[GOLD]), annotations.relations(self._doc_id, layers=[GOLD]))
        return (annotations.spans(self._doc_id, annotators=[name], layers=["annotation"]),
                annotations.relations(self._doc_id, annotators=[name], layers=["annotation"]))

    def _load_items(self) -> None:
        row = self.item_list.currentRow()
        self._items = bridge.compare(self._project, self._doc_id, self._annotators)
        with QSignalBlocker(self.item_list):
            self.item_list.clear()
            for item in self._items:
                color, title = KIND_STYLES.get(item.kind, ("#9e9e9e", item.kind))
                quote = self._text[item.start:item.end].replace("\n", " ")
                if len(quote) > 40:
                    quote = quote[:39] + "…"
                versions = "; ".join(f"{who}: {', '.join(span.label for span in spans)}"
                                     for who, spans in item.versions.items())
                done = " ✓ gold" if item.in_gold else ""
                entry = QListWidgetItem(badge(color), f"“{quote}” — {versions}{done}")
                entry.setToolTip(f"{title}\n{versions}")
                self.item_list.addItem(entry)
            if self._items:
                self.item_list.setCurrentRow(min(max(row, 0), len(self._items) - 1))
        self._item_selected(self.item_list.currentRow())

    def current_item(self) -> CompareItem | None:
        row = self.item_list.currentRow()
        return self._items[row] if 0 <= row < len(self._items) else None

    def select_item(self, row: int) -> None:
        self.item_list.setCurrentRow(row)

    def _item_selected(self, row: int) -> None:
        item = self._items[row] if 0 <= row < len(self._items) else None
        self._pick(None)
        for name, view in self.views.items():
            if item is None:
                view.set_current_span(None)
            elif name == GOLD:
                gold = self._gold_at(item)
                view.set_current_span(gold.id if gold is not None else None)
                if gold is None:
                    view.select_range(item.start, item.start)
            else:
                span = item.first(name)
                view.set_current_span(span.id if span is not None else None)
                if span is None:
                    view.select_range(item.start, item.start)  # scrolls the caret there
        self._show_provenance()

    def step(self, direction: int) -> None:
        """Next / previous item that is not an agreement (wrapping), as F8 does in diff tools."""
        count = len(self._items)
        if not count:
            return
        row = self.item_list.currentRow()
        for offset in range(1, count + 1):
            candidate = (row + direction * offset) % count
            if self._items[candidate].kind != "agreement":
                self.item_list.setCurrentRow(candidate)
                return
        self.statusBar().showMessage(Errors.E541, 5000)

    def _sync_scroll(self, source: DocumentView) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            bar = source.verticalScrollBar()
            fraction = bar.value() / bar.maximum() if bar.maximum() else 0.0
            for view in self.views.values():
                if view is not source:
                    other = view.verticalScrollBar()
                    other.setValue(round(fraction * other.maximum()))
        finally:
            self._syncing = False

    def _span_clicked(self, who: str, span_id: int) -> None:
        """Clicking a span selects the item it belongs to (or, in gold, shows its provenance)."""
        for row, item in enumerate(self._items):
            found = self._gold_at(item) if who == GOLD else None
            if (found is not None and found.id == span_id) or (who != GOLD and span_id in item.span_ids()):
                self.item_list.setCurrentRow(row)
                break
        self.views[who].set_current_span(span_id, scroll=False)  # the clicked one, if the item has several
        if who != GOLD:
            self._pick(self.views[who].span(span_id))
        self._show_provenance()

    def _pick(self, span: SpanRecord | None) -> None:
        """The annotator span whose relations and attribute values can be accepted into gold."""
        self._picked = span
        self.attribute_combo.clear()
        if span is None:
            self.picked_label.setText("Click a span in an annotator's layer to accept its relations or attributes.")
        else:
            relations = len(self._relations_of(span))
            self.picked_label.setText(f"Picked: {span.annotator}'s {span.label} — {relations} relation(s), "
                                      f"{len(span.attrs)} attribute(s)")
            self.attribute_combo.addItems(sorted(str(key) for key in span.attrs))
        self.accept_relations_button.setEnabled(span is not None)
        self.accept_attribute_button.setEnabled(span is not None and bool(span.attrs))

    @property
    def picked(self) -> SpanRecord | None:
        return self._picked

    def _relations_of(self, span: SpanRecord) -> list[RelationRecord]:
        view = self.views.get(span.annotator)
        relations = self._project.annotations.relations(self._doc_id, annotators=[span.annotator],
                                                        layers=["annotation"]) if view is not None else []
        return [relation for relation in relations if span.id in (relation.head_id, relation.tail_id)]

    # --- gold and provenance -------------------------------------------------------------------

    def _gold_at(self, item: CompareItem) -> SpanRecord | None:
        """The gold span adjudicated for this item: one of its versions' offsets, else overlapping."""
        gold = self.views[GOLD]
        candidates = [span for span_id in gold.span_ids_in_order() if (span := gold.span(span_id)) is not None]
        versions = {(span.start, span.end) for spans in item.versions.values() for span in spans}
        overlapping = [span for span in candidates if span.start < item.end and item.start < span.end]
        exact = [span for span in overlapping if (span.start, span.end) in versions]
        chosen = exact or overlapping
        return chosen[0] if chosen else None

    def current_gold(self) -> SpanRecord | None:
        gold = self.views[GOLD]
        span_id = gold.current_span_id()
        return gold.span(span_id) if span_id is not None else None

    def _show_provenance(self) -> None:
        span = self.current_gold()
        if span is None:
            self.provenance_label.setText("No gold span here yet: accept a version.")
            return
        self.provenance_label.setText(bridge.provenance_html(self._project, span))

    # --- adjudication --------------------------------------------------------------------------

    def accept_version(self, who: str) -> None:
        """Copy ``who``'s spans of the selected item into gold, with their provenance."""
        item = self.current_item()
        spans = item.versions.get(who, ()) if item is not None else ()
        if not spans:
            self.report_error(Errors.E542.format(annotator=who))
            return
        labels = ", ".join(span.label for span in spans)
        self.perform(adjudicate.AcceptSpans(spans, self._adjudicator, label=f"Accept {who}'s {labels}"))

    def accept_all_agreed(self) -> None:
        accepted = self.perform(adjudicate.AcceptAgreed(self._doc_id, self._annotators, self._adjudicator))
        if accepted is not None:
            self.statusBar().showMessage(f"{len(accepted)} agreed spans accepted into gold.", 5000)

    def reject_item(self) -> None:
        """Turn the selected difference down: every version there is marked rejected, gold unchanged."""
        item = self.current_item()
        if item is None:
            return
        self.perform(adjudicate.reject_spans([span for versions in item.versions.values() for span in versions]))

    def delete_gold(self) -> None:
        span = self.current_gold()
        if span is None:
            self.report_error(Errors.E543)
            return
        self.perform(adjudicate.delete_gold(span))

    def relabel_gold(self, label: str) -> None:
        span = self.current_gold()
        if span is None:
            self.report_error(Errors.E543)
            return
        self.perform(adjudicate.relabel_gold(span, label))

    def fit_gold_to_selection(self) -> None:
        """Edit a gold span's boundaries: select the right stretch in any layer's view first."""
        span = self.current_gold()
        selected = next((view.selected_range() for view in self.views.values() if view.selected_range()), None)
        if span is None or selected is None:
            self.report_error(Errors.E543 if span is None else Errors.E547)
            return
        self.perform(adjudicate.resize_gold(span, *selected))

    def accept_relations(self) -> None:
        """The picked span's relations into gold, between the gold copies of their two ends."""
        span = self._picked
        relations = self._relations_of(span) if span is not None else []
        if span is None or not relations:
            self.report_error(Errors.E548)
            return
        self.perform(adjudicate.AcceptRelations(relations, self._adjudicator,
                                                label=f"Accept {span.annotator}'s relations"))

    def accept_attribute(self, key: str) -> None:
        """One attribute value of the picked span onto the gold span selected for this item."""
        span, gold = self._picked, self.current_gold()
        if span is None or gold is None or not key:
            self.report_error(Errors.E543 if gold is None else Errors.E548)
            return
        self.perform(adjudicate.AcceptAttribute(gold, span, key))

    def comment_gold(self) -> None:
        span = self.current_gold()
        if span is None:
            self.report_error(Errors.E543)
            return
        self.perform(adjudicate.CommentSpan(span, self._adjudicator, self.comment_edit.text()))
        self.comment_edit.clear()

    def mark_reviewed(self) -> None:
        if self.perform(adjudicate.mark_reviewed(self._doc_id, self._adjudicator)) is not None:
            self.statusBar().showMessage(f"Marked reviewed by {self._adjudicator}.", 5000)

    # --- the history -----------------------------------------------------------------------------

    def perform(self, operation: Operation) -> object | None:
        """Run one decision through the adjudicator's history; its result, or None when it was
        refused (a conflict reloads and says so; anything else is reported)."""
        return self._guarded(lambda: self.history.perform(operation).result)

    def undo(self) -> None:
        if self.history.undo_label is not None:
            self._guarded(self.history.undo)

    def redo(self) -> None:
        if self.history.redo_label is not None:
            self._guarded(self.history.redo)

    def _guarded(self, run: Callable[[], object]) -> object | None:
        try:
            result = run()
        except ConflictError as error:  # a StepRefused too: the step was dropped
            self.report_conflict(str(error))
            return None
        except UserError as error:
            self.report_error(str(error))
            return None
        return result if result is not None else True

    def _history_changed(self) -> None:
        if not isValid(self.undo_action):  # the window is gone; the history outlives it
            self.history.remove_listener(self._history_changed)
            return
        for action, verb, label in ((self.undo_action, "Undo", self.history.undo_label),
                                    (self.redo_action, "Redo", self.history.redo_label)):
            action.setText(f"&{verb} {label}" if label else f"&{verb}")
            action.setEnabled(label is not None)

    def _changes_arrived(self, changes: Changes) -> None:
        """Any change of this document, the reviewer's own or a teammate's, reloads the layers."""
        if changes.touches_document(self._doc_id):
            self.show_document(self._doc_id)
            self.goldChanged.emit(self._doc_id)

    # --- reloading and reporting -----------------------------------------------------------------

    def refresh(self) -> None:
        self.show_document(self._doc_id)
        self.goldChanged.emit(self._doc_id)

    def report_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)
        if self.isVisible() and not self.property("quiet_errors"):
            QMessageBox.information(self, "Adjudication", message)

    def report_conflict(self, message: str) -> None:
        """Another reviewer (or the annotator) changed what a decision touched: reload the layers
        so the current value shows, and say why nothing happened (a non-blocking dialog)."""
        self.refresh()
        self.statusBar().showMessage(message, 10_000)
        if self.conflict_dialog is not None:
            self.conflict_dialog.deleteLater()
        self.conflict_dialog = show_conflict(self, message)

