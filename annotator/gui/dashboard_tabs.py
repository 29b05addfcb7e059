"""The dashboard's tabs: a Matplotlib canvas with Export PNG… / Export SVG… each, and for the
actor network a list of its links and of the spans behind the chosen one.

Canvases are ``FigureCanvasQTAgg`` (Matplotlib's Qt canvas, which runs on PySide6) showing the
core's figures (``annotator.dashboard.charts``); a new dashboard replaces the canvas with one for
the new figure. A click on the network canvas goes through ``charts.edge_at``, the same geometry
the edges were drawn with; the links list beside it does the same for keyboard users.

On a dark palette the charts on screen are drawn dark too (Matplotlib's ``dark_background``
style on the window's own colour), so the dashboard is not a white slab in a dark window;
exported charts are drawn again in the light style, since they go into printed reports.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import matplotlib
import matplotlib.style
from matplotlib.backend_bases import MouseEvent
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.dashboard.charts import NetworkChart, edge_at, figure_for, network_figure
from annotator.dashboard.compute import Dashboard
from annotator.dashboard.network import NetworkEdge
from annotator.dashboard.report import save_figure
from annotator.errors import Errors, UserError
from annotator.output_files import ProtectedPaths

EDGE_ROLE = Qt.ItemDataRole.UserRole


def screen_style() -> AbstractContextManager[object]:
    """Matplotlib settings for charts on screen: dark ones when the window's palette is dark."""
    window = QApplication.palette().color(QPalette.ColorRole.Window)
    if window.lightness() >= 128:
        return nullcontext()
    dark = dict(matplotlib.style.library["dark_background"])
    dark.update({"figure.facecolor": window.name(), "axes.facecolor": window.name(),
                 "savefig.facecolor": window.name()})
    return matplotlib.rc_context(dark)


