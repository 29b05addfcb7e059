"""The actor registry dialog: every canonical actor, edited in place, committed at once.

Name, type and country are edited in the table (a rename keeps the old name as an alias, as
``Actors.rename`` does); aliases are added and removed with buttons; two selected actors can be
merged after a confirmation that names which one survives; actors can be deleted, leaving their
mentions unlinked. Every edit is a core operation (``annotator.ops.actors``) performed through
the analyst's history (``History.of(project, annotator)``), so Ctrl+Z / Ctrl+Shift+Z here, or
the main window's Edit menu, take it back and forth; an undone delete or merge puts the actors
back under their ids with their aliases and links. After each change the dialog emits
``changed``; it reloads itself when the change feed reports actors changed by anyone.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from annotator.errors import UserError
from annotator.gui.conflicts import show_conflict
from annotator.gui.ops_bridge import OpsBridge
from annotator.ops import History, Operation
from annotator.ops import actors as registry
from annotator.schema import LabelSchema
from annotator.store.actors import ACTOR_LABEL, Actors
from annotator.store.change_log import Changes
from annotator.store.records import ActorRecord
from annotator.store.versions import ConflictError

COLUMNS = ("Name", "Type", "Country", "Aliases", "Mentions")
NAME, TYPE, COUNTRY, ALIASES, MENTIONS = range(len(COLUMNS))
ACTOR_ID_ROLE = Qt.ItemDataRole.UserRole


def actor_types(schema: LabelSchema) -> list[str]:
    """The ACTOR label's ``actor_type`` values: what an actor's type may be (empty: anything)."""
    label = schema.span_label(ACTOR_LABEL)
    attribute = label.attribute("actor_type") if label is not None else None
    return list(attribute.values) if attribute is not None else []


class _TypeDelegate(QStyledItemDelegate):
    """The type column: a combo box of the schema's actor types, plus "none"."""

    def __init__(self, types: list[str], parent: QWidget) -> None:
        super().__init__(parent)
        self._types = types

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802 - Qt's name
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        if not self._types:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)  # its user property, currentText, carries the value both ways
        combo.addItems(["", *self._types])
        return combo


