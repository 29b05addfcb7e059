"""File ▸ Export dataset… and Import dataset…: the dialogs drive the real core on real projects.

The widgets are set as an analyst would leave them, OK is clicked, and the tests wait for the
background task's report dialog; the files written are then read back as plain JSON, and the
import lands in a second real project.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.formats.select import document_json
from annotator.gui import dataset_dialogs
from annotator.gui.dataset_dialogs import ExportDialog, ImportDialog, available_formats, set_checked
from annotator.gui.dataset_reports import ExportReportDialog
from annotator.gui.dialogs import ImportReportDialog, menu_shortcuts
from annotator.gui.mainwindow import MainWindow
from annotator.store import Project

TASK_MS = 60_000


def _annotate(project: Project, doc_ids: list[int]) -> None:
    """Two of alice's spans and a relation between them in the first document (after emoji and
    Cyrillic), one of bob's in the second, and one actor in the registry."""
    text = project.documents.get(doc_ids[0]).text
    start = text.index("NATO")
    source = project.annotations.add_span(doc_ids[0], start, start + 4, "ACTOR", "alice")
    start = text.index("threatens")
    threat = project.annotations.add_span(doc_ids[0], start, start + len("threatens"), "THREAT", "alice")
    project.annotations.add_relation(source.id, threat.id, "source_of", "alice")
    project.actors.create("Maria Zakharova")  # the registry travels beside canonical JSONL
    second = project.documents.get(doc_ids[1]).text
    project.annotations.add_span(doc_ids[1], second.index("Putin"), second.index("Putin") + 5, "ACTOR", "bob")


def _click_ok(qtbot: QtBot, dialog: ExportDialog | ImportDialog) -> None:
    assert dialog.ok_button.isEnabled(), dialog.problem.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def start_export(qtbot: QtBot, window: MainWindow, out: Path, format_name: str = "jsonl") -> None:
    """Export through the dialog and wait for what the run shows: a report, an error or a question."""
    window.files.export_dataset_dialog()
    dialog = window.dataset_runner.dialog
    assert isinstance(dialog, ExportDialog)
    dialog.set_format(format_name)
    dialog.target_edit.setText(str(out))
    window.dataset_runner.report_dialog = None  # this run's, not an earlier one's
    _click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: window.dataset_runner.report_dialog is not None, timeout=TASK_MS)


def _export_through_dialog(qtbot: QtBot, window: MainWindow, out: Path) -> ExportReportDialog:
    start_export(qtbot, window, out)
    report = window.dataset_runner.report_dialog
    assert isinstance(report, ExportReportDialog), report.text()
    return report


def test_export_dialog_writes_canonical_jsonl_and_reports_it(
        qtbot: QtBot, window: MainWindow, doc_ids: list[int], tmp_path: Path) -> None:
    _annotate(window.project, doc_ids)
    out = tmp_path / "out" / "alice.jsonl"
    report = _export_through_dialog(qtbot, window, out)

    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) == 3  # every document, with only alice's (the analyst's default) spans
    spans = [span for line in lines for span in line["spans"]]
    assert {span["text"] for span in spans} == {"NATO", "threatens"}
    assert [relation["label"] for line in lines for relation in line["relations"]] == ["source_of"]
    assert {span["annotator"] for span in spans} == {"alice"}
    assert "Exported 3 documents, 2 spans and 1 relation to 2 files." in report.summary.text()
    written = report.details.topLevelItem(0)
    assert written.text(0) == "Files written (2)"  # the documents, and the actor registry beside them
    assert written.child(0).text(1) == str(out)
    assert written.child(1).text(0).endswith(".actors.jsonl")
    assert report.losses.text() == "Nothing was left out."
    assert "Exported 3 documents" in window.statusBar().currentMessage()


