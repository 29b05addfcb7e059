"""The first screen: the document list and the analyst's document, painted before the core loads.

Importing the core (SQLAlchemy, SQLModel, pydantic, the schema, every panel's module) and
opening the project take about a second of pure Python, against 0.1 s for a bare PySide6 window.
The first screen needs none of it: the document list and the text of the document the window
will open come from one read-only sqlite3 read (``store.quick_reads``, SQLite itself, so the rule
of never opening the project file by other means holds), shown in a window laid out as the main
window is (its saved geometry and splitter sizes, the same text view, theme and font size). The
core is imported on a thread meanwhile (``CoreImport``); the main window is then built, put where
this one is and shown over it, and this one closes.

Usable meanwhile, and nothing lost. The keys that read (move, select, copy: the text view's own,
``textview.keys.is_view_key``) work at once. Every other key (a label, undo, a menu's key) is kept
and given to the main window in order once it is shown, after the caret, the selection and the
reading place were carried over, so a label key pressed on a selection labels that selection.
Mouse clicks in the text move the caret and select, as in the main window; the list and the
side panel take none until then. The title says the project is opening ("Opening NAME… —
Annotator"), where the main window's names the document first ("document — project — Annotator").

Only the ordinary restart is served: a SQLite project at this version's schema, a known
annotator, and the document the window will open known without the store (the last one opened,
or with the default order the first one not done). Anything else (a first launch, a database
URL, a project to migrate, a damaged file, another document order) returns None from ``read``,
and the start takes the splash's path, which owns every question and message.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.gui import window_layout
from annotator.gui.offsets import OffsetMap
from annotator.gui.reading_place import row_of, top_position
from annotator.gui.settings import GuiSettings, ReadingPlace
from annotator.gui.textview import DocumentView
from annotator.gui.textview.keys import is_view_key
from annotator.gui.theme import ThemeManager
from annotator.store.quick_reads import fetch_overview, quick_read

if TYPE_CHECKING:
    from annotator.gui.mainwindow import MainWindow

# What the main window's start imports, in the order it needs them; on the core's thread.
CORE_MODULES = ("annotator.errors", "annotator.store.project", "annotator.corpus.sample", "annotator.store.backups",
                "annotator.gui.dialogs", "annotator.gui.workers", "annotator.gui.mainwindow")
LIST_COLUMNS = ("ID", "Title", "Status", "Spans", "Last edit", "Lang")
MENU_TITLES = ("&File", "&Edit", "&View", "&Document", "&Suggestions", "&Review", "&Help")
STATUS_TITLES = {"todo": "To do", "in_progress": "In progress", "done": "Done", "reviewed": "Reviewed"}
ACTIVE_WAIT_MS = 1000
ACTIVE_POLL_MS = 10
OPENING = "Opening"  # the title's first word, until the main window takes over


@dataclass(frozen=True)
class FirstRead:
    """What the first screen shows: the list's rows and the document the window will open."""

    rows: list[tuple[int, str, str, int, str]]  # id, title, status title, own spans, language
    document: int
    text: str


def read(location: str | None, annotator: str | None, settings: GuiSettings) -> FirstRead | None:
    """The first screen's contents, or None where the splash's path must start the window."""
    if not location or not annotator:
        return None
    last = settings.last_document(location)
    unordered = settings.document_order is None

    def fetch(connection: object) -> FirstRead | None:
        import sqlite3

        assert isinstance(connection, sqlite3.Connection)
        overview = fetch_overview(connection)
        ids = [row["id"] for row in overview]
        document = last if last in ids else None
        if document is None and unordered and ids:  # the main window's rule for a project's first opening
            document = next((row["id"] for row in overview if row["status"].get(annotator) != "done"), ids[0])
        if document is None:
            return None
        found = connection.execute("SELECT text FROM document WHERE id = ?", (document,)).fetchone()
        rows = [(row["id"], row["title"] or row["name"], STATUS_TITLES.get(row["status"].get(annotator, "todo"), ""),
                 row["spans"].get(annotator, 0), row["language"] or "") for row in overview]
        return FirstRead(rows, document, found[0]) if found else None

    return quick_read(location, fetch)  # type: ignore[arg-type]


class CoreImport(QObject):
    """Imports ``CORE_MODULES`` on a thread and says when it is done (or what failed), in the
    GUI thread. Python's import lock makes a module imported there whole before the GUI thread
    can use it; no widget is made on the thread."""

    done = Signal(object)  # None, or the exception the import raised

    def start(self) -> None:
        threading.Thread(target=self._run, name="core import", daemon=True).start()

    def _run(self) -> None:
        try:
            for name in CORE_MODULES:
                importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - a broken install: reported in the GUI thread
            self.done.emit(error)
            return
        self.done.emit(None)


