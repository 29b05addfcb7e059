"""Discontinuous spans in the editor: Shift with a label key adds the selection to the current
span as a fragment or takes a fragment out, one undoable step each; the view draws the pieces
as one span (an underline under each piece, a dotted joint over each gap, one chip) on real
pixels, and a click in a gap is not a click on the span."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAction, QPalette
from pytestqt.qtbot import QtBot

from annotator.gui.mainwindow import MainWindow
from annotator.gui.textview import DocumentView
from annotator.gui.textview.model import SpanModel
from annotator.gui.textview.tooltips import tooltip_html
from annotator.store.records import SpanRecord
from tests.gui.helpers import press, select_text
from tests.gui.test_textview import (
    COLORS,
    OWNER,
    RED,
    TEXT,
    above,
    below,
    char_point,
    count,
    grab,
    shown_view,
    text_rect,
)

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def own_spans(window: MainWindow) -> list[SpanRecord]:
    assert window.editor.document is not None
    return window.project.annotations.spans(window.editor.document.id, annotators=["alice"])


def piece(text: str, fragment: str) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


def test_shift_and_the_label_key_add_and_remove_fragments_one_step_each(qtbot: QtBot, window: MainWindow) -> None:
    assert window.editor.document is not None
    text = window.editor.document.text
    maria, kremlin, minsk = piece(text, "Мария Захарова"), piece(text, "Kremlin"), piece(text, "Minsk")
    select_text(window, "Мария Захарова")
    press(qtbot, window, Key.Key_A)
    [actor] = own_spans(window)

    select_text(window, "Kremlin's", length=len("Kreml"))  # snapped to the token, as a new span is
    press(qtbot, window, Key.Key_A, SHIFT)
    [span] = own_spans(window)
    assert (span.id, span.label, span.fragments) == (actor.id, "ACTOR", (maria, kremlin))
    assert (span.start, span.end) == (maria[0], kremlin[1])
    assert window.view.span(span.id) == span and window.view.current_span_id() == span.id
    assert window.view.selected_range() is None
    assert window.menus.undo_action.text().replace("&", "") == "Undo Add a fragment to ACTOR"
    assert "Мария Захарова … Kremlin" in window.inspector.text_label.text()  # the pieces, not the gap

    select_text(window, "Minsk")
    press(qtbot, window, Key.Key_C, SHIFT)  # CLAIM's key on an ACTOR span
    assert "[E590]" in window.statusBar().currentMessage()
    press(qtbot, window, Key.Key_A, SHIFT)
    assert own_spans(window)[0].fragments == (maria, kremlin, minsk)

    select_text(window, "Kremlin")  # exactly a fragment: it leaves the span
    press(qtbot, window, Key.Key_A, SHIFT)
    [span] = own_spans(window)
    assert span.fragments == (maria, minsk) and window.view.span(span.id) == span
    assert window.menus.undo_action.text().replace("&", "") == "Undo Remove a fragment of ACTOR"

    press(qtbot, window, Key.Key_A, SHIFT)  # nothing selected
    assert "[E591]" in window.statusBar().currentMessage()

    for expected in ((maria, kremlin, minsk), (maria, kremlin), None):
        press(qtbot, window, Key.Key_Z, CTRL)
        [span] = own_spans(window)
        assert span.fragments == expected and window.view.span(span.id) == span
    assert (span.start, span.end) == maria
    press(qtbot, window, Key.Key_Z, CTRL | SHIFT)
    assert own_spans(window)[0].fragments == (maria, kremlin)


def test_fragments_of_another_annotators_span_are_refused(qtbot: QtBot, window: MainWindow) -> None:
    assert window.editor.document is not None
    text = window.editor.document.text
    theirs = window.project.annotations.add_span(window.editor.document.id, *piece(text, "NATO"), "ACTOR", "bob")
    window.menus.show_others_action.setChecked(True)
    window.view.set_current_span(theirs.id)
    select_text(window, "Kremlin")
    press(qtbot, window, Key.Key_A, SHIFT)
    assert "[E501]" in window.statusBar().currentMessage()
    assert window.project.annotations.span(theirs.id).fragments is None


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[DocumentView]:
    yield shown_view(qtbot)


def fragmented(span_id: int, *fragments: str) -> SpanRecord:
    pieces = tuple(piece(TEXT, fragment) for fragment in fragments)
    return SpanRecord(id=span_id, document_id=1, start=pieces[0][0], end=pieces[-1][1], label="ACTOR",
                      annotator=OWNER, layer="annotation", fragments=pieces)


def test_pieces_are_underlined_the_gap_is_joined_and_the_chip_is_drawn_once(view: DocumentView, qtbot: QtBot) -> None:
    span = fragmented(1, "NATO", "Kremlin")
    view.set_document(TEXT, [span], [], COLORS, owner=OWNER)
    image = grab(view)
    nato, kremlin = text_rect(view, TEXT, *span.fragments[0]), text_rect(view, TEXT, *span.fragments[1])
    gap = QRect(nato.right() + 4, nato.top(), kremlin.left() - nato.right() - 8, nato.height())
    solid = count(image, below(kremlin), RED)
    assert count(image, below(nato), RED) > 20 and solid > 20
    joint = count(image, below(gap), RED, tolerance=200)
    assert 5 < joint < gap.width(), "a thin dotted joint, not an underline"  # a solid one: ~3 × its width
    assert count(image, above(nato), RED) > 20 and count(image, above(kremlin), RED) == 0  # one chip
    base = view.palette().color(QPalette.ColorRole.Base).name()
    assert count(image, gap, base, tolerance=6) > gap.width() * gap.height() // 2  # the gap is not tinted
    assert count(image, nato, base, tolerance=6) < nato.width() * nato.height() // 3

    clicked: list[int] = []
    view.spanClicked.connect(clicked.append)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=char_point(view, TEXT, TEXT.index("threatens")))
    assert clicked == [] and view.spans_at(TEXT.index("threatens")) == []
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=char_point(view, TEXT, span.fragments[1][0] + 2))
    assert clicked == [1]


def test_a_gap_across_lines_is_joined_on_both_and_the_current_span_outlines_every_piece(
        view: DocumentView) -> None:
    span = fragmented(1, "Мария Захарова", "Minsk")
    view.set_document(TEXT, [span], [], COLORS, owner=OWNER)
    maria, minsk = text_rect(view, TEXT, *span.fragments[0]), text_rect(view, TEXT, *span.fragments[1])
    image = grab(view)
    assert count(image, above(maria), RED) > 20 and count(image, above(minsk), RED) == 0
    after_maria = QRect(maria.right() + 4, maria.top(), 120, maria.height())
    owners = text_rect(view, TEXT, TEXT.index("owners"), TEXT.index("owners") + len("owners"))
    for gap in (after_maria, owners):
        assert 5 < count(image, below(gap), RED, tolerance=200) < gap.width()

    view.set_current_span(1)
    outlined = grab(view)
    text_color = view.palette().color(QPalette.ColorRole.Text).name()
    for rect in (maria, minsk):
        box = rect.adjusted(-3, -3, 3, 3)
        edges = [QRect(box.left(), box.top(), 2, box.height()), QRect(box.right() - 1, box.top(), 2, box.height())]
        assert all(count(outlined, edge, text_color, tolerance=120) > 3 for edge in edges)
    over_gap = QRect(owners.left(), owners.top() - 3, owners.width(), 3)  # where a box round the gap would run
    assert count(outlined, over_gap, text_color, tolerance=120) == count(image, over_gap, text_color, tolerance=120)


def test_a_position_in_a_gap_is_not_in_the_span_and_the_tooltip_quotes_the_pieces() -> None:
    model = SpanModel()
    span = fragmented(1, "NATO", "Kremlin")
    model.reset([span, SpanRecord(2, 1, TEXT.index("threatens"), TEXT.index("threatens") + 9, "THREAT", OWNER,
                                  "annotation")], [])
    assert model.spans_at(span.fragments[0][0]) == [1]
    assert model.spans_at(TEXT.index("threatens")) == [2]
    assert model.spans_at(span.fragments[1][1] - 1) == [1]
    assert model.spans_at(span.fragments[1][1]) == []
    assert "“NATO … Kremlin”" in tooltip_html([span], TEXT, OWNER)


def test_the_fragment_keys_do_not_collide(window: MainWindow) -> None:
    """Shift with each label key is bound once, and is none of Qt's text-navigation keys on any
    platform (those all combine Shift with an arrow, Home/End, Page, Insert, Delete, Backspace,
    Return/Enter, F-keys or with Ctrl/Alt/Meta), nor another action's key."""
    bound: dict[str, list[str]] = {}
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            bound.setdefault(sequence.toString(), []).append(action.text())
    for label in window.project.schema.span_labels:
        assert label.key is not None
        key = f"Shift+{label.key.upper()}"
        assert bound[key] == [f"Add/remove fragment of {label.name}"], key