class ActorRegistryDialog(QDialog):
    changed = Signal()

    def __init__(self, parent: QWidget | None, actors: Actors, schema: LabelSchema, *,
                 history: History | None = None, bridge: OpsBridge | None = None) -> None:
        """``history``: the analyst's (by default the parent window's project and annotator);
        ``bridge``: the change feed to follow (by default the parent window's, if it has one)."""
        super().__init__(parent)
        self.setWindowTitle("Actor registry")
        self._actors = actors
        self._records: dict[int, ActorRecord] = {}
        self._filling = False
        self.conflict_dialog: QMessageBox | None = None
        self.history = history or History.of(parent.project, parent.annotator)  # type: ignore[union-attr]
        feed = bridge or getattr(parent, "bridge", None)
        if isinstance(feed, OpsBridge):
            feed.changed.connect(self._changes_arrived)
        self.undo_action = self._history_action("Undo", QKeySequence.StandardKey.Undo, self.undo)
        self.redo_action = self._history_action("Redo", QKeySequence("Ctrl+Shift+Z"), self.redo)
        self.history.add_listener(self._history_changed)
        self._history_changed()

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by name or alias")
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setItemDelegateForColumn(TYPE, _TypeDelegate(actor_types(schema), self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ALIASES, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.new_button = QPushButton("&New actor…")
        self.new_button.clicked.connect(self.new_actor)
        self.add_alias_button = QPushButton("&Add alias…")
        self.add_alias_button.clicked.connect(self.add_alias)
        self.remove_alias_button = QPushButton("&Remove alias…")
        self.remove_alias_button.clicked.connect(self.remove_alias)
        self.merge_button = QPushButton("&Merge…")
        self.merge_button.setToolTip("Merge the two selected actors into one")
        self.merge_button.clicked.connect(self.merge_selected)
        self.delete_button = QPushButton("&Delete…")
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.add_alias_button, self.remove_alias_button, self.merge_button,
                       self.delete_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.resize(860, 520)
        self.reload()

    # --- showing -----------------------------------------------------------------------------

    def reload(self, select: list[int] | None = None) -> None:
        """Read the registry again; keep (or make) the selection ``select`` (actor ids)."""
        chosen = set(self.selected_ids() if select is None else select)
        records = self._actors.all()
        self._records = {record.id: record for record in records}
        self._filling = True
        self.table.setRowCount(len(records))
        for row, record in enumerate(records):
            values = (record.name, record.type or "", record.country or "", "; ".join(record.aliases),
                      str(record.mentions))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(ACTOR_ID_ROLE, record.id)
                if column in (ALIASES, MENTIONS):
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if column == MENTIONS:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self._filling = False
        self.table.resizeColumnsToContents()
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row in range(self.table.rowCount()):
            if self._row_id(row) in chosen:
                self.table.selectRow(row)
        self.table.setSelectionMode(mode)
        self._apply_filter(self.filter_edit.text())
        self._update_buttons()

    def row_of(self, actor_id: int) -> int | None:
        return next((row for row in range(self.table.rowCount()) if self._row_id(row) == actor_id), None)

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self._row_id(row) for row in rows]

    def _row_id(self, row: int) -> int:
        item = self.table.item(row, NAME)
        assert item is not None  # every row is filled by reload
        return int(item.data(ACTOR_ID_ROLE))

    def _apply_filter(self, text: str) -> None:
        wanted = text.strip().casefold()
        for row in range(self.table.rowCount()):
            record = self._records[self._row_id(row)]
            shown = not wanted or any(wanted in name.casefold() for name in (record.name, *record.aliases))
            self.table.setRowHidden(row, not shown)

    def _update_buttons(self) -> None:
        count = len(self.selected_ids())
        for button in (self.add_alias_button, self.remove_alias_button):
            button.setEnabled(count == 1)
        self.merge_button.setEnabled(count == 2)
        self.delete_button.setEnabled(count >= 1)

    # --- the history -------------------------------------------------------------------------

    def _history_action(self, verb: str, key: QKeySequence | QKeySequence.StandardKey,
                        slot: Callable[[], None]) -> QAction:
        action = QAction(verb, self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _history_changed(self) -> None:
        if not isValid(self.undo_action):  # the dialog is gone; the history outlives it
            self.history.remove_listener(self._history_changed)
            return
        for action, verb, label in ((self.undo_action, "Undo", self.history.undo_label),
                                    (self.redo_action, "Redo", self.history.redo_label)):
            action.setText(f"{verb} {label}" if label else verb)
            action.setEnabled(label is not None)

    def perform(self, operation: Operation, title: str) -> object | None:
        """Run one registry edit through the history; its result, or None when refused (said in
        a box titled ``title``, or the conflict dialog)."""
        return self._guarded(lambda: self.history.perform(operation).result, title)

    def undo(self) -> None:
        if self.history.undo_label is not None:
            self._guarded(self.history.undo, "Not undone")
            self._changed(self.selected_ids())

    def redo(self) -> None:
        if self.history.redo_label is not None:
            self._guarded(self.history.redo, "Not redone")
            self._changed(self.selected_ids())

    def _guarded(self, run: Callable[[], object], title: str) -> object | None:
        try:
            result = run()
        except ConflictError as error:  # a refused undo/redo (StepRefused) too
            self.reload()
            if self.conflict_dialog is not None:
                self.conflict_dialog.deleteLater()
            self.conflict_dialog = show_conflict(self, str(error))
            return None
        except UserError as error:
            QMessageBox.warning(self, title, str(error))
            return None
        return True if result is None else result

    def _changes_arrived(self, changes: Changes) -> None:
        """Actors changed by anyone (a teammate, the CLI, an undo in the main window): reload."""
        editing = self.table.state() == QAbstractItemView.State.EditingState
        if (changes.actors or changes.everything) and self.isVisible() and not editing:
            self.reload()

    # --- editing -----------------------------------------------------------------------------

    def _changed(self, select: list[int]) -> None:
        """Show the registry as it is now (also after a refused edit) and tell the window."""
        self.reload(select)
        self.changed.emit()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        """An in-place edit: rename, or change type or country, at once."""
        if self._filling:
            return
        actor_id = int(item.data(ACTOR_ID_ROLE))
        value = item.text().strip()
        record = self._records[actor_id]
        if item.column() == NAME and value != record.name:
            self.perform(registry.rename(record, value), "Actor not changed")
        elif item.column() == TYPE and (value or None) != record.type:
            self.perform(registry.update(record, type=value or None), "Actor not changed")
        elif item.column() == COUNTRY and (value or None) != record.country:
            self.perform(registry.update(record, country=value or None), "Actor not changed")
        # Later: rebuilding the table now would delete the item whose change is being signalled.
        QTimer.singleShot(0, lambda: self._changed([actor_id]))

    def new_actor(self) -> None:
        name, accepted = QInputDialog.getText(self, "New actor", "Canonical name of the new actor:")
        if accepted and name.strip():
            record = self.perform(registry.create(name), "Actor not created")
            if isinstance(record, ActorRecord):
                self._changed([record.id])

    def add_alias(self) -> None:
        [actor_id] = self.selected_ids()
        record = self._records[actor_id]
        alias, accepted = QInputDialog.getText(self, "Add alias", f"Another name for “{record.name}”, "
                                               "e.g. “the Kremlin” for the Russian government:")
        if accepted and alias.strip():
            if self.perform(registry.add_alias(record, alias), "Alias not added") is not None:
                self._changed([actor_id])

    def remove_alias(self) -> None:
        [actor_id] = self.selected_ids()
        record = self._records[actor_id]
        aliases = [alias for alias in record.aliases if alias != record.name]
        if not aliases:
            QMessageBox.information(self, "No aliases", f"“{record.name}” has no aliases besides its name.")
            return
        alias, accepted = QInputDialog.getItem(self, "Remove alias", f"Alias of “{record.name}” to forget "
                                               "(it will no longer be suggested):", aliases, 0, False)
        if accepted and alias:
            self.perform(registry.remove_alias(record, alias), "Alias not removed")
            self._changed([actor_id])

    def merge_selected(self) -> None:
        """Merge two actors: the analyst picks which one survives, or cancels."""
        first, second = (self._records[actor_id] for actor_id in self.selected_ids())
        box = QMessageBox(QMessageBox.Icon.Question, "Merge actors",
                          f"Merge “{first.name}” and “{second.name}” into one actor?\n\nThe other actor's "
                          "mentions and aliases move to the one you keep, and its name becomes an alias. "
                          "Undo (Ctrl+Z) splits them again.", QMessageBox.StandardButton.Cancel, self)
        keep_first = box.addButton(f"Keep “{first.name}”", QMessageBox.ButtonRole.AcceptRole)
        keep_second = box.addButton(f"Keep “{second.name}”", QMessageBox.ButtonRole.AcceptRole)
        box.exec()
        clicked = box.clickedButton()
        if clicked not in (keep_first, keep_second):
            return
        survivor, absorbed = (first, second) if clicked is keep_first else (second, first)
        if self.perform(registry.merge(survivor, absorbed), "Actors not merged") is not None:
            self._changed([survivor.id])

    def delete_selected(self) -> None:
        records = [self._records[actor_id] for actor_id in self.selected_ids()]
        names = ", ".join(f"“{record.name}”" for record in records)
        mentions = sum(record.mentions for record in records)
        answer = QMessageBox.question(
            self, "Delete actors", f"Delete {names} from the registry? {mentions} linked mention"
            f"{'' if mentions == 1 else 's'} stay, unlinked. Undo (Ctrl+Z) puts them back.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.perform(registry.delete(*records), "Actors not deleted")
        self._changed([])
