"""Keyboard reach: F2 into the span's attributes and Esc back to the text, fields set by keys
(each change one step of the history), and Tab in relation mode walking only the analyst's
own spans that can be the tail, nearest the head first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from annotator.errors import Errors
from annotator.gui.inspector import quoted
from annotator.gui.mainwindow import MainWindow
from annotator.store import Project
from annotator.store.records import SpanRecord
from annotator.store.suggestions import DocumentCandidates, SpanCandidate
from tests.gui.helpers import annotate, press

Key = Qt.Key
SHIFT = Qt.KeyboardModifier.ShiftModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def type_key(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key where the focus is, as the analyst types it."""
    qtbot.keyClick(focused(), key, modifier)


def stored_attrs(window: MainWindow, span: SpanRecord) -> dict[str, object]:
    stored = window.project.annotations.span(span.id)
    assert stored is not None
    return stored.attrs


def undo_text(window: MainWindow) -> str:
    return window.menus.undo_action.text().replace("&", "")


# --- the inspector from the keyboard -------------------------------------------------------------


def test_f2_takes_the_focus_to_the_first_attribute_and_esc_back_to_the_text(qtbot: QtBot, window: MainWindow) -> None:
    claim = annotate(qtbot, window, "NATO threatens the Kremlin's plans", Key.Key_C)
    press(qtbot, window, Key.Key_F2)
    assert focused() is window.inspector.fields["claim_type"].widget
    type_key(qtbot, Key.Key_Escape)
    assert focused() is window.view
    assert window.view.current_span_id() == claim.id and window.inspector.span == claim
    press(qtbot, window, Key.Key_Tab)  # the text's keys work again: Tab stays on the only span
    assert window.view.current_span_id() == claim.id


def test_choice_by_number_and_by_typing_each_one_step_and_the_focus_stays(qtbot: QtBot, window: MainWindow) -> None:
    claim = annotate(qtbot, window, "NATO threatens the Kremlin's plans", Key.Key_C)
    press(qtbot, window, Key.Key_F2)
    combo = window.inspector.fields["claim_type"].widget

    type_key(qtbot, Key.Key_2)  # the second value
    assert stored_attrs(window, claim)["claim_type"] == "evaluation"
    assert undo_text(window) == "Undo Change claim_type"
    assert focused() is combo
    type_key(qtbot, Key.Key_0)  # cleared
    assert "claim_type" not in stored_attrs(window, claim)

    qtbot.keyClicks(combo, "dem")  # "d" finds denial, "dem" demand: one change, once typing pauses
    assert combo.currentText() == "demand" and "claim_type" not in stored_attrs(window, claim)
    qtbot.waitUntil(lambda: stored_attrs(window, claim).get("claim_type") == "demand")
    assert focused() is combo
    window.undo()
    assert "claim_type" not in stored_attrs(window, claim)  # straight back: no "denial" step between
    window.undo()
    assert stored_attrs(window, claim)["claim_type"] == "evaluation"


def test_typing_then_leaving_with_esc_commits_what_was_typed(qtbot: QtBot, window: MainWindow) -> None:
    claim = annotate(qtbot, window, "NATO threatens the Kremlin's plans", Key.Key_C)
    press(qtbot, window, Key.Key_F2)
    qtbot.keyClicks(focused(), "w")
    type_key(qtbot, Key.Key_Escape)
    assert stored_attrs(window, claim)["claim_type"] == "warning"
    assert focused() is window.view


def test_tab_walks_the_fields_and_a_multichoice_is_one_stop_set_by_numbers(qtbot: QtBot, window: MainWindow) -> None:
    claim = annotate(qtbot, window, "NATO threatens the Kremlin's plans", Key.Key_C)
    fields = window.inspector.fields
    frames = fields["frames"]
    checks = list(frames.checks.values())  # type: ignore[attr-defined]
    press(qtbot, window, Key.Key_F2)
    type_key(qtbot, Key.Key_Tab)
    assert focused() is fields["stance"].widget
    type_key(qtbot, Key.Key_1)
    assert stored_attrs(window, claim)["stance"] == "supportive"
    type_key(qtbot, Key.Key_Tab)
    assert focused() is fields["sovereignty_position"].widget
    type_key(qtbot, Key.Key_Tab)
    assert focused() is checks[0]

    type_key(qtbot, Key.Key_2)
    assert stored_attrs(window, claim)["frames"] == ["external_aggression"]
    type_key(qtbot, Key.Key_3)
    assert stored_attrs(window, claim)["frames"] == ["external_aggression", "destabilisation"]
    type_key(qtbot, Key.Key_2)
    assert stored_attrs(window, claim)["frames"] == ["destabilisation"]
    type_key(qtbot, Key.Key_Down)  # the arrows move within the column, Space ticks
    assert focused() is checks[1]
    type_key(qtbot, Key.Key_Space)
    assert stored_attrs(window, claim)["frames"] == ["external_aggression", "destabilisation"]
    type_key(qtbot, Key.Key_0)
    assert "frames" not in stored_attrs(window, claim)
    assert undo_text(window) == "Undo Change frames"
    window.undo()  # 0 cleared both in one step
    assert stored_attrs(window, claim)["frames"] == ["external_aggression", "destabilisation"]

    assert focused() is checks[1]
    type_key(qtbot, Key.Key_Tab)  # from the middle of the column past its end
    assert focused() is fields["reporting"].widget
    type_key(qtbot, Key.Key_Tab, SHIFT)
    type_key(qtbot, Key.Key_Tab, SHIFT)  # the column is one stop back as well
    assert focused() is fields["sovereignty_position"].widget


