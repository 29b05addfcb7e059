"""Model suggestions in the real window: ] walks them, Y accepts, X rejects; and in relation
mode a click where a suggestion lies under the analyst's own span picks the analyst's span
(issue 14, problem 4: the suggestion took the click, "[E509] This is a model suggestion…").

The suggestions are made as an analyst makes them from the command line (``annotator
suggest``) before the window opens, on the first sample article only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.store import Project
from annotator.store.records import SpanRecord
from tests.xwindow.conftest import ANNOTATOR, sample_project
from tests.xwindow.desktop import App, center, run_annotator, wait_for

FIRST = 1
CABINET = "The United Transitional Cabinet of Belarus"  # the first suggestion (ACTOR) of the article


@pytest.fixture(scope="module")
def project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = sample_project(tmp_path_factory.mktemp("suggestions"))
    run_annotator("suggest", str(path), "--docs", str(FIRST))
    return path


def text_of(store: Project, span: SpanRecord) -> str:
    return store.documents.get(span.document_id).text[span.start:span.end]


def suggestions(store: Project) -> list[SpanRecord]:
    return store.annotations.spans(FIRST, layers=["suggestion"])


def own(store: Project) -> list[SpanRecord]:
    return store.annotations.spans(FIRST, annotators=[ANNOTATOR], layers=["annotation"])


def test_bracket_and_y_accept_the_first_suggestion(app: App, store: Project) -> None:
    first = suggestions(store)[0]
    assert (first.label, text_of(store, first)) == ("ACTOR", CABINET)
    app.key("Escape", "Escape", "bracketright", "y")
    wait_for("the acceptance", lambda: store.annotations.span(first.id).status == "accepted")
    [span] = own(store)
    assert (span.label, text_of(store, span)) == ("ACTOR", CABINET)


def test_bracket_and_x_reject_the_next_suggestion(app: App, store: Project) -> None:
    """] goes on from the suggestion just accepted: the CLAIM after it."""
    following = suggestions(store)[1]
    app.key("bracketright", "x")
    wait_for("the rejection", lambda: store.annotations.span(following.id).status == "rejected")
    assert len(own(store)) == 1


def test_in_relation_mode_a_click_takes_the_own_span_over_a_suggestion(app: App, store: Project) -> None:
    """Problem 4. A CLAIM of the analyst's over "interference by the Russian Federation", where
    the model suggested the ACTOR "the Russian Federation"; from the analyst's ACTOR, R and a
    click on "Federation" link the ACTOR to the CLAIM."""
    under = [span for span in suggestions(store) if text_of(store, span) == "the Russian Federation"]
    assert under and under[0].status == "pending"
    app.key("ctrl+Home", *["ctrl+Right"] * 9, *["ctrl+shift+Right"] * 5, "c")
    claim = wait_for("the CLAIM", lambda: next((span for span in own(store) if span.label == "CLAIM"), None))
    assert text_of(store, claim) == "interference by the Russian Federation"
    actor = next(span for span in own(store) if span.label == "ACTOR")
    app.key("ctrl+Home", *["ctrl+Right"] * 13)  # the caret before "Federation" (one word: one line)
    word = app.selection_box("ctrl+shift+Right")
    assert word[3] - word[1] < 60, word  # one line of text
    app.key("Escape", "shift+Tab", "r")  # no selection; from the CLAIM back to the ACTOR; relation mode
    app.click(center(word))
    relation = wait_for("the relation", lambda: next(iter(store.annotations.relations(
        FIRST, annotators=[ANNOTATOR], layers=["annotation"])), None))
    assert (relation.head_id, relation.tail_id, relation.label) == (actor.id, claim.id, "speaker_of")
