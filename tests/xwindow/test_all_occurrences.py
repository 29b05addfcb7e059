"""Annotate all occurrences in the real window (issue 18), by keys only: a word labelled
LOCATION, Ctrl+Shift+H lists its other occurrences in the document (not "Belarusian"), Enter
labels them all in one step, Ctrl+Z takes them all back at once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotator.store import Project
from tests.xwindow.conftest import ANNOTATOR, sample_project
from tests.xwindow.desktop import App, wait_for

FIRST = 1  # "The United Transitional Cabinet of Belarus has declared…"


@pytest.fixture(scope="module")
def project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_project(tmp_path_factory.mktemp("occurrences"))


def locations(store: Project) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in store.annotations.spans(FIRST, annotators=[ANNOTATOR])
            if s.label == "LOCATION"]


def test_label_every_occurrence_by_keys_and_undo_at_once(app: App, store: Project) -> None:
    text = store.documents.get(FIRST).text
    expected = [(m.start(), m.end()) for m in re.finditer(r"Belarus(?!ian)", text)]
    assert len(expected) == 13
    app.key("ctrl+Home", *["ctrl+Right"] * 5, "ctrl+shift+Right")  # "Belarus", the sixth word
    app.key("l")  # LOCATION
    wait_for("the first LOCATION", lambda: locations(store) == expected[:1])
    app.key("ctrl+shift+h")
    dialog = wait_for("the occurrences dialog", lambda: (found := app.dialog()) and
                      found[1].startswith("Annotate all occurrences") and found)
    app.activate(dialog[0])
    app.still()  # the places are listed (a five-article corpus takes no time)
    app.key("Return")  # Label 12: every checked place
    wait_for("every occurrence labelled", lambda: locations(store) == expected)
    wait_for("the dialog closed", lambda: app.dialog() is None)
    app.activate()
    app.key("ctrl+z")
    wait_for("all taken back in one step", lambda: locations(store) == expected[:1])
    app.key("ctrl+shift+z")
    wait_for("all made again in one step", lambda: locations(store) == expected)
