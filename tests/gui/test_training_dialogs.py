"""Suggestions ▸ Train model… and Models… drive the real trainer and the real model versions.

The training tests train a tiny model for real (two steps per run, from a blank tok2vec, on the
three short test documents annotated with ACTOR and LOCATION), through the dialog, the
background task and the progress dialog; they are marked slow. The models dialog works on
versions stored with the core's ``ModelVersions.add`` (their archives are never unpacked here),
and another process changes the choice through ``annotator models``' own ``run``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from annotator.gui.dataset_dialogs import set_checked
from annotator.gui.mainwindow import MainWindow
from annotator.gui.models_dialog import NONE_TITLE, ModelsDialog
from annotator.gui.train_dialog import TrainDialog, TrainReportDialog
from annotator.store import Project
from annotator.store.model_versions import ModelVersions
from annotator.store.suggestions import DocumentCandidates, SpanCandidate

TRAIN_MS = 180_000
STEPS = 2
#: What the three test documents (tests/gui/helpers.py) are annotated with: enough for ner to learn
#: two labels and for a held-out document to score on.
ANNOTATIONS = {"ACTOR": ("Мария Захарова", "NATO", "Lukashenka", "Putin", "The opposition"),
               "LOCATION": ("Minsk", "Belarus", "Sochi", "Gomel"),
               "THREAT": ("threatens",)}


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Deleting a version removes its unpacked copy from the user's cache folder: a test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _annotate(project: Project, doc_ids: list[int]) -> None:
    for doc_id in doc_ids:
        text = project.documents.get(doc_id).text
        for label, words in ANNOTATIONS.items():
            for word in words:
                if word in text:
                    start = text.index(word)
                    project.annotations.add_span(doc_id, start, start + len(word), label, "alice")


def _menu_action(window: MainWindow, text: str) -> None:
    [action] = [action for action in window.actions() if action.text() == text]
    action.trigger()


def _train_dialog(qtbot: QtBot, window: MainWindow, *, steps: int, curve: bool) -> TrainDialog:
    """Open Train model… from the menu and set it as the analyst would: ACTOR and LOCATION only
    (THREAT unticked), from a blank start (fast), ``steps`` steps."""
    _menu_action(window, "&Train model…")
    dialog = window.menus.model_training.dialog
    assert isinstance(dialog, TrainDialog)
    qtbot.waitExposed(dialog)
    set_checked(dialog.span_label_list, {"ACTOR", "LOCATION"})
    dialog.steps_spin.setValue(steps)
    dialog.curve_check.setChecked(curve)
    dialog.base_check.setChecked(False)
    assert dialog.ok_button.isEnabled(), dialog.problem.text()
    return dialog


@pytest.mark.slow
def test_the_dialog_trains_stores_a_version_and_shows_scores_and_curve(
        qtbot: QtBot, window: MainWindow, doc_ids: list[int]) -> None:
    project = window.project
    _annotate(project, doc_ids)
    dialog = _train_dialog(qtbot, window, steps=STEPS, curve=True)
    labels: list[str] = []
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    training = window.menus.model_training
    assert training.task is not None and training.progress_dialog is not None
    training.task.progressed.connect(lambda _done, _total, _message: labels.append(
        training.progress_dialog.labelText() if training.progress_dialog is not None else ""))
    qtbot.waitUntil(lambda: training.report_dialog is not None, timeout=TRAIN_MS)
    report = training.report_dialog
    assert isinstance(report, TrainReportDialog), report.text()  # type: ignore[union-attr]
    assert training.task is None and training.progress_dialog is None
    assert any("step" in label and "left" in label for label in labels)  # the core's steps and time estimate

    [info] = ModelVersions(project).all()
    assert info.trained_by == "alice" and info.layer == "gold-else-annotation"
    assert info.labels["ner"] == ["ACTOR", "LOCATION"] and not info.labels["spancat"]  # THREAT unticked
    assert info.trained_on["documents"] == 2 and info.trained_on["held_out"] == 1
    assert info.trained_on["base"] == "none" and info.trained_on["steps"] == 4 * STEPS

    table = report.scores_table
    rows = [[table.item(row, column).text() for column in range(table.columnCount())]
            for row in range(table.rowCount())]
    assert [row[0] for row in rows] == ["ACTOR", "LOCATION", "All spans"]
    overall = info.scores["overall"]
    assert rows[-1][1:] == [str(overall["support"]), f"{overall['precision']:.2f}", f"{overall['recall']:.2f}",
                            f"{overall['f1']:.2f}"]
    assert [point.fraction for point in report.chart.points] == [0.25, 0.5, 0.75, 1.0]
    assert report.chart.isVisible() and "last quarter" in report.curve_message.text()
    change = report.chart.points[-1].f1 - report.chart.points[-2].f1
    status = window.statusBar().currentMessage()
    assert status.startswith(f"Model v{info.id} trained: F1 {overall['f1']:.2f} (")
    assert f"— last quarter {change:+.2f}" in status

    qtbot.mouseClick(report.use_button, Qt.MouseButton.LeftButton)
    assert ModelVersions(project).chosen() == info.id
    assert f"model:v{info.id} suggests" in window.statusBar().currentMessage()


@pytest.mark.slow
def test_cancel_stops_the_training_and_stores_nothing(qtbot: QtBot, window: MainWindow, doc_ids: list[int]) -> None:
    project = window.project
    _annotate(project, doc_ids)
    dialog = _train_dialog(qtbot, window, steps=100_000, curve=False)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    training = window.menus.model_training
    progress = training.progress_dialog
    assert progress is not None
    qtbot.waitUntil(lambda: progress.value() >= 1, timeout=TRAIN_MS)  # spaCy is taking steps
    assert "left" in progress.labelText()
    qtbot.mouseClick(progress.findChild(QPushButton), Qt.MouseButton.LeftButton)  # its Cancel button
    qtbot.waitUntil(lambda: training.task is None, timeout=TRAIN_MS)
    assert ModelVersions(project).all() == []
    assert window.statusBar().currentMessage() == "Training cancelled; no model was stored."
    assert training.report_dialog is None


def test_the_dialog_says_what_is_missing_before_anything_runs(
        qtbot: QtBot, window: MainWindow, doc_ids: list[int]) -> None:
    _annotate(window.project, doc_ids)
    _menu_action(window, "&Train model…")
    dialog = window.menus.model_training.dialog
    assert isinstance(dialog, TrainDialog)
    set_checked(dialog.span_label_list, set())
    set_checked(dialog.document_label_list, set())
    assert not dialog.ok_button.isEnabled() and "[E1401]" in dialog.problem.text()
    set_checked(dialog.span_label_list, {"ACTOR"})
    assert [dialog.annotator_list.item(row).text() for row in range(dialog.annotator_list.count())] == ["alice"]
    set_checked(dialog.annotator_list, set())
    dialog.set_layer("annotation")
    assert "[E1402]" in dialog.problem.text()
    dialog.set_layer("gold")  # gold is the adjudicated layer, whoever made it: no annotators to tick
    assert not dialog.annotator_list.isEnabled() and dialog.ok_button.isEnabled()
    dialog.done_only.setChecked(True)
    choice = dialog.choice()
    assert choice.options.labels == ("ACTOR",) and choice.options.layer == "gold"
    assert choice.options.annotators is None and choice.done_only
    # nothing is marked done: the run says so and trains nothing
    task = window.menus.model_training.train(choice)
    assert task is not None
    qtbot.waitUntil(lambda: window.menus.model_training.task is None, timeout=TRAIN_MS)
    assert "[E1405]" in window.statusBar().currentMessage()
    assert ModelVersions(window.project).all() == []


def _store_versions(project: Project, count: int) -> list[int]:
    """Versions as the trainer stores them (ner ACTOR/LOCATION, spancat CLAIM), with their scores."""
    versions = ModelVersions(project)
    labels = {"ner": ["ACTOR", "LOCATION"], "spancat": ["CLAIM"], "textcat_multilabel": []}
    scores = {"overall": {"precision": 0.8, "recall": 0.7, "f1": 0.75, "support": 40},
              "labels": {label: {"precision": 0.8, "recall": 0.7, "f1": 0.7 + index / 10, "support": 10}
                         for index, label in enumerate(("ACTOR", "LOCATION", "CLAIM"))},
              "documents": 3}
    return [versions.add(b"archive %d" % index, trained_by="alice", layer="gold-else-annotation", labels=labels,
                         trained_on={"documents": 12, "held_out": 3}, scores=scores, curve={},
                         thresholds={"ACTOR": 0.5, "LOCATION": 0.5, "CLAIM": 0.5})
            for index in range(count)]


def _open_models(qtbot: QtBot, window: MainWindow) -> ModelsDialog:
    _menu_action(window, "&Models…")
    dialog = window.menus.model_training.models_dialog
    assert isinstance(dialog, ModelsDialog)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert QApplication.focusWidget() is dialog.table  # the keys go to the list at once
    return dialog


def _cells(dialog: ModelsDialog, column: int) -> list[str]:
    return [dialog.table.item(row, column).text() for row in range(dialog.table.rowCount())]


def test_the_models_dialog_chooses_sets_thresholds_and_deletes_from_the_keyboard(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    first, second = _store_versions(project, 2)
    window = make_window(project)
    dialog = _open_models(qtbot, window)
    versions = ModelVersions(project)
    assert _cells(dialog, 0) == [NONE_TITLE, f"v{second}", f"v{first}"]  # newest first, after "none"
    assert dialog.table.currentRow() == 0 and _cells(dialog, 7)[0] == "✓ suggests"
    assert _cells(dialog, 5)[1:] == ["0.75", "0.75"] and _cells(dialog, 4)[1] == "12 + 3 held out"

    dialog.table.setCurrentCell(dialog.row_of(first), 0)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # Enter chooses
    assert versions.chosen() == first
    assert _cells(dialog, 7)[dialog.row_of(first)] == "✓ suggests" and _cells(dialog, 7)[0] == ""
    assert f"model:v{first} suggests" in window.statusBar().currentMessage()

    assert set(dialog.spins) == {"ACTOR", "LOCATION", "CLAIM"} and not dialog.apply_button.isEnabled()
    spin = dialog.spins["CLAIM"]
    spin.setValue(0.35)
    assert dialog.apply_button.isEnabled()
    qtbot.keyClick(spin, Qt.Key.Key_Return)  # Enter in a spin box applies
    assert versions.get(first).thresholds == {"ACTOR": 0.5, "LOCATION": 0.5, "CLAIM": 0.35}
    assert versions.get(second).thresholds["CLAIM"] == 0.5
    assert versions.chosen() == first and not dialog.apply_button.isEnabled()
    assert "CLAIM 0.35" in window.statusBar().currentMessage()

    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)  # asks; Cancel keeps it
    assert dialog.question is not None and "v" + str(first) in dialog.question.text()
    assert "suggests now" in dialog.question.text()
    qtbot.mouseClick(dialog.question.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert [info.id for info in versions.all()] == [first, second]
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    qtbot.mouseClick(dialog.question.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert [info.id for info in versions.all()] == [second] and versions.chosen() is None
    assert _cells(dialog, 0) == [NONE_TITLE, f"v{second}"] and _cells(dialog, 7)[0] == "✓ suggests"

    versions.choose(second)
    dialog.table.setCurrentCell(0, 0)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)  # "none" is no version: nothing to delete
    assert [info.id for info in versions.all()] == [second]
    qtbot.keyClick(dialog.table, Qt.Key.Key_Enter)  # Enter on "none": no trained model suggests
    assert versions.chosen() is None and _cells(dialog, 7) == ["✓ suggests", ""]
    assert "No trained model suggests now" in window.statusBar().currentMessage()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


@pytest.mark.slow  # two processes start
def test_a_change_by_another_process_shows_when_the_dialog_is_refreshed(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    first, second = _store_versions(project, 2)
    window = make_window(project)
    dialog = _open_models(qtbot, window)
    dialog.table.setCurrentCell(dialog.row_of(first), 0)
    dialog.spins["ACTOR"].setValue(0.9)  # being edited: a refresh keeps it

    def other_process(*argv: str) -> None:
        code = ("import argparse, sys\nfrom annotator.cli import cmd_models\n"
                "parser = argparse.ArgumentParser()\ncmd_models.add_arguments(parser)\n"
                "sys.exit(cmd_models.run(parser.parse_args(sys.argv[1:])))")
        subprocess.run([sys.executable, "-c", code, project.location, *argv], check=True, capture_output=True,
                       timeout=120)

    other_process("--use", str(second), "--threshold", "LOCATION=0.2")
    assert _cells(dialog, 7)[0] == "✓ suggests"  # not yet seen: models write no change feed
    qtbot.keyClick(dialog.table, Qt.Key.Key_F5)
    assert _cells(dialog, 7)[dialog.row_of(second)] == "✓ suggests" and _cells(dialog, 7)[0] == ""
    assert dialog.current_version() is not None and dialog.current_version().id == first  # type: ignore[union-attr]
    assert dialog.spins["ACTOR"].value() == 0.9 and dialog.apply_button.isEnabled()

    other_process("--delete", str(second))
    QApplication.sendEvent(dialog, QEvent(QEvent.Type.WindowActivate))  # back to the window: read again
    assert _cells(dialog, 0) == [NONE_TITLE, f"v{first}"] and _cells(dialog, 7)[0] == "✓ suggests"
    dialog.table.setCurrentCell(dialog.row_of(first), 0)
    ModelVersions(project).delete(first)  # gone meanwhile: choosing it says so, and the list follows
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert "[E1272]" in dialog.status.text() and _cells(dialog, 0) == [NONE_TITLE]


def test_the_inspector_names_the_model_version_and_its_score(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    text = project.documents.get(doc_ids[0]).text
    nato, minsk = text.index("NATO"), text.index("Minsk")
    project.suggestions.replace_pending("en_core_web_sm", [DocumentCandidates(doc_ids[0], [
        SpanCandidate(nato, nato + 4, "ACTOR", "ner+model:v3", score=0.716),
        SpanCandidate(minsk, minsk + 5, "LOCATION", "model:v3", score=0.42)])])
    window = make_window(project)
    shown = []
    for _suggestion in range(2):
        qtbot.keyClick(window.view, Qt.Key.Key_BracketRight)  # ] : the next suggestion
        shown.extend(label.text() for label in window.inspector.findChildren(QLabel)
                     if label.text().startswith("Suggested by"))
    assert shown == ["Suggested by trained model v3 (model:v3, score 0.72) and en_core_web_sm (ner)",
                     "Suggested by trained model v3 (model:v3, score 0.42)"]
