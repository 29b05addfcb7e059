"""The document text view: offsets, selection, rendering of spans and relations, clicks, keys.

Rendering is checked on real pixels: the view is grabbed to an image and the tests look for the
label colours where the underlines, chips and arcs must be. Label colours are pure and far
apart so that a count of near-exact pixels cannot be fooled by tints or antialiasing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QAction, QColor, QHelpEvent, QImage, QKeyEvent, QKeySequence, QPalette, QTextCursor
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit, QToolTip
from pytestqt.qtbot import QtBot

from annotator.gui.offsets import OffsetMap, qt_display_text
from annotator.gui.textview import DocumentView
from annotator.gui.textview.intervals import IntervalIndex
from annotator.gui.textview.layout import GappedLayout
from annotator.gui.textview.model import SpanModel
from annotator.gui.textview.style import SpanColors, luminance
from annotator.store.records import RelationRecord, SpanRecord

RED, BLUE, GREEN, MAGENTA = "#e00000", "#0000e0", "#00a000", "#c000c0"
COLORS = {"ACTOR": RED, "CLAIM": BLUE, "THREAT": GREEN, "speaker_of": MAGENTA}
OWNER = "alice"

TEXT = (
    "😀🇧🇾 Заявление МИД: Мария Захарова said that NATO threatens the Kremlin's plans.\n"
    "Cafe\u0301 owners in Minsk saw the threat of sanctions against Belarus.\n"
    "北京 and Moscow answered on the same day.\n"
)


def u16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def span(span_id: int, fragment: str, label: str, *, annotator: str = OWNER, layer: str = "annotation",
         text: str = TEXT, **fields: object) -> SpanRecord:
    start = text.index(fragment)
    return SpanRecord(id=span_id, document_id=1, start=start, end=start + len(fragment), label=label,
                      annotator=annotator, layer=layer, **fields)  # type: ignore[arg-type]


def relation(relation_id: int, head: int, tail: int, label: str = "speaker_of") -> RelationRecord:
    return RelationRecord(id=relation_id, document_id=1, head_id=head, tail_id=tail, label=label,
                          annotator=OWNER, layer="annotation")


def shown_view(qtbot: QtBot, height: int = 480) -> DocumentView:
    """A document view on screen at 11 pt, 760 pixels wide: the size the pixel checks expect."""
    widget = DocumentView()
    qtbot.addWidget(widget)
    widget.set_font_point_size(11)
    widget.resize(760, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[DocumentView]:
    yield shown_view(qtbot)


def cursor_at(view: DocumentView, text: str, cp: int) -> QTextCursor:
    cursor = QTextCursor(view.document())
    cursor.setPosition(OffsetMap(text).to_qt(cp))
    return cursor


def char_point(view: DocumentView, text: str, cp: int) -> QPoint:
    """The middle of the character at code point ``cp``, in viewport coordinates."""
    left = view.cursorRect(cursor_at(view, text, cp))
    right = view.cursorRect(cursor_at(view, text, cp + 1))
    return QPoint((left.left() + right.left()) // 2, left.center().y())


def text_rect(view: DocumentView, text: str, start: int, end: int) -> QRect:
    """The text line rectangle from code point ``start`` to ``end`` (same visual line)."""
    left = view.cursorRect(cursor_at(view, text, start))
    right = view.cursorRect(cursor_at(view, text, end))
    assert left.top() == right.top(), "the fragment must sit on one visual line"
    return QRect(left.left(), left.top(), right.left() - left.left(), left.height())


def grab(view: DocumentView) -> QImage:
    view.viewport().repaint()
    return view.viewport().grab().toImage()


def count(image: QImage, rect: QRect, color: str, tolerance: int = 24) -> int:
    """Pixels inside ``rect`` within ``tolerance`` (sum of channel differences) of ``color``."""
    target = QColor(color)
    found = 0
    area = rect.intersected(image.rect())
    for y in range(area.top(), area.bottom() + 1):
        for x in range(area.left(), area.right() + 1):
            pixel = image.pixelColor(x, y)
            if (abs(pixel.red() - target.red()) + abs(pixel.green() - target.green())
                    + abs(pixel.blue() - target.blue())) <= tolerance:
                found += 1
    return found


def below(rect: QRect) -> QRect:
    """Where a line's stacked underlines go."""
    return QRect(rect.left(), rect.bottom() + 1, rect.width(), 16)


def above(rect: QRect) -> QRect:
    """Where a line's chips and arcs go."""
    return QRect(rect.left() - 2, rect.top() - 48, rect.width() + 4, 47)


