"""Review ▸ Dashboard…: progress, labels, agreement trend, actor network and timeline in tabs.

The window owns the filter controls and the exports; the data comes from
``annotator.dashboard.build_dashboard`` in a ``BackgroundTask`` (it reads the whole selection and
lays out the network), and the charts are the core's Matplotlib figures shown in
``FigureCanvasQTAgg`` canvases (``dashboard_tabs``). Changing a filter starts a new computation
at once; a result that arrives for filters changed since is dropped, so the charts always show
the filters on screen. Export report… writes HTML or PDF in the background too.

Edits made after a computation started (the analyst's own or a teammate's, from the main
window's change events) do not recompute by themselves: the computation reads the whole
selection and lays out the network, too much to repeat for each label an analyst sets. A line
above the charts says what changed since, with a Refresh button (F5). Document notes and
document labels, which no chart shows, do not count.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.dashboard.charts import CHARTS
from annotator.dashboard.compute import Dashboard, build_dashboard
from annotator.dashboard.filters import DASHBOARD_LAYERS, DashboardFilters, TrendBy, threat_types
from annotator.dashboard.report import write_html, write_pdf
from annotator.errors import Errors, UserError
from annotator.gui.dashboard_tabs import ChartTab, NetworkTab
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.follow_changes import ChangeFollower, describe
from annotator.gui.ops_bridge import OpsBridge
from annotator.gui.workers import BackgroundTask, progress_dialog
from annotator.output_files import ProtectedPaths
from annotator.store import Project
from annotator.store.change_log import Changes
from annotator.tasks import Cancelled, TaskControl

ALL = "All"
TREND_TITLES: dict[TrendBy, str] = {"annotated": "week annotated", "published": "week published"}
#: Tab titles with Alt+key mnemonics (the reports use the plain titles of ``CHARTS``).
TAB_TITLES = {"progress": "&Progress", "labels": "&Labels", "agreement": "A&greement trend",
              "network": "Actor &network", "timeline": "&Timeline"}


class DashboardWindow(QDialog):
    """Non-modal; one per project, reopened by the menu entry."""

    documentRequested = Signal(int)
    dashboardShown = Signal()

    def __init__(self, parent: QWidget, project: Project, *, bridge: OpsBridge | None = None) -> None:
        """``bridge``: the change events to follow (by default the parent window's, if it has one)."""
        super().__init__(parent)
        self.setWindowTitle(f"Dashboard — {project.display_name}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.project = project
        self.protected = ProtectedPaths.of(project.location)  # no export lands on the project or its backups
        self.dashboard: Dashboard | None = None
        self.task: BackgroundTask | None = None
        self._generation = 0  # which filters the latest computation was started for
        self.changed_since: Changes | None = None  # what changed since the latest computation started
        feed = bridge or getattr(parent, "bridge", None)
        self.follower = ChangeFollower(self, feed if isinstance(feed, OpsBridge) else None, _touches_figures,
                                       quiet_ms=0)
        self.follower.settled.connect(self._changes_arrived)

        self.threat_combo = QComboBox()
        self.threat_combo.addItem(f"{ALL} threat types", None)
        for value in threat_types(project.schema):
            self.threat_combo.addItem(value.replace("_", " "), value)
        self.from_check, self.from_edit = self._date_filter("From")
        self.to_check, self.to_edit = self._date_filter("To")
        self.layer_combo = QComboBox()
        for layer in DASHBOARD_LAYERS:
            self.layer_combo.addItem(layer, layer)
        self.annotator_combo = QComboBox()
        self.annotator_combo.addItem(f"{ALL} annotators", None)
        for name in project.annotator_names():
            self.annotator_combo.addItem(name, name)
        self.trend_combo = QComboBox()
        for key, title in TREND_TITLES.items():
            self.trend_combo.addItem(f"Agreement by {title}", key)
        for combo in (self.threat_combo, self.layer_combo, self.annotator_combo, self.trend_combo):
            combo.currentIndexChanged.connect(self.refresh)
        self.report_button = QPushButton("Export report…")
        self.report_button.setToolTip("One self-contained HTML file (charts embedded) or a PDF, one page a chart")
        self.report_button.clicked.connect(lambda: self.export_report())

        self.tabs = QTabWidget()
        self.chart_tabs: dict[str, ChartTab] = {}
        for name, title in CHARTS.items():
            tab = (NetworkTab if name == "network" else ChartTab)(name, title, self.protected)
            tab.message.connect(self.show_message)
            self.chart_tabs[name] = tab
            self.tabs.addTab(tab, TAB_TITLES.get(name, title))
        self.network_tab.documentRequested.connect(self.documentRequested)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.stale_notice, self.stale_label = self._stale_notice()
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.refresh)  # F5

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Threats:"))
        filters.addWidget(self.threat_combo)
        for check, edit in ((self.from_check, self.from_edit), (self.to_check, self.to_edit)):
            filters.addWidget(check)
            filters.addWidget(edit)
        filters.addWidget(QLabel("Layer:"))
        filters.addWidget(self.layer_combo)
        filters.addWidget(self.annotator_combo)
        filters.addWidget(self.trend_combo)
        filters.addStretch(1)
        filters.addWidget(self.report_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.stale_notice)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status_label)
        self.resize(1280, 820)

    def _date_filter(self, title: str) -> tuple[QCheckBox, QDateEdit]:
        """A publication-date bound: off until ticked, so "no bound" needs no magic date."""
        check = QCheckBox(title)
        check.setToolTip(f"{title} this publication date (articles without a date then drop out)")
        edit = QDateEdit(QDate.currentDate())
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setEnabled(False)
        check.toggled.connect(edit.setEnabled)
        check.toggled.connect(self.refresh)
        edit.dateChanged.connect(lambda _date: self.refresh() if check.isChecked() else None)
        return check, edit

    def _stale_notice(self) -> tuple[QFrame, QLabel]:
        """The line that says the figures are older than the project, with its Refresh button."""
        notice = QFrame()
        notice.setFrameShape(QFrame.Shape.StyledPanel)
        label = QLabel()
        label.setWordWrap(True)
        button = QPushButton("&Refresh")
        button.setToolTip("Compute the figures again for the current filters (F5)")
        button.clicked.connect(self.refresh)
        row = QHBoxLayout(notice)
        row.addWidget(label, 1)
        row.addWidget(button)
        notice.hide()
        return notice, label

    @property
    def network_tab(self) -> NetworkTab:
        tab = self.chart_tabs["network"]
        assert isinstance(tab, NetworkTab)
        return tab

    # --- computing -----------------------------------------------------------------------------

    def filters(self) -> DashboardFilters:
        """The filters as the controls show them."""
        threat = self.threat_combo.currentData()
        annotator = self.annotator_combo.currentData()
        return DashboardFilters(
            threat_types=frozenset({threat}) if threat else None,
            date_from=_day(self.from_edit) if self.from_check.isChecked() else None,
            date_to=_day(self.to_edit) if self.to_check.isChecked() else None,
            layer=self.layer_combo.currentData(),
            annotators=(annotator,) if annotator else None,
        )

    def refresh(self) -> BackgroundTask:
        """Compute the dashboard for the current filters off the GUI thread; an older
        computation still running is cancelled and its result ignored."""
        if self.task is not None:
            self.task.cancel()
        self.changed_since = None  # what commits from now on may or may not be in the figures
        self.stale_notice.hide()
        self._generation += 1
        generation = self._generation
        project, filters, trend_by = self.project, self.filters(), self.trend_combo.currentData()

        def work(control: TaskControl) -> Dashboard:
            return build_dashboard(project, filters, trend_by=trend_by, control=control)

        task = BackgroundTask(work)
        task.progressed.connect(lambda _done, _total, message: self._progressed(generation, message))
        task.succeeded.connect(lambda dashboard: self._computed(generation, dashboard))
        task.failed.connect(lambda error: self._failed(generation, error))
        self.task = task
        self.report_button.setEnabled(False)
        self.status_label.setText("Computing…")
        task.start()
        return task

    def _progressed(self, generation: int, message: str) -> None:
        if generation == self._generation and message:
            self.status_label.setText(f"{message}…")

    def _computed(self, generation: int, dashboard: Dashboard) -> None:
        if generation != self._generation:
            return
        self.task = None
        self.dashboard = dashboard
        for tab in self.chart_tabs.values():
            tab.show_dashboard(dashboard)
        self.report_button.setEnabled(True)
        data = dashboard.data
        self.status_label.setText(f"{len(data.documents)} documents, {len(data.spans)} spans, "
                                  f"{len(dashboard.network.edges)} actor links. "
                                  + "; ".join(dashboard.filters.describe()) + ".")
        self._show_stale()  # changes made while it computed
        self.dashboardShown.emit()

    def _failed(self, generation: int, error: Exception) -> None:
        if generation != self._generation or isinstance(error, Cancelled):
            return
        self.task = None
        self.status_label.setText(str(error) if isinstance(error, UserError)
                                  else show_unexpected_error(error, Errors.E580, self))

    # --- following the project ----------------------------------------------------------------

    def _changes_arrived(self, changes: Changes) -> None:
        self.changed_since = changes if self.changed_since is None else self.changed_since.merged(changes)
        if self.task is None:  # while computing, the notice waits for the figures it is about
            self._show_stale()

    def _show_stale(self) -> None:
        if self.changed_since is not None and self.dashboard is not None:
            self.stale_label.setText(Errors.E572.format(changes=describe(self.changed_since)))
            self.stale_notice.show()

    def show_message(self, text: str) -> None:
        self.status_label.setText(text)

    # --- report --------------------------------------------------------------------------------

    def export_report(self, path: Path | None = None, *, force: bool = False) -> BackgroundTask | None:
        """Write the HTML or PDF report (by the file's suffix) in the background; an existing
        file is replaced only with ``force`` (given when the save dialog has asked)."""
        dashboard = self.dashboard
        if dashboard is None:
            self.show_message(Errors.E582)
            return None
        if path is None:
            name, _filter = QFileDialog.getSaveFileName(
                self, "Export dashboard report", f"dashboard-{Path(self.project.display_name).stem}.html",
                "HTML report (*.html);;PDF report (*.pdf)")
            if not name:
                return None
            path, force = Path(name), True
        writer: Callable[..., Path] = write_pdf if path.suffix.lower() == ".pdf" else write_html
        protected = self.protected
        task = BackgroundTask(lambda _control: writer(dashboard, path, protected=protected, force=force))
        progress = progress_dialog(self, "Export report", f"Writing {path.name}…", task)
        task.succeeded.connect(lambda written: self.show_message(f"Report written to {written}."))
        task.failed.connect(lambda error: self.show_message(
            str(error) if isinstance(error, UserError) else show_unexpected_error(error, Errors.E581, self, path=path)))
        task.finished.connect(progress.hide)
        task.finished.connect(progress.deleteLater)
        task.start()
        return task


def _touches_figures(changes: Changes) -> bool:
    """Whether ``changes`` can alter a chart: spans, relations and actors make the labels, the
    agreement trend, the network and the timeline; statuses the progress. Document notes and
    labels (``documents`` alone) show in none."""
    return bool(changes.everything or changes.document_list or changes.schema or changes.spans
                or changes.relations or changes.actors or changes.statuses)


def _day(edit: QDateEdit) -> date:
    value = edit.date().toPython()
    assert isinstance(value, date)  # QDate converts to datetime.date
    return value
