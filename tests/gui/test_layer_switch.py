"""View ▸ Layer (issue 17: gold in the main editor): the analyst works in their own layer, in gold
(editing it, a new gold span recording them as origin and adjudicator), or reads a teammate's
layer, which refuses edits; the choice survives a restart; the document list shows review state.

On both backends: the window is the same on SQLite and PostgreSQL, the queries behind the
layers and the review column are not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.errors import Errors
from annotator.gui.layers import GOLD_LAYER, OWN_LAYER, Layer
from annotator.gui.mainwindow import MainWindow
from annotator.ops import History
from annotator.ops.adjudication import AcceptSpans, mark_reviewed
from annotator.review.adjudicate import accept_span, provenance, set_reviewed
from annotator.store import Project
from annotator.store.records import SpanRecord
from annotator.store.tables import REL
from tests.gui.helpers import annotate, press, select_text

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def project(project_location: str) -> Iterator[Project]:
    """Both backends (tests/conftest.py's ``project_location``), unlike the other GUI tests."""
    with Project.open(project_location) as opened:
        yield opened


def teammate_span(project: Project, doc_id: int, fragment: str, label: str, annotator: str) -> SpanRecord:
    text = project.documents.get(doc_id).text
    start = text.index(fragment)
    return project.annotations.add_span(doc_id, start, start + len(fragment), label, annotator)


def shown(window: MainWindow) -> list[SpanRecord]:
    view = window.view
    return [span for span_id in view.span_ids_in_order() if (span := view.span(span_id)) is not None]


def layer_action(window: MainWindow, text: str):  # type: ignore[no-untyped-def]
    window.layers.fill_menu()  # as opening the menu does
    return next(action for action in window.menus.layer_menu.actions() if action.text() == text)


def status_text(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


@pytest.fixture
def team(project: Project, doc_ids: list[int]) -> dict[str, SpanRecord]:
    """alice's own span, boris's span, and carol's gold copy of boris's on the first document."""
    first = doc_ids[0]
    own = teammate_span(project, first, "NATO", "ACTOR", "alice")
    boris = teammate_span(project, first, "Kremlin", "ACTOR", "boris")
    gold = accept_span(project, boris.id, "carol").gold
    return {"own": own, "boris": boris, "gold": gold}


def test_the_layers_offered_are_own_gold_and_each_teammate(qtbot: QtBot, project: Project,
                                                           team: dict[str, SpanRecord],
                                                           make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    window.layers.fill_menu()  # as opening the menu does
    titles = [action.text() for action in window.menus.layer_menu.actions() if not action.isSeparator()]
    assert titles == ["&My annotations (alice)", "&Gold", "boris (read-only)", "carol (read-only)", "&Next layer"]
    checked = [action.text() for action in window.menus.layer_menu.actions() if action.isChecked()]
    assert checked == ["&My annotations (alice)"]
    combo = window.layers.combo
    assert [combo.itemText(index) for index in range(combo.count())] == [
        "My annotations (alice)", "Gold", "boris (read-only)", "carol (read-only)"]
    assert [span.id for span in shown(window)] == [team["own"].id]  # gold is not shown in one's own layer


def test_gold_layer_shows_gold_and_a_label_key_makes_gold_with_provenance_undo_and_redo(
        qtbot: QtBot, project: Project, team: dict[str, SpanRecord], make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    layer_action(window, "&Gold").trigger()
    assert window.editor.layer == GOLD_LAYER
    assert [span.id for span in shown(window)] == [team["gold"].id]
    assert "alice · Gold layer — Annotator" in window.windowTitle()
    assert window.layers.combo.currentText() == "Gold"
    assert "Working in gold" in status_text(window)
    assert QApplication.focusWidget() is window.view

    made = annotate(qtbot, window, "Minsk", Key.Key_L)  # LOCATION, in gold
    stored = project.annotations.span(made.id)
    assert (stored.layer, stored.annotator, stored.label) == ("gold", "alice", "LOCATION")
    assert provenance(project, made.id) == ("alice", "alice")  # the reviewer made it and chose it
    assert window.view.span(made.id) is not None and window.editor.current_span().id == made.id
    assert window.menus.undo_action.text() == "&Undo Add gold LOCATION"  # one step

    press(qtbot, window, Key.Key_T)  # no selection: relabels the current gold span
    assert project.annotations.span(made.id).label == "THREAT"
    assert provenance(project, made.id) == ("alice", "alice")
    press(qtbot, window, Key.Key_Z, CTRL)
    assert project.annotations.span(made.id).label == "LOCATION"
    press(qtbot, window, Key.Key_Z, CTRL)
    assert not project.annotations.spans(made.document_id, ids=[made.id])
    assert window.view.span(made.id) is None
    press(qtbot, window, Key.Key_Z, CTRL | SHIFT)  # redo: the same span back, provenance with it
    assert window.view.span(made.id) is not None
    assert provenance(project, made.id) == ("alice", "alice")

    window.editor.select_span(team["gold"].id)  # carol's gold span: a reviewer may change it
    press(qtbot, window, Key.Key_Delete)
    assert not project.annotations.spans(made.document_id, ids=[team["gold"].id])
    press(qtbot, window, Key.Key_Z, CTRL)
    assert provenance(project, team["gold"].id) == ("boris", "carol")
    own = project.annotations.spans(made.document_id, annotators=["alice"], layers=["annotation"])
    assert [span.id for span in own] == [team["own"].id]  # alice's own layer untouched throughout


def test_a_teammates_layer_is_read_only_and_says_why(qtbot: QtBot, project: Project, team: dict[str, SpanRecord],
                                                     make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    layer_action(window, "boris (read-only)").trigger()
    assert window.editor.layer == Layer.of_teammate("boris")
    assert [span.id for span in shown(window)] == [team["boris"].id]
    assert "boris's layer, read-only" in window.windowTitle()
    refusal = Errors.E1240.format(owner="boris", annotator="alice")

    select_text(window, "Minsk")
    press(qtbot, window, Key.Key_L)
    assert status_text(window) == refusal
    assert len(project.annotations.spans(team["own"].document_id)) == 3  # nothing added anywhere

    press(qtbot, window, Key.Key_Escape)
    press(qtbot, window, Key.Key_Tab)  # Tab walks the layer shown, read-only
    assert window.editor.current_span().id == team["boris"].id
    assert not window.inspector.label_combo.isEnabled()  # the inspector shows it read-only
    press(qtbot, window, Key.Key_Delete)
    assert status_text(window) == refusal
    press(qtbot, window, Key.Key_T)
    assert status_text(window) == refusal
    assert project.annotations.span(team["boris"].id).label == "ACTOR"
    assert window.menus.undo_action.text() == "&Undo"  # no step was made


def test_show_others_adds_the_other_layers_read_only_on_top_of_the_chosen_one(
        qtbot: QtBot, project: Project, team: dict[str, SpanRecord], make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    window.layers.choose(GOLD_LAYER)
    press(qtbot, window, Key.Key_O, CTRL | SHIFT)  # View ▸ Show other annotators
    assert {span.id for span in shown(window)} == {team["own"].id, team["boris"].id, team["gold"].id}
    window.editor.select_span(team["own"].id)
    press(qtbot, window, Key.Key_Delete)
    assert status_text(window) == Errors.E1241.format(where="your own layer", layer="Gold")
    assert project.annotations.spans(team["own"].document_id, ids=[team["own"].id])
    press(qtbot, window, Key.Key_Tab)  # Tab walks gold only
    assert window.editor.current_span().layer == "gold"

    window.layers.choose(OWN_LAYER)  # own layer, others shown: gold too, read-only
    assert {span.id for span in shown(window)} == {team["own"].id, team["boris"].id, team["gold"].id}
    window.editor.select_span(team["gold"].id)
    press(qtbot, window, Key.Key_Delete)
    assert status_text(window) == Errors.E1241.format(where="gold", layer="My annotations (alice)")


def test_ctrl_shift_l_walks_the_layers_in_the_menus_order(qtbot: QtBot, project: Project,
                                                          team: dict[str, SpanRecord],
                                                          make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    seen = []
    for _ in range(4):
        press(qtbot, window, Key.Key_L, CTRL | SHIFT)
        seen.append(window.editor.layer)
    assert seen == [GOLD_LAYER, Layer.of_teammate("boris"), Layer.of_teammate("carol"), OWN_LAYER]


def test_the_layer_survives_a_restart_and_a_teammate_gone_falls_back_to_own(
        qtbot: QtBot, project: Project, team: dict[str, SpanRecord], make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    window.layers.choose(GOLD_LAYER)
    window.close()
    again = make_window(project)
    assert again.editor.layer == GOLD_LAYER
    assert [span.id for span in shown(again)] == [team["gold"].id]
    assert again.layers.combo.currentText() == "Gold"
    assert "Gold layer" in again.windowTitle()

    again.settings.set_layer(project.location, "teammate:dmitry")  # nobody of that name
    again.close()
    third = make_window(project)
    assert third.editor.layer == OWN_LAYER

    third.layers.choose(Layer.of_teammate("boris"))
    third.set_annotator("boris")  # boris is no teammate of himself: his own layer
    assert third.editor.layer == OWN_LAYER
    assert [span.id for span in shown(third)] == [team["boris"].id]


def test_gold_decided_elsewhere_shows_in_the_gold_layer_at_once(
        qtbot: QtBot, project: Project, doc_ids: list[int], team: dict[str, SpanRecord],
        make_window: Callable[..., MainWindow]) -> None:
    """A comparison window's acceptance (carol's history, the same project) reaches the editor
    through the change feed."""
    window = make_window(project)
    window.layers.choose(GOLD_LAYER)
    other = teammate_span(project, doc_ids[0], "Minsk", "LOCATION", "boris")
    History.of(project, "carol").perform(AcceptSpans([other], "carol"))
    gold = [span for span in project.annotations.spans(doc_ids[0], layers=["gold"]) if span.start == other.start]
    assert len(gold) == 1
    qtbot.waitUntil(lambda: window.view.span(gold[0].id) is not None)


def test_the_document_list_shows_review_state_and_filters_by_it(
        qtbot: QtBot, project: Project, doc_ids: list[int], team: dict[str, SpanRecord],
        make_window: Callable[..., MainWindow]) -> None:
    set_reviewed(project, doc_ids[1], "carol")
    window = make_window(project)
    model = window.doc_model
    decoration = Qt.ItemDataRole.DecorationRole
    tooltip = Qt.ItemDataRole.ToolTipRole
    rows = {doc_id: model.row_of(doc_id) for doc_id in doc_ids}
    assert model.data(model.index(rows[doc_ids[0]], 1), tooltip).endswith("Not reviewed · 1 gold span")
    assert model.data(model.index(rows[doc_ids[1]], 1), tooltip).endswith("Reviewed by carol · no gold yet")
    assert model.data(model.index(rows[doc_ids[2]], 1), tooltip).endswith("Not reviewed · no gold yet")
    icons = [model.data(model.index(rows[doc_id], 1), decoration) for doc_id in doc_ids]
    assert icons[0] is not None and icons[1] is not None and icons[2] is None
    assert icons[0].cacheKey() != icons[1].cacheKey()  # a ring for gold begun, a tick for reviewed

    History.of(project, "carol").perform(mark_reviewed(doc_ids[0], "carol"))  # the comparison's Mark reviewed
    qtbot.waitUntil(lambda: model.data(model.index(rows[doc_ids[0]], 1), tooltip)
                    .endswith("Reviewed by carol · 1 gold span"))

    panel = window.doc_list
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("review:yes"))
    assert sorted(model.ids) == doc_ids[:2]
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("review:no"))
    assert model.ids == [doc_ids[2]]
    panel.status_filter.setCurrentIndex(0)
    assert sorted(model.ids) == doc_ids


def test_a_letter_typed_into_an_open_menu_is_its_mnemonic_not_a_label_key(
        qtbot: QtBot, project: Project, team: dict[str, SpanRecord], make_window: Callable[..., MainWindow]) -> None:
    """L in View opens Layer, G there chooses Gold; without the menu's claim on bare keys, the
    text view's L (LOCATION) and G (TARGET) took them."""
    window = make_window(project)
    select_text(window, "Minsk")
    view_menu = window.menus.layer_menu.parentWidget()
    view_menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitUntil(view_menu.isVisible)
    qtbot.keyClick(view_menu, Key.Key_L)
    qtbot.waitUntil(window.menus.layer_menu.isVisible)
    qtbot.keyClick(window.menus.layer_menu, Key.Key_G)
    qtbot.waitUntil(lambda: window.editor.layer == GOLD_LAYER)
    assert len(project.annotations.spans(team["own"].document_id)) == 3  # no LOCATION, no TARGET


def relation_provenance(project: Project, relation_id: int) -> tuple[str | None, str | None]:
    with project.reading() as connection:
        row = connection.execute(sa.select(REL.c.origin_annotator, REL.c.adjudicator)
                                 .where(REL.c.id == relation_id)).one()
    return row[0], row[1]


def test_a_relation_made_in_gold_records_the_analyst_as_origin_and_adjudicator(
        qtbot: QtBot, project: Project, team: dict[str, SpanRecord], make_window: Callable[..., MainWindow]) -> None:
    window = make_window(project)
    window.layers.choose(GOLD_LAYER)
    threat = annotate(qtbot, window, "threatens", Key.Key_T)
    press(qtbot, window, Key.Key_R)  # from the gold THREAT …
    press(qtbot, window, Key.Key_Tab)  # … to the nearest gold span it can target: carol's ACTOR
    assert window.editor.current_span().id == team["gold"].id
    press(qtbot, window, Key.Key_Return)
    [relation] = project.annotations.relations(threat.document_id, layers=["gold"])
    assert (relation.head_id, relation.tail_id, relation.label, relation.annotator) == (
        threat.id, team["gold"].id, "targets", "alice")
    assert relation_provenance(project, relation.id) == ("alice", "alice")
    assert window.menus.undo_action.text() == "&Undo Add gold relation targets"
    press(qtbot, window, Key.Key_Z, CTRL)
    assert project.annotations.relations(threat.document_id, layers=["gold"]) == []
    press(qtbot, window, Key.Key_Z, CTRL | SHIFT)
    assert relation_provenance(project, relation.id) == ("alice", "alice")
