"""Issue 13: the window tells its own changes from others'.

Its own suggestion run, import and adjudication reach the panels without an "Others changed this
document" notice (E561, which it showed about 6 s after an own suggestion run); a second
process's edit reaches the window by the bridge's poll, while another window is active and the
cursor is in the document filter, and is announced. Every status-bar message is recorded, so a
notice overwritten by a later message still counts.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from annotator.corpus.importer import import_paths
from annotator.formats.base import ExportOptions
from annotator.formats.pipeline import export_project
from annotator.gui.mainwindow import MainWindow
from annotator.store import Project
from tests.conftest import SAMPLE_CORPUS

NOTICE = "[E561]"
POLL_ROUNDS_MS = 2_500  # more than two rounds of the bridge's 1 s poll


@pytest.fixture
def window(qtbot: QtBot, sample_project: Project, make_window: Callable[..., MainWindow]) -> MainWindow:
    opened = make_window(sample_project)
    opened.menus.show_others_action.setChecked(True)
    qtbot.waitUntil(lambda: opened.editor.document is not None)
    return opened


def recorded_messages(window: MainWindow) -> list[str]:
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    return messages


def no_notice_after_polls(qtbot: QtBot, window: MainWindow, messages: list[str]) -> None:
    qtbot.wait(POLL_ROUNDS_MS)
    assert not [message for message in messages if NOTICE in message]


@pytest.mark.slow
def test_an_own_suggestion_run_is_not_announced_as_others(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.suggest_runner.chosen() is not None, timeout=60_000)
    messages = recorded_messages(window)
    with qtbot.waitSignal(window.suggest_runner.finished, timeout=120_000):
        window.menus.suggest_document_action.trigger()
    document = window.editor.document
    assert window.project.suggestions.spans(document.id)
    qtbot.waitUntil(lambda: any(window.view.span(span.id) is not None
                                for span in window.project.suggestions.spans(document.id)))
    no_notice_after_polls(qtbot, window, messages)


@pytest.mark.slow
def test_an_own_import_into_the_open_document_is_not_announced(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    """A canonical JSONL export of the same articles with bob's span: the window's import adds the
    span to the open document (matched by text), and the window shows it without a notice."""
    document = window.editor.document
    with Project.open(tmp_path / "elsewhere.db") as elsewhere:
        import_paths(elsewhere, [SAMPLE_CORPUS])
        doc_id = next(d for d in elsewhere.documents.ids() if elsewhere.documents.get(d).text == document.text)
        start = document.text.index("Belarus")
        elsewhere.annotations.add_span(doc_id, start, start + len("Belarus"), "LOCATION", "bob")
        export_project(elsewhere, tmp_path / "bob.jsonl", "jsonl", ExportOptions())
    messages = recorded_messages(window)
    window.files.import_documents([tmp_path / "bob.jsonl"])  # its report dialog opens once it succeeded
    qtbot.waitUntil(lambda: window.files.import_report_dialog is not None, timeout=60_000)
    bob = [span for span in window.project.annotations.spans(document.id) if span.annotator == "bob"]
    assert [span.start for span in bob] == [start]  # the import brought the span in
    qtbot.waitUntil(lambda: window.view.span(bob[0].id) is not None)
    no_notice_after_polls(qtbot, window, messages)


def test_an_own_adjudication_is_not_announced(qtbot: QtBot, window: MainWindow) -> None:
    document = window.editor.document
    start = document.text.index("Belarus")
    for name in ("anna", "boris"):
        window.project.annotations.add_span(document.id, start, start + len("Belarus"), "LOCATION", name)
    messages = recorded_messages(window)
    compare = window.windows.open_comparison(document.id, ["anna", "boris"])
    compare.accept_all_agreed()
    gold = window.project.annotations.spans(document.id, layers=["gold"])
    assert [span.start for span in gold] == [start]
    assert compare.views["gold"].span(gold[0].id) is not None
    compare.close()
    no_notice_after_polls(qtbot, window, messages)


@pytest.mark.slow
def test_a_second_process_edit_reaches_an_inactive_window_with_the_cursor_in_the_filter(
        qtbot: QtBot, window: MainWindow) -> None:
    document = window.editor.document
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(other.isActiveWindow)
    window.doc_list.filter_box.setFocus()
    messages = recorded_messages(window)
    start = document.text.index("Belarus")
    script = textwrap.dedent(f"""
        from annotator.store import Project
        with Project.open({str(window.project.location)!r}) as project:
            print(project.annotations.add_span({document.id}, {start}, {start + 7}, "LOCATION", "bob").id)
    """)
    added = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    span_id = int(added.stdout)
    qtbot.waitUntil(lambda: window.view.span(span_id) is not None, timeout=5_000)
    assert any(NOTICE in message for message in messages)
    assert not window.isActiveWindow()
