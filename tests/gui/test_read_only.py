"""A project on a read-only disk opens in the window for reading: marked as such, every change
refused with the catalogue message, nothing on the disk changed (issue 12, item 6)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.corpus.importer import import_paths
from annotator.gui.mainwindow import MainWindow
from annotator.store import Project
from tests.disks import remount_read_only, tmpfs
from tests.gui.helpers import FIRST_TEXT, SECOND_TEXT, press, select_text, write_documents


@pytest.fixture
def read_only_project(tmp_path: Path) -> Iterator[Project]:
    with tmpfs(tmp_path / "disk", "20m") as disk:
        write_documents(tmp_path / "corpus", [FIRST_TEXT, SECOND_TEXT])
        with Project.open(disk / "P.db") as project:
            import_paths(project, [tmp_path / "corpus"])
        remount_read_only(disk)
        with Project.open(disk / "P.db") as project:
            yield project


def test_the_window_marks_a_read_only_project_and_refuses_a_new_span(
        qtbot: QtBot, read_only_project: Project, make_window: Callable[..., MainWindow]) -> None:
    window = make_window(read_only_project)
    assert "P.db (read-only)" in window.windowTitle()
    assert window.status_line.project_label.text() == "P.db (read-only)"
    assert "read-only disk" in window.status_line.project_label.toolTip()
    shown: list[str] = []
    window.editor.message.connect(shown.append)
    select_text(window, "Minsk")
    press(qtbot, window, Qt.Key.Key_A)
    assert any("[E147]" in message for message in shown), shown
    assert read_only_project.annotations.spans(window.editor.document.id) == []
    assert window.editor.history.undo_label is None
    assert window.backups.backup_if_due() is None
