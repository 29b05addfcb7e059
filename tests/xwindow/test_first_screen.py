"""A restart shows the analyst's document at once (the first screen), and the keys pressed before
the main window takes over are not lost: a word selected and labelled on the first screen is a
span in the project once the main window is there.

The core's import is held back three seconds in the started process (a ``sitecustomize`` on its
path delays importing ``annotator.gui.mainwindow``, which only the core's thread imports), so the
keys surely reach the first screen however fast the machine is.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from annotator.gui.first_screen import OPENING
from annotator.store import Project
from tests.xwindow.conftest import sample_project
from tests.xwindow.desktop import App, Launch, XDisplay, _environment, running, wait_for

HOLD_SECONDS = 3.0
SLOW_CORE = f"""
import importlib.abc, sys, threading, time

class HoldMainWindow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "annotator.gui.mainwindow" and threading.current_thread() is not threading.main_thread():
            time.sleep({HOLD_SECONDS})
        return None

sys.meta_path.insert(0, HoldMainWindow())
"""


def _first_screen(app: App) -> str | None:
    for window, title in app.windows().items():
        if title.startswith(OPENING):
            return window
    return None


@pytest.fixture(scope="module")
def labelled(x_display: XDisplay, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A restart (the first run remembered the project and its first article), the first word
    selected and labelled ACTOR on the first screen; the project file and what the screen showed."""
    folder = tmp_path_factory.mktemp("first-screen")
    launch = Launch(sample_project(folder), "alice", folder)
    with running(x_display, launch):
        pass  # a first start: the window remembers its project, document and place when it closes
    hook = folder / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(textwrap.dedent(SLOW_CORE), encoding="utf-8")
    env = _environment(x_display, folder)
    env["PYTHONPATH"] = f"{hook}:{env['PYTHONPATH']}"
    with (folder / "restart.log").open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "annotator", str(launch.project), "--annotator", "alice"],
                                   env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    app = App(x_display, process, folder / "restart.log")
    try:
        screen = wait_for("the first screen", lambda: _first_screen(app), timeout=60)
        app.activate(screen)
        started = time.monotonic()
        app.key("ctrl+shift+Right", "a")
        assert _first_screen(app) == screen, "the main window took over before the keys were sent"
        assert time.monotonic() - started < HOLD_SECONDS
        app.wait_until_ready()
        yield launch.project, app.title()
    finally:
        app.quit()


def test_keys_pressed_on_the_first_screen_label_the_selected_word(labelled: tuple[Path, str]) -> None:
    project_path, _title = labelled

    def actor_span() -> tuple[int, int] | None:
        with Project.open(project_path, create=False) as project:
            spans = [span for span in project.annotations.spans(1) if span.annotator == "alice"]
        return (spans[0].start, spans[0].end) if spans and spans[0].label == "ACTOR" else None

    start, end = wait_for("the ACTOR span in the project", actor_span)
    with Project.open(project_path, create=False) as project:
        text = project.documents.get(1).text
    assert (start, text[start:end].strip()) == (0, "The")


def test_the_main_window_shows_the_same_document(labelled: tuple[Path, str]) -> None:
    assert labelled[1].startswith("The United Transitional Cabinet")
