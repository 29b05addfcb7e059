"""Gold in the main editor, in the real window (issue 17): View ▸ Layer ▸ Gold by the menu's keys,
a word labelled there lands in gold with the analyst as its origin and adjudicator, undo takes it
back, and Ctrl+Shift+L walks on to a teammate's layer, which refuses a label key."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.review.adjudicate import provenance
from annotator.store import Project
from annotator.store.records import SpanRecord
from tests.xwindow.conftest import ANNOTATOR, sample_project
from tests.xwindow.desktop import App, wait_for

FIRST = 1  # "The United Transitional Cabinet of Belarus has declared that interference by the Russian Federation…"


@pytest.fixture(scope="module")
def project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample articles, with a teammate's span so that a teammate's layer is offered."""
    path = sample_project(tmp_path_factory.mktemp("gold"))
    with Project.open(path, create=False) as project:
        text = project.documents.get(FIRST).text
        start = text.index("Belarus")
        project.annotations.add_span(FIRST, start, start + len("Belarus"), "LOCATION", "boris")
    return path


def gold(store: Project) -> list[SpanRecord]:
    return store.annotations.spans(FIRST, layers=["gold"])


def test_gold_by_the_menus_keys_and_a_label_key_makes_gold_with_provenance(app: App, store: Project) -> None:
    for key in ("alt+v", "l", "g"):  # View ▸ Layer ▸ Gold, each menu open before the next key
        app.key(key)
        app.still()
    wait_for("the gold layer in the title", lambda: "Gold layer" in app.title())
    app.key("ctrl+Home", "ctrl+Right", "ctrl+shift+Right")  # the second word: "United"
    app.key("a")  # ACTOR
    made = wait_for("a gold span", lambda: gold(store)[0] if len(gold(store)) == 1 else None)
    text = store.documents.get(FIRST).text
    assert (text[made.start:made.end], made.label, made.annotator) == ("United", "ACTOR", ANNOTATOR)
    assert provenance(store, made.id) == (ANNOTATOR, ANNOTATOR)
    assert store.annotations.spans(FIRST, annotators=[ANNOTATOR], layers=["annotation"]) == []

    app.key("ctrl+z")
    wait_for("the gold span taken back", lambda: not gold(store))
    app.key("ctrl+shift+z")
    wait_for("the gold span back", lambda: len(gold(store)) == 1)


def test_the_next_layer_is_a_teammates_which_refuses_a_label_key(app: App, store: Project) -> None:
    app.key("ctrl+shift+l")  # after Gold: boris's layer
    wait_for("boris's layer in the title", lambda: "boris's layer, read-only" in app.title())
    before = store.annotations.spans(FIRST)
    app.key("ctrl+Home", "ctrl+Right", "ctrl+Right", "ctrl+shift+Right")
    app.key("a")
    app.still()
    assert store.annotations.spans(FIRST) == before
    app.key("ctrl+shift+l")  # round to alice's own layer (own, gold, boris)
    wait_for("alice's own layer", lambda: "Gold" not in app.title() and "read-only" not in app.title())
