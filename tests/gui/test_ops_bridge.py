"""The Qt bridge to the change feed: own changes at once (from any thread), others' by the poll."""

from __future__ import annotations

import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from annotator.corpus.importer import import_paths
from annotator.gui.ops_bridge import OpsBridge
from annotator.ops import History
from annotator.ops.spans import AddSpan
from annotator.store import Project
from annotator.store.change_log import Changes


def test_own_changes_from_a_worker_thread_and_others_changes_arrive_in_the_gui_thread(
        qtbot: QtBot, tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Minsk answered Moscow.\n", encoding="utf-8")
    with Project.open(tmp_path / "p.db") as project:
        doc_id = import_paths(project, [source]).imported[0].id
        bridge = OpsBridge(project)
        heard: list[tuple[Changes, bool]] = []
        bridge.changed.connect(lambda changes: heard.append((changes, threading.current_thread() is threading.main_thread())))
        worker = threading.Thread(target=lambda: History.of(project, "alice").perform(AddSpan(doc_id, 0, 5, "LOCATION", "alice")))
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(heard) == 1, timeout=2000)
        assert bridge.is_own(heard[0][0]) and heard[0][1]
        with Project.open(project.location) as teammate:
            teammate.annotations.add_span(doc_id, 15, 21, "LOCATION", "bob")
        qtbot.waitUntil(lambda: len(heard) == 2, timeout=2000)  # the timer's poll, no call here
        assert not bridge.is_own(heard[1][0]) and heard[1][0].touches_document(doc_id)
        bridge.stop()
