"""After a SIGKILL (a crash, a power cut) the window reopens where the analyst was: the same
document, scrolled to the same place."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.xwindow.conftest import sample_project
from tests.xwindow.desktop import App, Box, Launch, XDisplay, running, wait_for

SECOND_TITLE = "Official Minsk does not wish"  # the window title may shorten it


@dataclass
class Reopened:
    app: App
    title: str  # the window's title when it was killed
    view: Box  # where the text scrolls, on the screen
    text: Image.Image  # the screen when it was killed


@pytest.fixture(scope="module")
def reopened(x_display: XDisplay, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reopened]:
    """The second article opened (N), scrolled two pages down, the process killed, the
    application started again."""
    folder = tmp_path_factory.mktemp("reopen")
    launch = Launch(sample_project(folder), "alice", folder)
    with running(x_display, launch) as app:
        app.key("n")
        wait_for("the second article", lambda: app.title().startswith(SECOND_TITLE))
        top = app.still()
        settings = _settings(folder)
        app.key("Next", "Next")  # Page Down
        view = app.changed_box(top)  # the text moved up: that is the view
        screen = app.still()
        _wait_for_change(lambda: _settings(folder) != settings, seconds=5)  # a pause, as before a crash
        title = app.title()
        app.kill()
    with running(x_display, launch) as again:
        again.still()
        yield Reopened(again, title, view, screen)


def _settings(folder: Path) -> str:
    return "".join(path.read_text(encoding="utf-8") for path in sorted((folder / "config").glob("*.ini")))


def _wait_for_change(changed: Callable[[], bool], seconds: float) -> None:
    """Up to ``seconds`` for the window to write its settings; killed either way after that."""
    deadline = time.monotonic() + seconds
    while not changed() and time.monotonic() < deadline:
        time.sleep(0.1)


def test_the_same_document_is_open(reopened: Reopened) -> None:
    assert reopened.app.title() == reopened.title


def test_the_text_is_scrolled_as_it_was(reopened: Reopened) -> None:
    """The view shows the same lines: nearly every pixel of it is as it was (the caret may
    blink elsewhere)."""
    now = np.asarray(reopened.app.still().crop(reopened.view))
    then = np.asarray(reopened.text.crop(reopened.view))
    differing = (now != then).any(axis=2).mean()
    assert differing < 0.01, f"{differing:.1%} of the view differs"
