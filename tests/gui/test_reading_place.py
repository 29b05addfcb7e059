"""The window reopens the last document where the analyst was: the same top line, caret and
current span, after closing, after the process is killed (SIGKILL, a real process), and at
another window width (the place is kept in characters, not in wrapped lines)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from annotator.gui.mainwindow import SYNC_AFTER_OPEN_MS, MainWindow
from annotator.gui.offsets import OffsetMap
from annotator.gui.reading_place import SAVE_AT_LEAST_MS, SAVE_MS
from annotator.gui.settings import GuiSettings, ReadingPlace
from annotator.store import Project
from tests.long_document import import_long_document

REPO_ROOT = Path(__file__).resolve().parents[2]
Key = Qt.Key


@pytest.fixture
def long_doc(project: Project, tmp_path: Path) -> int:
    """A short document first (the one a fresh window opens), then a long one with an ACTOR of
    the analyst's half way down."""
    short = tmp_path / "short"
    short.mkdir()
    (short / "a_short.txt").write_text("Lukashenko met Putin in Sochi.\n", encoding="utf-8")
    from annotator.corpus.importer import import_paths

    import_paths(project, [short])
    doc_id = import_long_document(project, tmp_path, chars=60_000)
    text = project.documents.get(doc_id).text
    start = text.index("Maria Zakharova", len(text) // 2)
    project.annotations.add_span(doc_id, start, start + len("Maria Zakharova"), "ACTOR", "alice")
    return doc_id


def top_offset_in_view(window: MainWindow, offset: int) -> int:
    """How far below the top of the view the line holding ``offset`` starts, in pixels."""
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(OffsetMap(window.editor.document.text).to_qt(offset))
    return window.view.cursorRect(cursor).top()


def test_reopens_at_the_same_line_caret_and_span_and_keeps_the_line_at_another_width(
        qtbot: QtBot, project: Project, long_doc: int, make_window: Callable[..., MainWindow],
        gui_settings: GuiSettings) -> None:
    window = make_window(project)
    window.open_document(long_doc)
    view = window.view
    for _ in range(6):
        qtbot.keyClick(view, Key.Key_PageDown)  # the caret and the text move down, as the analyst reads
    qtbot.keyClick(view, Key.Key_Tab)  # to the analyst's ACTOR further down, which scrolls to it
    span_id = view.current_span_id()
    assert span_id is not None and view.verticalScrollBar().value() > 0
    qtbot.waitUntil(lambda: gui_settings.reading_place(project.location) == window.reading.place(),
                    timeout=3 * SAVE_MS)  # the lines just scrolled into view have settled too
    place = window.reading.place()
    assert place is not None and place.document == long_doc and place.span == span_id and place.top > 0
    shown_at = top_offset_in_view(window, place.top)  # the top line's place in the view, in pixels
    assert 0 <= shown_at < 2 * view.fontMetrics().height()
    location = project.location
    window.close()  # closes the project too

    with Project.open(location) as again:
        reopened = make_window(again)
        assert reopened.editor.document.id == long_doc
        assert top_offset_in_view(reopened, place.top) == shown_at  # the same window size: the same pixels
        assert reopened.view.current_span_id() == span_id
        assert reopened.inspector.isEnabled() and reopened.editor.current_span().id == span_id
        assert OffsetMap(reopened.editor.document.text).from_qt(reopened.view.textCursor().position()) == place.caret
        line = reopened.view.fontMetrics().height()
        reopened.resize(reopened.width() // 2 + 200, reopened.height())  # narrower: every line wraps anew
        qtbot.waitUntil(lambda: 0 <= top_offset_in_view(reopened, place.top) < 2 * line)
        qtbot.keyClick(reopened.view, Key.Key_Down)  # the analyst takes over: the place is the view's again
        moved = reopened.reading.place()
        assert moved is not None and moved.caret > place.caret and moved.span == span_id
        reopened.close()


def test_opening_a_document_is_written_just_after_and_scrolling_after_a_pause_or_a_while(
        qtbot: QtBot, project: Project, long_doc: int, make_window: Callable[..., MainWindow],
        gui_settings: GuiSettings) -> None:
    def kept() -> tuple[int, int, int, int | None]:
        place = gui_settings.reading_place(project.location)
        assert place is not None
        return place.document, place.top, place.caret, place.span

    def on_disk() -> str:
        return Path(gui_settings.file_name).read_text(encoding="utf-8")  # the settings file, not the project

    window = make_window(project)
    qtbot.waitUntil(lambda: not window._sync_soon.isActive())  # the start document's write is done
    window.open_document(long_doc)
    QCoreApplication.sendPostedEvents()  # what the key posted, before its paint
    # not inside the key that opens it (12-16 ms), not even in memory: QSettings given a value
    # posts itself a write of the file, which the line above would have run
    assert kept()[0] != long_doc and f"={long_doc} 0 0 - " not in on_disk()
    # but just after its paint, with the window's own last document
    qtbot.waitUntil(lambda: f"={long_doc} 0 0 - " in on_disk(), timeout=3 * SYNC_AFTER_OPEN_MS)
    assert kept() == (long_doc, 0, 0, None) and gui_settings.last_document(project.location) == long_doc

    bar = window.view.verticalScrollBar()
    bar.setValue(3)  # one notch of the wheel
    assert kept()[1] == 0  # not on every notch
    qtbot.waitUntil(lambda: kept()[1] > 0, timeout=3 * SAVE_MS)  # but after a pause
    first = kept()[1]
    scrolled_until = time.monotonic() + 3 * SAVE_AT_LEAST_MS / 1000
    while kept()[1] == first and time.monotonic() < scrolled_until:  # the wheel on and on: saved meanwhile
        bar.setValue(bar.value() + 1)
        qtbot.wait(100)
    assert kept()[1] > first


DRIVER = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QEvent, QObject, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from annotator.gui.app import run_app

    app = QApplication([])
    act = sys.argv[1]

    def place(window):
        # what the view shows: the document, the current span, the caret (UTF-16), the first
        # character of the top line and where that line is drawn
        view = window.view
        number = view.verticalScrollBar().value()
        block = view.document().findBlockByLineNumber(number)
        line = block.layout().lineAt(number - block.firstLineNumber())
        top = block.position() + line.textStart()
        cursor = view.textCursor()
        cursor.setPosition(top)
        print("place", window.editor.document.id, view.current_span_id(), view.textCursor().position(), top,
              view.cursorRect(cursor).top(), flush=True)

    def drive():
        [window] = [w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow"]
        if act == "read":
            window.next_document()
            for _ in range(6):
                QTest.keyClick(window.view, Qt.Key.Key_PageDown)
            QTest.keyClick(window.view, Qt.Key.Key_Tab)
            QTimer.singleShot(500, lambda: place(window))  # once the lines scrolled to are drawn; then killed
        else:
            place(window)
            window.close()

    class OnShown(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Show and type(watched).__name__ == "MainWindow":
                app.removeEventFilter(self)
                QTimer.singleShot(1500, drive)  # after the start-up resizes
            return False

    watcher = OnShown()
    app.installEventFilter(watcher)
    run_app(project=sys.argv[2], annotator="alice")
""")


@pytest.mark.slow
def test_a_killed_window_reopens_at_the_same_document_line_and_span(project: Project, long_doc: int,
                                                                      tmp_path: Path) -> None:
    location = project.location
    project.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO_ROOT),
               ANNOTATOR_CONFIG_DIR=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    errors = tmp_path / "reading.log"
    with errors.open("w") as stderr:
        reading = subprocess.Popen([sys.executable, "-c", DRIVER, "read", location], env=env, text=True,
                                   stdout=subprocess.PIPE, stderr=stderr)
    try:
        assert reading.stdout is not None
        then = reading.stdout.readline().split()
        assert then[:2] == ["place", str(long_doc)] and then[2] != "None" and int(then[4]) > 0, errors.read_text()
        # as the settings file keeps it: document, top, caret, span, the top line's pixel row
        saved = f"{long_doc} {then[4]} {then[3]} {then[2]} {then[5]}"
        settings = tmp_path / "config" / "annotator.ini"  # a text file of the window's, not the project
        deadline = time.monotonic() + 10
        while saved not in settings.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.1)
        reading.send_signal(signal.SIGKILL)  # no close event, no last save
    finally:
        reading.kill()
        reading.wait(30)
    assert reading.returncode == -signal.SIGKILL
    reopening = subprocess.run([sys.executable, "-c", DRIVER, "look", location], env=env, text=True,
                               capture_output=True, timeout=120, check=False)
    assert reopening.returncode == 0, reopening.stderr
    now = reopening.stdout.splitlines()[0].split()
    assert now == then  # the document, the current span, the caret, the top line and where it is drawn


@pytest.mark.parametrize("kept", ["", "2 100", "2 x 0 - 0", "2 100 100 - 30 extra"])
def test_a_place_hand_edited_into_nonsense_opens_at_the_top(kept: str, tmp_path: Path) -> None:
    file = QSettings(str(tmp_path / "annotator.ini"), QSettings.Format.IniFormat)
    settings = GuiSettings(file)
    settings.set_reading_place("/p.db", ReadingPlace(2, 100, 100, None, 30))
    assert settings.reading_place("/p.db") == ReadingPlace(2, 100, 100, None, 30)
    [key] = [key for key in file.allKeys() if key.startswith("reading/")]
    file.setValue(key, kept)
    assert settings.reading_place("/p.db") is None
