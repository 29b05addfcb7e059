"""View ▸ Document order: the document list (and with it Next document and Mark done and next,
Ctrl+Enter) in the list's own order, least certain first or most disagreement first.

The order is computed by the core (``annotator.review.ordering``) in the background when chosen,
when the project changes, and again when the analyst chooses it anew (to take in the decisions
made since): recomputing after every edit would move the rows under the analyst's hands. The
choice is kept in the settings; the status bar says which order is on and how many documents it
ranked, each title's tooltip why the document stands where it does. Clicking a column header
sorts by that column and turns the active order off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QLabel, QMenu

from annotator.errors import UserError
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.workers import BackgroundTask
from annotator.review.order_names import ORDER_TITLES, ORDERS
from annotator.review.ordering import ActiveOrder, compute_order

if TYPE_CHECKING:
    from annotator.gui.mainwindow import MainWindow

MENU_TITLES: dict[str | None, str] = {None: "&List order (by column)", "uncertain": "Least &certain first",
                                      "disagreement": "Most &disagreement first"}


class DocumentOrder(QObject):
    """The active order of the window's document list, its menu and its status bar label."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.kind: str | None = None  # the order chosen (None: the list's own)
        self.order: ActiveOrder | None = None  # as computed for ``kind``
        self._computing: BackgroundTask | None = None
        self.label = QLabel()
        self.label.hide()
        window.statusBar().addPermanentWidget(self.label)
        self.actions: dict[str | None, QAction] = {}
        window.doc_model.modelReset.connect(self._list_reset)

    def use_menu(self, menu: QMenu) -> None:
        """The menu's choices, one checked; the kept choice is computed at once."""
        group = QActionGroup(menu)
        for kind, title in MENU_TITLES.items():
            action = QAction(title, menu, checkable=True)
            action.triggered.connect(lambda _checked=False, chosen=kind: self.choose(chosen))
            group.addAction(action)
            menu.addAction(action)
            self.actions[kind] = action
        kept = self._window.settings.document_order
        self.choose(kept if kept in ORDERS else None)

    def choose(self, kind: str | None) -> None:
        """Put the list in ``kind``'s order (computed afresh), or back in its own (None)."""
        self.kind = kind
        self._window.settings.document_order = kind
        self.actions[kind].setChecked(True)
        if kind is None:
            self._computing = None
            self._apply(None)
            return
        self.label.setText(f"Order: {ORDER_TITLES[kind]} (computing…)")  # type: ignore[index]
        self.label.show()
        project = self._window.project
        task = BackgroundTask(lambda _control: compute_order(project, kind))
        # Bound methods, not lambdas: Qt drops the connection if this object goes first (the
        # window closed while the order was computed).
        task.succeeded.connect(self._computed)
        task.failed.connect(self._failed)
        self._computing = task
        task.start()

    def follow_project(self) -> None:
        """Another project is open: its documents need their own order."""
        if self.kind is not None:
            self.choose(self.kind)
        else:
            self._computing = None  # an order still computed was for the old project

    def _current_task(self) -> bool:
        """Whether the task reporting is the newest one started (a later choice, or another
        project, makes an earlier result beside the point)."""
        return self.sender() is self._computing and self._computing is not None

    def _computed(self, order: ActiveOrder) -> None:
        if self._current_task():
            self._computing = None
            self._apply(order)

    def _failed(self, error: BaseException) -> None:
        if not self._current_task():
            return
        self._computing = None
        message = str(error) if isinstance(error, UserError) else show_unexpected_error(error, None, self._window)
        self._window.show_message(message)
        self.kind = None
        self._window.settings.document_order = None
        self.actions[None].setChecked(True)
        self._apply(None)

    def _apply(self, order: ActiveOrder | None) -> None:
        """The list in ``order``, the document shown staying current; the status bar says so."""
        window = self._window
        self.order = order
        current = window.editor.document
        window.doc_model.active_order = order
        window.doc_model.reload()
        window.doc_list.table.horizontalHeader().setSortIndicatorShown(order is None)  # no column orders it now
        if current is not None:
            window.doc_list.select_document(current.id)
        if order is None:
            self.label.hide()
            window.show_message("Documents in the list's own order.")
            return
        ranked, total = order.ranked(), len(window.doc_model.ids)
        self.label.setText(f"Order: {order.title}")
        self.label.setToolTip(f"{ranked} of {total} documents ranked; the others follow in the list's order "
                              "(each title's tooltip says why). Choose the order again to recompute it.")
        self.label.show()
        window.show_message(f"{order.title}: {ranked} of {total} documents ranked; Ctrl+Enter follows this order.")

    def _list_reset(self) -> None:
        """A column header was clicked: the list sorts by it and the active order is off."""
        if self.order is not None and self._window.doc_model.active_order is None:
            self.kind, self.order = None, None
            self._window.settings.document_order = None
            self.actions[None].setChecked(True)
            self.label.hide()
            self._window.doc_list.table.horizontalHeader().setSortIndicatorShown(True)