# --- offsets (pure Python) ------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "plain ASCII text",
    "😀 NATO",                      # emoji: 1 code point, 2 UTF-16 units
    "🇧🇾 Belarus 🇷🇺",               # flags: two astral code points each
    "Cafe\u0301 society",            # combining mark: 2 code points, 2 units
    "Заявление МИД",                 # Cyrillic: BMP, identity
    "北京 said 🙂🙂 twice",           # CJK and consecutive astral characters
    "",
])
def test_offset_map_agrees_with_utf16_at_every_position(text: str) -> None:
    offsets = OffsetMap(text)
    assert offsets.utf16_length == u16(text)
    for cp in range(len(text) + 1):
        assert offsets.to_qt(cp) == u16(text[:cp])
        assert offsets.from_qt(offsets.to_qt(cp)) == cp
        assert offsets.from_qt_end(offsets.to_qt(cp)) == cp


def test_positions_inside_a_surrogate_pair_round_down_for_starts_and_up_for_ends() -> None:
    offsets = OffsetMap("a😀b")  # UTF-16: a=0, 😀=1..2, b=3
    assert offsets.from_qt(2) == 1      # the emoji itself
    assert offsets.from_qt_end(2) == 2  # after the emoji
    assert offsets.to_qt(2) == 3
    assert (offsets.from_qt(-5), offsets.from_qt(99), offsets.to_qt(99)) == (0, 3, 4)  # clamped


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_offset_map_round_trips_generated_text(text: str) -> None:
    offsets = OffsetMap(text)
    for cp in range(len(text) + 1):
        assert offsets.to_qt(cp) == u16(text[:cp])
        assert offsets.from_qt(offsets.to_qt(cp)) == cp == offsets.from_qt_end(offsets.to_qt(cp))
    for unit in range(offsets.utf16_length + 1):
        start, end = offsets.from_qt(unit), offsets.from_qt_end(unit)
        assert offsets.to_qt(start) <= unit <= offsets.to_qt(end)
        assert end - start in (0, 1)


@pytest.mark.parametrize("strict", [False, True])
def test_display_text_keeps_utf16_length(strict: bool) -> None:
    text = "a\r\nb\u2029c\u2028d\x00e\ufdd0f\ufffcg😀\n"
    shown = qt_display_text(text, strict=strict)
    assert u16(shown) == u16(text)
    assert "\r\n" not in shown
    if strict:
        assert not any(ch in shown for ch in "\x00\u2028\u2029\ufdd0\ufffc")


# --- interval index and model (pure Python) -------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 300), st.integers(1, 400)), max_size=60),
       st.integers(0, 700), st.integers(1, 200), st.data())
def test_interval_index_matches_brute_force(pairs: list[tuple[int, int]], start: int, width: int,
                                            data: st.DataObject) -> None:
    entries = [(a, a + length, index) for index, (a, length) in enumerate(pairs)]
    index = IntervalIndex(entries[: len(entries) // 2])
    for entry in entries[len(entries) // 2:]:
        index.add(*entry)
    removed = set(data.draw(st.sets(st.sampled_from(range(len(entries))))) if entries else set())
    for item in removed:
        index.remove(item)
    live = [entry for entry in entries if entry[2] not in removed]
    end = start + width
    assert sorted(index.overlapping(start, end)) == sorted(e for e in live if e[0] < end and e[1] > start)
    assert [e[2] for e in index.covering(start)] == [
        e[2] for e in sorted((e for e in live if e[0] <= start < e[1]), key=lambda e: (e[1] - e[0], e[0], e[2]))]
    assert len(index) == len(live)


def test_model_removing_a_span_drops_its_relations_and_orders_spans_for_tab() -> None:
    model = SpanModel()
    outer = span(1, "said that NATO threatens", "CLAIM")
    inner, other = span(2, "NATO", "ACTOR"), span(3, "Minsk", "ACTOR")
    model.reset([inner, other, outer], [relation(7, 2, 1), relation(8, 3, 1)])
    assert model.order() == [1, 2, 3]  # by start, the outer span before the inner one
    assert model.spans_at(inner.start) == [2, 1]
    removed_span, removed_relations = model.remove_span(1)
    assert removed_span == outer
    assert [r.id for r in removed_relations] == [7, 8]
    assert model.relations == {} and model.relations_of(2) == []
    assert model.order() == [2, 3]


_KINDS = [("annotation", OWNER), ("annotation", "bob"), ("suggestion", "en_core_web_sm")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(1, 12), st.integers(0, len(_KINDS) - 1)), max_size=40),
       st.booleans())
def test_model_counts_spans_by_layer_and_annotator_as_counting_them_again(
        steps: list[tuple[bool, int, int]], asked_first: bool) -> None:
    """The kept counts (the document list's span count of the open document) agree with
    counting the spans shown, after any spans are added, replaced (another layer or annotator)
    or removed, whether first asked before or after."""
    model = SpanModel()
    model.reset([span(1, "NATO", "ACTOR")], [])
    if asked_first:
        model.count("annotation", OWNER)
    for add, span_id, kind in steps:
        if add:
            layer, annotator = _KINDS[kind]
            model.put_span(span(span_id, "Minsk", "LOCATION", layer=layer, annotator=annotator))
        else:
            model.remove_span(span_id)
        for layer, annotator in _KINDS:
            assert model.count(layer, annotator) == sum(
                1 for shown in model.spans.values() if (shown.layer, shown.annotator) == (layer, annotator))


# --- loading text -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "fragment"), [
    (TEXT, "Minsk"),
    ("line one\r\nline two\r\n😀 after CRLF", "after"),
    ("para\u2029next\u2028same block\x00nul\ufdd0frame 😀 end", "end"),
])
def test_loaded_document_has_exactly_our_positions(view: DocumentView, text: str, fragment: str) -> None:
    view.set_document(text, [], [], COLORS, owner=OWNER)
    document = view.document()
    assert document.characterCount() == u16(text) + 1
    offsets = OffsetMap(text)
    for cp, ch in enumerate(text):
        if ch.isalnum() and u16(ch) == 1:  # breaks are shown as breaks; letters must not move
            assert document.characterAt(offsets.to_qt(cp)) == ch
    start = text.index(fragment)
    view.select_range(start, start + len(fragment))
    assert view.selected_range() == (start, start + len(fragment))
    assert view.textCursor().selectedText() == fragment


