"""Texts and small actions shared by the GUI tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from annotator.gui.mainwindow import MainWindow
from annotator.gui.offsets import OffsetMap
from annotator.store.records import SpanRecord

# Astral emoji (2 UTF-16 units), Cyrillic and combining marks (é as e + U+0301) come before the
# words the tests annotate, so any code point / UTF-16 mix-up shifts the spans visibly.
FIRST_TEXT = (
    "😀🇧🇾 Заявление МИД: Мария Захарова said that NATO threatens the Kremlin's plans. "
    "Cafe\u0301 owners in Minsk saw the threat of sanctions against Belarus on 9 February.\n"
    "The Cabinet called it a direct threat to national security.\n"
)
SECOND_TEXT = "Lukashenka met Putin in Sochi on 12 February to discuss the union state.\n"
THIRD_TEXT = "The opposition in exile warned about repression in Gomel.\n"


def write_documents(folder: Path, texts: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, text in enumerate(texts):
        path = folder / f"{index:03d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def select_text(window: MainWindow, fragment: str, *, length: int | None = None) -> tuple[int, int]:
    """Select ``fragment`` (or its first ``length`` characters) in the open document; code points."""
    start = window.editor.document.text.index(fragment)
    end = start + (len(fragment) if length is None else length)
    window.view.select_range(start, end)
    return start, end


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key,
          modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key press on the text view, as the analyst types it (window shortcuts included)."""
    qtbot.keyClick(window.view, key, modifier)


def click_text(qtbot: QtBot, window: MainWindow, position: int) -> None:
    """Click the character at code point ``position`` of the open document, as the analyst does,
    after scrolling it into view."""
    view = window.view
    offsets = OffsetMap(window.editor.document.text)
    view.select_range(position, position)  # moves the caret there, which scrolls it into view

    def point(cp: int) -> QPoint:
        cursor = QTextCursor(view.document())
        cursor.setPosition(offsets.to_qt(cp))
        return view.cursorRect(cursor).center()

    left, right = point(position), point(position + 1)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint((left.x() + right.x()) // 2, left.y()))


def double_click(qtbot: QtBot, widget: QWidget, pos: QPoint) -> None:
    """A double click as a mouse makes it: QTest's double click leaves the button down in
    QGuiApplication.mouseButtons() (no last release), which a real mouse never does and which
    the next test's focus handling reads (TextFocus takes a focus change with a button down for
    a click)."""
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=pos)


def annotate(qtbot: QtBot, window: MainWindow, fragment: str, key: Qt.Key) -> SpanRecord:
    """Select ``fragment`` and press a label key: the span made, which is the current one."""
    select_text(window, fragment)
    press(qtbot, window, key)
    span = window.editor.current_span()
    assert span is not None and window.editor.covered_text(span) == fragment
    return span
