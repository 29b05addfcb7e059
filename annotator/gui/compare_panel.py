"""The comparison window's decision controls: the competing versions of the selected item side
by side, the buttons that adjudicate, the picked span, and the gold span's provenance.

Why a widget of its own: the panel only asks for a decision (a signal per kind) and shows what
it is told; which item or gold span the decision applies to, and performing it as a core
operation through the adjudicator's history, stay with the window. The picked span (an
annotator's span clicked in their layer) lives here, because what can be accepted from it (its
relations, one of its attribute values) is what the panel offers.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.review_bridge import CompareItem
from annotator.store.records import SpanRecord

NOTHING_PICKED = "Click a span in an annotator's layer to accept its relations or attributes."


class DecisionPanel(QWidget):
    """Accept a version, reject, edit or comment gold, accept a picked span's relations or
    attributes, mark reviewed; each button emits its request for the window to carry out."""

    acceptVersionRequested = Signal(str)  # annotator
    acceptAgreedRequested = Signal()
    rejectRequested = Signal()
    deleteGoldRequested = Signal()
    relabelRequested = Signal(str)  # label
    fitRequested = Signal()
    commentRequested = Signal()  # the text is in comment_edit
    acceptRelationsRequested = Signal()
    acceptAttributeRequested = Signal(str)  # attribute key
    reviewedRequested = Signal()

    def __init__(self, annotators: Sequence[str], labels: Sequence[str]) -> None:
        super().__init__()
        self._picked: SpanRecord | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._annotators = list(annotators)
        self.versions_table = self._versions_table()
        layout.addWidget(self.versions_table)
        self.show_versions(None)
        self.accept_buttons: dict[str, QPushButton] = {}
        for index, name in enumerate(annotators, start=1):
            button = QPushButton(f"Accept {name}'s version" + (f" (Ctrl+{index})" if index <= 9 else ""))
            button.clicked.connect(lambda _checked=False, who=name: self.acceptVersionRequested.emit(who))
            layout.addWidget(button)
            self.accept_buttons[name] = button
        accept_agreed = QPushButton("Accept all agreed items")
        accept_agreed.clicked.connect(self.acceptAgreedRequested)
        reject = QPushButton("Reject difference")
        reject.setToolTip("Mark every version here rejected; nothing goes to gold.")
        reject.clicked.connect(self.rejectRequested)
        delete_gold = QPushButton("Delete gold span")
        delete_gold.clicked.connect(self.deleteGoldRequested)
        for button in (accept_agreed, reject, delete_gold):
            layout.addWidget(button)
        layout.addLayout(self._edit_row(labels))
        layout.addLayout(self._comment_row())
        self.picked_label = QLabel(NOTHING_PICKED)
        self.picked_label.setWordWrap(True)
        layout.addWidget(self.picked_label)
        layout.addLayout(self._picked_row())
        reviewed = QPushButton("Mark reviewed")
        reviewed.clicked.connect(self.reviewedRequested)
        layout.addWidget(reviewed)
        self.provenance_label = QLabel()
        self.provenance_label.setWordWrap(True)
        self.provenance_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.provenance_label)

    def _versions_table(self) -> QTableWidget:
        """One row per annotator (their key, name, version) and gold's value last."""
        table = QTableWidget(len(self._annotators) + 1, 3)
        table.setHorizontalHeaderLabels(["Key", "Who", "Version"])
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setWordWrap(True)
        rows = [*((f"Ctrl+{index}" if index <= 9 else "", name) for index, name in enumerate(self._annotators, 1)),
                ("", "Gold")]
        self._cells: list[tuple[QTableWidgetItem, ...]] = []
        for row, (key, who) in enumerate(rows):
            cells = tuple(QTableWidgetItem(text) for text in (key, who, ""))
            for column, cell in enumerate(cells):
                table.setItem(row, column, cell)
            self._cells.append(cells)
        return table

    def show_versions(self, item: CompareItem | None) -> None:
        """The selected item's competing versions side by side, and what gold holds now."""
        title = "" if item is None else item.topic or "labels"
        self.versions_table.setHorizontalHeaderLabels(["Key", "Who", f"Version: {title}" if title else "Version"])
        for name, (_key, _who, cell) in zip(self._annotators, self._cells, strict=False):
            cell.setText("" if item is None else item.version_text(name))
            font = cell.font()
            font.setBold(item is not None and item.kind != "agreement")
            cell.setFont(font)
        self._cells[-1][2].setText("" if item is None else item.gold_text())
        table = self.versions_table
        table.resizeRowsToContents()
        table.setFixedHeight(table.verticalHeader().length() + table.horizontalHeader().sizeHint().height()
                             + 2 * table.frameWidth())

    def version_cells(self) -> list[tuple[str, str, str]]:
        """(key, who, version) of each row as shown, gold's last: what the reviewer reads."""
        return [(key.text(), who.text(), value.text()) for key, who, value in self._cells]

    def _edit_row(self, labels: Sequence[str]) -> QHBoxLayout:
        row = QHBoxLayout()
        self.relabel_combo = QComboBox()
        self.relabel_combo.addItems(list(labels))
        relabel = QPushButton("Relabel gold")
        relabel.clicked.connect(lambda: self.relabelRequested.emit(self.relabel_combo.currentText()))
        fit = QPushButton("Fit to selection")
        fit.setToolTip("Give the gold span the offsets of the text selected in any view.")
        fit.clicked.connect(self.fitRequested)
        row.addWidget(self.relabel_combo, 1)
        row.addWidget(relabel)
        row.addWidget(fit)
        return row

    def _comment_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.comment_edit = QLineEdit()
        self.comment_edit.setPlaceholderText("Reviewer comment on the gold span…")
        self.comment_edit.returnPressed.connect(self.commentRequested)
        comment = QPushButton("Comment")
        comment.clicked.connect(self.commentRequested)
        row.addWidget(self.comment_edit, 1)
        row.addWidget(comment)
        return row

    def _picked_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.accept_relations_button = QPushButton("Accept its relations")
        self.accept_relations_button.clicked.connect(self.acceptRelationsRequested)
        self.attribute_combo = QComboBox()
        self.accept_attribute_button = QPushButton("Accept attribute")
        self.accept_attribute_button.clicked.connect(
            lambda: self.acceptAttributeRequested.emit(self.attribute_combo.currentText()))
        row.addWidget(self.accept_relations_button)
        row.addWidget(self.attribute_combo, 1)
        row.addWidget(self.accept_attribute_button)
        return row

    @property
    def picked(self) -> SpanRecord | None:
        return self._picked

    def pick(self, span: SpanRecord | None, relations: int = 0) -> None:
        """The annotator span whose relations (``relations`` of them) and attribute values can be
        accepted into gold; None: nothing picked."""
        self._picked = span
        self.attribute_combo.clear()
        if span is None:
            self.picked_label.setText(NOTHING_PICKED)
        else:
            self.picked_label.setText(f"Picked: {span.annotator}'s {span.label} — {relations} relation(s), "
                                      f"{len(span.attrs)} attribute(s)")
            self.attribute_combo.addItems(sorted(str(key) for key in span.attrs))
        self.accept_relations_button.setEnabled(span is not None)
        self.accept_attribute_button.setEnabled(span is not None and bool(span.attrs))

    def show_provenance(self, html: str | None) -> None:
        """The gold span's provenance as rich text; None: no gold span here yet."""
        self.provenance_label.setText("No gold span here yet: accept a version." if html is None else html)