# --- selection ---------------------------------------------------------------------------


@pytest.mark.parametrize("fragment", ["Захарова", "NATO", "😀🇧🇾", "Cafe\u0301", "北京", "plans.\nCafe\u0301"])
def test_select_range_round_trips_code_points(view: DocumentView, fragment: str) -> None:
    view.set_document(TEXT, [], [], COLORS, owner=OWNER)
    start = TEXT.index(fragment)
    view.select_range(start, start + len(fragment))
    assert view.selected_range() == (start, start + len(fragment))


def test_selection_made_in_utf16_maps_to_the_intended_text(view: DocumentView) -> None:
    """A selection made the way the mouse makes it, with QTextCursor positions in UTF-16 units."""
    view.set_document(TEXT, [], [], COLORS, owner=OWNER)
    start = TEXT.index("NATO")
    cursor = QTextCursor(view.document())
    cursor.setPosition(u16(TEXT[:start]))
    cursor.setPosition(u16(TEXT[:start + 4]), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    selected = view.selected_range()
    assert selected is not None
    assert TEXT[selected[0]:selected[1]] == "NATO"
    assert selected != (u16(TEXT[:start]), u16(TEXT[:start + 4]))  # the emoji and flag shift Qt's positions


def test_keyboard_selection_never_splits_a_character(view: DocumentView, qtbot: QtBot) -> None:
    view.set_document(TEXT, [], [], COLORS, owner=OWNER)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_range() == (0, 1)  # the whole emoji
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    selected = view.selected_range()
    assert selected in ((0, 2), (0, 3))  # the flag, or (in Qt 6.12) its first regional indicator
    assert view.textCursor().selectionEnd() == OffsetMap(TEXT).to_qt(selected[1])  # never half a one
    cafe = TEXT.index("Cafe\u0301")
    view.select_range(cafe + 3, cafe + 3)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_range() == (cafe + 3, cafe + 5)  # e and its combining accent together


def test_selection_signal_carries_code_points(view: DocumentView, qtbot: QtBot) -> None:
    view.set_document(TEXT, [], [], COLORS, owner=OWNER)
    start = TEXT.index("Мария")
    with qtbot.waitSignal(view.selectionRangeChanged) as blocker:
        view.select_range(start, start + 5)
    assert blocker.args == [start, start + 5]
    with qtbot.waitSignal(view.selectionRangeChanged) as blocker:
        view.moveCursor(QTextCursor.MoveOperation.End)
    assert blocker.args == [-1, -1]
    assert view.selected_range() is None


def test_copy_gives_the_stored_text(view: DocumentView) -> None:
    text = "first line\r\nsecond 😀 line\n"
    view.set_document(text, [], [], COLORS, owner=OWNER)
    view.select_range(6, text.index("😀") + 1)
    view.copy()
    assert QApplication.clipboard().text() == text[6:text.index("😀") + 1]  # CRLF kept, no U+2029


# --- rendering ------------------------------------------------------------------------------


def test_overlapping_spans_are_both_drawn_and_clickable_in_turn(view: DocumentView, qtbot: QtBot) -> None:
    claim = span(1, "NATO threatens the Kremlin", "CLAIM")
    actor = span(2, "NATO", "ACTOR")
    view.set_document(TEXT, [claim, actor], [], COLORS, owner=OWNER)
    nato = text_rect(view, TEXT, actor.start, actor.end)
    image = grab(view)
    assert count(image, below(nato), RED) > 20
    assert count(image, below(nato), BLUE) > 20  # stacked under the inner span, not mixed with it
    chips = above(nato).adjusted(0, 0, 120, 0)  # the outer chip moves right of the inner one
    assert count(image, chips, RED) > 20
    assert count(image, chips, BLUE) > 20
    assert view.spans_at(actor.start) == [2, 1]

    clicked: list[int] = []
    view.spanClicked.connect(clicked.append)
    point = char_point(view, TEXT, actor.start + 1)
    for _ in range(3):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked == [2, 1, 2]  # innermost first, then cycling
    assert view.current_span_id() is None  # the window decides what a click selects

    clicked.clear()
    later = char_point(view, TEXT, TEXT.index("Kremlin") + 2)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=later)
    assert clicked == [1]


