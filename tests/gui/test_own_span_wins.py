"""Suggestions never take a click or a key meant for the analyst's own span: on the first sample
article with the real English model's suggestions, where a suggestion lies inside (or on) one
of the analyst's spans, a click, in relation mode too, takes the analyst's span, and the keys
that act on the current span act on it; Tab walks only the analyst's spans, ] and [ only the
suggestions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.errors import Errors
from annotator.gui.mainwindow import MainWindow
from annotator.nlp.pipelines import LoadedPipeline
from annotator.nlp.suggest import suggest
from annotator.store import Project
from annotator.store.records import RelationRecord, SpanRecord
from tests.gui.helpers import annotate, click_text, press

Key = Qt.Key
FIRST = "000_674545b150a673a3"  # the United Transitional Cabinet's statement
QUOTED_CLAIM = "“gross interference in the internal affairs”"
SPEAKER = "Maria Zakharova"


@pytest.fixture
def window(sample_project: Project, english_pipeline: LoadedPipeline,
           make_window: Callable[..., MainWindow]) -> MainWindow:
    suggest(sample_project, pipeline=english_pipeline)
    opened = make_window(sample_project)
    opened.open_document(sample_project.documents.resolve(FIRST))
    opened.view.setFocus()
    return opened


def suggestion_on(window: MainWindow, fragment: str, label: str) -> SpanRecord:
    document = window.editor.document
    return next(span for span in window.project.suggestions.spans(document.id, label=label)
                if document.text[span.start:span.end] == fragment)


def own_spans(window: MainWindow) -> list[SpanRecord]:
    return window.project.annotations.spans(window.editor.document.id, annotators=["alice"])


def own_relations(window: MainWindow) -> list[RelationRecord]:
    return window.project.annotations.relations(window.editor.document.id, annotators=["alice"])


def messages(qtbot: QtBot, window: MainWindow) -> list[str]:
    """Every status-bar message from now on."""
    shown: list[str] = []
    window.statusBar().messageChanged.connect(shown.append)
    return shown


def test_a_click_on_a_suggestion_inside_your_span_takes_yours_and_so_do_the_keys(qtbot: QtBot,
                                                                                window: MainWindow) -> None:
    claim = annotate(qtbot, window, QUOTED_CLAIM, Key.Key_C)
    threat = suggestion_on(window, QUOTED_CLAIM.strip("“”"), "THREAT")  # inside the claim, shorter
    inside = claim.start + QUOTED_CLAIM.index("gross") + 1
    assert window.view.spans_at(inside) == [threat.id, claim.id]  # the suggestion is innermost
    window.editor.cancel()
    shown = messages(qtbot, window)

    click_text(qtbot, window, inside)
    assert window.view.current_span_id() == claim.id
    assert window.inspector.span.id == claim.id
    assert window.inspector.text_label.text() == QUOTED_CLAIM  # its own quotes, not ““…””
    press(qtbot, window, Key.Key_T)  # a label key relabels the claim
    assert window.project.annotations.span(claim.id).label == "THREAT"
    window.undo()
    press(qtbot, window, Key.Key_Delete)  # Delete deletes the claim, not the suggestion
    assert claim.id not in {span.id for span in own_spans(window)}
    assert window.project.annotations.span(threat.id).status == "pending"
    window.undo()
    assert not [message for message in shown if "[E509]" in message]

    click_text(qtbot, window, inside)  # the same place again: the suggestion is reachable
    assert window.view.current_span_id() == threat.id
    press(qtbot, window, Key.Key_T)
    assert window.statusBar().currentMessage() == Errors.E509  # on the suggestion itself, it says so


def test_in_relation_mode_a_click_on_the_overlap_links_your_span(qtbot: QtBot, window: MainWindow) -> None:
    claim = annotate(qtbot, window, QUOTED_CLAIM, Key.Key_C)
    speaker = annotate(qtbot, window, SPEAKER, Key.Key_A)
    shown = messages(qtbot, window)
    press(qtbot, window, Key.Key_R)
    click_text(qtbot, window, claim.start + QUOTED_CLAIM.index("internal"))
    [relation] = own_relations(window)
    assert (relation.head_id, relation.tail_id, relation.label) == (speaker.id, claim.id, "speaker_of")
    assert not [message for message in shown if "[E509]" in message]


def test_tab_walks_your_spans_past_the_suggestions_and_links_the_claim_first(qtbot: QtBot,
                                                                           window: MainWindow) -> None:
    speaker = annotate(qtbot, window, SPEAKER, Key.Key_A)
    claim = annotate(qtbot, window, QUOTED_CLAIM, Key.Key_C)
    order = window.view.span_ids_in_order()
    between = [span_id for span_id in order[order.index(speaker.id) + 1:order.index(claim.id)]
               if window.view.span(span_id).layer == "suggestion"]
    assert len(between) >= 15  # what Tab walked through before

    window.editor.select_span(speaker.id)
    press(qtbot, window, Key.Key_Tab)
    assert window.view.current_span_id() == claim.id
    press(qtbot, window, Key.Key_Tab)  # wraps round your two spans only
    assert window.view.current_span_id() == speaker.id
    press(qtbot, window, Key.Key_BracketRight)  # ] is for the suggestions
    assert window.view.current_span_id() == between[0]

    window.editor.select_span(speaker.id)
    press(qtbot, window, Key.Key_R)
    press(qtbot, window, Key.Key_Tab)
    assert window.view.current_span_id() == claim.id
    press(qtbot, window, Key.Key_Return)
    [relation] = own_relations(window)
    assert (relation.head_id, relation.tail_id, relation.label) == (speaker.id, claim.id, "speaker_of")