class ChartTab(QWidget):
    """One chart and its export buttons."""

    message = Signal(str)

    def __init__(self, name: str, title: str, protected: ProtectedPaths) -> None:
        super().__init__()
        self.name = name
        self.title = title
        self.protected = protected  # the project's files, which no export may land on
        self.canvas: FigureCanvasQTAgg | None = None
        self.dashboard: Dashboard | None = None  # what the chart shows, to draw it again for export
        self.png_button = QPushButton("Export PNG…")
        self.svg_button = QPushButton("Export SVG…")
        self.png_button.clicked.connect(lambda: self.export("png"))
        self.svg_button.clicked.connect(lambda: self.export("svg"))
        for button in (self.png_button, self.svg_button):
            button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.png_button)
        buttons.addWidget(self.svg_button)
        self.chart_holder = QWidget()
        self.chart_area = QVBoxLayout(self.chart_holder)
        self.chart_area.setContentsMargins(0, 0, 0, 0)
        self.placeholder: QLabel | None = QLabel("Computing…")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_area.addWidget(self.placeholder, 1)
        self.main_layout = QVBoxLayout(self)
        self.main_layout.addWidget(self.chart_holder, 1)
        self.main_layout.addLayout(buttons)

    @property
    def figure(self) -> Figure | None:
        return None if self.canvas is None else self.canvas.figure

    def show_dashboard(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard
        with screen_style():
            self.show_figure(figure_for(self.name, dashboard))

    def export_figure(self) -> Figure | None:
        """The chart as exported: drawn again in the light style, whatever the window's theme."""
        return None if self.dashboard is None else figure_for(self.name, self.dashboard)

    def show_figure(self, figure: Figure) -> None:
        """Show ``figure`` in a new canvas in place of the previous one."""
        if self.placeholder is not None:
            self.placeholder.deleteLater()
            self.placeholder = None
        if self.canvas is not None:
            self.chart_area.removeWidget(self.canvas)
            self.canvas.deleteLater()
        self.canvas = FigureCanvasQTAgg(figure)
        self.canvas.setMinimumSize(320, 240)
        self.chart_area.addWidget(self.canvas, 1)
        self.canvas.draw_idle()
        for button in (self.png_button, self.svg_button):
            button.setEnabled(True)

    def export(self, fmt: str, path: Path | None = None, *, force: bool = False) -> Path | None:
        """Save the chart as PNG or SVG; without ``path`` the analyst picks the file (and the save
        dialog asks before replacing one); otherwise an existing file is replaced only with ``force``."""
        figure = self.export_figure()
        if figure is None:
            self.message.emit(Errors.E582)
            return None
        if path is None:
            name, _filter = QFileDialog.getSaveFileName(self, f"Export {self.title} as {fmt.upper()}",
                                                        f"{self.name}.{fmt}", f"{fmt.upper()} image (*.{fmt})")
            if not name:
                return None
            path, force = Path(name), True
        try:
            save_figure(figure, path, fmt, protected=self.protected, force=force)
        except UserError as error:
            self.message.emit(str(error))
            return None
        self.message.emit(f"{self.title} written to {path}.")
        return path


class NetworkTab(ChartTab):
    """The actor network, its links, and the spans behind the chosen link."""

    documentRequested = Signal(int)

    def __init__(self, name: str, title: str, protected: ProtectedPaths) -> None:
        super().__init__(name, title, protected)
        self.chart: NetworkChart | None = None
        self.edge_list = _tree(["From", "Link", "To", "Weight"], stretch=(0, 2))
        self.edge_list.currentItemChanged.connect(self._edge_item_changed)
        self.span_list = _tree(["Document", "Annotator", "From", "Threat / claim", "To"], stretch=(0, 3))
        self.span_list.itemDoubleClicked.connect(self._span_activated)
        self.span_list.itemActivated.connect(self._span_activated)
        self.span_caption = QLabel("Click a link in the chart or the list to see the spans behind it.")
        self.span_caption.setWordWrap(True)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel("Links (heaviest first):"))
        side_layout.addWidget(self.edge_list, 2)
        side_layout.addWidget(self.span_caption)
        side_layout.addWidget(self.span_list, 3)
        self.main_layout.removeWidget(self.chart_holder)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.chart_holder)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([780, 420])
        self.main_layout.insertWidget(0, splitter, 1)

    def show_dashboard(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard
        with screen_style():
            self.chart = network_figure(dashboard.network, dashboard.colors)
            self.show_figure(self.chart.figure)
        assert self.canvas is not None
        self.canvas.mpl_connect("button_press_event", self._clicked)
        network = dashboard.network
        self.edge_list.clear()
        self.span_list.clear()
        for edge in network.edges:
            item = QTreeWidgetItem([network.nodes[edge.source].name, edge.kind, network.nodes[edge.target].name,
                                    str(edge.weight)])
            item.setData(0, EDGE_ROLE, edge)
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.edge_list.addTopLevelItem(item)
        first = self.edge_list.topLevelItem(0)
        if first is not None:  # the heaviest link's spans, so the list is never idle
            self.edge_list.setCurrentItem(first)

    def _clicked(self, event: MouseEvent) -> None:
        if self.chart is None or event.x is None or event.y is None:
            return
        edge = edge_at(self.chart, event.x, event.y)
        if edge is not None:
            self.select_edge(edge)

    def _edge_item_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if current is not None:
            self.show_evidence(current.data(0, EDGE_ROLE))

    def select_edge(self, edge: NetworkEdge) -> None:
        """Choose ``edge`` as a click on it does: highlighted in the list, its spans listed."""
        for row in range(self.edge_list.topLevelItemCount()):
            item = self.edge_list.topLevelItem(row)
            if item is not None and item.data(0, EDGE_ROLE) is edge:
                self.edge_list.setCurrentItem(item)  # → _edge_item_changed → show_evidence
                return
        self.show_evidence(edge)

    def show_evidence(self, edge: NetworkEdge) -> None:
        """List the spans behind ``edge`` and bring it forward in the chart."""
        self._highlight(edge)
        self.span_list.clear()
        for item in edge.evidence:
            row = QTreeWidgetItem([item.document_title, item.annotator, item.source_text,
                                   item.middle_text + (f" ({item.threat_type})" if item.threat_type else ""),
                                   item.target_text])
            row.setData(0, EDGE_ROLE, item.document_id)
            for column in range(5):
                row.setToolTip(column, row.text(column))
            self.span_list.addTopLevelItem(row)
        spans = len(edge.evidence)
        self.span_caption.setText(f"{spans} span{'s' if spans != 1 else ''} behind this {edge.kind} link "
                                  "(double-click one to open its document):")

    def _highlight(self, edge: NetworkEdge) -> None:
        if self.chart is None or self.canvas is None:
            return
        for drawn, arrow in self.chart.drawn:
            arrow.set_alpha(0.95 if drawn is edge else 0.3)
            arrow.set_zorder(2.5 if drawn is edge else 2)
        self.canvas.draw_idle()

    def _span_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.documentRequested.emit(item.data(0, EDGE_ROLE))


def _tree(headers: list[str], stretch: tuple[int, ...]) -> QTreeWidget:
    """A flat list with columns; the ``stretch`` ones share the width, the others fit their text."""
    tree = QTreeWidget()
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    header = tree.header()
    header.setStretchLastSection(False)
    for column in range(len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return tree
