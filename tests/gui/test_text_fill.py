"""A long document's text put into the view by parts (``textview.text_fill``): the first screens
in the key that opens it, the rest while the window is idle. The part Qt holds is always the
document's text position for position, the rest never shows as anything but text, and every key
or call that reaches past the first part finds the text there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.corpus.importer import import_paths
from annotator.gui.mainwindow import MainWindow
from annotator.gui.offsets import OffsetMap, qt_display_text
from annotator.gui.textview import DocumentView
from annotator.store import Project
from tests.long_document import long_text

ASTRAL = "🙂"


@pytest.fixture
def long_doc(project: Project, tmp_path: Path) -> int:
    """About 200,000 characters with characters Qt counts twice (astral) or reads as a break of
    its own (a lone CR), CRLF line ends and a last paragraph without a line end."""
    text = long_text(200_000)
    middle = len(text) // 2
    text = (text[:5_000] + f" {ASTRAL} \r\n" + text[5_000:middle] + f" {ASTRAL}{ASTRAL} a\rb \r\n"
            + text[middle:] + f"the end {ASTRAL}")
    source = tmp_path / "long.txt"
    source.write_bytes(text.encode("utf-8"))
    return import_paths(project, [source]).imported[0].id


def qt_text(text: str) -> str:
    """What Qt's document holds for ``text`` given whole, as the view gives it."""
    document = QTextDocument()
    document.setPlainText(qt_display_text(text))
    return document.toRawText()


def utf16_slice(text: str, position: int, length: int) -> str:
    """``length`` UTF-16 units of ``text`` from Qt position ``position``."""
    return text.encode("utf-16-le")[2 * position:2 * (position + length)].decode("utf-16-le")


def opened(window: MainWindow, doc_id: int, other: int) -> DocumentView:
    """``doc_id`` opened by the window from ``other``, its text still being put in."""
    window.open_document(other)
    window.open_document(doc_id)
    view = window.view
    assert view.loading and view.text_filled() < len(view._text)
    return view


def held(view: DocumentView) -> str:
    """What Qt's document holds now: the text filled in, then placeholders."""
    return view.document().toRawText()


def test_the_part_qt_holds_is_the_text_and_the_rest_comes_whole_while_idle(
        qtbot: QtBot, project: Project, doc_ids: list[int], long_doc: int,
        make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    text = project.documents.get(long_doc).text
    expected = qt_text(text)
    view = opened(window, long_doc, doc_ids[0])
    filled = view.text_filled()  # code points, as Qt's raw text read back into Python counts them
    assert 0 < filled < len(expected) // 4
    assert held(view)[:filled] == expected[:filled]  # the first part, astral characters and CRLF included
    rest = held(view)[filled:]
    last = rest.lstrip("\u2029")  # then empty blocks only, and the last screen's paragraphs
    assert len(rest) - len(last) > 1_000 and 0 < len(last) < len(expected) // 4 and expected.endswith(last)
    during = view.verticalScrollBar().maximum()  # Qt counts a block not laid out as one line
    reference = DocumentView()
    reference.resize(view.size())
    reference.set_document(text, [], [], {}, owner=None)
    qtbot.waitUntil(lambda: not view.loading, timeout=60_000)  # the spans too, on a loaded machine
    assert view._fill.slices >= 1  # while idle, not in the key
    assert held(view) == expected and view.document().blockCount() == reference.document().blockCount()
    reference.show()
    qtbot.waitExposed(reference)
    # the scroll bar spans the whole text from the first paint on: the same range but for the
    # blocks each view happened to lay out (a wrapped block counts all its lines once laid out)
    after, whole = view.verticalScrollBar().maximum(), reference.verticalScrollBar().maximum()
    assert abs(during - after) < after * 0.05 and abs(after - whole) < whole * 0.05


def test_keys_and_calls_reaching_past_the_first_part_find_the_text_there(
        qtbot: QtBot, project: Project, doc_ids: list[int], long_doc: int,
        make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    text = project.documents.get(long_doc).text
    offsets = OffsetMap(text)
    expected = qt_text(text)

    view = opened(window, long_doc, doc_ids[0])
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert view.textCursor().position() == offsets.utf16_length  # the real end, not the first part's
    assert held(view) == expected

    view = opened(window, long_doc, doc_ids[0])
    view.select_all()
    view.copy()
    assert QApplication.clipboard().text() == text

    view = opened(window, long_doc, doc_ids[0])
    start = text.index("the end")
    view.select_range(start, len(text))  # a search hit at the very end
    assert view.selected_range() == (start, len(text))
    assert view.textCursor().selectedText() == qt_display_text(text[start:])

    view = opened(window, long_doc, doc_ids[0])
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum())  # dragged to the bottom at once
    on_screen = [block for block, _rect in view._screen.visible_blocks()]
    assert on_screen[-1].text() == qt_display_text(f"the end {ASTRAL}")
    assert all(block.text() == utf16_slice(expected, block.position(), block.length() - 1) for block in on_screen)
    assert held(view) == expected


def test_a_document_that_fits_the_first_screens_goes_in_whole(
        project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    window.open_document(doc_ids[1])
    assert window.view.text_filled() == len(project.documents.get(doc_ids[1]).text)
    assert not window.view.loading
