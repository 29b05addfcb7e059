"""An analyst's day in the real window, by keys: select, label, link, set an attribute, undo and
redo, the export and search dialogs, done-and-next; and keys that must reach the text after the
mouse was used in the side panels (issue 14, problems 1 and 2).

One application for the module, on the five sample articles; the tests run in order and each
says what it starts from. Every check reads the project database the window writes to.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.store import Project
from annotator.store.records import SpanRecord
from tests.xwindow.conftest import ANNOTATOR, sample_project
from tests.xwindow.desktop import App, Box, center, find_check_boxes, wait_for

FIRST = 1  # "The United Transitional Cabinet of Belarus has declared that interference by the Russian Federation…"
EXPORT_KEY = "ctrl+shift+e"  # File ▸ Export dataset…
SEARCH_KEY = "ctrl+shift+f"  # Edit ▸ Find in corpus…


@pytest.fixture(scope="module")
def project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_project(tmp_path_factory.mktemp("daily"))


def own_spans(store: Project, doc_id: int = FIRST) -> list[SpanRecord]:
    return store.annotations.spans(doc_id, annotators=[ANNOTATOR], layers=["annotation"])


def covered(store: Project, span: SpanRecord) -> str:
    return store.documents.get(span.document_id).text[span.start:span.end]


def select_words(app: App, skip: int, count: int) -> None:
    """From the top of the document, skip ``skip`` words (Ctrl+Right) and select the next
    ``count`` (Shift+Ctrl+Right), as an analyst selects without the mouse (no Esc first: Esc
    would hand the focus back to the text from the inspector and hide a lost focus)."""
    app.key("ctrl+Home", *["ctrl+Right"] * skip, *["ctrl+shift+Right"] * count)


def new_span(store: Project, before: list[SpanRecord], doc_id: int = FIRST) -> SpanRecord:
    """The analyst's one span that was not there ``before``, once the window has written it."""
    known = {span.id for span in before}

    def added() -> SpanRecord | None:
        fresh = [span for span in own_spans(store, doc_id) if span.id not in known]
        return fresh[0] if len(fresh) == 1 else None

    return wait_for("a new span in the database", added)


def span_with_text(store: Project, text: str, doc_id: int = FIRST) -> SpanRecord:
    return next(span for span in own_spans(store, doc_id) if covered(store, span) == text)


def label_by_keys_works(app: App, store: Project, skip: int, count: int, key: str, label: str) -> SpanRecord:
    """The keys go to the text: a keyboard selection and a label key make a span."""
    before = own_spans(store)
    select_words(app, skip, count)
    app.key(key)
    span = new_span(store, before)
    assert span.label == label
    return span


def side_panel(app: App) -> Box:
    _left, top, right, bottom = app.window_box()
    return right - 360, top, right, bottom


def document_labels(app: App) -> list[Box] | None:
    """With no span current: the document panel's eight boxes, one above the other, alone."""
    boxes = find_check_boxes(app.display.grab(), side_panel(app))
    return boxes if len(boxes) == 8 and len({box[0] for box in boxes}) == 1 else None


def test_a_keyboard_selection_and_a_label_key_make_a_span(app: App, store: Project) -> None:
    span = label_by_keys_works(app, store, 0, 6, "a", "ACTOR")
    assert covered(store, span) == "The United Transitional Cabinet of Belarus"
    claim = label_by_keys_works(app, store, 9, 5, "c", "CLAIM")
    assert covered(store, claim) == "interference by the Russian Federation"


def test_r_tab_and_enter_link_two_spans(app: App, store: Project) -> None:
    """From the CLAIM just made: Shift+Tab to the ACTOR, R, Tab to the CLAIM, Enter."""
    actor = span_with_text(store, "The United Transitional Cabinet of Belarus")
    claim = span_with_text(store, "interference by the Russian Federation")
    app.key("shift+Tab", "r", "Tab", "Return")
    relation = wait_for("the relation", lambda: next(iter(store.annotations.relations(FIRST)), None))
    assert (relation.head_id, relation.tail_id, relation.label) == (actor.id, claim.id, "speaker_of")


def test_f2_sets_an_attribute_by_keyboard_and_esc_gives_the_keys_back(app: App, store: Project) -> None:
    """F2 takes the focus to the current span's first attribute (ACTOR: actor_type); 3 picks its
    third value; Esc returns to the text, where the next label key labels a selection."""
    app.key("Escape", "Escape", "Tab")  # nothing current, then the first of the analyst's spans
    app.key("F2", "3", "Escape")
    actor = span_with_text(store, "The United Transitional Cabinet of Belarus")
    wait_for("actor_type set", lambda: store.annotations.span(actor.id).attrs.get("actor_type") == "official")
    span = label_by_keys_works(app, store, 16, 2, "l", "LOCATION")
    assert covered(store, span) == "country’s internal"


def test_undo_and_redo_from_the_inspector_give_the_keys_back_to_the_text(app: App, store: Project) -> None:
    """F2 and 4 (military) leave the focus in the inspector, as they should; Ctrl+Z and
    Ctrl+Shift+Z there undo and redo the change and hand the keys back to the text."""
    actor = span_with_text(store, "The United Transitional Cabinet of Belarus")

    def actor_type() -> object:
        return store.annotations.span(actor.id).attrs.get("actor_type")

    app.key("Escape", "Escape", "Tab", "F2", "4")
    wait_for("military", lambda: actor_type() == "military")
    app.key("ctrl+z")
    wait_for("the undo", lambda: actor_type() == "official")
    app.key("ctrl+shift+z")
    wait_for("the redo", lambda: actor_type() == "military")
    span = label_by_keys_works(app, store, 18, 1, "d", "DATE")
    assert covered(store, span) == "affairs"


