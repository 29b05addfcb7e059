"""After each step (label, accept, reject, delete, relabel, their undo and redo) the view shows,
span by span, exactly what reading the whole document again shows, without reading it again.

The window's real keys on a real project; the view is compared with what ``DocumentEditor.refresh``
(the whole document read again) makes of it, after every key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.mainwindow import MainWindow
from annotator.store import Project
from annotator.store.records import SpanRecord
from annotator.store.suggestions import DocumentCandidates, RelationCandidate, SpanCandidate
from tests.gui.helpers import press, select_text

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
MODEL = "en_core_web_sm"


def key_of(text: str, label: str, fragment: str) -> tuple[str, int, int]:
    start = text.index(fragment)
    return (label, start, start + len(fragment))


@pytest.fixture
def window(project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> MainWindow:
    """The first document with five pending suggestions, two of them linked to the threat."""
    text = project.documents.get(doc_ids[0]).text
    nato, threat, minsk = (key_of(text, "ACTOR", "NATO"), key_of(text, "THREAT", "threat of sanctions"),
                           key_of(text, "LOCATION", "Minsk"))
    spans = [SpanCandidate(start, end, label, "ner") for label, start, end in (
        nato, threat, minsk, key_of(text, "LOCATION", "Belarus"), key_of(text, "DATE", "9 February"))]
    relations = [RelationCandidate(nato, threat, "source_of"), RelationCandidate(threat, minsk, "targets")]
    project.suggestions.replace_pending(MODEL, [DocumentCandidates(doc_ids[0], spans, relations)])
    opened = make_window(project)
    opened.open_document(doc_ids[0])
    opened.view.setFocus()
    return opened


@pytest.fixture
def reloads(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Each time the editor reads the whole document again, while a step is shown."""
    counted: list[int] = []
    refresh = window.editor.refresh
    monkeypatch.setattr(window.editor, "refresh", lambda: (counted.append(1), refresh())[1])
    yield counted


def shown(window: MainWindow) -> tuple[dict[int, SpanRecord], list[int]]:
    view = window.view
    spans = {span_id: view.span(span_id) for span_id in view.span_ids_in_order()}
    return spans, sorted(relation_id for relation_id, _path, _label in view.drawn_relations())


def assert_shown_as_stored(window: MainWindow, reloads: list[int]) -> tuple[dict[int, SpanRecord], list[int]]:
    """The step was shown without reading the document again, and the view shows what it shows
    after reading it again."""
    assert reloads == []
    after_step = shown(window)
    window.editor.reload_from_store()
    assert shown(window) == after_step
    reloads.clear()
    return after_step


def outline(state: tuple[dict[int, SpanRecord], list[int]]) -> tuple[dict[int, tuple[str, str, int, int]], list[int]]:
    """Spans and relations by id, without the row versions a step and its undo move on."""
    spans, relations = state
    return {span_id: (span.layer, span.label, span.start, span.end) for span_id, span in spans.items()}, relations


def suggestion(window: MainWindow, label: str, fragment: str) -> SpanRecord:
    text = window.editor.document.text
    return next(span for span in window.project.suggestions.spans(window.editor.document.id, label=label)
                if text[span.start:span.end] == fragment)


def labels_shown(window: MainWindow) -> list[tuple[str, str, str]]:
    text = window.editor.document.text
    spans, _relations = shown(window)
    return sorted((span.layer, span.label, text[span.start:span.end]) for span in spans.values())


def test_a_span_like_a_suggestion_hides_it_and_its_undo_shows_it_again(
        qtbot: QtBot, window: MainWindow, reloads: list[int]) -> None:
    select_text(window, "Belarus")
    press(qtbot, window, Key.Key_L)
    assert ("suggestion", "LOCATION", "Belarus") not in labels_shown(window)
    assert ("annotation", "LOCATION", "Belarus") in labels_shown(window)
    assert_shown_as_stored(window, reloads)

    press(qtbot, window, Key.Key_Z, CTRL)
    assert ("suggestion", "LOCATION", "Belarus") in labels_shown(window)
    assert ("annotation", "LOCATION", "Belarus") not in labels_shown(window)
    assert_shown_as_stored(window, reloads)

    press(qtbot, window, Key.Key_Z, CTRL | SHIFT)
    assert ("suggestion", "LOCATION", "Belarus") not in labels_shown(window)
    assert_shown_as_stored(window, reloads)

    press(qtbot, window, Key.Key_A)  # relabelled: the LOCATION suggestion is no longer the analyst's
    assert ("suggestion", "LOCATION", "Belarus") in labels_shown(window)
    assert ("annotation", "ACTOR", "Belarus") in labels_shown(window)
    assert_shown_as_stored(window, reloads)
    press(qtbot, window, Key.Key_Z, CTRL)
    assert ("suggestion", "LOCATION", "Belarus") not in labels_shown(window)
    assert_shown_as_stored(window, reloads)


