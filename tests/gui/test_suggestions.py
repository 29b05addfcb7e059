"""Model suggestions in the editor, with the real English model on the sample articles: accept and
reject by key, in bulk, undo; and making suggestions on a worker thread with progress and cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from annotator.errors import Errors
from annotator.gui import suggest_runner
from annotator.gui.dialogs import menu_shortcuts
from annotator.gui.mainwindow import MainWindow
from annotator.gui.suggest_runner import PROGRESS_STEPS
from annotator.nlp.pipelines import BLANK, LoadedPipeline
from annotator.nlp.suggest import PIPELINE_SETTING, SuggestResult, suggest
from annotator.store import Project
from annotator.store.records import SpanRecord
from tests.gui.helpers import click_text, press
from tests.long_document import import_long_document

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
FIRST = "000_674545b150a673a3"  # the United Transitional Cabinet's statement


@pytest.fixture
def suggested(sample_project: Project, english_pipeline: LoadedPipeline) -> Project:
    suggest(sample_project, pipeline=english_pipeline)
    return sample_project


def open_first(window: MainWindow) -> MainWindow:
    window.open_document(window.project.documents.resolve(FIRST))
    window.view.setFocus()
    return window


@pytest.fixture
def window(suggested: Project, make_window: Callable[..., MainWindow]) -> MainWindow:
    return open_first(make_window(suggested))


@pytest.fixture
def bare_window(qtbot: QtBot, sample_project: Project, make_window: Callable[..., MainWindow]) -> MainWindow:
    """The sample articles without suggestions yet, once the window has its pipeline ready."""
    opened = open_first(make_window(sample_project))
    qtbot.waitUntil(lambda: opened.suggest_runner.chosen() is not None, timeout=60_000)
    return opened


def pending(window: MainWindow, label: str | None = None) -> list[SpanRecord]:
    return window.project.suggestions.spans(window.editor.document.id, label=label)


def suggestion(window: MainWindow, label: str, text: str) -> SpanRecord:
    document = window.editor.document.text
    return next(span for span in pending(window, label) if document[span.start:span.end] == text)


def own_spans(window: MainWindow) -> list[SpanRecord]:
    return window.project.annotations.spans(window.editor.document.id, annotators=["alice"])


def shown_suggestions(window: MainWindow) -> list[int]:
    return [span_id for span_id in window.view.span_ids_in_order()
            if window.view.span(span_id).layer == "suggestion"]


def status(window: MainWindow, span_id: int) -> str | None:
    return window.project.annotations.span(span_id).status


def undo_text(window: MainWindow) -> str:
    return window.menus.undo_action.text().replace("&", "")


# --- shown and walked ------------------------------------------------------------------------


def test_pending_suggestions_and_their_relations_are_shown_and_can_be_hidden(qtbot: QtBot, window: MainWindow) -> None:
    assert set(shown_suggestions(window)) == {span.id for span in pending(window)}
    relations = window.project.suggestions.relations(window.editor.document.id)
    assert relations and all(window.view.span(r.head_id) and window.view.span(r.tail_id) for r in relations)
    assert window.menus.show_suggestions_action.isChecked()

    press(qtbot, window, Key.Key_S, CTRL | SHIFT)  # View ▸ Show suggestions, off
    assert shown_suggestions(window) == [] and not window.editor.show_suggestions
    press(qtbot, window, Key.Key_S, CTRL | SHIFT)
    assert len(shown_suggestions(window)) == len(pending(window))


def test_brackets_walk_the_suggestions_and_tab_only_own_spans(qtbot: QtBot, window: MainWindow) -> None:
    ordered = shown_suggestions(window)
    press(qtbot, window, Key.Key_BracketRight)
    assert window.view.current_span_id() == ordered[0]
    assert window.inspector.span.id == ordered[0]
    assert window.inspector.accept_button.isVisible() and not window.inspector.label_combo.isEnabled()
    press(qtbot, window, Key.Key_BracketRight)
    assert window.view.current_span_id() == ordered[1]
    press(qtbot, window, Key.Key_BracketLeft)
    press(qtbot, window, Key.Key_BracketLeft)  # wraps
    assert window.view.current_span_id() == ordered[-1]
    press(qtbot, window, Key.Key_Tab)  # Tab walks only the analyst's spans: there are none yet
    assert window.view.current_span_id() == ordered[-1]


def test_suggestion_keys_are_in_the_menus_and_clash_with_no_other_key(window: MainWindow) -> None:
    rows = menu_shortcuts(window.menuBar())
    by_action = {(menu, action): keys for menu, action, keys in rows}
    assert by_action[("Suggestions", "Accept suggestion")] == "Y"
    assert by_action[("Suggestions", "Reject suggestion")] == "X, Shift+Del"
    assert by_action[("Suggestions", "Next suggestion")] == "]"
    assert by_action[("Document", "Link to current span / accept suggestion")] == "Return, Enter"
    every_key = [key for _menu, _action, keys in rows for key in keys.split(", ") if key]
    assert len(every_key) == len(set(every_key)), "one action per key"


# --- accept and reject -------------------------------------------------------------------------


def test_accepting_by_key_copies_into_the_analysts_layer_and_undo_makes_it_pending_again(
        qtbot: QtBot, window: MainWindow) -> None:
    zakharova = suggestion(window, "ACTOR", "Maria Zakharova")
    click_text(qtbot, window, zakharova.start + 2)
    assert window.view.current_span_id() == zakharova.id

    press(qtbot, window, Key.Key_Y)

    [own] = own_spans(window)
    assert (own.start, own.end, own.label, own.layer) == (zakharova.start, zakharova.end, "ACTOR", "annotation")
    assert own.source and own.source.startswith(f"{zakharova.annotator}/")
    assert window.view.span(own.id) == own and window.view.current_span_id() == own.id
    assert window.view.span(zakharova.id) is None and status(window, zakharova.id) == "accepted"
    assert window.inspector.span == own and window.inspector.label_combo.isEnabled()
    assert undo_text(window) == "Undo Accept suggested ACTOR"

    press(qtbot, window, Key.Key_Z, CTRL)
    assert own_spans(window) == []
    assert window.view.span(own.id) is None
    assert status(window, zakharova.id) == "pending" and window.view.span(zakharova.id) is not None
    assert window.view.current_span_id() == zakharova.id

    press(qtbot, window, Key.Key_Z, CTRL | SHIFT)
    assert own_spans(window) == [own]  # the same id: commands above it stay valid
    assert window.view.span(own.id) == own


def test_enter_accepts_and_accepting_both_ends_copies_the_speaker_relation(qtbot: QtBot, window: MainWindow) -> None:
    doc_id = window.editor.document.id
    relation = next(r for r in window.project.suggestions.relations(doc_id) if r.label == "speaker_of")
    for span_id in (relation.head_id, relation.tail_id):
        window.editor.select_span(span_id)
        press(qtbot, window, Key.Key_Return)
    [copied] = window.project.annotations.relations(doc_id, annotators=["alice"])
    assert copied.label == "speaker_of" and window.view.span(copied.head_id).layer == "annotation"
    assert [r for r, _other, _text in window.editor.relations_of(window.view.span(copied.tail_id))] == [copied]

    window.undo()  # accepting the claim
    assert window.project.annotations.relations(doc_id, annotators=["alice"]) == []
    assert window.view.span(relation.tail_id) is not None and window.view.current_span_id() == relation.tail_id
    window.undo()  # accepting the speaker: both ends pending again, so the suggested arc is back
    claim = window.view.span(relation.tail_id)
    assert [r.id for r, _other, _text in window.editor.relations_of(claim)] == [relation.id]


def test_rejecting_hides_it_and_a_new_run_does_not_propose_it_again(
        qtbot: QtBot, window: MainWindow, english_pipeline: LoadedPipeline) -> None:
    threat = suggestion(window, "THREAT", "all available forces and means")
    zakharova = suggestion(window, "ACTOR", "Maria Zakharova")
    window.editor.select_span(threat.id)
    press(qtbot, window, Key.Key_X)
    window.editor.select_span(zakharova.id)
    press(qtbot, window, Key.Key_Delete, SHIFT)
    assert status(window, threat.id) == status(window, zakharova.id) == "rejected"
    assert window.view.span(threat.id) is None and window.view.span(zakharova.id) is None
    assert own_spans(window) == []
    press(qtbot, window, Key.Key_BracketRight)  # the walk goes on after the last rejected one
    after = window.view.span(window.view.current_span_id())
    assert (after.start, -after.end) > (zakharova.start, -zakharova.end)

    result = suggest(window.project, [window.editor.document.id], pipeline=english_pipeline)
    assert result.already_decided >= 2
    window.editor.refresh()
    keys = {(s.label, s.start, s.end) for s in pending(window)}
    assert ("THREAT", threat.start, threat.end) not in keys and ("ACTOR", zakharova.start, zakharova.end) not in keys
    assert status(window, threat.id) == "rejected" and window.view.span(threat.id) is None

    window.undo()  # rejecting Zakharova
    assert status(window, zakharova.id) == "pending" and window.view.span(zakharova.id) is not None


def test_delete_on_a_suggestion_rejects_it_and_label_keys_refuse_it(qtbot: QtBot, window: MainWindow) -> None:
    threat = suggestion(window, "THREAT", "all available forces and means")
    window.editor.select_span(threat.id)
    press(qtbot, window, Key.Key_C)  # a label key with no selection relabels: not a suggestion
    assert window.statusBar().currentMessage() == Errors.E509
    assert status(window, threat.id) == "pending"
    press(qtbot, window, Key.Key_Delete)
    assert status(window, threat.id) == "rejected"


def test_accept_all_of_a_label_then_all_in_the_document_each_one_undo_step(qtbot: QtBot, window: MainWindow) -> None:
    doc_id = window.editor.document.id
    actors = pending(window, "ACTOR")
    everything = pending(window)
    window.editor.select_span(actors[0].id)

    press(qtbot, window, Key.Key_Y, SHIFT)  # all ACTOR suggestions

    assert pending(window, "ACTOR") == []
    assert sorted((s.start, s.end) for s in own_spans(window)) == sorted((s.start, s.end) for s in actors)
    assert {window.view.span(i).label for i in shown_suggestions(window)} == {s.label for s in everything} - {"ACTOR"}
    assert window.view.span(window.view.current_span_id()).layer == "annotation"  # the copy of the current one
    assert window.statusBar().currentMessage() == f"Accepted {len(actors)} ACTOR suggestions."

    window.undo()
    assert own_spans(window) == [] and len(pending(window)) == len(everything)
    assert len(shown_suggestions(window)) == len(everything)

    press(qtbot, window, Key.Key_Y, CTRL | SHIFT)  # all in the document
    assert pending(window) == [] and shown_suggestions(window) == []
    assert len(own_spans(window)) == len(everything)
    suggested_relations = [r for r in window.project.annotations.relations(doc_id) if r.layer == "suggestion"]
    assert len(window.project.annotations.relations(doc_id, annotators=["alice"])) == len(suggested_relations)
    first_ids = sorted(s.id for s in own_spans(window))
    window.undo()
    window.redo()
    assert sorted(s.id for s in own_spans(window)) == first_ids

    window.undo()
    press(qtbot, window, Key.Key_X, CTRL | SHIFT)  # reject all in the document
    assert pending(window) == [] and own_spans(window) == [] and shown_suggestions(window) == []
    press(qtbot, window, Key.Key_Y, CTRL | SHIFT)
    assert window.statusBar().currentMessage() == Errors.E511.format(what="suggestions")
    assert undo_text(window) == "Undo Reject all suggestions"
    window.undo()
    assert len(pending(window)) == len(everything)


# --- making suggestions ----------------------------------------------------------------------


@pytest.mark.slow
def test_suggest_for_all_documents_runs_in_the_background_with_progress(qtbot: QtBot, bare_window: MainWindow) -> None:
    window = bare_window
    assert shown_suggestions(window) == []
    reports: list[tuple[int, int]] = []
    with qtbot.waitSignal(window.suggest_runner.finished, timeout=120_000) as finished:
        window.menus.suggest_all_action.trigger()
        task = window.suggest_runner.task
        assert task is not None and window.suggest_runner.progress_dialog is not None
        assert window.suggest_runner.progress_dialog.windowModality() == Qt.WindowModality.WindowModal
        task.progressed.connect(lambda done, total, _text: reports.append((done, total)))
    result: SuggestResult = finished.args[0]
    assert result.documents == 5 and result.trained and not result.cancelled
    characters = window.project.documents.characters()
    assert reports[-1] == (characters, characters)
    assert window.suggest_runner.progress_dialog is None and window.suggest_runner.task is None
    assert len(shown_suggestions(window)) == len(pending(window)) > 0
    assert window.statusBar().currentMessage().startswith(f"Suggested with {result.pipeline} in 5 documents:")

    other = window.project.documents.resolve("001_e7f613e629c52c24")
    window.project.suggestions.reject_all(other)
    with qtbot.waitSignal(window.suggest_runner.finished, timeout=60_000) as finished:
        window.menus.suggest_document_action.trigger()
    assert finished.args[0].documents == 1  # only the open one: the other keeps its decisions
    assert window.project.suggestions.spans(other) == []


@pytest.mark.slow
def test_the_progress_bar_moves_within_one_long_document(
        qtbot: QtBot, project: Project, tmp_path: Path, make_window: Callable[..., MainWindow]) -> None:
    """One document of 60,000 characters: the bar moves while the label still says 0 of 1."""
    import_long_document(project, tmp_path, chars=60_000)
    window = make_window(project)
    qtbot.waitUntil(lambda: window.suggest_runner.chosen() is not None, timeout=60_000)
    shown: list[tuple[int, str]] = []
    with qtbot.waitSignal(window.suggest_runner.finished, timeout=120_000) as finished:
        window.menus.suggest_document_action.trigger()
        progress = window.suggest_runner.progress_dialog
        assert progress is not None
        window.suggest_runner.task.progressed.connect(  # after the dialog's own slot: what it shows
            lambda *_report: shown.append((progress.value(), progress.labelText())))
    assert finished.args[0].documents == 1
    reading = [value for value, label in shown if label.endswith(": 0 of 1 documents")]
    assert reading == sorted(reading) and len({value for value in reading if 0 < value < PROGRESS_STEPS}) >= 2
    assert shown[-1] == (PROGRESS_STEPS, f"Suggesting with {finished.args[0].pipeline}: 1 of 1 documents")


def test_cancel_stops_the_run_and_keeps_the_window_usable(
        qtbot: QtBot, bare_window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancel pressed while the pipeline is still loading: no document is touched."""
    window = bare_window
    loading = threading.Event()
    release = threading.Event()
    real = suggest_runner.cached_pipeline

    def slow_pipeline(name: str) -> LoadedPipeline:
        loading.set()
        release.wait(30)
        return real(name)

    monkeypatch.setattr(suggest_runner, "cached_pipeline", slow_pipeline)
    with qtbot.waitSignal(window.suggest_runner.finished, timeout=60_000) as finished:
        window.menus.suggest_all_action.trigger()
        progress = window.suggest_runner.progress_dialog
        assert loading.wait(10)
        qtbot.waitUntil(lambda: progress.isVisible() and progress.labelText().startswith("Loading the spaCy pipeline"))
        cancel = next(button for button in progress.findChildren(QPushButton) if button.text() == "Cancel")
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        assert window.suggest_runner.task.control.cancelled
        release.set()
    result: SuggestResult = finished.args[0]
    assert result.cancelled and result.documents == 0
    assert all(window.project.suggestions.spans(doc_id) == [] for doc_id in window.project.documents.ids())
    assert "Stopped early" in window.statusBar().currentMessage()


