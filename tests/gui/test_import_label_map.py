"""File ▸ Import dataset… with a label mapping for INCEpTION's layers: typed, checked, applied."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.dataset_dialogs import ImportDialog
from annotator.gui.dialogs import ImportReportDialog
from annotator.gui.mainwindow import MainWindow

FIXTURES = Path(__file__).parents[1] / "fixtures" / "inception" / "xmi"


def test_the_mapping_is_checked_and_names_the_labels(qtbot: QtBot, window: MainWindow) -> None:
    window.files.import_dataset_dialog()
    dialog = window.dataset_runner.dialog
    assert isinstance(dialog, ImportDialog)
    dialog.set_format("jsonl")
    assert not dialog.map_edit.isEnabled()  # canonical JSONL has no layers to map
    dialog.set_format("xmi")
    dialog.set_paths([FIXTURES])
    assert dialog.map_edit.isEnabled() and dialog.ok_button.isEnabled()
    dialog.map_edit.setText("NamedEntity")
    assert not dialog.ok_button.isEnabled() and "[E960]" in dialog.problem.text()
    dialog.map_edit.setText("NamedEntity=ACTOR; webanno.custom.Sentiment=FEELING ;")
    assert dialog.ok_button.isEnabled(), dialog.problem.text()
    assert dialog.choice().label_map == (("NamedEntity", "ACTOR"), ("webanno.custom.Sentiment", "FEELING"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.dataset_runner.report_dialog is not None, timeout=60_000)
    assert isinstance(window.dataset_runner.report_dialog, ImportReportDialog)
    [doc_id] = [doc_id for doc_id in window.project.documents.ids() if window.project.documents.get(doc_id).title
                == "A meeting"]
    labels = {(span.label, span.annotator) for span in window.project.annotations.spans(doc_id)}
    assert {("ACTOR", "imported"), ("ACTOR", "bob"), ("FEELING", "imported")} <= labels
    assert not {label for label, _annotator in labels} & {"PER", "ORG", "NamedEntity", "positive", "Sentiment"}
