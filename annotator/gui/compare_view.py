"""The comparison window: one document, the chosen annotators' layers stacked, and adjudication.

Why a window of its own rather than a mode of the main window: the reviewer keeps the editor
(their own layer) and the agreement window open beside it. Every decision is a core operation
(``annotator.ops.adjudication``) performed through the adjudicator's one history
(``History.of(project, adjudicator)``): Undo and Redo here are a view of it, as the main
window's Edit menu is, and each undo or redo is one transaction. The window reloads whenever a
change (its own, or a teammate's the change feed found) touches its document, through the main
window's ``OpsBridge`` (or its own when opened alone).

The window ties three widgets together: the stacked layers (``compare_layers.LayerStack``), the
list of compared items from the core (``compare_list.DifferenceList``) and the decision controls
(``compare_panel.DecisionPanel``). Selecting an item makes each annotator's span current in
their view; the window decides what each decision applies to and performs it. Its way through
the documents is ``compare_flow``; the gold edits that ask something first (relabel, clear a
value) are ``compare_gold``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from annotator.errors import Errors, UserError
from annotator.gui import review_bridge as bridge
from annotator.gui.compare_flow import DocumentFlow, first_pending_row
from annotator.gui.compare_gold import GoldEdits
from annotator.gui.compare_layers import GOLD, LayerStack
from annotator.gui.compare_list import DifferenceList, legend
from annotator.gui.compare_panel import DecisionPanel
from annotator.gui.conflicts import show_conflict
from annotator.gui.ops_bridge import OpsBridge
from annotator.gui.review_bridge import CompareItem
from annotator.gui.textview import DocumentView
from annotator.ops import History, Operation, curation
from annotator.ops import adjudication as adjudicate
from annotator.review.agreed import AgreedReport
from annotator.store import Project
from annotator.store.change_log import Changes
from annotator.store.records import SpanRecord
from annotator.store.versions import ConflictError


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
        self.flow = DocumentFlow(self)  # next / previous / next undecided document
        self.gold_edits = GoldEdits(self, adjudicator)  # relabel and clear, with their dialogs
        self.conflict_dialog: QMessageBox | None = None  # the last "changed by someone else" box
        self.report_box: QMessageBox | None = None  # what the last Accept all agreed took and left
        self.history = History.of(project, adjudicator)
        shared = bridge or getattr(parent, "bridge", None)
        self.bridge = shared if isinstance(shared, OpsBridge) else OpsBridge(project, self)
        self.bridge.changed.connect(self._changes_arrived)
        self.layers = LayerStack(project, self._annotators, adjudicator)
        self.layers.spanClicked.connect(self._span_clicked)
        self.views: dict[str, DocumentView] = self.layers.views
        self.item_list = DifferenceList(self._annotators)
        self.item_list.currentRowChanged.connect(self._item_selected)
        self.panel = DecisionPanel(self._annotators, [spec.name for spec in project.schema.span_labels])
        self._connect_panel()

        self._build()
        self._build_actions()
        self.history.add_listener(self._history_changed)
        self._history_changed()
        self.show_document(doc_id)

    # --- construction --------------------------------------------------------------------------

    def _connect_panel(self) -> None:
        panel = self.panel
        panel.acceptVersionRequested.connect(self.accept_version)
        panel.acceptAgreedRequested.connect(self.accept_all_agreed)
        panel.rejectRequested.connect(self.reject_item)
        panel.deleteGoldRequested.connect(self.delete_gold)
        panel.relabelRequested.connect(self.relabel_gold)
        panel.fitRequested.connect(self.fit_gold_to_selection)
        panel.commentRequested.connect(self.comment_gold)
        panel.acceptRelationsRequested.connect(self.accept_relations)
        panel.acceptAttributeRequested.connect(self.accept_attribute)
        panel.reviewedRequested.connect(self.mark_reviewed)

    def _build(self) -> None:
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(QLabel("Differences (F8 / Shift+F8, ] / [):"))
        side_layout.addWidget(self.item_list, 1)
        side_layout.addWidget(legend())
        side_layout.addWidget(self.panel)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.layers)
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
            ("Mark re&viewed (and go to the next undecided document)", self.mark_reviewed, ["Ctrl+Return"]),
            ("Re&label gold span…", lambda: self.gold_edits.choose_label(), ["F2"]),
            ("&Clear a gold attribute value…", lambda: self.clear_attribute(), ["Ctrl+Delete"]),
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
        self.flow.add_actions(menu)

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
        return self.item_list.compared

    @property
    def picked(self) -> SpanRecord | None:
        return self.panel.picked

    def show_document(self, doc_id: int) -> None:
        """(Re)load the document's layers and the compared items: the same document keeps the
        selected row, another (or the first) opens at its first undecided difference."""
        document = self._project.documents.get(doc_id)
        new = doc_id != self._doc_id or not self._text
        if new:
            self._doc_id = doc_id
            self._text = document.text
            self.layers.set_document(doc_id, self._text)
        else:
            self.layers.reload(doc_id)
        self.setWindowTitle(f"Compare: {document.title or document.name} — {', '.join(self._annotators)}")
        self.item_list.set_compared(bridge.compare(self._project, self._doc_id, self._annotators), self._text)
        if new and self.items:
            with QSignalBlocker(self.item_list):
                self.item_list.setCurrentRow(first_pending_row(self.items))
        self._item_selected(self.item_list.currentRow())

    def current_item(self) -> CompareItem | None:
        return self.item_list.current_compared()

    def select_item(self, row: int) -> None:
        self.item_list.setCurrentRow(row)

    def _item_selected(self, row: int) -> None:
        self._pick(None)
        item = self.item_list.compared_at(row)
        self.layers.show_item(item)
        self.panel.show_versions(item)
        self._show_provenance()

    def step(self, direction: int) -> None:
        """Next / previous item that is not an agreement (wrapping), as F8 does in diff tools."""
        if not self.item_list.step(direction):
            self.statusBar().showMessage(Errors.E541, 5000)
            return
        differences = [item for item in self.items if item.kind != "agreement"]
        current = self.current_item()
        place = next((n for n, item in enumerate(differences, start=1) if item is current), 0)
        if current is not None and place:
            self.statusBar().showMessage(f"Difference {place} of {len(differences)}: "
                                         f"{current.kind.replace('_', ' ')}, {current.state}.", 5000)

    def _span_clicked(self, who: str, span_id: int) -> None:
        """Clicking a span selects the item it belongs to (or, in gold, shows its provenance)."""
        for row, item in enumerate(self.item_list.compared):
            found = self.layers.gold_at(item) if who == GOLD else None
            if (found is not None and found.id == span_id) or (who != GOLD and span_id in item.span_ids()):
                self.item_list.setCurrentRow(row)
                break
        self.views[who].set_current_span(span_id, scroll=False)  # the clicked one, if the item has several
        if who != GOLD:
            self._pick(self.views[who].span(span_id))
        self._show_provenance()

    def _pick(self, span: SpanRecord | None) -> None:
        """The annotator span whose relations and attribute values can be accepted into gold."""
        self.panel.pick(span, len(self.layers.relations_of(self._doc_id, span)) if span is not None else 0)

    # --- gold and provenance -------------------------------------------------------------------

    def current_gold(self) -> SpanRecord | None:
        return self.layers.current_gold()

    def _show_provenance(self) -> None:
        span = self.current_gold()
        self.panel.show_provenance(bridge.provenance_html(self._project, span) if span is not None else None)
        combo = self.panel.relabel_combo  # the label gold has here, never one left from another item
        if span is None:
            combo.setCurrentIndex(-1)
        else:
            combo.setCurrentText(span.label)

    # --- adjudication --------------------------------------------------------------------------

    def accept_version(self, who: str) -> None:
        """Take ``who``'s version of the selected item into gold, whatever its kind (their spans,
        an attribute value, an actor link, relations, document labels), with its provenance;
        the status bar says what was taken."""
        item = self.current_item()
        if item is None:
            self.report_error(Errors.E542.format(annotator=who))
            return
        try:
            operation, title = bridge.take_version(item, who, self._adjudicator)
        except UserError as error:
            self.report_error(str(error))
            return
        if self.perform(operation) is not None:
            self.statusBar().showMessage(f"Took {title} into gold.", 10_000)

    def accept_all_agreed(self) -> None:
        """Everything the compared annotators made alike into gold (one step); what it took and
        what it left are said in the status bar and in a message."""
        report = self.perform(adjudicate.AcceptAgreed(self._doc_id, self._annotators, self._adjudicator))
        if isinstance(report, AgreedReport):
            self.statusBar().showMessage(report.text(), 15_000)
            if self.report_box is not None:
                self.report_box.deleteLater()
            self.report_box = QMessageBox(QMessageBox.Icon.Information, "Accept all agreed", report.text(),
                                          QMessageBox.StandardButton.Ok, self)
            self.report_box.open()  # not exec(): the window and its keys go on

    def reject_item(self) -> None:
        """Turn the selected difference down, gold unchanged: a span item's versions are marked
        rejected, any other item's rejection is recorded (``curation.reject_difference``)."""
        item = self.current_item()
        if item is None:
            return
        if item.kind not in bridge.SPAN_KINDS:
            try:
                operation = curation.reject_difference(item.difference, self._adjudicator)
            except UserError as error:
                self.report_error(str(error))
                return
            if self.perform(operation) is not None:
                self.statusBar().showMessage(f"Rejected {item.who_said_what(self._annotators)}: nothing goes to gold.",
                                             10_000)
            return
        if self.perform(adjudicate.reject_spans([span for versions in item.versions.values() for span in versions])):
            self.statusBar().showMessage(f"Rejected {item.who_said_what(self._annotators)}: nothing goes to gold.",
                                         10_000)

    def delete_gold(self) -> None:
        span = self.current_gold()
        if span is None:
            self.report_error(Errors.E543)
            return
        self.perform(adjudicate.delete_gold(span))

    def relabel_gold(self, label: str) -> None:
        """Relabel the selected gold span; a dialog asks for the required attributes the new label
        would lack (``compare_gold``)."""
        self.gold_edits.relabel(label)

    def clear_attribute(self, key: str | None = None) -> None:
        """Take an attribute value (``key``, or one the reviewer picks) off the selected gold span."""
        self.gold_edits.clear_attribute(key)

    def fit_gold_to_selection(self) -> None:
        """Edit a gold span's boundaries: select the right stretch in any layer's view first."""
        span = self.current_gold()
        selected = self.layers.selected_range()
        if span is None or selected is None:
            self.report_error(Errors.E543 if span is None else Errors.E547)
            return
        self.perform(adjudicate.resize_gold(span, *selected))

    def accept_relations(self) -> None:
        """The picked span's relations into gold, between the gold copies of their two ends."""
        span = self.panel.picked
        relations = self.layers.relations_of(self._doc_id, span) if span is not None else []
        if span is None or not relations:
            self.report_error(Errors.E548)
            return
        self.perform(adjudicate.AcceptRelations(relations, self._adjudicator,
                                                label=f"Accept {span.annotator}'s relations"))

    def accept_attribute(self, key: str) -> None:
        """One attribute value of the picked span onto the gold span selected for this item."""
        span, gold = self.panel.picked, self.current_gold()
        if span is None or gold is None or not key:
            self.report_error(Errors.E543 if gold is None else Errors.E548)
            return
        self.perform(adjudicate.AcceptAttribute(gold, span, key))

    def comment_gold(self) -> None:
        span = self.current_gold()
        if span is None:
            self.report_error(Errors.E543)
            return
        self.perform(adjudicate.CommentSpan(span, self._adjudicator, self.panel.comment_edit.text()))
        self.panel.comment_edit.clear()

    def mark_reviewed(self) -> None:
        """Mark the document reviewed and move on to the next undecided document (staying, and
        saying so, when none is left)."""
        if self.perform(adjudicate.mark_reviewed(self._doc_id, self._adjudicator)) is not None:
            done = f"Marked {self.windowTitle().removeprefix('Compare: ')} reviewed by {self._adjudicator}"
            moved = self.flow.next_undecided(report=False)
            after = self.statusBar().currentMessage() if moved else Errors.E1225.format(
                annotators=", ".join(self._annotators))
            self.statusBar().showMessage(f"{done}. {after}", 15_000)

    # --- the history -----------------------------------------------------------------------------

    def perform(self, operation: Operation) -> object | None:
        """Run one decision through the adjudicator's history; its result, or None when it was
        refused (a conflict reloads and says so; anything else is reported)."""
        return self._guarded(lambda: self.history.perform(operation).result)

    def undo(self) -> None:
        label = self.history.undo_label
        if label is not None and self._guarded(self.history.undo) is not None:
            self.statusBar().showMessage(f"Undid: {label}.", 10_000)

    def redo(self) -> None:
        label = self.history.redo_label
        if label is not None and self._guarded(self.history.redo) is not None:
            self.statusBar().showMessage(f"Redid: {label}.", 10_000)

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