def test_clicking_a_chip_or_plain_text(view: DocumentView, qtbot: QtBot) -> None:
    claim = span(1, "NATO threatens the Kremlin", "CLAIM")
    actor = span(2, "NATO", "ACTOR")
    view.set_document(TEXT, [claim, actor], [], COLORS, owner=OWNER)
    clicked: list[int] = []
    view.spanClicked.connect(clicked.append)
    image = grab(view)
    nato = text_rect(view, TEXT, actor.start, actor.end)
    chip_area = above(nato).adjusted(0, 0, 80, 0)
    blue = [QPoint(x, y) for y in range(chip_area.top(), chip_area.bottom())
            for x in range(chip_area.left(), chip_area.right()) if count(image, QRect(x, y, 1, 1), BLUE) == 1]
    assert blue, "the CLAIM chip is drawn"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=blue[len(blue) // 2])
    assert clicked == [1]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=char_point(view, TEXT, TEXT.index("owners")))
    assert clicked == [1]  # no span there: no signal


def test_add_replace_remove_update_the_drawing_and_the_order(view: DocumentView) -> None:
    view.set_document(TEXT, [], [], COLORS, owner=OWNER)
    minsk = span(5, "Minsk", "ACTOR")

    def where() -> QRect:  # the line moves as lines above it and its own room change
        return text_rect(view, TEXT, minsk.start, minsk.end)

    assert count(grab(view), below(where()), RED) == 0

    view.add_span(minsk)
    assert count(grab(view), below(where()), RED) > 20
    assert view.span_ids_in_order() == [5]

    threat = span(4, "threat of sanctions", "THREAT")
    view.add_span(threat)
    assert view.span_ids_in_order() == [5, 4]

    view.replace_span(replace(minsk, label="THREAT"))
    image = grab(view)
    assert count(image, below(where()), RED) == 0
    assert count(image, below(where()), GREEN) > 20
    assert view.span(5) == replace(minsk, label="THREAT")

    view.replace_span(replace(minsk, start=0, end=2))  # offsets moved
    assert view.span_ids_in_order() == [5, 4]
    assert view.spans_at(minsk.start) == []

    view.remove_span(5)
    assert count(grab(view), below(where()), GREEN) == 0
    assert view.span(5) is None
    assert view.span_ids_in_order() == [4]


def test_relation_arc_is_drawn_and_removed(view: DocumentView) -> None:
    actor = span(1, "Мария Захарова", "ACTOR")
    claim = span(2, "NATO threatens the Kremlin's plans", "CLAIM")
    view.set_document(TEXT, [actor, claim], [relation(9, 1, 2)], COLORS, owner=OWNER)
    line = text_rect(view, TEXT, actor.start, claim.start)
    arc_band = QRect(line.left(), line.top() - 48, line.width(), 30)
    assert count(grab(view), arc_band, MAGENTA, tolerance=60) > 30
    view.remove_relation(9)
    assert count(grab(view), arc_band, MAGENTA, tolerance=60) == 0
    view.add_relation(relation(9, 1, 2))
    view.remove_span(2)  # the relation goes with its tail
    assert count(grab(view), arc_band, MAGENTA, tolerance=60) == 0


def test_relation_across_lines_is_drawn_at_both_ends(view: DocumentView) -> None:
    actor = span(1, "Мария Захарова", "ACTOR")
    claim = span(2, "threat of sanctions", "CLAIM")
    view.set_document(TEXT, [actor, claim], [relation(9, 1, 2)], COLORS, owner=OWNER)
    image = grab(view)
    for item in (actor, claim):
        rect = text_rect(view, TEXT, item.start, item.end)
        assert count(image, QRect(0, rect.top() - 48, view.viewport().width(), 30), MAGENTA, tolerance=60) > 30


