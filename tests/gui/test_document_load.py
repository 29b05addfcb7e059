"""Opening a long document in two steps (``document_load``): the spans of the first screens in
the key, the rest while the window is idle; every key acts on the right span meanwhile, and what
the view ends up with is what reading the document at once shows."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from pytestqt.qtbot import QtBot

from annotator.gui.mainwindow import MainWindow
from annotator.store import Project
from annotator.store.records import RelationRecord, SpanRecord
from annotator.store.suggestions import DocumentCandidates, RelationCandidate, SpanCandidate
from tests.long_document import import_long_document

Key = Qt.Key
NAME = "Maria Zakharova"


@pytest.fixture
def long_doc(project: Project, tmp_path: Path) -> int:
    """About 200,000 characters with an ACTOR of alice's at every "Maria Zakharova", a CLAIM
    after each linked to it, and model suggestions: an ACTOR on every "Moscow" (and one equal to
    alice's first ACTOR, which the view hides), related in pairs."""
    doc_id = import_long_document(project, tmp_path, chars=200_000)
    text = project.documents.get(doc_id).text
    annotations = project.annotations
    for match in re.finditer(NAME, text):
        actor = annotations.add_span(doc_id, match.start(), match.end(), "ACTOR", "alice")
        claim = annotations.add_span(doc_id, match.end() + 1, match.end() + 20, "CLAIM", "alice")
        annotations.add_relation(actor.id, claim.id, "speaker_of", "alice")
    first = re.search(NAME, text)
    assert first is not None
    suggested = [SpanCandidate(match.start(), match.end(), "LOCATION", "ner") for match in re.finditer("Moscow", text)]
    suggested.append(SpanCandidate(first.start(), first.end(), "ACTOR", "ner"))
    links = [RelationCandidate(suggested[at].key, suggested[at + 1].key, "about") for at in range(0, len(suggested) - 2, 2)]
    project.suggestions.replace_pending("en_core_web_sm", [DocumentCandidates(doc_id, suggested, links)])
    return doc_id


def shown(window: MainWindow) -> tuple[dict[int, SpanRecord], dict[int, RelationRecord]]:
    """The spans and relations the view holds, by id (without asking it to finish reading)."""
    model = window.view._model
    return dict(model.spans), dict(model.relations)


def read_at_once(window: MainWindow, doc_id: int) -> tuple[dict[int, SpanRecord], dict[int, RelationRecord]]:
    """What the editor shows when it reads the document's annotations in one go."""
    spans, relations = window.editor._annotations(doc_id)
    return {span.id: span for span in spans}, {relation.id: relation for relation in relations}


def opened(window: MainWindow, doc_id: int, other: int) -> None:
    """``doc_id`` opened by the window, from ``other``, its spans still being read."""
    window.open_document(other)
    window.open_document(doc_id)
    assert window.view.loading


def test_opening_shows_the_first_screens_then_reads_the_rest_when_idle_as_a_full_read_would(
        qtbot: QtBot, project: Project, doc_ids: list[int], long_doc: int,
        make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    opened(window, long_doc, doc_ids[0])
    spans, _relations = shown(window)
    whole, whole_relations = read_at_once(window, long_doc)
    assert 0 < len(spans) < len(whole) and all(spans[span_id] == whole[span_id] for span_id in spans)
    assert window.editor.own_span_count(long_doc, "alice") is None  # the list counts in the store meanwhile
    load = window.editor.load
    assert load is not None
    qtbot.waitUntil(lambda: not window.view.loading)
    assert load.slices > 1  # a stretch at a time, while idle
    assert shown(window) == (whole, whole_relations)
    hidden = [span for span in project.suggestions.spans(long_doc) if span.id not in whole]
    assert len(hidden) == 1 and hidden[0].label == "ACTOR"  # the one alice already has
    assert window.editor.own_span_count(long_doc, "alice") == sum(1 for span in whole.values()
                                                                  if span.layer == "annotation")


def test_keys_pressed_while_the_rest_is_read_act_on_the_right_spans(
        qtbot: QtBot, project: Project, doc_ids: list[int], long_doc: int,
        make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    view = window.view
    own = project.annotations.spans(long_doc, annotators=["alice"])
    suggestions = project.suggestions.spans(long_doc)

    opened(window, long_doc, doc_ids[0])
    assert own[-1].id not in shown(window)[0]
    qtbot.keyClick(view, Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)  # back from nothing: the last own span
    assert view.current_span_id() == own[-1].id and not view.loading

    opened(window, long_doc, doc_ids[0])
    qtbot.keyClick(view, Key.Key_BracketLeft)  # the last suggestion, far beyond the first screens
    assert view.current_span_id() == suggestions[-1].id

    opened(window, long_doc, doc_ids[0])
    text = project.documents.get(long_doc).text
    word = next(match for match in re.finditer(r"\b[a-z]{6,}\b", text) if match.start() > len(text) - 2_000)
    view.select_range(word.start(), word.end())
    qtbot.keyClick(view, Key.Key_A)  # a label key on a word near the end
    added = window.editor.current_span()
    assert added is not None and (added.start, added.end, added.label) == (word.start(), word.end(), "ACTOR")
    assert shown(window) == read_at_once(window, long_doc)

    opened(window, long_doc, doc_ids[0])
    qtbot.keyClick(view, Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo takes it back
    assert view.span(added.id) is None
    qtbot.waitUntil(lambda: not view.loading)
    assert shown(window) == read_at_once(window, long_doc)
    qtbot.keyClick(view, Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert view.span(added.id) is not None and shown(window) == read_at_once(window, long_doc)


def test_lines_scrolled_to_before_their_spans_are_read_are_drawn_with_them(
        qtbot: QtBot, project: Project, doc_ids: list[int], long_doc: int,
        make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    view = window.view
    last = project.annotations.spans(long_doc, annotators=["alice"])[-1]

    def drawn() -> set[int]:
        return {mark.span.id for _block, _offset, scene in view._screen.shown(QRect(view.viewport().rect()))
                for mark in scene.marks}

    opened(window, long_doc, doc_ids[0])
    view.select_range(last.start, last.end)
    view.ensureCursorVisible()  # far down, as the analyst may scroll at once
    view.repaint()
    assert last.id not in drawn()  # not read yet: its line is drawn bare
    qtbot.waitUntil(lambda: not view.loading)
    view.ensureCursorVisible()  # its line moved down as the lines above took room for their chips
    assert last.id in drawn()  # the bare scenes drawn before are gone


def test_start_up_objects_are_left_out_of_full_garbage_collections(
        qtbot: QtBot, project: Project, doc_ids: list[int], make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    qtbot.waitUntil(lambda: window.suggest_runner.chosen() is not None, timeout=60_000)
    # once the pipeline is loaded, or by an earlier window of the process; Python freezes a few
    # hundred of its own at start
    qtbot.waitUntil(lambda: gc.get_freeze_count() > 50_000)
