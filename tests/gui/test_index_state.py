"""The window catches up new documents' search index and languages off the GUI thread, and says so.

``gui.index_state``: after an import and when a project with pending documents is shown, the
catch-up (``store.pending``) runs on a worker thread while the status bar reads "Indexing N
documents…"; the label goes when it is done.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from annotator.gui.mainwindow import MainWindow
from annotator.store import Project
from annotator.store.pending import pending_counts
from tests.gui.helpers import write_documents

ENGLISH = "The ministry said on Monday that the joint exercises near the western border would begin soon."
RUSSIAN = "Министерство заявило в понедельник, что совместные учения у западной границы скоро начнутся."


def test_documents_pending_when_the_window_opens_are_caught_up(qtbot: QtBot, project: Project, doc_ids: list[int],
                                                              make_window: Callable[..., MainWindow]) -> None:
    assert pending_counts(project)  # the fixture imported with the core importer alone
    window = make_window(project)
    index = window.status_line.index
    qtbot.waitUntil(lambda: index.task is None and not pending_counts(project), timeout=30_000)
    assert not index.label.isVisible()
    assert None not in project.documents.languages(doc_ids).values()  # each judged, in the background


def test_an_import_is_indexed_in_the_background_with_the_state_shown(
        qtbot: QtBot, project: Project, tmp_path: Path, make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    index = window.status_line.index
    paths = write_documents(tmp_path / "in", [f"Vitebsk. {ENGLISH}", f"Витебск. {RUSSIAN}"])
    shown: list[tuple[bool, str]] = []
    task = window.files.import_documents(paths)
    task.finished.connect(lambda: shown.append((index.label.isVisible(), index.label.text())))  # after the window's
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert shown == [(True, "Indexing 2 documents…")]
    qtbot.waitUntil(lambda: index.task is None, timeout=30_000)
    assert not index.label.isVisible() and not pending_counts(project)
    assert sorted(project.documents.languages(project.documents.ids()).values()) == ["en", "ru"]
