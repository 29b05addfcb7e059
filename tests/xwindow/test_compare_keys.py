"""The comparison window in the real window (issue 17): anna and boris marked the same CLAIM with
another claim_type, which is a difference now (it was shown as an agreement); F8 walks to it and
Ctrl+2 takes boris's value into gold, Ctrl+Z takes it back."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.review.adjudicate import provenance
from annotator.store import Project
from annotator.store.records import SpanRecord
from tests.xwindow.conftest import sample_project
from tests.xwindow.desktop import App, wait_for

FIRST = 1  # "The United Transitional Cabinet of Belarus has declared that interference by the Russian Federation…"
CLAIM = "interference by the Russian Federation"
ACTOR = "The United Transitional Cabinet of Belarus"


@pytest.fixture(scope="module")
def project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """anna and boris agree on the ACTOR and on where the CLAIM is, not on its claim_type."""
    path = sample_project(tmp_path_factory.mktemp("compare"))
    with Project.open(path, create=False) as project:
        text = project.documents.get(FIRST).text
        actor, claim = text.index(ACTOR), text.index(CLAIM)
        for who, claim_type in (("anna", "evaluation"), ("boris", "accusation")):
            project.annotations.add_span(FIRST, actor, actor + len(ACTOR), "ACTOR", who,
                                         attrs={"actor_type": "opposition"})
            project.annotations.add_span(FIRST, claim, claim + len(CLAIM), "CLAIM", who,
                                         attrs={"claim_type": claim_type})
    return path


def gold(store: Project) -> list[SpanRecord]:
    return store.annotations.spans(FIRST, layers=["gold"])


def test_f8_walks_to_the_attribute_difference_and_ctrl_2_takes_boris_value(app: App, store: Project) -> None:
    app.key("ctrl+shift+r")  # Review ▸ Compare annotators on this document
    window = wait_for("the comparison window", lambda: next(
        (window for window, title in app.windows().items() if title.startswith("Compare:")), None))
    app.activate(window)
    app.key("F8")  # the one difference: the CLAIM's claim_type (the ACTOR is an agreement)
    app.still()
    app.key("ctrl+2")
    [made] = wait_for("a gold span", lambda: gold(store) if len(gold(store)) == 1 else None)
    text = store.documents.get(FIRST).text
    assert (text[made.start:made.end], made.label, made.attrs["claim_type"]) == (CLAIM, "CLAIM", "accusation")
    assert provenance(store, made.id)[0] == "boris"

    app.key("ctrl+z")
    wait_for("the gold span taken back", lambda: not gold(store))
    app.key("ctrl+shift+z")
    wait_for("the gold span back", lambda: [span.id for span in gold(store)] == [made.id])
