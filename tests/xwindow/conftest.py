"""Fixtures of the real-window layer: one X display for the session, the application started
once per test module on a real SQLite project.

Without Xvfb, openbox, xdotool and xprop the layer is skipped, saying which are missing; with
``ANNOTATOR_TEST_REQUIRE_XWINDOW=1`` (``.ci/run`` installs them and sets it) that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.corpus.importer import import_paths
from annotator.store import Project
from tests.conftest import SAMPLE_CORPUS
from tests.xwindow.desktop import REQUIRE_VARIABLE, App, Launch, XDisplay, missing_tools, running


@pytest.fixture(scope="session")
def x_display() -> Iterator[XDisplay]:
    missing = missing_tools()
    if missing:
        reason = (f"the real-window tests need {', '.join(missing)} (Debian: apt-get install xvfb openbox "
                  "xdotool x11-utils)")
        if os.environ.get(REQUIRE_VARIABLE) == "1":
            pytest.fail(f"{reason}; {REQUIRE_VARIABLE}=1 requires them")
        pytest.skip(reason)
    display = XDisplay.start()
    yield display
    display.stop()


def sample_project(folder: Path) -> Path:
    """A new SQLite project holding the five sample articles (ids 1–5, in file order)."""
    path = folder / "project.db"
    with Project.open(path) as project:
        import_paths(project, [SAMPLE_CORPUS])
    return path


ANNOTATOR = "alice"  # whom the application is started as


@pytest.fixture(scope="module")
def app(x_display: XDisplay, project_path: Path) -> Iterator[App]:
    """The application on the module's ``project_path``, started once for the module's tests."""
    with running(x_display, Launch(project_path, ANNOTATOR, project_path.parent)) as started:
        yield started


@pytest.fixture(scope="module")
def store(project_path: Path) -> Iterator[Project]:
    """The same project file, read as the tests' own SQLite connection."""
    with Project.open(project_path, create=False) as project:
        yield project


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture(autouse=True)
def screenshot_on_failure(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    """A failing test leaves what the screen showed, and the application's output, in its tmp_path."""
    yield
    if request.node.stash.get(FAILED, False) and "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        print(f"screen: {app.shot(tmp_path / 'screen.png')}\napplication output:\n{app.log_text()}")