def test_read_only_and_suggestion_spans_look_different_and_are_not_tinted(view: DocumentView) -> None:
    own = span(1, "NATO", "ACTOR")
    theirs = span(2, "Kremlin", "ACTOR", annotator="bob")
    suggested = span(3, "Minsk", "ACTOR", layer="suggestion", annotator="model")
    gold = span(4, "Belarus", "ACTOR", layer="gold", annotator="judge")
    view.set_document(TEXT, [own, theirs, suggested, gold], [], COLORS, owner=OWNER)
    image = grab(view)
    solid = count(image, below(text_rect(view, TEXT, own.start, own.end)), RED)
    thin = count(image, below(text_rect(view, TEXT, theirs.start, theirs.end)), RED, tolerance=400)
    dashed = count(image, below(text_rect(view, TEXT, suggested.start, suggested.end)), RED, tolerance=60)
    double = count(image, below(text_rect(view, TEXT, gold.start, gold.end)), RED)
    assert solid > 0 and thin > 0 and dashed > 0 and double > 0
    assert count(image, below(text_rect(view, TEXT, theirs.start, theirs.end)), RED) == 0  # translucent
    base = view.palette().color(QPalette.ColorRole.Base).name()

    def background(item: SpanRecord) -> int:
        rect = text_rect(view, TEXT, item.start, item.end)
        return count(image, rect, base, tolerance=6)

    own_rect = text_rect(view, TEXT, own.start, own.end)
    assert background(own) < own_rect.width() * own_rect.height() // 3  # tinted
    for item in (theirs, suggested, gold):
        rect = text_rect(view, TEXT, item.start, item.end)
        assert background(item) > rect.width() * rect.height() // 2  # left on the base colour


def test_tints_stay_readable_on_a_dark_palette(view: DocumentView) -> None:
    dark = QPalette(view.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e0e0e0"))
    view.setPalette(dark)
    claim = span(1, "NATO threatens", "CLAIM")
    view.set_document(TEXT, [claim], [], {"CLAIM": "#f0e442"}, owner=OWNER)
    tint = SpanColors(dark, {"CLAIM": "#f0e442"}).tint("CLAIM")
    assert luminance(tint) < 0.25  # a yellow label must not light the background up under light text
    assert count(grab(view), text_rect(view, TEXT, claim.start, claim.end), tint.name(), tolerance=6) > 50
    light = SpanColors(QPalette(QColor("#efefef")), {"CLAIM": "#0000e0"}).tint("CLAIM")
    assert luminance(light) > 0.5  # and a dark one must not darken it under black text


def test_current_span_is_outlined_scrolled_into_view_without_a_click_signal(view: DocumentView, qtbot: QtBot) -> None:
    text = "".join(f"Paragraph {n} says that NATO is near.\n\n" for n in range(200))
    last = span(1, "Paragraph 199", "ACTOR", text=text)
    view.set_document(text, [last], [], COLORS, owner=OWNER)
    clicked: list[int] = []
    view.spanClicked.connect(clicked.append)
    view.set_current_span(1)
    assert view.current_span_id() == 1
    rect = view.cursorRect(cursor_at(view, text, last.start))
    assert view.viewport().rect().contains(rect)
    assert clicked == []
    view.set_current_span(None)
    assert view.current_span_id() is None
    view.set_current_span(1, scroll=False)
    view.set_document(text, [last], [], COLORS, owner=OWNER)
    assert view.current_span_id() is None and view.verticalScrollBar().value() == 0


def test_relation_mode_keeps_clicks_and_changes_the_cursor(view: DocumentView, qtbot: QtBot) -> None:
    actor = span(1, "NATO", "ACTOR")
    view.set_document(TEXT, [actor], [], COLORS, owner=OWNER)
    view.set_current_span(1)
    view.set_relation_mode(True)
    assert view.viewport().cursor().shape() == Qt.CursorShape.CrossCursor
    with qtbot.waitSignal(view.spanClicked) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=char_point(view, TEXT, actor.start))
    assert blocker.args == [1]
    view.set_relation_mode(False)
    assert view.viewport().cursor().shape() == Qt.CursorShape.IBeamCursor


def test_tooltip_lists_every_span_at_the_point(view: DocumentView) -> None:
    claim = span(1, "NATO threatens the Kremlin", "CLAIM", note="check the source")
    actor = span(2, "NATO", "ACTOR", annotator="bob", attrs={"actor_type": "military", "metonym": False})
    view.set_document(TEXT, [claim, actor], [], COLORS, owner=OWNER)
    point = char_point(view, TEXT, actor.start + 1)
    event = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), event)
    shown = QToolTip.text()
    assert shown.index("CLAIM") < shown.index("ACTOR")  # the owner's span first, as a click takes it
    for expected in ("bob", "actor_type: military", "metonym: no", "check the source", "“NATO”"):
        assert expected in shown
    QToolTip.hideText()


