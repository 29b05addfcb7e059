"""The window never writes an output onto the open project, and asks before replacing files
(issue 12, items 1 and 2): search CSV, dashboard report and charts, and dataset exports."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.gui.dashboard_window import DashboardWindow
from annotator.gui.dataset_reports import ExportReportDialog
from annotator.gui.mainwindow import MainWindow
from annotator.store.backups import backup_folder
from tests.gui.test_dataset_dialogs import TASK_MS, _annotate, start_export
from tests.gui.test_search import _search


def _integrity(path: Path) -> tuple[str, int]:
    connection = sqlite3.connect(path)
    try:
        return (connection.execute("PRAGMA integrity_check").fetchone()[0],
                connection.execute("SELECT count(*) FROM document").fetchone()[0])
    finally:
        connection.close()


def test_search_csv_onto_the_open_project_is_refused_with_the_message(
        qtbot: QtBot, window: MainWindow, doc_ids: list[int], tmp_path: Path) -> None:
    project_file = Path(window.project.location)
    before = _integrity(project_file)
    search = window.windows.show_search()
    _search(qtbot, window, "putin")
    assert search.model.hits
    for target in (project_file, Path(f"{project_file}-wal"), backup_folder(project_file) / "hits.csv"):
        search.export(target, force=True)  # as after the save dialog's own "replace?" question
        assert "[E170]" in search.count.text() or "[E171]" in search.count.text(), search.count.text()
        assert "Wrote" not in search.count.text()
    assert _integrity(project_file) == before == ("ok", len(doc_ids))
    window.project.documents.ids()  # the window's own connection still works
    out = tmp_path / "hits.csv"
    out.write_text("keep")
    search.export(out)  # typed by code without force: an existing file is kept
    assert "[E172]" in search.count.text() and out.read_text() == "keep"


def test_dashboard_report_and_chart_onto_the_project_are_refused(
        qtbot: QtBot, window: MainWindow, doc_ids: list[int]) -> None:
    project_file = Path(window.project.location)
    window.windows.show_dashboard()
    dashboard = window.findChild(DashboardWindow)
    assert dashboard is not None
    qtbot.waitUntil(lambda: dashboard.dashboard is not None, timeout=TASK_MS)
    task = dashboard.export_report(project_file, force=True)
    assert task is not None
    qtbot.waitUntil(lambda: "[E170]" in dashboard.status_label.text(), timeout=TASK_MS)
    assert dashboard.chart_tabs["labels"].export("png", Path(f"{project_file}-shm"), force=True) is None
    assert "[E170]" in dashboard.status_label.text()
    assert _integrity(project_file) == ("ok", len(doc_ids))


def test_a_folder_export_over_existing_files_asks_once_listing_them(
        qtbot: QtBot, window: MainWindow, doc_ids: list[int], tmp_path: Path) -> None:
    _annotate(window.project, doc_ids)
    out = tmp_path / "brat"
    start_export(qtbot, window, out, "brat")
    assert isinstance(window.dataset_runner.report_dialog, ExportReportDialog)
    written = sorted(path for path in out.rglob("*") if path.is_file())
    for path in written:
        path.write_text("the analyst's edit")

    start_export(qtbot, window, out, "brat")  # again: the window asks before anything is written
    question = window.dataset_runner.report_dialog
    assert isinstance(question, QMessageBox)
    assert "[E177]" in question.text() and f"{len(written)} files already exist" in question.text()
    assert all(str(path) in question.text() for path in written[:10])
    assert all(path.read_text() == "the analyst's edit" for path in written)
    question.button(QMessageBox.StandardButton.No).click()
    assert all(path.read_text() == "the analyst's edit" for path in written)
    assert "no file was written" in window.statusBar().currentMessage()

    start_export(qtbot, window, out, "brat")
    question = window.dataset_runner.report_dialog
    assert isinstance(question, QMessageBox)
    window.dataset_runner.report_dialog = None
    question.button(QMessageBox.StandardButton.Yes).click()  # "Replace": the export runs with force
    qtbot.waitUntil(lambda: isinstance(window.dataset_runner.report_dialog, ExportReportDialog), timeout=TASK_MS)
    assert sorted(path for path in out.rglob("*") if path.is_file()) == written
    assert not any(path.read_text() == "the analyst's edit" for path in written)
    assert not [path for path in tmp_path.rglob("*.partial")]