def test_esc_in_an_open_list_closes_the_list_only(qtbot: QtBot, window: MainWindow) -> None:
    annotate(qtbot, window, "NATO threatens the Kremlin's plans", Key.Key_C)
    press(qtbot, window, Key.Key_F2)
    combo = window.inspector.fields["claim_type"].widget
    combo.showPopup()  # type: ignore[attr-defined]
    popup = combo.view()  # type: ignore[attr-defined]
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Key.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible())
    assert focused() is combo
    type_key(qtbot, Key.Key_Escape)
    assert focused() is window.view


def test_f2_with_no_span_or_on_someone_elses_says_why(qtbot: QtBot, window: MainWindow, project: Project) -> None:
    press(qtbot, window, Key.Key_F2)
    assert window.statusBar().currentMessage() == Errors.E583
    assert focused() is window.view
    start = window.editor.document.text.index("NATO")
    theirs = project.annotations.add_span(window.editor.document.id, start, start + 4, "ACTOR", "bob")
    window.menus.show_others_action.trigger()
    window.editor.select_span(theirs.id)
    press(qtbot, window, Key.Key_F2)
    assert "[E501]" in window.statusBar().currentMessage()
    assert focused() is window.view


def test_quotes_a_span_holds_are_not_doubled() -> None:
    assert quoted("NATO") == "“NATO”"
    assert quoted("“gross interference”") == "“gross interference”"
    assert quoted("‘purge’") == "‘purge’"
    assert quoted("“By appropriating the right,") == "“By appropriating the right,”"
    assert quoted("Belarus’s") == "“Belarus’s”"


# --- relation targets ------------------------------------------------------------------------------


def test_tab_in_relation_mode_walks_own_targets_nearest_first(qtbot: QtBot, window: MainWindow,
                                                               project: Project) -> None:
    doc_id = window.editor.document.id
    text = window.editor.document.text
    nato = annotate(qtbot, window, "NATO", Key.Key_A)
    minsk = annotate(qtbot, window, "Minsk", Key.Key_L)
    belarus = annotate(qtbot, window, "Belarus", Key.Key_A)
    date = annotate(qtbot, window, "9 February", Key.Key_D)
    cabinet = annotate(qtbot, window, "Cabinet", Key.Key_A)  # on the next line, nearer than NATO
    threat = annotate(qtbot, window, "the threat of sanctions", Key.Key_T)
    # Nearer than any of them, and never a target: a suggestion inside the head, bob's span next to it.
    inside = text.index("sanctions")
    project.suggestions.replace_pending("model", [DocumentCandidates(doc_id, [
        SpanCandidate(inside, inside + len("sanctions"), "ACTOR", "ner")])])
    owners = text.index("owners")
    project.annotations.add_span(doc_id, owners, owners + len("owners"), "ACTOR", "bob")
    window.menus.show_others_action.trigger()
    assert len(window.view.span_ids_in_order()) == 8

    window.editor.select_span(threat.id)
    press(qtbot, window, Key.Key_R)
    walked = []
    for _step in range(6):
        press(qtbot, window, Key.Key_Tab)
        walked.append(window.view.current_span_id())
    assert walked == [minsk.id, belarus.id, date.id, cabinet.id, nato.id, minsk.id]
    press(qtbot, window, Key.Key_Tab, SHIFT)
    assert window.view.current_span_id() == nato.id
    assert "ACTOR “NATO”" in window.statusBar().currentMessage()

    press(qtbot, window, Key.Key_Escape)  # cancelled: the head is current again
    assert not window.editor.in_relation_mode and window.view.current_span_id() == threat.id
    press(qtbot, window, Key.Key_R)
    press(qtbot, window, Key.Key_Tab)
    press(qtbot, window, Key.Key_Tab)
    press(qtbot, window, Key.Key_Return)
    [relation] = project.annotations.relations(doc_id)
    assert (relation.head_id, relation.tail_id, relation.label) == (threat.id, belarus.id, "targets")
    assert not window.editor.in_relation_mode


def test_relation_mode_with_no_possible_tail_says_so(qtbot: QtBot, window: MainWindow) -> None:
    annotate(qtbot, window, "Minsk", Key.Key_L)
    actor = annotate(qtbot, window, "NATO", Key.Key_A)
    press(qtbot, window, Key.Key_R)
    press(qtbot, window, Key.Key_Tab)  # ACTOR → LOCATION is not in the schema
    message = window.statusBar().currentMessage()
    assert "[E584]" in message and "speaker_of → CLAIM" in message
    assert window.editor.in_relation_mode and window.view.current_span_id() == actor.id