@pytest.fixture
def restore_pipeline_cache() -> Iterator[None]:
    """A test that loads the blank pipeline evicts the English one; load it back for the rest."""
    yield
    suggest_runner._loaded.clear()


def test_blank_pipeline_is_chosen_in_the_menu_stored_in_the_project_and_said_plainly(
        qtbot: QtBot, bare_window: MainWindow, restore_pipeline_cache: None) -> None:
    window = bare_window
    menu = window.suggest_runner.menu
    titles = [action.text() for action in menu.actions()]
    assert any(title.startswith("en_core_web_sm") for title in titles)
    blank = next(action for action in menu.actions() if action.text().startswith(BLANK))
    blank.trigger()
    assert window.project.setting(PIPELINE_SETTING) == BLANK and blank.isChecked()
    assert window.suggest_runner.status_label.text().startswith(f"Pipeline: {BLANK}")

    with qtbot.waitSignal(window.suggest_runner.finished, timeout=60_000) as finished:
        window.menus.suggest_document_action.trigger()
    result: SuggestResult = finished.args[0]
    assert not result.trained
    labels = {span.label for span in pending(window)}
    assert labels == {"THREAT"}  # patterns only: the sample has no registry actors yet
    assert window.suggest_runner.report_box.text() == Errors.E514
    assert Errors.E514 in window.statusBar().currentMessage()


def test_with_no_trained_pipeline_installed_the_menu_and_the_report_say_so(
        qtbot: QtBot, bare_window: MainWindow, monkeypatch: pytest.MonkeyPatch, restore_pipeline_cache: None) -> None:
    window = bare_window
    monkeypatch.setattr(suggest_runner, "installed_pipelines", list)
    monkeypatch.setattr(suggest_runner, "default_pipeline_name", lambda: BLANK)
    window.suggest_runner.prepare()
    qtbot.waitUntil(lambda: "No trained English pipeline is installed" in [
        action.text() for action in window.suggest_runner.menu.actions()], timeout=60_000)
    with qtbot.waitSignal(window.suggest_runner.finished, timeout=60_000):
        window.menus.suggest_document_action.trigger()
    assert window.suggest_runner.report_box.text() == Errors.E513