def test_accepting_both_ends_copies_the_relation_and_undo_redo_follow_span_by_span(
        qtbot: QtBot, window: MainWindow, reloads: list[int]) -> None:
    before = assert_shown_as_stored(window, reloads)
    assert len(before[1]) == 2  # the two suggested relations
    for label, fragment in (("ACTOR", "NATO"), ("THREAT", "threat of sanctions")):
        window.editor.select_span(suggestion(window, label, fragment).id)
        press(qtbot, window, Key.Key_Y)
        assert ("annotation", label, fragment) in labels_shown(window)
        assert ("suggestion", label, fragment) not in labels_shown(window)
        assert_shown_as_stored(window, reloads)
    spans, relations = shown(window)
    assert len(relations) == 1  # source_of between the copies; targets lost its pending end
    assert all(span.layer == "annotation" for span in spans.values() if span.label in ("ACTOR", "THREAT"))

    steps = []
    for keys in (CTRL, CTRL, CTRL | SHIFT, CTRL | SHIFT):
        press(qtbot, window, Key.Key_Z, keys)
        steps.append(assert_shown_as_stored(window, reloads))
    assert outline(steps[1]) == outline(before)  # both undone: the suggestions and their relations are back
    assert outline(steps[3]) == outline((spans, relations))  # both redone: the same copies under the same ids


def test_reject_and_delete_with_relations_and_their_undo_follow_span_by_span(
        qtbot: QtBot, window: MainWindow, reloads: list[int]) -> None:
    window.editor.select_span(suggestion(window, "LOCATION", "Minsk").id)
    press(qtbot, window, Key.Key_X)
    assert ("suggestion", "LOCATION", "Minsk") not in labels_shown(window)
    assert len(assert_shown_as_stored(window, reloads)[1]) == 1  # its relation went with it
    press(qtbot, window, Key.Key_Z, CTRL)
    assert len(assert_shown_as_stored(window, reloads)[1]) == 2  # and came back with it
    press(qtbot, window, Key.Key_Z, CTRL | SHIFT)
    assert_shown_as_stored(window, reloads)

    for label, fragment in (("ACTOR", "NATO"), ("THREAT", "threat of sanctions")):
        window.editor.select_span(suggestion(window, label, fragment).id)
        press(qtbot, window, Key.Key_Y)
    nato = next(span for span in shown(window)[0].values() if span.label == "ACTOR")
    window.editor.select_span(nato.id)
    press(qtbot, window, Key.Key_Delete)  # the span and its relation
    assert shown(window)[1] == []
    assert_shown_as_stored(window, reloads)
    press(qtbot, window, Key.Key_Z, CTRL)
    assert window.view.span(nato.id) == nato
    assert len(assert_shown_as_stored(window, reloads)[1]) == 1


def test_accepting_all_suggestions_reads_the_document_once(
        qtbot: QtBot, window: MainWindow, reloads: list[int]) -> None:
    window.editor.accept_all()  # five: still span by span
    assert {layer for layer, _label, _text in labels_shown(window)} == {"annotation"}
    assert_shown_as_stored(window, reloads)


