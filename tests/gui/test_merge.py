"""Review ▸ Merge: a teammate's project file brings their layer in, once, off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from annotator.corpus.importer import import_paths
from annotator.gui.mainwindow import MainWindow
from annotator.store import Project
from tests.gui.helpers import FIRST_TEXT, write_documents


def test_merging_a_teammates_project_adds_their_layer_once(
        qtbot: QtBot, window: MainWindow, doc_ids: list[int], tmp_path: Path) -> None:
    other_path = tmp_path / "boris.db"
    with Project.open(other_path) as other:
        [imported] = import_paths(other, write_documents(tmp_path / "boris", [FIRST_TEXT])).imported
        other.annotations.add_span(imported.id, 0, 4, "ACTOR", "boris")
        other.annotations.set_status(imported.id, "boris", "done")

    for expected_spans in (1, 1):  # the second merge adds nothing
        task = window.files.merge_files([other_path])
        with qtbot.waitSignal(task.finished, timeout=60_000):
            pass
        qtbot.waitUntil(lambda: window.files.merge_report is not None)
        spans = window.project.annotations.spans(doc_ids[0], annotators=["boris"])
        assert [(s.start, s.end, s.label) for s in spans] == [(0, 4, "ACTOR")] * expected_spans
        assert window.project.annotations.status(doc_ids[0], "boris") == "done"
        assert "boris.db" in window.files.merge_report.text()
        window.files.merge_report = None
    assert window.project.documents.count() == 3  # matched by text, not added again