class FirstScreen(QMainWindow):
    """The window shown while the core loads; ``hand_over`` gives its place and keys to the main window."""

    painted = Signal()  # once, after the text's first paint: the core's import may start

    def __init__(self, first: FirstRead, location: str, settings: GuiSettings) -> None:
        super().__init__()
        self._settings = settings
        self._location = location
        self._document = first.document
        self._kept: list[QKeyEvent] = []
        self._text = first.text
        self._offsets = OffsetMap(first.text)
        self._moved = False
        self._painted = False
        self._taking_over: MainWindow | None = None  # from the main window's show to the keys' replay
        self.setWindowTitle(f"{OPENING} {Path(location).name}… — Annotator")
        self.theme = ThemeManager(_application(), parent=self)
        self.theme.apply(settings.theme)
        for title in MENU_TITLES:
            self.menuBar().addMenu(title).setEnabled(False)  # the main window's menus, live once it is
        self.statusBar().showMessage("Opening the project… keys pressed now are kept for it.")
        self.view = DocumentView()
        if settings.font_size is not None:
            self.view.set_font_point_size(settings.font_size)
        self.view.set_document(first.text, [], [], {}, owner=None)
        self.view.installEventFilter(self)
        self.view.viewport().installEventFilter(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self._list(first))
        self.splitter.addWidget(self.view)
        side = QScrollArea()
        side.setMinimumWidth(window_layout.SIDE_MIN_WIDTH)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        window_layout.lay_out(self, self.splitter)  # as the main window, so the text keeps its lines
        window_layout.restore(self, self.splitter, settings)
        place = settings.reading_place(location)
        if place is not None and place.document == first.document:
            self._go_to(place)
        self.view.setFocus()

    def _list(self, first: FirstRead) -> QWidget:
        """The document list as ``doclist.DocumentListPanel`` lays it out (filter row, table of
        the same row height and columns), without its model, which needs the store."""
        table = QTableWidget(len(first.rows), len(LIST_COLUMNS))
        table.setHorizontalHeaderLabels(list(LIST_COLUMNS))
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        for row, (doc_id, title, status, spans, language) in enumerate(first.rows):
            for column, value in enumerate((str(doc_id), title, status, str(spans), "", language)):
                item = QTableWidgetItem(value)
                if column in (0, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
            if doc_id == first.document:
                table.selectRow(row)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        filter_box = QLineEdit()
        filter_box.setPlaceholderText("Filter by title or name")
        status_filter = QComboBox()
        status_filter.addItem("All")
        filters = QHBoxLayout()
        filters.addWidget(filter_box, 1)
        filters.addWidget(status_filter)
        panel = QWidget()
        panel.setEnabled(False)  # live in the main window
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(table)
        return panel

    def _go_to(self, place: ReadingPlace) -> None:
        """The remembered line at the top and the caret where it was: the view scrolled to its end,
        then to the line above it, which Qt puts at the top."""
        end = len(self._text)
        cursor = QTextCursor(self.view.document())
        self.view.verticalScrollBar().setValue(self.view.verticalScrollBar().maximum())
        cursor.setPosition(self._offsets.to_qt(min(place.top, end)))
        self.view.setTextCursor(cursor)
        cursor.setPosition(self._offsets.to_qt(min(place.caret, end)))
        self.view.setTextCursor(cursor)

    # --- keys kept for the main window -----------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if self._taking_over is not None:  # every key waits for the replay, in the order pressed
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()  # so no shortcut fires ahead of the keys kept before it
                return True
            if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                self._keep(event)
            return kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
        if kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) and isinstance(event, QKeyEvent):
            if is_view_key(event):
                self._moved = True
                return False
            if kind == QEvent.Type.KeyPress:
                self._keep(event)
            return True
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.Wheel):
            self._moved = True
        elif kind == QEvent.Type.Paint and not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self.painted.emit)  # after this paint, not before it
        return False

    def _keep(self, event: QKeyEvent) -> None:
        self._kept.append(QKeyEvent(event.type(), event.key(), event.modifiers(), event.text(),
                                    event.isAutoRepeat(), event.count()))

    def hand_over(self, build: Callable[[], MainWindow]) -> MainWindow:
        """Build the main window with this one's reading place, show it where this one is with the
        selection made here, close, and give it the kept keys once it is the active window."""
        if self._moved:
            self._settings.set_reading_place(self._location, self._place())
        window = build()
        window.setGeometry(self.geometry())
        self.view.removeEventFilter(self)
        self.view.viewport().removeEventFilter(self)
        self._taking_over = window
        _application().installEventFilter(self)
        window.show()
        QApplication.processEvents()  # keys still queued for this window are kept before it closes
        view = window.view
        shown = window.editor.document
        mine = self.view.textCursor()
        if self._moved and shown is not None and shown.id == self._document \
                and max(mine.anchor(), mine.position()) < view.document().characterCount():
            cursor = view.textCursor()
            cursor.setPosition(mine.anchor())
            cursor.setPosition(mine.position(), QTextCursor.MoveMode.KeepAnchor)
            view.setTextCursor(cursor)
        self.close()
        window.raise_()
        window.activateWindow()
        view.setFocus()
        self._replay(ACTIVE_WAIT_MS // ACTIVE_POLL_MS)
        return window

    def _replay(self, polls_left: int) -> None:
        """The kept keys, to the main window's focus widget, once the window is active (its
        shortcuts only work then) or after ``ACTIVE_WAIT_MS`` (a desktop that will not say)."""
        window = self._taking_over
        if window is None:
            return
        if not window.isActiveWindow() and polls_left > 0:
            QTimer.singleShot(ACTIVE_POLL_MS, window, lambda: self._replay(polls_left - 1))
            return
        _application().removeEventFilter(self)
        self._taking_over = None
        for key in self._kept:
            target = QApplication.focusWidget() or window.view
            QApplication.sendEvent(target, key)  # not spontaneous: Qt tries the window's shortcuts first
            QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyRelease, key.key(), key.modifiers(), key.text()))
        self._kept.clear()

    def _place(self) -> ReadingPlace:
        """Where the analyst is on this screen, as ``PlaceMemory`` keeps it."""
        top = top_position(self.view)
        return ReadingPlace(self._document, self._offsets.from_qt(top),
                            self._offsets.from_qt(self.view.textCursor().position()), None, row_of(self.view, top))


def _application() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication), "the first screen is shown by a running QApplication"
    return app
