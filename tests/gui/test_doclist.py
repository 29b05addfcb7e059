"""The document list: on a large project, ids up front and rows fetched only where the table looks;
columns that fit what they show; short values with the full ones in tooltips; the window title."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QHeaderView, QStyle
from pytestqt.qtbot import QtBot

from annotator.corpus.importer import import_paths
from annotator.gui.doclist import (
    FETCH_WINDOW,
    STATUS_TITLES,
    TITLE_CHARS,
    DocumentListModel,
    DocumentListPanel,
    short_time,
    short_title,
)
from annotator.gui.mainwindow import MainWindow
from annotator.store import Project
from annotator.store.documents import Documents

N_DOCUMENTS = 2_500


@pytest.fixture
def big_project(project: Project, tmp_path: Path) -> Project:
    """2,500 generated articles imported from one JSON Lines file."""
    corpus = tmp_path / "big.jsonl"
    with corpus.open("w", encoding="utf-8") as handle:
        for number in range(N_DOCUMENTS):
            topic = "Minsk" if number % 10 == 0 else "Moscow"
            record = {"id": f"art-{number:05d}", "title": f"Report {number:05d} from {topic}",
                      "text": f"Article {number} about {topic} and the union state. Officials spoke."}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    assert len(import_paths(project, [corpus]).imported) == N_DOCUMENTS
    return project


class RecordingDocuments(Documents):
    """The real ``Documents``, also noting which ids each ``summaries`` call asked for."""

    def __init__(self, project: Project) -> None:
        super().__init__(project)
        self.requested: list[list[int]] = []

    def summaries(self, doc_ids, annotator=None, **options):  # type: ignore[no-untyped-def]
        self.requested.append(list(doc_ids))
        return super().summaries(doc_ids, annotator, **options)


def test_rows_are_fetched_lazily_for_the_visible_window(qtbot: QtBot, big_project: Project) -> None:
    documents = RecordingDocuments(big_project)
    model = DocumentListModel(documents, "alice")
    assert model.rowCount() == N_DOCUMENTS
    assert documents.requested == []  # counting rows fetched nothing

    panel = DocumentListPanel(model)
    qtbot.addWidget(panel)
    panel.resize(500, 400)
    panel.show()
    qtbot.waitUntil(lambda: bool(documents.requested))  # the first paint asks for its rows
    fetched = {doc_id for request in documents.requested for doc_id in request}
    assert 0 < len(fetched) <= FETCH_WINDOW  # only the window holding the visible rows
    assert model.data(model.index(0, 1)) == "Report 00000 from Minsk"

    panel.table.scrollToBottom()
    qtbot.waitUntil(lambda: any(model.ids[-1] in request for request in documents.requested))
    fetched = {doc_id for request in documents.requested for doc_id in request}
    assert len(fetched) <= 2 * FETCH_WINDOW
    last = model.rowCount() - 1
    assert model.data(model.index(last, 1)) == f"Report {N_DOCUMENTS - 1:05d} from Moscow"
    assert model.data(model.index(last, 2)) == "To do"


def test_filter_status_filter_and_sort(qtbot: QtBot, big_project: Project) -> None:
    ids = big_project.documents.ids()
    big_project.annotations.set_status(ids[5], "alice", "done")
    big_project.annotations.set_status(ids[20], "alice", "done")
    model = DocumentListModel(big_project.documents, "alice")
    panel = DocumentListPanel(model)
    qtbot.addWidget(panel)
    panel.show()

    qtbot.keyClicks(panel.filter_box, "minsk")
    assert model.rowCount() == N_DOCUMENTS  # debounced: not yet
    qtbot.waitUntil(lambda: model.rowCount() == N_DOCUMENTS // 10)
    assert all("Minsk" in model.data(model.index(row, 1)) for row in range(model.rowCount()))

    panel.status_filter.setCurrentIndex(panel.status_filter.findData("done"))
    assert model.ids == [ids[20]]  # done and about Minsk
    panel.filter_box.clear()
    panel.apply_filter()
    assert model.ids == [ids[5], ids[20]]

    panel.status_filter.setCurrentIndex(0)
    header = panel.table.horizontalHeader()
    status_column = DocumentListModel.COLUMNS.index("Status")
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_section_centre(header, status_column))
    assert model.ids[-2:] == [ids[5], ids[20]]  # to do first, done last
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_section_centre(header, status_column))
    assert sorted(model.ids[:2]) == [ids[5], ids[20]]  # done first: the order reversed
    spans_column = DocumentListModel.COLUMNS.index("Spans")
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_section_centre(header, spans_column))
    assert sorted(model.ids[:2]) == [ids[5], ids[20]]  # the core cannot sort by span count: order kept
    assert header.sortIndicatorSection() == status_column


def _section_centre(header: QHeaderView, column: int) -> QPoint:
    return QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) // 2, header.height() // 2)


def test_window_list_follows_edits(qtbot: QtBot, big_project: Project,
                                   make_window: Callable[..., MainWindow]) -> None:
    window = make_window(big_project)
    assert window.doc_model.rowCount() == N_DOCUMENTS
    doc_id = window.editor.document.id
    window.view.select_range(0, 7)
    qtbot.keyClick(window.view, Qt.Key.Key_E)
    row = window.doc_model.row_of(doc_id)
    assert window.doc_model.data(window.doc_model.index(row, 3)) == 1
    assert window.doc_model.data(window.doc_model.index(row, 2)) == "In progress"

    window.doc_list.filter_box.setText("00777")
    window.doc_list.apply_filter()
    assert window.doc_model.rowCount() == 1
    window.doc_list.table.setFocus()
    qtbot.keyClick(window.doc_list.table, Qt.Key.Key_Down)
    assert window.editor.document.title == "Report 00777 from Moscow"


# --- column widths, short values, tooltips, the window title --------------------------------


def test_last_edit_is_short_and_the_tooltip_has_it_all() -> None:
    now = datetime(2026, 6, 15, 12, 0).astimezone()
    assert short_time(now.replace(hour=9, minute=5), now) == "09:05"
    assert short_time(datetime(2026, 3, 2, 8, 0).astimezone(), now) == "2 Mar"
    assert short_time(datetime(2024, 11, 30, 8, 0).astimezone(), now) == "Nov 2024"
    stored = datetime(2024, 11, 30, 8, 0)  # SQLite hands back naive UTC
    assert short_time(stored, now) == short_time(stored.replace(tzinfo=UTC), now)


def test_short_title_cuts_after_a_whole_word() -> None:
    sentence = ("The United Transitional Cabinet of Belarus has declared that interference by the Russian "
                "Federation in the country's internal affairs is unacceptable")
    assert short_title(sentence) == "The United Transitional Cabinet of Belarus has declared…"
    assert short_title("Belarus\n  and   Russia") == "Belarus and Russia"
    assert short_title("x" * 100) == "x" * (TITLE_CHARS - 1) + "…"


def test_narrow_columns_fit_every_value_they_can_show_and_the_title_takes_the_rest(
        qtbot: QtBot, project: Project, doc_ids: list[int]) -> None:
    """At the width the window gives the list on a desktop screen (420 pixels)."""
    project.annotations.set_status(doc_ids[1], "alice", "in_progress")
    project.annotations.add_span(doc_ids[2], 0, 10, "ACTOR", "alice")
    model = DocumentListModel(project.documents, "alice")
    panel = DocumentListPanel(model)
    qtbot.addWidget(panel)
    panel.resize(420, 300)
    panel.show()
    qtbot.waitExposed(panel)
    table = panel.table
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)  # laid out, nothing to scroll sideways
    style = table.style()
    margins = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)  # what the delegate keeps
    metrics = table.fontMetrics()

    def fits(column: int, text: str) -> bool:
        return metrics.horizontalAdvance(text) + margins <= table.columnWidth(column)

    now = datetime.now().astimezone()
    for row in range(model.rowCount()):
        for column in (0, 2, 3, 4):
            assert fits(column, str(model.data(model.index(row, column)))), (row, column)
    assert all(fits(2, title) for title in STATUS_TITLES.values())
    assert fits(3, "20000")
    every_time = [short_time(datetime(year, month, 28, 23, 59).astimezone(), now)
                  for year in (now.year, now.year - 1) for month in range(1, 13)]
    assert all(fits(4, text) for text in every_time + [short_time(now, now)])
    header = table.horizontalHeader()
    arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize)
    assert all(header.fontMetrics().horizontalAdvance(name) + arrow * model.can_sort(column) <= table.columnWidth(column)
               for column, name in enumerate(DocumentListModel.COLUMNS))  # sorted by it, the label still shows
    assert fits(DocumentListModel.LANGUAGE, "mm")
    narrow = [table.columnWidth(column) for column in (0, 2, 3, 4, DocumentListModel.LANGUAGE)]
    assert table.columnWidth(1) > max(narrow) and table.columnWidth(1) >= 120

    title = model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole)
    assert title.startswith(project.documents.get(model.doc_id(0)).title)
    last_edit = model.data(model.index(0, 4), Qt.ItemDataRole.ToolTipRole)
    assert re.fullmatch(r"Last edit \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", last_edit)


def test_the_window_title_names_a_long_document_briefly_with_project_and_annotator(
        qtbot: QtBot, project: Project, tmp_path: Path, make_window: Callable[..., MainWindow]) -> None:
    sentence = ("The United Transitional Cabinet of Belarus has declared that interference by the Russian "
                "Federation in the country's internal affairs is unacceptable and has described recent statements "
                "by Russian officials as a threat to Belarus's sovereignty.")
    source = tmp_path / "statement.txt"
    source.write_text(f"{sentence}\n\nThe Cabinet said more.\n", encoding="utf-8")
    import_paths(project, [source])
    window = make_window(project)
    assert len(window.editor.document.title) > 150  # the first sentence became the title
    assert window.windowTitle() == (f"The United Transitional Cabinet of Belarus has declared… — "
                                    f"{project.display_name} — alice — Annotator")