def test_undo_and_redo_keys(app: App, store: Project) -> None:
    """Ctrl+Z takes back the DATE just made; Ctrl+Shift+Z puts it back."""
    date = span_with_text(store, "affairs")
    app.key("ctrl+z")
    wait_for("the undo", lambda: date.id not in {span.id for span in own_spans(store)})
    app.key("ctrl+shift+z")
    wait_for("the redo", lambda: date.id in {span.id for span in own_spans(store)})


def test_after_undoing_an_inspector_change_the_keys_go_to_the_text(app: App, store: Project) -> None:
    """Problem 2: tick the ACTOR's metonym box with the mouse, Ctrl+Z, Ctrl+Shift+Z: the redo
    happens and the next keyboard selection and label key label the text (the focus had stayed
    in the inspector, or gone to the document filter, where the keys were lost)."""
    actor = span_with_text(store, "The United Transitional Cabinet of Belarus")
    app.key("Escape", "Escape")
    column = wait_for("no span current", lambda: document_labels(app))[0][0]  # the document panel's boxes
    app.key("Tab")  # the ACTOR current: its inspector shows metonym, a box of its own column
    metonym = wait_for("the inspector's metonym box", lambda: next(
        (box for box in find_check_boxes(app.display.grab(), side_panel(app)) if box[0] != column), None))
    app.click(center(metonym))
    wait_for("metonym ticked", lambda: store.annotations.span(actor.id).attrs.get("metonym") is True)
    app.key("ctrl+z")
    wait_for("the undo", lambda: store.annotations.span(actor.id).attrs.get("metonym") is False)
    app.key("ctrl+shift+z")
    wait_for("the redo", lambda: store.annotations.span(actor.id).attrs.get("metonym") is True)
    span = label_by_keys_works(app, store, 22, 2, "e", "EVENT")
    assert covered(store, span) == "has described"


def test_a_click_in_the_document_panel_gives_the_keys_back_to_the_text(app: App, store: Project) -> None:
    """Tick RELEVANT in the document panel with the mouse; the next label key labels the text."""
    app.key("Escape", "Escape")  # no current span: the inspector is small and the document panel in view
    boxes = wait_for("the document panel's boxes alone", lambda: document_labels(app))
    app.click(center(boxes[0]))  # RELEVANT, the first document label
    wait_for("the document label", lambda: store.annotations.doc_labels(FIRST, ANNOTATOR) == ["RELEVANT"])
    span = label_by_keys_works(app, store, 24, 2, "g", "TARGET")
    assert covered(store, span) == "recent statements"


def test_the_export_key_opens_the_export_dialog_from_the_text(app: App, store: Project) -> None:
    """Problem 1: with the text focused, the Export dataset key opens the dialog (Qt binds
    Ctrl+E to "end of line" in text views on X11, so Ctrl+E did nothing there). Esc closes
    it and the keys are the text's again."""
    app.key("Escape", "ctrl+Home")
    app.key(EXPORT_KEY)
    window, title = wait_for("the export dialog", app.dialog)
    assert "Export" in title
    app.key("Escape")
    wait_for("the dialog to close", lambda: app.dialog() is None)
    threat = label_by_keys_works(app, store, 31, 1, "t", "THREAT")
    assert covered(store, threat) == "threat"


def test_find_in_corpus_opens_a_hit_to_label(app: App, store: Project) -> None:
    """Ctrl+Shift+F, type a word only the fourth article has, Enter; Enter on the hit opens that
    article with the word selected, and a label key labels it there."""
    app.key(SEARCH_KEY)
    search, title = wait_for("the search window", app.dialog)
    assert title.startswith("Find in corpus")
    empty = app.display.grab()
    app.type("Halouchanka")
    app.changed_box(empty, within=app.window_box(search))
    typed = app.display.grab()
    app.key("Return")  # searched in the background; the hit is listed well below the query box
    app.changed_box(typed, within=app.window_box(search), taller_than=100)
    app.key("shift+Tab", "shift+Tab", "Down", "Return")  # back from the query box to the hits; open one
    wait_for("the fourth article", lambda: app.title().startswith("Belarus experiencing external"))
    wait_for("the main window active", lambda: app.active_window() == app.window)
    before = own_spans(store, 4)
    app.key("a")
    span = new_span(store, before, 4)
    assert (span.label, covered(store, span)) == ("ACTOR", "Halouchanka")
    app.activate(search)
    app.key("alt+F4")  # openbox closes the window, as the title bar's close button does
    wait_for("the search window to close", lambda: app.dialog() is None)


def test_ctrl_enter_marks_done_and_opens_the_next(app: App, store: Project) -> None:
    app.key("ctrl+Return")
    wait_for("the fourth article done", lambda: store.documents.statuses(4).get(ANNOTATOR) == "done")
    wait_for("the fifth article", lambda: app.title().startswith("Belarus and Russia are moving"))
