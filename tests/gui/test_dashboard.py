"""Review ▸ Dashboard…: opens on a project, filters redraw the network, a click on a link lists
the spans behind it, the charts and the report export, and edits made since the figures were
computed are announced with a Refresh button."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from annotator.dashboard.charts import edge_midpoint
from annotator.gui.dashboard_window import DashboardWindow
from annotator.gui.mainwindow import MainWindow
from annotator.gui.settings import GuiSettings
from annotator.store import Project
from tests.dashboard_fixture import DOC2, build_dashboard_project
from tests.gui.helpers import select_text

WAIT_MS = 60_000
QUIET_MS = 2_500  # more than two rounds of the main window's 1 s poll for others' changes


def _open(qtbot: QtBot, window: MainWindow) -> DashboardWindow:
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dashboard = window.findChild(DashboardWindow)
    assert dashboard is not None
    qtbot.waitUntil(lambda: dashboard.dashboard is not None, timeout=WAIT_MS)
    return dashboard


def _choose(qtbot: QtBot, dashboard: DashboardWindow, combo_name: str, value: str) -> None:
    combo = getattr(dashboard, combo_name)
    with qtbot.waitSignal(dashboard.dashboardShown, timeout=WAIT_MS):
        combo.setCurrentIndex(combo.findData(value))


def _links(dashboard: DashboardWindow) -> list[tuple[str, str, str, str]]:
    edges = dashboard.network_tab.edge_list
    return [tuple(edges.topLevelItem(row).text(column) for column in range(4))  # type: ignore[misc]
            for row in range(edges.topLevelItemCount())]


@pytest.mark.slow
def test_dashboard_filters_and_edge_click(qtbot: QtBot, project: Project, tmp_path: Path,
                                          make_window: Callable[..., MainWindow]) -> None:
    ids = build_dashboard_project(project, tmp_path / "corpus")
    window = make_window(project)
    dashboard = _open(qtbot, window)
    assert [dashboard.tabs.tabText(i).replace("&", "") for i in range(dashboard.tabs.count())] == [
        "Progress", "Labels", "Agreement trend", "Actor network", "Timeline"]
    assert _links(dashboard) == [("Russia", "threat", "Belarus", "4"),
                                 ("United Transitional Cabinet", "claim", "Russia", "1")]

    _choose(qtbot, dashboard, "threat_combo", "economic")
    assert _links(dashboard) == [("Russia", "threat", "Belarus", "1"),
                                 ("United Transitional Cabinet", "claim", "Russia", "1")]
    _choose(qtbot, dashboard, "annotator_combo", "bob")
    assert _links(dashboard) == []
    _choose(qtbot, dashboard, "annotator_combo", "alice")

    # A real click on the drawn threat link lists the span behind it.
    tab = dashboard.network_tab
    dashboard.tabs.setCurrentWidget(tab)
    qtbot.waitExposed(tab.canvas)
    tab.canvas.draw()
    chart = tab.chart
    assert chart is not None
    threat = next(edge for edge, _arrow in chart.drawn if edge.kind == "threat")
    x, y = edge_midpoint(chart, threat)
    ratio = tab.canvas.devicePixelRatioF()
    qtbot.mouseClick(tab.canvas, Qt.MouseButton.LeftButton,
                     pos=QPoint(round(x / ratio), round(tab.canvas.height() - y / ratio)))
    spans = tab.span_list
    assert spans.topLevelItemCount() == 1
    assert [spans.topLevelItem(0).text(column) for column in range(5)] == [
        "Sanctions", "alice", "Moscow", "sanctions (economic)", "Belarus"]
    assert tab.edge_list.currentItem().text(1) == "threat"

    # The claim link chosen from the list; double-clicking its span opens the document.
    claim = next(edge for edge, _arrow in chart.drawn if edge.kind == "claim")
    tab.select_edge(claim)
    assert spans.topLevelItem(0).text(3) == "Russia interferes"
    spans.itemDoubleClicked.emit(spans.topLevelItem(0), 0)
    assert window.editor.document is not None and window.editor.document.id == ids["doc1"]


@pytest.mark.slow
def test_dashboard_exports(qtbot: QtBot, project: Project, tmp_path: Path,
                           make_window: Callable[..., MainWindow]) -> None:
    build_dashboard_project(project, tmp_path / "corpus")
    dashboard = _open(qtbot, make_window(project))
    for name, tab in dashboard.chart_tabs.items():
        png = tab.export("png", tmp_path / f"{name}.png")
        svg = tab.export("svg", tmp_path / f"{name}.svg")
        assert png is not None and png.read_bytes().startswith(b"\x89PNG")
        assert svg is not None and b"<svg" in svg.read_bytes()[:1000]
    for suffix, magic in ((".html", b"<!DOCTYPE html>"), (".pdf", b"%PDF")):
        path = tmp_path / f"report{suffix}"
        assert dashboard.export_report(path) is not None
        qtbot.waitUntil(lambda path=path: f"Report written to {path}" in dashboard.status_label.text(),
                        timeout=WAIT_MS)
        assert path.read_bytes().startswith(magic)
    with qtbot.waitSignal(dashboard.dashboardShown, timeout=WAIT_MS):
        dashboard.from_check.setChecked(True)  # from today: no article is that recent
    assert dashboard.status_label.text().startswith("0 documents, 0 spans")
    dashboard.to_edit.setDate(dashboard.from_edit.date().addDays(-1))
    dashboard.to_check.setChecked(True)
    qtbot.waitUntil(lambda: "[E951]" in dashboard.status_label.text(), timeout=WAIT_MS)


@pytest.mark.slow
def test_dark_theme_draws_dark_charts_and_exports_light_ones(
        qtbot: QtBot, project: Project, tmp_path: Path, gui_settings: GuiSettings,
        make_window: Callable[..., MainWindow]) -> None:
    from matplotlib.colors import to_rgb
    from PySide6.QtGui import QImage

    build_dashboard_project(project, tmp_path / "corpus")
    gui_settings.theme = "dark"
    window = make_window(project)
    try:
        dashboard = _open(qtbot, window)
        tab = dashboard.network_tab
        assert tab.figure is not None and sum(to_rgb(tab.figure.get_facecolor())) < 1.0  # dark on screen
        exported = tab.export("png", tmp_path / "network.png")
    finally:
        window.set_theme("light")  # the application palette outlives the window
    assert exported is not None
    corner = QImage(str(exported)).pixelColor(2, 2)
    assert corner.lightness() > 240  # the exported chart is on white, for printed reports


@pytest.mark.slow
def test_edits_since_the_figures_were_computed_are_announced_and_refresh_brings_them_in(
        qtbot: QtBot, project: Project, tmp_path: Path, make_window: Callable[..., MainWindow]) -> None:
    ids = build_dashboard_project(project, tmp_path / "corpus")
    window = make_window(project)
    dashboard = _open(qtbot, window)
    assert dashboard.status_label.text().startswith("2 documents, 22 spans")
    notice = dashboard.stale_notice
    with Project.open(project.location) as teammate:
        with qtbot.assertNotEmitted(dashboard.dashboardShown, wait=QUIET_MS):
            teammate.annotations.set_document_note(ids["doc2"], "bob", "check the date")  # shown in no chart
        assert notice.isHidden()

        window.open_document(ids["doc2"])
        select_text(window, "imposed")
        with qtbot.assertNotEmitted(dashboard.dashboardShown, wait=QUIET_MS):  # nothing recomputes by itself
            window.apply_label("THREAT")  # an own edit, through the editor
            qtbot.waitUntil(lambda: not notice.isHidden())
        assert dashboard.stale_label.text() == (
            "[E572] The project changed since these figures were computed (1 span). "
            "Refresh (F5) to compute them again.")
        start = DOC2.index("threatened")
        teammate.annotations.add_span(ids["doc2"], start, start + len("threatened"), "THREAT", "bob")
        qtbot.waitUntil(lambda: "(2 spans, 1 document status)" in dashboard.stale_label.text(), timeout=WAIT_MS)
        assert dashboard.status_label.text().startswith("2 documents, 22 spans")  # the figures as computed

    with qtbot.waitSignal(dashboard.dashboardShown, timeout=WAIT_MS):
        qtbot.mouseClick(notice.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert notice.isHidden()
    assert dashboard.status_label.text().startswith("2 documents, 24 spans")

    with qtbot.waitSignal(dashboard.dashboardShown, timeout=WAIT_MS):
        dashboard.refresh()
        window.project.annotations.set_status(ids["doc1"], "alice", "in_progress")  # while it computes
    qtbot.waitUntil(lambda: not notice.isHidden())  # maybe in the figures, maybe not: said either way
    assert "(1 document status)" in dashboard.stale_label.text()

    assert dashboard.follower.following
    dashboard.close()
    assert not dashboard.follower.following
