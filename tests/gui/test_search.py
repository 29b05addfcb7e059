"""Edit ▸ Find in corpus: type a query, read the concordance, double-click to open the hit."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.mainwindow import MainWindow
from annotator.gui.search_model import HIT, LEFT
from tests.gui.helpers import FIRST_TEXT, SECOND_TEXT, double_click


def _rows(window: MainWindow) -> list[tuple[str, str]]:
    search = window.windows.search_window
    assert search is not None
    proxy = search.proxy
    return [(proxy.index(row, 0).data(), proxy.index(row, HIT).data()) for row in range(proxy.rowCount())]


def _search(qtbot: QtBot, window: MainWindow, query: str) -> None:
    """Type ``query`` into the search box and press Enter, as the analyst does."""
    search = window.windows.search_window
    assert search is not None
    qtbot.waitUntil(search.isActiveWindow)  # keys go to the active window, as on a desktop
    search.query.setFocus()
    search.query.clear()
    qtbot.keyClicks(search.query, query)
    with qtbot.waitSignal(search.searchFinished, timeout=30_000):
        qtbot.keyClick(search.query, Qt.Key.Key_Return)


def test_typed_query_lists_hits_and_double_click_selects_the_hit(
        qtbot: QtBot, window: MainWindow, doc_ids: list[int]) -> None:
    window.open_document(doc_ids[2])
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.windows.search_window is not None and window.windows.search_window.isVisible())
    _search(qtbot, window, "cafe threat")  # "Café" written with a combining accent
    search = window.windows.search_window
    assert search is not None
    assert [hit for _doc, hit in _rows(window)] == ["Cafe\u0301", "threat", "threat"]
    assert search.count.text() == "3 hits in 1 document."
    left = search.proxy.index(0, LEFT)
    assert left.data(Qt.ItemDataRole.TextAlignmentRole) == int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    search.table.sortByColumn(HIT, Qt.SortOrder.DescendingOrder)
    assert [hit for _doc, hit in _rows(window)] == ["threat", "threat", "Cafe\u0301"]
    search.table.sortByColumn(HIT, Qt.SortOrder.AscendingOrder)
    rect = search.table.visualRect(search.proxy.index(0, HIT))
    # A real double click is a press, a release, then the double-click event on the same row.
    qtbot.mouseClick(search.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    double_click(qtbot, search.table.viewport(), rect.center())
    assert window.editor.document is not None and window.editor.document.id == doc_ids[0]
    start = FIRST_TEXT.index("Cafe\u0301")
    assert window.view.selected_range() == (start, start + 5)


def test_span_filter_opens_the_span_current_and_exports_csv(
        qtbot: QtBot, window: MainWindow, doc_ids: list[int], tmp_path: Path) -> None:
    start = SECOND_TEXT.index("Putin")
    span = window.project.annotations.add_span(doc_ids[1], start, start + 5, "ACTOR", "alice")
    search = window.windows.show_search()
    search.label.setCurrentText("ACTOR")
    _search(qtbot, window, "putin")
    assert [(hit.span_id, hit.label, hit.annotator) for hit in search.model.hits] == [(span.id, "ACTOR", "alice")]
    search.table.setFocus()
    search.table.selectRow(0)
    qtbot.keyClick(search.table, Qt.Key.Key_Return)  # Enter on a row opens it like a double click
    assert window.view.current_span_id() == span.id
    assert window.view.selected_range() == (start, start + 5)

    out = tmp_path / "hits.csv"
    search.export(out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["hit"], r["label"], r["span_id"]) for r in rows] == [("Putin", "ACTOR", str(span.id))]
    assert search.count.text() == f"Wrote 1 rows to {out}."

    window.project.annotations.add_span(doc_ids[1], 0, 10, "ACTOR", "boris")  # a teammate joins
    search.annotator.setCurrentText("alice")
    assert window.windows.show_search() is search
    assert [search.annotator.itemText(i) for i in range(search.annotator.count())] == ["(any)", "alice", "boris"]
    assert search.annotator.currentText() == "alice"


def test_mistakes_show_in_the_window(qtbot: QtBot, window: MainWindow) -> None:
    search = window.windows.show_search()
    search.date_to.setText("March")
    search.label.setCurrentText("THREAT")
    with qtbot.waitSignal(search.searchFinished, timeout=30_000):
        search.run_search()
    assert search.count.text().startswith("[E166]")
    search.export_dialog()
    assert search.count.text().startswith("[E571]")