def test_export_filters_and_split_reach_the_core(
        qtbot: QtBot, window: MainWindow, doc_ids: list[int], tmp_path: Path) -> None:
    _annotate(window.project, doc_ids)
    window.files.export_dataset_dialog()
    dialog = window.dataset_runner.dialog
    assert isinstance(dialog, ExportDialog)
    dialog.set_format("jsonl")
    set_checked(dialog.annotator_list, {"alice", "bob"})
    dialog.split_check.setChecked(True)
    assert dialog.target_is_folder() and "folder" in dialog.target_hint.text()
    dialog.split_spins[0].setValue(0.9)
    assert not dialog.ok_button.isEnabled() and "[E533]" in dialog.problem.text()  # 0.9 + 0.1 + 0.1
    for spin, value in zip(dialog.split_spins, (0.34, 0.33, 0.33), strict=True):
        spin.setValue(value)
    assert not dialog.ok_button.isEnabled() and "[E532]" in dialog.problem.text()  # no target yet
    dialog.target_edit.setText(str(tmp_path / "split"))
    dialog.seed_spin.setValue(7)
    choice = dialog.choice()
    assert choice.split == (0.34, 0.33, 0.33) and choice.seed == 7
    assert choice.annotators == ("alice", "bob") and choice.labels is None
    _click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: isinstance(window.dataset_runner.report_dialog, ExportReportDialog), timeout=TASK_MS)

    files = [tmp_path / "split" / f"{part}.jsonl" for part in ("train", "dev", "test")]
    ids = [json.loads(line)["id"] for path in files for line in path.read_text(encoding="utf-8").splitlines()
           if line.strip()]
    assert len(ids) == len(set(ids)) == 3  # no document in two parts
    report = window.dataset_runner.report_dialog
    assert "(train 3, dev 0, test 0)" in report.summary.text()  # 3 documents: rounding leaves dev and test empty


def _import_through_dialog(qtbot: QtBot, window: MainWindow, path: Path) -> ImportReportDialog:
    """File ▸ Import dataset… of ``path`` as canonical JSONL, as the analyst leaves the dialog
    (annotator "imported"); the report dialog once the background task has finished."""
    window.files.import_dataset_dialog()
    dialog = window.dataset_runner.dialog
    assert isinstance(dialog, ImportDialog)
    assert dialog.annotator_combo.currentText() == "imported"
    dialog.set_format("jsonl")
    dialog.set_paths([path])
    _click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: window.dataset_runner.report_dialog is not None, timeout=TASK_MS)
    report = window.dataset_runner.report_dialog
    assert isinstance(report, ImportReportDialog), report.text()
    return report


def test_import_dialog_brings_an_export_into_another_project(
        qtbot: QtBot, window: MainWindow, doc_ids: list[int], tmp_path: Path,
        make_window: Callable[..., MainWindow]) -> None:
    _annotate(window.project, doc_ids)
    out = tmp_path / "alice.jsonl"
    _export_through_dialog(qtbot, window, out)

    with Project.open(tmp_path / "other.db") as other:
        other_window = make_window(other, "carol")
        assert other_window.doc_model.ids == []
        report = _import_through_dialog(qtbot, other_window, out)
        assert "3 new documents" in report.summary.text()
        qtbot.waitUntil(lambda: len(other_window.doc_model.ids) == 3)  # the list is refreshed when the task ends
        assert other_window.editor.document is not None  # and the first document opened
        imported = [(span, other.documents.get(doc_id).text[span.start:span.end])
                    for doc_id in other_window.doc_model.ids for span in other.annotations.spans(doc_id)]
        assert sorted((span.label, text) for span, text in imported) == [("ACTOR", "NATO"), ("THREAT", "threatens")]
        assert "2 spans, 1 relation" in report.summary.text()
        assert {span.annotator for span, _text in imported} == {"alice"}  # the file names its annotator
        assert [actor.name for actor in other.actors.all()] == ["Maria Zakharova"]
        new_things = {report.details.topLevelItem(row).text(0): report.details.topLevelItem(row).text(1)
                      for row in range(report.details.topLevelItemCount())}
        assert new_things["New annotators (1)"] == "alice"
        assert new_things["New actors in the registry (1)"] == "Maria Zakharova"
        other_window.close()