def test_font_size_changes_keep_clicks_on_target(view: DocumentView, qtbot: QtBot) -> None:
    actor = span(2, "Minsk", "ACTOR")
    view.set_document(TEXT, [actor], [], COLORS, owner=OWNER)
    view.set_font_point_size(18)
    assert view.font().pointSizeF() == 18
    with qtbot.waitSignal(view.spanClicked) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=char_point(view, TEXT, actor.start + 2))
    assert blocker.args == [2]
    assert count(grab(view), below(text_rect(view, TEXT, actor.start, actor.end)), RED) > 20


# --- per-line room ------------------------------------------------------------------------

WORDS = " ".join(f"word{n:03d}" for n in range(150))  # one paragraph, wrapped into several lines
PARAGRAPHS = "".join(f"Paragraph {n} says that NATO is near Minsk and Brest today.\n" for n in range(30))


def line_tops(view: DocumentView, block_number: int = 0) -> list[int]:
    """The viewport y of the top of each visual line of a block, from Qt's cursor rectangles."""
    grab(view)  # lays out and paints what is on screen
    block = view.document().findBlockByNumber(block_number)
    layout = block.layout()
    tops = []
    for index in range(layout.lineCount()):
        cursor = QTextCursor(view.document())
        cursor.setPosition(block.position() + layout.lineAt(index).textStart())
        tops.append(view.cursorRect(cursor).top())
    return tops


def word_on_line(view: DocumentView, line: int, nth: int = 1) -> SpanRecord:
    """A span over the ``nth`` whole word that starts on visual line ``line`` of ``WORDS``."""
    grab(view)
    layout = view.document().firstBlock().layout()
    begin = layout.lineAt(line).textStart()
    starts = [i for i in range(begin, begin + layout.lineAt(line).textLength())
              if WORDS[i] == "w" and (i == 0 or WORDS[i - 1] == " ")]
    start = starts[nth]
    return SpanRecord(id=100 + line * 10 + nth, document_id=1, start=start, end=start + 7, label="ACTOR",
                      annotator=OWNER, layer="annotation")


def test_every_line_keeps_one_pitch_with_or_without_spans(view: DocumentView) -> None:
    view.set_document(WORDS, [], [], COLORS, owner=OWNER)
    text_height = view.cursorRect(cursor_at(view, WORDS, 0)).height()
    view.add_span(word_on_line(view, 2))
    tops = line_tops(view)
    assert len(tops) >= 5
    pitches = {b - a for a, b in zip(tops, tops[1:], strict=False)}
    assert len(pitches) == 1  # the annotated line 2 is spaced like every other line
    # Room for a chip row above and the underlines below, and no more than that.
    assert 1.8 * text_height <= pitches.pop() <= 3 * text_height


def test_adding_and_removing_a_span_moves_no_line(view: DocumentView) -> None:
    view.set_document(WORDS, [], [], COLORS, owner=OWNER)
    before = line_tops(view)
    actor = word_on_line(view, 2)
    view.add_span(actor)
    assert line_tops(view) == before  # the chip and the underline fit the room every line has
    nato = text_rect(view, WORDS, actor.start, actor.end)
    assert count(grab(view), below(nato), RED) > 20
    assert count(grab(view), above(nato), RED) > 20  # the chip

    view.remove_span(actor.id)
    assert line_tops(view) == before
    assert count(grab(view), below(text_rect(view, WORDS, actor.start, actor.end)), RED) == 0


def test_a_relation_adds_arc_room_and_removing_it_takes_it_away(view: DocumentView) -> None:
    view.set_document(WORDS, [], [], COLORS, owner=OWNER)
    head, tail = word_on_line(view, 2, 1), word_on_line(view, 2, 6)
    view.add_span(head)
    view.add_span(tail)
    with_chips = line_tops(view)
    view.add_relation(RelationRecord(id=1, document_id=1, head_id=head.id, tail_id=tail.id, label="speaker_of",
                                     annotator=OWNER, layer="annotation"))
    with_arc = line_tops(view)
    assert with_arc[:2] == with_chips[:2]
    assert with_arc[2] - with_chips[2] >= 10  # a band for the arc and its label
    line = text_rect(view, WORDS, head.start, tail.end)
    assert count(grab(view), QRect(line.left(), line.top() - 48, line.width(), 30), MAGENTA, tolerance=60) > 30
    view.remove_relation(1)
    assert line_tops(view) == with_chips


