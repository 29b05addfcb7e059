"""The document list: a table model over ids that fetches only the rows on screen.

Modelled on Anki's browser table: a filter or sort asks the core for ids only (one cheap query
even for 100,000 documents); ``data()`` fetches the summaries of a window of rows around the
one asked for, caches them, and later calls are served from the cache. The view must therefore
never ask every row for its size: the table uses fixed row heights and fixed column widths.

Those widths come from the font, not from pixels written down: the narrow columns (id, status,
spans, last edit) are as wide as the widest value they can show, and the title takes the rest.
The last column is the language detected on import (or set by the analyst: the list's context
menu or Document ▸ Set language…), fetched with the rows on screen.

"Last edit" is short so that it fits ("14:05" today, "7 Dec" this year, "Dec 2025" before), with
the full date and time in its tooltip, as the full title is in the title's.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.review.ordering import ActiveOrder
from annotator.store.documents import Documents
from annotator.store.records import DocumentSummary
from annotator.store.review_states import ReviewState, ReviewStates

FETCH_WINDOW = 100
TITLE_CHARS = 60  # a document title in a window title
WIDEST_COUNT = "88888"  # the span counts a column is made wide enough for
MAX_CACHED = 20_000
FILTER_DELAY_MS = 250
STATUS_TITLES = {"todo": "To do", "in_progress": "In progress", "done": "Done", "reviewed": "Reviewed"}
_STATUS_COLORS = {"todo": "#808080", "in_progress": "#d08c00", "done": "#2e9d46", "reviewed": "#3b6fb6"}
# The status filter's entries for review across annotators (the statuses above are the analyst's own).
REVIEW_FILTERS = {"review:yes": "Reviewed by anyone", "review:no": "Not reviewed"}

Index = QModelIndex | QPersistentModelIndex


class DocumentListModel(QAbstractTableModel):
    """Rows are documents in the chosen order; columns id, title, status, spans, last edit."""

    COLUMNS = ("ID", "Title", "Status", "Spans", "Last edit", "Lang")
    SORT_KEYS = ("id", "title", "status", None, "updated", None)  # the core cannot order by span count or language
    LANGUAGE = 5

    def __init__(self, documents: Documents, annotator: str) -> None:
        super().__init__()
        self._documents = documents
        self._annotator = annotator
        self._ids: list[int] = []
        self._rows: dict[int, int] | None = None  # id -> row, built on first look-up
        self._cache: dict[int, DocumentSummary] = {}
        self._title_filter = ""
        self._status_filter: str | None = None
        self._sort = "id"
        self._descending = False
        # The span count of a document somebody keeps already (the editor, for the open one):
        # (doc id, annotator) -> count, or None to count it in the store.
        self.known_span_count: Callable[[int, str], int | None] = lambda doc_id, annotator: None
        # Review state of the rows fetched (an icon before the title, a line in its tooltip) and
        # the filter by it; read by ``reviews`` (the window sets it for the project it shows).
        self.reviews: ReviewStates | None = None
        self._review: dict[int, ReviewState] = {}
        self._review_filter: bool | None = None
        self._languages: dict[int, str | None] = {}  # of the rows fetched
        # View ▸ Document order (``doc_order``): an active order arranges the listed ids and says
        # in each title's tooltip why the document stands there; sorting by a column ends it.
        self.active_order: ActiveOrder | None = None
        self._reload_ids()

    # --- what is listed ----------------------------------------------------------------------

    @property
    def ids(self) -> list[int]:
        """Document ids in display order (do not modify)."""
        return self._ids

    @property
    def filtered_by_status(self) -> bool:
        """True when a status filter is set: a status change may add or drop rows."""
        return self._status_filter is not None or self._review_filter is not None

    def set_annotator(self, annotator: str) -> None:
        self._annotator = annotator
        self.reload()

    def use_documents(self, documents: Documents, annotator: str) -> None:
        """List another project's documents (File ▸ Open project)."""
        self._documents = documents
        self.set_annotator(annotator)

    def set_filter(self, title_filter: str, status: str | None) -> None:
        self._title_filter = title_filter.strip()
        self._review_filter = None if status not in REVIEW_FILTERS else status == "review:yes"
        self._status_filter = None if status in REVIEW_FILTERS else status
        self.reload()

    def reload(self) -> None:
        """Ask for the ids again (after an import, a filter change or a sort)."""
        self.beginResetModel()
        self._reload_ids()
        self.endResetModel()

    def _reload_ids(self) -> None:
        ids = self._documents.ids(title_filter=self._title_filter, status=self._status_filter,
                                  annotator=self._annotator, sort=self._sort)
        if self._review_filter is not None and self.reviews is not None:
            reviewed = self.reviews.reviewed_ids()
            ids = [doc_id for doc_id in ids if (doc_id in reviewed) == self._review_filter]
        self._ids = ids[::-1] if self._descending else ids
        if self.active_order is not None:
            self._ids = self.active_order.arrange(ids)
        self._rows = None
        self._cache.clear()
        self._review.clear()
        self._languages.clear()

    def doc_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, doc_id: int) -> int | None:
        if self._rows is None:
            self._rows = {value: row for row, value in enumerate(self._ids)}
        return self._rows.get(doc_id)

    def summary(self, row: int) -> DocumentSummary | None:
        doc_id = self._ids[row]
        if doc_id not in self._cache:
            self._fetch_around(row)
        return self._cache.get(doc_id)

    def refresh_document(self, doc_id: int) -> None:
        """Fetch one row again after an edit (span count, status, last edit)."""
        self._cache.pop(doc_id, None)
        self._review.pop(doc_id, None)
        self._languages.pop(doc_id, None)
        row = self.row_of(doc_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def _fetch_around(self, row: int) -> None:
        if len(self._cache) > MAX_CACHED:
            self._cache.clear()
        first = row - row % FETCH_WINDOW
        wanted = [doc_id for doc_id in self._ids[first:first + FETCH_WINDOW] if doc_id not in self._cache]
        counted = {doc_id: count for doc_id in wanted
                   if (count := self.known_span_count(doc_id, self._annotator)) is not None}
        for summary in self._documents.summaries(wanted, self._annotator, counted=counted):
            self._cache[summary.id] = summary
        if self.reviews is not None:
            self._review.update(self.reviews.of(wanted))
        self._languages.update(self._documents.languages(wanted))

    def language(self, row: int) -> str | None:
        """The language of the document in ``row`` (None: not known)."""
        self.summary(row)
        return self._languages.get(self._ids[row])

    def review(self, row: int) -> ReviewState:
        """The review state of the document in ``row`` (none known: not reviewed, no gold)."""
        self.summary(row)
        return self._review.get(self._ids[row], ReviewState())

    # --- Qt model interface ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.DecorationRole:
            return review_icon(self.review(index.row())) if index.column() == 1 else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole):
            return None
        summary = self.summary(index.row())
        if summary is None:  # deleted under us; the next reload drops the row
            return None
        column = index.column()
        if column == self.LANGUAGE:
            return self._language_data(index.row(), role)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 4:
                return f"Last edit {_local(summary.updated_at):%Y-%m-%d %H:%M:%S}"
            order = f"\n{self.active_order.title}: {self.active_order.note(summary.id)}" if self.active_order else ""
            return (f"{summary.title}\n{summary.name} · id {summary.id} · {summary.n_chars:,} characters\n"
                    f"{review_text(self.review(index.row()))}{order}")
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(_STATUS_COLORS[summary.status]) if column == 2 else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            numeric = column in (0, 3)
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter if numeric else None
        if column == 4:  # the time only where it is shown: a repainted row asks each cell
            return short_time(summary.updated_at)
        return (summary.id, summary.title or summary.name, STATUS_TITLES.get(summary.status, summary.status),
                summary.span_count)[column]

    def _language_data(self, row: int, role: int) -> Any:
        language = self.language(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return language or ""
        if role == Qt.ItemDataRole.ToolTipRole:
            said = f"Language: {language}" if language else "Language not known"
            return f"{said} (detected on import; Document ▸ Set language… corrects it)"
        return None

    def can_sort(self, column: int) -> bool:
        return self.SORT_KEYS[column] is not None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.SORT_KEYS[column]
        if key is None:
            return
        self._sort = key
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.active_order = None
        self.reload()


def review_text(state: ReviewState) -> str:
    """The title tooltip's line on review: who marked it reviewed, how much gold it has."""
    gold = f"{state.gold_spans:,} gold span{'s' if state.gold_spans != 1 else ''}" if state.gold_spans else "no gold yet"
    if state.reviewed:
        return f"Reviewed by {', '.join(state.reviewers)} · {gold}"
    return f"Not reviewed · {gold}"


_ICONS: dict[str, QIcon] = {}


def review_icon(state: ReviewState) -> QIcon | None:
    """Before the title: a filled blue disc with a tick once someone marked the document
    reviewed, a blue ring while it has gold but is not reviewed yet, nothing before that."""
    kind = "reviewed" if state.reviewed else "gold" if state.gold_spans else None
    if kind is None:
        return None
    if kind not in _ICONS:
        pixmap = QPixmap(16, 16)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = QColor(_STATUS_COLORS["reviewed"])
        painter.setPen(QPen(color, 2.0))
        painter.setBrush(color if kind == "reviewed" else Qt.GlobalColor.transparent)
        painter.drawEllipse(2, 2, 12, 12)
        if kind == "reviewed":
            painter.setPen(QPen(QColor("#ffffff"), 2.0))
            painter.drawPolyline([QPoint(5, 8), QPoint(7, 11), QPoint(11, 5)])
        painter.end()
        _ICONS[kind] = QIcon(pixmap)
    return _ICONS[kind]


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:  # SQLite hands back naive datetimes; they were stored in UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()


def short_time(moment: datetime, now: datetime | None = None) -> str:
    """When, in the fewest characters that still say it: the time today, the day this year,
    else the month (the tooltip has the rest)."""
    local = _local(moment)
    today = _local(now) if now is not None else datetime.now().astimezone()
    if local.date() == today.date():
        return f"{local:%H:%M}"
    if local.year == today.year:
        return f"{local.day} {local:%b}"
    return f"{local:%b %Y}"


def _widest_times() -> list[str]:
    """What ``short_time`` can show at its widest, for the column's width."""
    months = calendar.month_abbr[1:]
    return ["23:59", *(f"28 {month}" for month in months), *(f"{month} 2088" for month in months)]


def short_title(title: str, limit: int = TITLE_CHARS) -> str:
    """A title of at most ``limit`` characters, cut after a whole word where one ends in its
    second half, with an ellipsis: a first sentence used as a title runs to 200 characters."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[:limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space >= limit // 2 else cut).rstrip(" ,;:.-–—") + "…"


class DocumentListPanel(QWidget):
    """Filter box, status filter and the table; reports the document the analyst picks."""

    documentChosen = Signal(int)    # current row changed (mouse or arrow keys)
    documentClicked = Signal(int)   # a click: the analyst wants to work in it
    languageRequested = Signal(int)  # the context menu's Set language… (the window asks and sets it)

    def __init__(self, model: DocumentListModel) -> None:
        super().__init__()
        self.model = model
        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText("Filter by title or name")
        self.filter_box.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.status_filter.addItem("All", None)
        for status, title in STATUS_TITLES.items():
            self.status_filter.addItem(title, status)
        self.status_filter.insertSeparator(self.status_filter.count())
        for key, title in REVIEW_FILTERS.items():
            self.status_filter.addItem(title, key)
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_box.textChanged.connect(self._filter_timer.start)
        self.status_filter.currentIndexChanged.connect(self.apply_filter)

        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.fit_columns()
        model.modelReset.connect(self.fit_columns)  # more documents: wider ids
        # Sorting by hand rather than setSortingEnabled: a click on a column the core cannot sort
        # by (span count) must leave the order and the indicator as they are.
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self._sort_indicator = (0, Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._header_clicked)
        self._choosing = True  # False while the window, not the analyst, moves the current row
        self.table.clicked.connect(lambda index: self.documentClicked.emit(model.doc_id(index.row())))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)

        filters = QHBoxLayout()
        filters.addWidget(self.filter_box, 1)
        filters.addWidget(self.status_filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table)

    def fit_columns(self) -> None:
        """Each narrow column as wide as the widest value it can show and its header (with the
        sort arrow where it can be sorted by); the title stretches over the rest."""
        style = self.table.style()
        cell_margins = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + 4  # as the delegate's, and a little air
        label_margins = 4 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
        arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize)
        cells = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        labels = header.fontMetrics()
        widest = {0: [str(max(self.model.ids, default=1))], 2: list(STATUS_TITLES.values()), 3: [WIDEST_COUNT],
                  4: _widest_times(), DocumentListModel.LANGUAGE: ["mm"]}
        for column, values in widest.items():
            width = max(cells.horizontalAdvance(value) for value in values) + cell_margins
            sorted_by = arrow if self.model.can_sort(column) else 0  # span count and language never show it
            label = labels.horizontalAdvance(DocumentListModel.COLUMNS[column]) + label_margins + sorted_by
            header.resizeSection(column, max(width, label))

    def _header_clicked(self, column: int) -> None:
        header = self.table.horizontalHeader()
        if not self.model.can_sort(column):
            header.setSortIndicator(*self._sort_indicator)
            return
        self._sort_indicator = (header.sortIndicatorSection(), header.sortIndicatorOrder())
        current = self.current_document()
        self.model.sort(*self._sort_indicator)
        if current is not None:
            self.select_document(current)

    def _context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        menu = QMenu(self)
        menu.addAction("Set &language…", lambda: self.languageRequested.emit(self.model.doc_id(index.row())))
        menu.exec(self.table.viewport().mapToGlobal(position))

    def request_language(self) -> None:
        """Document ▸ Set language…: for the document current in the list."""
        current = self.current_document()
        if current is not None:
            self.languageRequested.emit(current)

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        current = self.current_document()
        self.model.set_filter(self.filter_box.text(), self.status_filter.currentData())
        if current is not None:
            self.select_document(current)

    def current_document(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.doc_id(index.row()) if index.isValid() else None

    def select_document(self, doc_id: int) -> None:
        """Show ``doc_id`` as current without reporting it back as a new choice."""
        row = self.model.row_of(doc_id)
        if row is None:
            self.table.clearSelection()
            return
        index = self.model.index(row, 0)
        self._choosing = False
        self.table.setCurrentIndex(index)
        self._choosing = True
        self.table.scrollTo(index)

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and self._choosing:
            self.documentChosen.emit(self.model.doc_id(current.row()))
