"""A relation decision in the real comparison window (issue 17): anna drew speaker_of from the
Cabinet to its CLAIM, boris did not, and they agree on both spans. The window opens at that
difference; X turns it down (a decision kept, gold unchanged), undo and redo take it back and
make it again, and Ctrl+1 then takes anna's relation into gold with its two ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.review.adjudicate import gold_relation
from annotator.review.comparison import compare
from annotator.store import Project
from tests.xwindow.conftest import ANNOTATOR, sample_project
from tests.xwindow.desktop import App, wait_for

FIRST = 1
CLAIM = "interference by the Russian Federation"
ACTOR = "The United Transitional Cabinet of Belarus"


@pytest.fixture(scope="module")
def project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = sample_project(tmp_path_factory.mktemp("compare-relation"))
    with Project.open(path, create=False) as project:
        text = project.documents.get(FIRST).text
        actor, claim = text.index(ACTOR), text.index(CLAIM)
        for who in ("anna", "boris"):
            head = project.annotations.add_span(FIRST, actor, actor + len(ACTOR), "ACTOR", who)
            tail = project.annotations.add_span(FIRST, claim, claim + len(CLAIM), "CLAIM", who)
            if who == "anna":
                project.annotations.add_relation(head.id, tail.id, "speaker_of", who)
    return path


def relation_decision(store: Project) -> str | None:
    [item] = [item for item in compare(store, FIRST, ["anna", "boris"]) if item.kind == "relation"]
    return item.decision


def test_x_turns_a_relation_down_and_ctrl_1_takes_it(app: App, store: Project) -> None:
    app.key("ctrl+shift+r")
    window = wait_for("the comparison window", lambda: next(
        (window for window, title in app.windows().items() if title.startswith("Compare:")), None))
    app.activate(window)
    app.still()  # opened at the first undecided difference: the relation
    app.key("x")
    wait_for("the rejection kept", lambda: relation_decision(store) == "rejected")
    assert store.annotations.relations(FIRST, layers=["gold"]) == []
    app.key("ctrl+z")
    wait_for("the rejection taken back", lambda: relation_decision(store) is None)
    app.key("ctrl+shift+z")
    wait_for("the rejection made again", lambda: relation_decision(store) == "rejected")

    app.key("ctrl+1")  # anna's version after all
    [made] = wait_for("the gold relation", lambda: store.annotations.relations(FIRST, layers=["gold"]) or None)
    assert made.label == "speaker_of"
    kept = gold_relation(store, made)
    assert (kept.origin_annotator, kept.adjudicator) == ("anna", ANNOTATOR)
    assert len(store.annotations.spans(FIRST, layers=["gold"])) == 2  # its two ends came with it
