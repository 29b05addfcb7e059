"""File ▸ Import limits…: the values an analyst sets there are the ones imports obey."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from annotator.corpus.importer import import_paths
from annotator.gui.limits_dialog import ImportLimitsDialog
from annotator.limits import DEFAULT_MAX_FILE_BYTES, MB, project_limits
from annotator.store import Project


def test_dialog_shows_the_project_limits_and_stores_new_ones(qtbot: QtBot, project: Project,
                                                            tmp_path: Path) -> None:
    dialog = ImportLimitsDialog(None, project)
    qtbot.addWidget(dialog)
    assert dialog.file_mb.value() == DEFAULT_MAX_FILE_BYTES / MB
    dialog.file_mb.setValue(0.1)  # 100 kB
    dialog.accept()
    assert project_limits(project).max_file_bytes == 100_000

    big = tmp_path / "long.txt"
    big.write_text("Minsk said nothing new today. " * 5_000, encoding="utf-8")  # 150 kB
    report = import_paths(project, [big])
    [(failed, message)] = report.failures
    assert report.imported == [] and failed == str(big) and "[E330]" in message
    assert "File ▸ Import limits…" in message
