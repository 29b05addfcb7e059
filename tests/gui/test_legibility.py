"""Legibility of the text view (issue 14): relation labels that never overlap, one connector per
relation across lines, one line pitch whatever appears, quiet suggestions.

Geometry is read from what the view draws (``DocumentView.drawn_relations``: the paths and
label rectangles painted, in viewport coordinates) and from Qt's own cursor rectangles; quiet
chips are checked on real pixels.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QMouseEvent, QPainterPath
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.gui.settings import GuiSettings
from annotator.gui.textview import DocumentView
from annotator.store.records import RelationRecord, SpanRecord
from tests.gui.test_textview import (
    COLORS,
    MAGENTA,
    OWNER,
    RED,
    count,
    grab,
    line_tops,
    relation,
    shown_view,
    span,
    text_rect,
)

PARAGRAPHS = (
    "Maria Zakharova said that NATO threatens the Kremlin and that Minsk is next.\n\n"
    + "".join(f"Filler paragraph {n} about nothing in particular, long enough to wrap once or twice "
              f"in a narrow view of the document.\n\n" for n in range(3))
    + "The Cabinet answered that the threat of sanctions is real.\n"
)


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[DocumentView]:
    yield shown_view(qtbot, height=560)


def hover(view: DocumentView, point: QPoint) -> None:
    """The pointer moves to ``point`` of the viewport. Sent to the viewport itself: under the
    offscreen platform a window left by an earlier test may lie over the view at that place."""
    event = QMouseEvent(QEvent.Type.MouseMove, QPointF(point), QPointF(view.viewport().mapToGlobal(point)),
                        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), event)


def subpaths(path: QPainterPath) -> int:
    return sum(1 for index in range(path.elementCount()) if path.elementAt(index).isMoveTo())


def endpoints(path: QPainterPath) -> tuple[QPointF, QPointF]:
    first, last = path.elementAt(0), path.elementAt(path.elementCount() - 1)
    return QPointF(first.x, first.y), QPointF(last.x, last.y)


# --- relation labels ------------------------------------------------------------------------


def test_three_relations_between_one_pair_and_their_neighbours_have_apart_labels(view: DocumentView) -> None:
    text = PARAGRAPHS
    zakharova, nato, kremlin, minsk = (span(1, "Maria Zakharova", "ACTOR", text=text),
                                       span(2, "NATO", "CLAIM", text=text), span(3, "Kremlin", "ACTOR", text=text),
                                       span(4, "Minsk", "ACTOR", text=text))
    relations = [relation(1, 1, 2, "speaker_of"), relation(2, 1, 2, "about"), relation(3, 2, 1, "source_of"),
                 relation(4, 2, 3, "targets"), relation(5, 3, 4, "located_at"), relation(6, 2, 4, "a_long_label_name")]
    view.set_document(text, [zakharova, nato, kremlin, minsk], relations, COLORS, owner=OWNER)
    grab(view)
    drawn = view.drawn_relations()
    assert sorted(rid for rid, _path, _label in drawn) == [1, 2, 3, 4, 5, 6]  # all arcs over one line
    labels = {rid: label for rid, _path, label in drawn}
    assert all(label is not None and label.width() > 10 for label in labels.values())
    for (a, first), (b, second) in itertools.combinations(labels.items(), 2):
        assert first is not None and second is not None
        assert not first.intersects(second), f"labels of relations {a} and {b} overlap"
    # The three relations of the one pair stack their labels one above the other.
    tops = sorted(labels[rid].top() for rid in (1, 2, 3))  # type: ignore[union-attr]
    assert tops[1] - tops[0] >= labels[1].height() and tops[2] - tops[1] >= labels[1].height()  # type: ignore[union-attr]
    # And they are all above the line's text, within the room the line was given.
    line = text_rect(view, text, zakharova.start, zakharova.end)
    assert all(label.bottom() < line.top() for label in labels.values())  # type: ignore[union-attr]


# --- connectors across lines and paragraphs -------------------------------------------------


def test_a_relation_across_paragraphs_is_one_path_from_head_chip_to_tail_chip(view: DocumentView) -> None:
    text = PARAGRAPHS
    head, tail = span(1, "Maria Zakharova", "ACTOR", text=text), span(2, "threat of sanctions", "THREAT", text=text)
    view.set_document(text, [head, tail], [relation(7, 1, 2, "source_of")], COLORS, owner=OWNER)
    grab(view)
    drawn = [(path, label) for rid, path, label in view.drawn_relations() if rid == 7]
    assert len(drawn) == 1, "one connector, not two stubs"
    path, label = drawn[0]
    assert subpaths(path) == 1  # one continuous line
    start, end = endpoints(path)
    head_rect, tail_rect = text_rect(view, text, head.start, head.end), text_rect(view, text, tail.start, tail.end)
    assert head_rect.left() <= start.x() <= head_rect.right() and head_rect.top() - 24 < start.y() < head_rect.top()
    assert tail_rect.left() <= end.x() <= tail_rect.right() and tail_rect.top() - 24 < end.y() < tail_rect.top()
    # It runs down the left margin, past the paragraphs between, not through their text.
    bounds = path.boundingRect()
    assert bounds.left() < head_rect.left() and bounds.top() < start.y() and bounds.bottom() >= end.y() - 0.5
    assert label is not None and label.bottom() < head_rect.top()  # labelled once, at the head
    pixels = grab(view)
    margin = QRect(0, head_rect.bottom() + 10, int(head_rect.left()) - 1, tail_rect.top() - head_rect.bottom() - 40)
    assert count(pixels, margin, "#808080", tolerance=200) >= margin.height() // 2  # the lane is drawn

    # Scrolled so that neither end is on screen, the lane still crosses the view as one line.
    view.resize(760, 120)
    bar = view.verticalScrollBar()
    for value in range(bar.maximum() + 1):
        bar.setValue(value)
        grab(view)
        tops = [rect.top() for rect in (text_rect(view, text, head.start, head.end),
                                        text_rect(view, text, tail.start, tail.end))]
        if tops[0] < -30 and tops[1] > view.viewport().height() + 30:
            break
    else:
        pytest.fail("no scroll position hides both ends")
    through = [path for rid, path, _label in view.drawn_relations() if rid == 7]
    assert len(through) == 1 and subpaths(through[0]) == 1
    bounds = through[0].boundingRect()
    assert bounds.top() < 0 and bounds.bottom() > view.viewport().height()


def test_connectors_passing_the_same_lines_take_separate_lanes(view: DocumentView) -> None:
    text = PARAGRAPHS
    spans = [span(1, "Maria Zakharova", "ACTOR", text=text), span(2, "NATO", "ACTOR", text=text),
             span(3, "Cabinet", "ACTOR", text=text), span(4, "threat of sanctions", "THREAT", text=text)]
    view.set_document(text, spans, [relation(1, 1, 4, "source_of"), relation(2, 2, 3, "about")], COLORS, owner=OWNER)
    grab(view)
    lanes = {}
    for rid, path, _label in view.drawn_relations():
        xs = [path.elementAt(index).x for index in range(path.elementCount())]
        lanes[rid] = min(xs)
    assert len(lanes) == 2 and abs(lanes[1] - lanes[2]) >= 2.5


# --- one line pitch, quiet suggestions --------------------------------------------------------

WORDS = " ".join(f"word{n:03d}" for n in range(150))


def word_span(span_id: int, nth: int, label: str = "ACTOR", layer: str = "annotation") -> SpanRecord:
    start = WORDS.index(f"word{nth:03d}")
    return SpanRecord(id=span_id, document_id=1, start=start, end=start + 7, label=label,
                      annotator=OWNER if layer == "annotation" else "en_core_web_sm", layer=layer)


def test_lines_keep_their_height_whatever_chips_and_suggestions_appear(view: DocumentView, qtbot: QtBot) -> None:
    view.set_document(WORDS, [], [], COLORS, owner=OWNER)
    bare = line_tops(view)
    suggestions = [word_span(100 + n, n, layer="suggestion") for n in range(0, 150, 4)]
    own = [word_span(n, n) for n in range(1, 150, 9)] + [word_span(300, 20, "CLAIM")]  # nested with a suggestion
    view.set_annotations([*suggestions, *own], [])
    assert line_tops(view) == bare  # chips everywhere (quiet mode off): nothing moved
    view.set_quiet_suggestions(True)
    assert line_tops(view) == bare
    target = suggestions[10]
    rect = text_rect(view, WORDS, target.start, target.end)
    hover(view, rect.center())
    assert view._focus.hovered == target.id  # noqa: SLF001 (the hover state)
    assert line_tops(view) == bare  # a chip shown on hover moves nothing either
    view.set_current_span(own[0].id)
    assert line_tops(view) == bare


def test_quiet_suggestions_show_their_chip_only_in_focus(view: DocumentView, qtbot: QtBot) -> None:
    view.set_document(WORDS, [word_span(1, 30, layer="suggestion")], [], COLORS, owner=OWNER)
    view.set_quiet_suggestions(True)
    rect = text_rect(view, WORDS, WORDS.index("word030"), WORDS.index("word030") + 7)
    chip_area = QRect(rect.left() - 2, rect.top() - 22, 80, 20)
    under = QRect(rect.left(), rect.bottom() + 1, rect.width(), 16)
    quiet = grab(view)
    assert count(quiet, chip_area, RED, tolerance=60) == 0  # no chip
    assert count(quiet, chip_area, "#000000", tolerance=150) == 0
    assert count(quiet, under, RED, tolerance=60) == 0  # and only a light (faded) underline
    assert count(quiet, under, "#f29999", tolerance=90) > 10

    hover(view, rect.center())
    assert count(grab(view), chip_area, RED, tolerance=60) > 20
    assert count(grab(view), under, RED, tolerance=60) > 10  # its dashed underline in full colour
    clicked: list[int] = []
    view.spanClicked.connect(clicked.append)
    hover(view, QPoint(rect.left() + 8, rect.top() - 8))  # onto the chip shown
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 8, rect.top() - 8))
    assert clicked == [1]

    plain = text_rect(view, WORDS, WORDS.index("word040"), WORDS.index("word040") + 7)
    hover(view, plain.center())  # onto text no suggestion covers
    assert count(grab(view), chip_area, RED, tolerance=60) == 0
    hover(view, rect.center())
    QApplication.sendEvent(view.viewport(), QEvent(QEvent.Type.Leave))  # and out of the view
    assert count(grab(view), chip_area, RED, tolerance=60) == 0
    view.set_current_span(1)  # the current suggestion (as ] walks them) shows its chip too,
    assert count(grab(view), chip_area, "#000000", tolerance=150) > 40  # outlined as the current span
    view.set_quiet_suggestions(False)
    view.set_current_span(None)
    assert count(grab(view), chip_area, RED, tolerance=60) > 20  # quiet mode off: always shown


def test_the_view_menu_toggles_quiet_suggestions_and_the_setting_is_remembered(
        window, gui_settings: GuiSettings) -> None:  # type: ignore[no-untyped-def]
    assert gui_settings.quiet_suggestions and window.view.quiet_suggestions()  # quiet by default
    assert window.menus.quiet_suggestions_action.isChecked()
    window.menus.quiet_suggestions_action.trigger()
    assert not window.view.quiet_suggestions() and not GuiSettings().quiet_suggestions
    window.menus.quiet_suggestions_action.trigger()
    assert window.view.quiet_suggestions() and GuiSettings().quiet_suggestions


def test_quiet_suggestions_relations_appear_with_their_suggestion(view: DocumentView) -> None:
    head, tail = word_span(1, 30, layer="suggestion"), word_span(2, 33, "CLAIM", layer="suggestion")
    link = RelationRecord(id=5, document_id=1, head_id=1, tail_id=2, label="speaker_of",
                          annotator="en_core_web_sm", layer="suggestion")
    view.set_document(WORDS, [head, tail], [link], COLORS, owner=OWNER)
    view.set_quiet_suggestions(True)
    line = text_rect(view, WORDS, head.start, tail.end)
    band = QRect(line.left(), line.top() - 60, line.width(), 58)
    before = line_tops(view)
    assert count(grab(view), band, MAGENTA, tolerance=60) == 0  # hidden while neither end is in focus
    view.set_current_span(2)
    assert count(grab(view), band, MAGENTA, tolerance=60) > 20
    assert line_tops(view) == before  # its room was kept
    view.set_current_span(None)
    view.set_quiet_suggestions(False)
    assert count(grab(view), band, MAGENTA, tolerance=60) > 20