def test_changes_made_as_one_measure_their_lines_once_at_the_end(view: DocumentView) -> None:
    """A step's changes (``changing``): the view's model takes each at once, the lines they
    touch are measured and laid out once, when the last is in, as they would be one by one."""
    view.set_document(WORDS, [], [], COLORS, owner=OWNER)
    head, tail = word_on_line(view, 2, 1), word_on_line(view, 2, 6)
    bare = line_tops(view)
    arc = RelationRecord(id=1, document_id=1, head_id=head.id, tail_id=tail.id, label="speaker_of",
                         annotator=OWNER, layer="annotation")
    with view.changing():
        view.add_span(head)
        with view.changing():  # joins the outer one
            view.add_span(tail)
        view.add_relation(arc)
        assert view.spans_at(tail.start) == [tail.id] and view.relations_touching(head.id) == [arc]
        assert line_tops(view) == bare  # not measured yet
    with_arc = line_tops(view)
    assert with_arc[2] - bare[2] >= 10  # the band for the arc
    view.remove_relation(1)
    view.remove_span(head.id)
    view.remove_span(tail.id)
    assert line_tops(view) == bare
    for item in (head, tail):
        view.add_span(item)
    view.add_relation(arc)
    assert line_tops(view) == with_arc  # as one by one

def test_only_the_blocks_a_change_touches_are_laid_out_again(view: DocumentView) -> None:
    view.set_document(PARAGRAPHS, [], [], COLORS, owner=OWNER)
    grab(view)
    layout = view.document().documentLayout()
    assert isinstance(layout, GappedLayout)
    placed = layout.placements
    minsk = span(1, "Minsk", "ACTOR", text=PARAGRAPHS)
    near = PARAGRAPHS.index("Minsk", PARAGRAPHS.index("Paragraph 3 "))
    view.add_span(minsk)
    view.add_span(replace(minsk, id=2, start=near, end=near + 5))
    brest = PARAGRAPHS.index("Brest")
    view.add_span(span(3, "Brest", "THREAT", text=PARAGRAPHS))
    grab(view)
    assert layout.placements == placed  # spans and chips fit the room every line has
    assert view.spans_at(brest) == [3]
    view.add_relation(relation(9, 1, 3))  # an arc over paragraph 0 needs a band for it
    grab(view)
    # One block changed height; Qt also drops the layout of the block after it (it counts a
    # dirty range twice), which is placed again with the gaps it already had.
    assert 1 <= layout.placements - placed <= 2


def test_clicks_land_on_the_right_span_after_lines_move(view: DocumentView, qtbot: QtBot) -> None:
    view.set_document(WORDS, [], [], COLORS, owner=OWNER)
    lower = word_on_line(view, 4)
    view.add_span(lower)
    clicked: list[int] = []
    view.spanClicked.connect(clicked.append)
    upper = word_on_line(view, 2)
    view.add_span(upper)  # line 2 grows: everything below it moves down
    grab(view)
    for item in (upper, lower, upper):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=char_point(view, WORDS, item.start + 2))
        qtbot.wait(QApplication.doubleClickInterval() + 50)  # not a double click
    assert clicked == [upper.id, lower.id, upper.id]

    clicked.clear()
    view.remove_span(upper.id)  # and back up
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=char_point(view, WORDS, lower.start + 2))
    assert clicked == [lower.id]
    rect = text_rect(view, WORDS, lower.start, lower.end)
    chip = QPoint(rect.left() + 6, rect.top() - 6)
    qtbot.wait(QApplication.doubleClickInterval() + 50)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=chip)
    assert clicked == [lower.id, lower.id]
    under = QPoint(rect.center().x(), rect.bottom() + 4)
    qtbot.wait(QApplication.doubleClickInterval() + 50)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=under)
    assert clicked == [lower.id, lower.id, lower.id]


def test_resizing_rewraps_and_keeps_the_span_drawn_and_clickable(view: DocumentView, qtbot: QtBot) -> None:
    view.set_document(WORDS, [], [], COLORS, owner=OWNER)
    actor = word_on_line(view, 3)
    view.add_span(actor)
    clicked: list[int] = []
    view.spanClicked.connect(clicked.append)
    lines = []
    for width in (520, 900, 760):
        view.resize(width, 480)
        tops = line_tops(view)
        layout = view.document().firstBlock().layout()
        line = layout.lineForTextPosition(actor.start).lineNumber()
        lines.append(line)
        assert len({b - a for a, b in zip(tops, tops[1:], strict=False)}) == 1  # one pitch, span or not
        rect = text_rect(view, WORDS, actor.start, actor.end)
        assert count(grab(view), below(rect), RED) > 20
        qtbot.wait(QApplication.doubleClickInterval() + 50)
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=char_point(view, WORDS, actor.start + 3))
    assert clicked == [actor.id] * 3
    assert len(set(lines)) == 3  # the span moved between lines as the text re-wrapped


