"""A reviewer's decisions in the real comparison window (issue 17), by keyboard: boris's version
then anna's of the same item leaves one gold span (the second replaces the first), Ctrl+Z brings
boris's back; F2 relabels the gold span as a CLAIM and the dialog that asks for its required
claim_type is answered with the arrow key and Return; Ctrl+Return marks the document reviewed
and moves on to the next document with a difference nobody decided."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.review.adjudicate import provenance
from annotator.store import Project
from annotator.store.records import SpanRecord
from tests.xwindow.conftest import ANNOTATOR, sample_project
from tests.xwindow.desktop import App, wait_for

FIRST, SECOND = 1, 2  # "The United Transitional Cabinet of Belarus has declared…", "…Official Minsk does not wish…"
WORD = "the Russian Federation"


@pytest.fixture(scope="module")
def project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """anna marks the Russian Federation as an ACTOR, boris as a TARGET; in the second article
    only anna marked Official Minsk, so it has a difference too."""
    path = sample_project(tmp_path_factory.mktemp("decisions"))
    with Project.open(path, create=False) as project:
        start = project.documents.get(FIRST).text.index(WORD)
        project.annotations.add_span(FIRST, start, start + len(WORD), "ACTOR", "anna", attrs={"actor_type": "state"})
        project.annotations.add_span(FIRST, start, start + len(WORD), "TARGET", "boris")
        minsk = project.documents.get(SECOND).text.index("Official Minsk")
        project.annotations.add_span(SECOND, minsk, minsk + len("Official Minsk"), "ACTOR", "anna",
                                     attrs={"actor_type": "state"})
    return path


def gold(store: Project) -> list[SpanRecord]:
    return store.annotations.spans(FIRST, layers=["gold"])


def labels(store: Project) -> list[str]:
    return [span.label for span in gold(store)]


def test_take_two_versions_undo_relabel_by_keyboard_and_mark_reviewed_moves_on(app: App, store: Project) -> None:
    app.key("ctrl+shift+r")  # Review ▸ Compare annotators on this document
    window = wait_for("the comparison window", lambda: next(
        (window for window, title in app.windows().items() if title.startswith("Compare:")), None))
    app.activate(window)
    app.still()

    app.key("ctrl+2")  # boris's TARGET
    [boris] = wait_for("boris's version in gold", lambda: gold(store) if labels(store) == ["TARGET"] else None)
    app.key("ctrl+1")  # anna's ACTOR replaces it: one gold span, never both
    wait_for("anna's version instead", lambda: labels(store) == ["ACTOR"] or None)
    app.key("ctrl+z")  # one step back: boris's span again, under its id
    [back] = wait_for("boris's version back", lambda: gold(store) if labels(store) == ["TARGET"] else None)
    assert back.id == boris.id and provenance(store, back.id) == ("boris", ANNOTATOR)

    app.key("F2")  # Relabel gold span…: a chooser of labels
    wait_for("the label chooser", lambda: app.active_window() != window or None)
    app.type("CL")  # CLAIM, by its first letters
    app.key("Return")
    wait_for("the required attributes dialog", lambda: next(
        (title for title in app.windows().values() if title.startswith("Relabel gold TARGET as CLAIM")), None))
    app.still()
    app.key("Down", "Return")  # the first claim_type, then OK
    [made] = wait_for("the relabelled gold span", lambda: gold(store) if labels(store) == ["CLAIM"] else None)
    assert made.id == boris.id and made.attrs["claim_type"] == "assertion"
    assert provenance(store, made.id) == (ANNOTATOR, ANNOTATOR)  # the reviewer's own decision now

    app.activate(window)
    app.key("ctrl+Return")  # Mark reviewed, and on to the next undecided document
    wait_for("the first document reviewed", lambda: store.annotations.status(FIRST, ANNOTATOR) == "reviewed" or None)
    title = store.documents.get(SECOND).title
    wait_for("the second document in the comparison", lambda: next(
        (name for name in app.windows().values() if name.startswith("Compare:") and title in name), None))