def test_span_keys_update_the_list_row_from_the_view_and_leave_the_document_panel(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a label key, an accept, a reject, undo and redo the document list's span count of
    the open document is the view's (the store is not asked to count 20,000 spans per key) and
    agrees with the store; the document panel (status, labels, note) is read again only when
    one of those changed."""
    doc_id = window.editor.document.id
    documents = window.project.documents
    summaries = documents.summaries
    store_counted: list[int] = []

    def recording(doc_ids: list[int], annotator: str | None = None, *,
                  counted: dict[int, int] | None = None) -> list:  # type: ignore[type-arg]
        store_counted.extend(doc for doc in doc_ids if doc not in (counted or {}))
        return summaries(doc_ids, annotator, counted=counted)

    monkeypatch.setattr(documents, "summaries", recording)
    panel_reads: list[int] = []
    show_panel = window.show_document_panel
    monkeypatch.setattr(window, "show_document_panel", lambda: (panel_reads.append(1), show_panel())[1])
    model = window.doc_model

    def listed_count() -> int:
        return model.data(model.index(model.row_of(doc_id), 3))

    def check(panel: int) -> None:
        stored = summaries([doc_id], "alice")[0].span_count
        assert listed_count() == stored
        assert doc_id not in store_counted
        assert len(panel_reads) == panel, panel_reads
        panel_reads.clear()

    select_text(window, "Cabinet")
    press(qtbot, window, Key.Key_A)
    check(panel=1)  # the first edit made the document "in progress"
    select_text(window, "national security")
    press(qtbot, window, Key.Key_A)
    check(panel=0)
    suggestions = [span_id for span_id in window.view.span_ids_in_order()
                   if window.view.span(span_id).layer == "suggestion"]
    window.editor.select_span(suggestions[0])
    press(qtbot, window, Key.Key_Y)
    check(panel=0)
    window.editor.select_span(suggestions[1])
    press(qtbot, window, Key.Key_X)
    check(panel=0)
    for _ in range(4):
        press(qtbot, window, Key.Key_Z, CTRL)
    assert listed_count() == 0
    check(panel=1)  # the first label's undo put "to do" back
    for _ in range(4):
        press(qtbot, window, Key.Key_Z, CTRL | SHIFT)
    assert listed_count() == 3
    check(panel=1)

    window.editor.set_doc_label("RELEVANT", True)
    check(panel=1)
    window.editor.set_document_note("Read again")
    check(panel=1)


def test_the_document_panel_stays_put_while_keys_change_the_current_span(
        qtbot: QtBot, window: MainWindow, doc_ids: list[int]) -> None:
    """X leaves no span current, Y swaps the Accept and Reject row for the fields, ] goes to
    another label: the inspector keeps the tallest height it needed, so the document panel
    below it (and the side column's scroll bar) does not move with every key. With no span
    current for a moment (X, Esc, another document opened) it takes what it shows again."""
    panel = window.document_panel
    inspector = window.inspector
    inspector.shrink_timer.setInterval(60_000)  # "a moment": longer than any step of this test

    def settled_place() -> int:
        """Where the panel is once Qt has no layout left to do: a loaded machine can end one
        short wait between two rounds of posted layout requests (side column, then scroll area)."""
        place = None
        while True:
            qtbot.wait(10)
            now = panel.mapTo(window, panel.rect().topLeft()).y()
            if now == place:
                return now
            place = now

    suggestions = [span_id for span_id in window.view.span_ids_in_order()
                   if window.view.span(span_id).layer == "suggestion"]
    for span_id in suggestions:  # every label's fields shown once: the tallest height is reached
        window.editor.select_span(span_id)
    place = settled_place()
    window.editor.select_span(suggestions[0])
    press(qtbot, window, Key.Key_X)
    assert window.editor.current_span() is None and window.inspector.span is None
    assert settled_place() == place
    window.editor.select_span(suggestions[1])
    press(qtbot, window, Key.Key_Y)
    assert window.editor.current_span().layer == "annotation"
    assert settled_place() == place
    press(qtbot, window, Key.Key_BracketRight)
    assert settled_place() == place
    press(qtbot, window, Key.Key_Z, CTRL)
    assert settled_place() == place

    kept = inspector.minimumHeight()
    press(qtbot, window, Key.Key_Escape)
    press(qtbot, window, Key.Key_Escape)
    assert window.editor.current_span() is None
    assert inspector.shrink_timer.isActive() and inspector.minimumHeight() == kept
    inspector.shrink_timer.start(50)
    qtbot.waitUntil(lambda: inspector.minimumHeight() < kept)
    assert settled_place() < place  # the document panel in view again

    window.editor.select_span(suggestions[2])
    kept = inspector.minimumHeight()
    window.open_document(doc_ids[1])
    assert window.editor.current_span() is None
    qtbot.waitUntil(lambda: inspector.minimumHeight() < kept)


def test_the_inspector_lists_an_own_span_s_relations_as_the_store_has_them(
        qtbot: QtBot, window: MainWindow) -> None:
    """The relations of an own span come from what the view holds (no read per key): after
    accepts that copy suggested relations, their undo and redo, and a delete, the inspector's
    list is the store's."""
    view, project = window.view, window.project
    doc_id = window.editor.document.id

    def check() -> None:
        span = window.editor.current_span()
        assert span is not None and span.layer == "annotation"
        stored = project.annotations.relations(doc_id, annotators=["alice"], layers=["annotation"],
                                               touching=[span.id])
        listed = window.editor.relations_of(span)
        assert [(relation, other.id) for relation, other, _text in listed] == [
            (relation, relation.tail_id if relation.head_id == span.id else relation.head_id) for relation in stored]
        assert window.inspector.relations_list.count() == len(stored)

    by_text = {window.editor.covered_text(view.span(span_id)): span_id for span_id in view.span_ids_in_order()
               if view.span(span_id).layer == "suggestion"}
    for text in ("NATO", "threat of sanctions", "Minsk"):
        window.editor.select_span(by_text[text])
        press(qtbot, window, Key.Key_Y)
        check()
    threat = next(span for span in project.annotations.spans(doc_id, layers=["annotation"])
                  if span.label == "THREAT")
    window.editor.select_span(threat.id)
    check()
    assert window.inspector.relations_list.count() == 2
    press(qtbot, window, Key.Key_Z, CTRL)  # Minsk's accept and its relation copy taken back
    window.editor.select_span(threat.id)
    check()
    assert window.inspector.relations_list.count() == 1
    press(qtbot, window, Key.Key_Z, CTRL | SHIFT)
    window.editor.select_span(threat.id)
    check()
    window.editor.relations.delete(window.editor.relations_of(window.editor.current_span())[0][0].id)
    window.editor.select_span(threat.id)
    check()
    assert window.inspector.relations_list.count() == 1
