"""Fixtures for GUI tests: real projects on disk, real windows (offscreen), real spaCy.

The user folders (QSettings file, default project) are redirected to tmp by the autouse
``isolated_user_dirs`` fixture of tests/conftest.py; ``gui_settings`` checks that they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.corpus.importer import import_paths
from annotator.gui.mainwindow import MainWindow
from annotator.gui.settings import GuiSettings
from annotator.store import Project
from tests.conftest import open_new_sqlite_project
from tests.gui.helpers import FIRST_TEXT, SECOND_TEXT, THIRD_TEXT, write_documents


@pytest.fixture
def project(project_path: Path, sqlite_project_template: Path) -> Iterator[Project]:
    """GUI tests run on SQLite only: the widgets talk to the core, which the store tests run on both."""
    with open_new_sqlite_project(project_path, sqlite_project_template) as opened:
        yield opened


@pytest.fixture
def gui_settings(isolated_user_dirs: Path) -> GuiSettings:
    settings = GuiSettings()
    assert Path(settings.file_name).is_relative_to(isolated_user_dirs), "tests must not touch the real config"
    return settings


@pytest.fixture
def doc_ids(project: Project, tmp_path: Path) -> list[int]:
    """Three documents imported into ``project`` through the real importer, in order."""
    write_documents(tmp_path / "corpus", [FIRST_TEXT, SECOND_TEXT, THIRD_TEXT])
    report = import_paths(project, [tmp_path / "corpus"])
    return [document.id for document in report.imported]


@pytest.fixture
def make_window(qtbot: QtBot, gui_settings: GuiSettings) -> Callable[..., MainWindow]:
    """Open a window on a project as it would appear to the analyst: shown, focused, spaCy loaded."""

    def make(project: Project, annotator: str = "alice") -> MainWindow:
        window = MainWindow(project, annotator, gui_settings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: window.isActiveWindow())
        qtbot.waitUntil(lambda: window.editor.spacy_ready, timeout=60_000)
        window.view.setFocus()
        return window

    return make


@pytest.fixture
def window(project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> Iterator[MainWindow]:
    yield make_window(project)