def test_formats_that_fail_to_load_are_named_and_the_others_offered(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    import annotator.formats

    monkeypatch.setattr(annotator.formats, "FORMAT_MODULES", (*annotator.formats.FORMAT_MODULES, "no_such_format"))
    formats, problems = available_formats()
    assert "no_such_format" in problems and "jsonl" in formats
    dialog = ExportDialog(window, annotators=["alice"], current_annotator="alice", labels=["ACTOR"],
                          current_document=None)
    qtbot.addWidget(dialog)
    assert "no_such_format" in dialog.unavailable.text()
    assert dialog.format_combo.findData("jsonl") >= 0
    assert not dialog.current_document.isEnabled()  # no document open


def test_dataset_actions_have_their_own_keys(window: MainWindow) -> None:
    rows = menu_shortcuts(window.menuBar())
    keys = {action: keys for _menu, action, keys in rows}
    assert keys["Export dataset…"] == "Ctrl+Shift+E"
    assert keys["Import dataset…"] == "Ctrl+Shift+D"
    assert keys["Import folder…"] == "Ctrl+Shift+I"
    every = [key for _menu, _action, shortcut in rows for key in shortcut.split(", ") if key]
    assert every.count("Ctrl+Shift+E") == 1 and every.count("Ctrl+Shift+D") == 1


def test_the_import_annotator_defaults_to_imported(qtbot: QtBot) -> None:
    dialog = ImportDialog(None, annotators=["alice", "bob"], current_annotator="alice")
    qtbot.addWidget(dialog)
    assert dataset_dialogs.IMPORT_ANNOTATOR == "imported"
    assert [dialog.annotator_combo.itemText(row) for row in range(dialog.annotator_combo.count())] == \
        ["imported", "alice", "bob"]
    assert not dialog.ok_button.isEnabled() and "[E536]" in dialog.problem.text()


def test_export_of_the_current_document_and_a_refused_export(
        qtbot: QtBot, window: MainWindow, doc_ids: list[int], tmp_path: Path) -> None:
    _annotate(window.project, doc_ids)
    window.open_document(doc_ids[1])
    window.files.export_dataset_dialog()
    dialog = window.dataset_runner.dialog
    assert isinstance(dialog, ExportDialog)
    dialog.set_format("jsonl")
    dialog.done_only.setChecked(True)  # nothing is done yet: the core refuses, the dialog says why
    dialog.target_edit.setText(str(tmp_path / "none.jsonl"))
    _click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: window.dataset_runner.report_dialog is not None, timeout=TASK_MS)
    refused = window.dataset_runner.report_dialog
    assert not isinstance(refused, ExportReportDialog)
    assert "[E807]" in refused.text() and not (tmp_path / "none.jsonl").exists()
    assert window.dataset_runner.progress_dialog is None

    window.files.export_dataset_dialog()
    dialog = window.dataset_runner.dialog
    assert isinstance(dialog, ExportDialog)
    dialog.set_format("jsonl")
    set_checked(dialog.annotator_list, {"bob"})
    dialog.current_document.setChecked(True)
    out = tmp_path / "current.jsonl"
    dialog.target_edit.setText(str(out))
    _click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: isinstance(window.dataset_runner.report_dialog, ExportReportDialog), timeout=TASK_MS)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [line["id"] for line in lines] == [document_json(window.project, doc_ids[1])["id"]]
    assert [span["text"] for span in lines[0]["spans"]] == ["Putin"]


def test_import_report_lists_the_files_of_a_folder_it_refused(
        qtbot: QtBot, window: MainWindow, doc_ids: list[int], tmp_path: Path,
        make_window: Callable[..., MainWindow]) -> None:
    """A pipe in a chosen folder is left out, never opened, and named in the report: nothing is
    dropped silently."""
    _annotate(window.project, doc_ids)
    folder = tmp_path / "incoming"
    folder.mkdir()
    _export_through_dialog(qtbot, window, folder / "alice.jsonl")
    os.mkfifo(folder / "stuck.jsonl")
    with Project.open(tmp_path / "other.db") as other:
        other_window = make_window(other, "carol")
        report = _import_through_dialog(qtbot, other_window, folder)
        assert "3 new documents" in report.summary.text() and "refused 1 file" in report.summary.text()
        groups = {report.details.topLevelItem(row).text(0): report.details.topLevelItem(row)
                  for row in range(report.details.topLevelItemCount())}
        refused = groups["Files refused (1)"]
        assert "[E341]" in refused.child(0).text(1) and "stuck.jsonl" in refused.child(0).text(1)
        other_window.close()