def test_gapped_layout_regaps_a_fresh_layout_even_when_the_first_gap_is_zero(qtbot: QtBot) -> None:
    """Qt re-lays a block out eagerly on a small markContentsDirty (not through
    blockBoundingRect); the layout must notice though the first line sits at y = 0 either way."""
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    layout = GappedLayout(edit.document())
    edit.document().setDocumentLayout(layout)
    edit.resize(300, 400)
    edit.setPlainText(WORDS)
    edit.show()
    qtbot.waitExposed(edit)
    asked: list[int] = []

    def room(block):  # type: ignore[no-untyped-def]
        asked.append(block.blockNumber())
        count = block.layout().lineCount()
        return [(0.0, 0.0)] + [(10.0, 5.0)] * (count - 1)

    layout.set_room(room)
    block = edit.document().firstBlock()

    def positions() -> list[float]:
        layout.blockBoundingRect(block)
        lines = block.layout()
        return [lines.lineAt(index).y() for index in range(lines.lineCount())]

    gapped = positions()
    assert gapped[0] == 0.0 and len(gapped) > 3
    height = block.layout().lineAt(0).height()
    assert gapped[1] == pytest.approx(height + 10.0)
    assert gapped[2] == pytest.approx(2 * height + 25.0)
    asked.clear()
    edit.document().markContentsDirty(block.position(), 1)  # Qt's eager, single-block relayout
    assert positions() == gapped
    assert asked == []  # same line breaks: the gaps it had are reused
    bottom = gapped[-1] + height + 5.0 + edit.document().documentMargin()
    assert layout.blockBoundingRect(block).height() == pytest.approx(bottom)


# --- keys ----------------------------------------------------------------------------------


def test_window_shortcuts_fire_while_the_view_has_focus(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    view = DocumentView()
    window.setCentralWidget(view)
    view.set_document(TEXT, [], [], COLORS, owner=OWNER)
    fired: list[str] = []
    for shortcut in ("a", "Shift+A", "7", "Tab", "Shift+Tab", "Delete", "Backspace", "Ctrl+Return",
                     "Ctrl+C", "Shift+Right"):
        action = QAction(shortcut, window)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False, name=shortcut: fired.append(name))
        window.addAction(action)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    keys = [(Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier),
            (Qt.Key.Key_7, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier),
            (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)]
    for key, modifier in keys:
        qtbot.keyClick(view, key, modifier)
    assert fired == ["a", "Shift+A", "7", "Tab", "Shift+Tab", "Delete", "Backspace", "Ctrl+Return"]
    assert view.hasFocus()

    # A key the window binds wins over the view's own use of it (issue 14: X11 makes Ctrl+E "end
    # of line"); with no enabled action on them, the same keys select and copy.
    fired.clear()
    start = TEXT.index("NATO")
    view.select_range(start, start)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert fired == ["Shift+Right", "Ctrl+C"]
    assert view.selected_range() is None
    for action in window.actions():
        action.setEnabled(False)
    for _ in range(4):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert fired == ["Shift+Right", "Ctrl+C"]
    assert view.selected_range() == (start, start + 4)
    assert QApplication.clipboard().text() == "NATO"


@pytest.mark.parametrize(("key", "modifier", "text", "leaves"), [
    (Qt.Key.Key_R, Qt.KeyboardModifier.NoModifier, "r", True),
    (Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier, "\t", True),
    (Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier, "\r", True),
    (Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier, "\x01", False),
    (Qt.Key.Key_End, Qt.KeyboardModifier.ShiftModifier, "", False),
    (Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier, "", False),
])
def test_shortcut_override_decisions(view: DocumentView, key: Qt.Key, modifier: Qt.KeyboardModifier, text: str,
                                     leaves: bool) -> None:
    event = QKeyEvent(QEvent.Type.ShortcutOverride, key, modifier, text)
    event.ignore()
    QApplication.sendEvent(view, event)
    assert event.isAccepted() is not leaves


# --- PySide6 on the Python we run -----------------------------------------------------------


def test_many_calls_of_void_qt_methods_do_not_crash(view: DocumentView) -> None:
    """PySide6 6.12 on Python 3.11 drops a reference to None on every call of a void Qt method
    and aborts after some thousands (none_dealloc); 3.12+ has an immortal None."""
    assert sys.version_info >= (3, 12)
    view.set_document(TEXT, [], [], COLORS, owner=OWNER)
    cursor = QTextCursor(view.document())
    length = u16(TEXT)
    for index in range(20_000):
        view.setObjectName(f"view-{index % 7}")
        cursor.setPosition(index % length)
    assert view.objectName() == f"view-{19_999 % 7}"
