"""Suggest in the window with a pattern rule that is slow on one document: the run finishes, the
report names the rule's file and line and the document, and the other rules' suggestions are shown."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from annotator.corpus.importer import import_paths
from annotator.gui.mainwindow import MainWindow
from annotator.nlp.patterns import PATTERN_FILES_SETTING
from annotator.nlp.suggest import SuggestResult
from annotator.store import Project
from tests.conftest import SAMPLE_CORPUS

FIRST = "000_674545b150a673a3"


@pytest.mark.slow
def test_a_slow_rule_is_reported_in_a_box_and_the_others_suggest(
        qtbot: QtBot, project: Project, tmp_path: Path, make_window: Callable[..., MainWindow]) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / f"{FIRST}.txt").write_text((SAMPLE_CORPUS / f"{FIRST}.txt").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    (folder / "long.txt").write_text("The cat sat on the mat. " * 700, encoding="utf-8")
    import_paths(project, [folder])
    short_words = {"LOWER": {"IN": ["the", "cat", "sat", "on", "mat", "."]}, "OP": "*"}
    rules = tmp_path / "cues.jsonl"
    rules.write_text(json.dumps({"label": "THREAT", "phrase": "all available forces and means"}) + "\n"
                     + json.dumps({"label": "THREAT", "pattern": [short_words, short_words, {"LOWER": "dog"}]})
                     + "\n", encoding="utf-8")
    project.set_setting(PATTERN_FILES_SETTING, str(rules))
    window = make_window(project)
    qtbot.waitUntil(lambda: window.suggest_runner.chosen() is not None, timeout=60_000)
    with qtbot.waitSignal(window.suggest_runner.finished, timeout=120_000) as finished:
        window.suggest_runner.run(None)
    result: SuggestResult = finished.args[0]
    assert result.documents == 2 and len(result.slow_rules) == 1
    box = window.suggest_runner.report_box
    assert box is not None and box.icon() == QMessageBox.Icon.Warning
    assert box.text().startswith(f"[E618] {rules}, line 2:") and "(long)" in box.text()
    assert "[E618]" in window.statusBar().currentMessage()
    first = project.documents.resolve(FIRST)
    text = project.documents.get(first).text
    assert "all available forces and means" in [text[s.start:s.end] for s in project.suggestions.spans(first)]
