"""The application in a real X window, as on an analyst's Linux desktop.

The offscreen platform the rest of the suite uses has no window manager, no X key bindings and
no real keyboard focus: Qt binds Ctrl+E to "end of line" in text views on X11 only, and focus
only moves between windows when a window manager moves it. Here the application runs as the
analyst starts it (``python -m annotator PROJECT --annotator NAME``) on Qt's xcb platform under
Xvfb with openbox, and is driven by real key and mouse events from xdotool (XTEST, as from a
keyboard). What happened is read from the project database (a real SQLite file, through the
store) and, where only the screen shows it, from screenshots.

Finding things on the screen without hooks in the application: a keyboard selection paints the
text it covers, so the difference between a screenshot before and after selecting a word is
where that word is (``App.selection_box``); the side panels' check boxes are found by their
look (``find_check_boxes``). The application is ready for keys once its main window shows a
document (the title names it) and has the focus: keys sent earlier, while spaCy still loads,
queue in X and are handled in order, so no readiness hint in the application is needed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageGrab

from annotator.gui.first_screen import OPENING

REPO_ROOT = Path(__file__).resolve().parents[2]
REQUIRED_TOOLS = ("Xvfb", "openbox", "xdotool", "xprop")
REQUIRE_VARIABLE = "ANNOTATOR_TEST_REQUIRE_XWINDOW"  # set by .ci/run: a missing tool fails there
SCREEN_SIZE = (1400, 900)
START_SECONDS = 60  # a cold start on a busy two-core machine: Qt, the core, the project
STEP_SECONDS = 15  # one key's effect to reach the database or the screen
KEY_DELAY_MS = 40


class NotReached(AssertionError):
    """What a test waited for did not happen in time."""


def missing_tools() -> list[str]:
    return [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]


def wait_for[T](what: str, probe: Callable[[], T | None], timeout: float = STEP_SECONDS,
                interval: float = 0.1) -> T:
    """Poll ``probe`` until it returns something other than None or False; its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value is not None and value is not False:
            return value
        if time.monotonic() > deadline:
            raise NotReached(f"waited {timeout:.0f} s for {what}")
        time.sleep(interval)


Box = tuple[int, int, int, int]  # left, top, right, bottom (exclusive), screen pixels


def center(box: Box) -> tuple[int, int]:
    return (box[0] + box[2]) // 2, (box[1] + box[3]) // 2


class XDisplay:
    """A private X server (Xvfb, display number of its own choosing) with openbox on it."""

    def __init__(self, server: subprocess.Popen[bytes], name: str) -> None:
        self._server = server
        self.name = name
        self.env = {**os.environ, "DISPLAY": name}
        self.env.pop("QT_QPA_PLATFORM", None)  # the suite runs offscreen; these windows are real
        self.env.pop("WAYLAND_DISPLAY", None)
        self._manager: subprocess.Popen[bytes] | None = None

    @classmethod
    def start(cls) -> XDisplay:
        """Xvfb picks a free display (``-displayfd``), so parallel runs never share a screen."""
        read, write = os.pipe()
        width, height = SCREEN_SIZE
        server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as numbers:
            number = numbers.readline().strip()  # written once the server accepts clients
        if not number:
            server.kill()
            raise RuntimeError("Xvfb did not start")
        display = cls(server, f":{number}")
        display._manager = subprocess.Popen(["openbox"], env=display.env, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL)
        wait_for("openbox to manage the screen",
                 lambda: "window id" in display.run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK", check=False))
        return display

    def stop(self) -> None:
        for process in (self._manager, self._server):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()

    def run(self, *command: str, check: bool = True) -> str:
        """One X client command (xdotool, xprop) on this display; its output."""
        done = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=30)
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip()}")
        return done.stdout

    def grab(self) -> Image.Image:
        return ImageGrab.grab(xdisplay=self.name).convert("RGB")


@dataclass
class Launch:
    """How to start the application: its project, annotator and settings folder."""

    project: Path
    annotator: str
    home: Path  # settings (ANNOTATOR_CONFIG_DIR) and the XDG folders (backups, crash reports)


class App:
    """The application's process and its main window, driven like a keyboard and a mouse."""

    def __init__(self, display: XDisplay, process: subprocess.Popen[bytes], log: Path) -> None:
        self.display = display
        self.process = process
        self.log = log
        self.window = ""

    # --- finding the windows ---------------------------------------------------------------

    def windows(self) -> dict[str, str]:
        """Visible top-level windows of this process: id → title."""
        found = self.display.run("xdotool", "search", "--onlyvisible", "--pid", str(self.process.pid),
                                 "--name", ".", check=False).split()
        titles = {}
        for window in found:
            title = self.display.run("xdotool", "getwindowname", window, check=False).strip()
            if title:
                titles[window] = title
        return titles

    def main_window(self) -> str | None:
        """The main window: a normal window (not the opening card, not a dialog, not the first
        screen shown while the core loads) showing a document, whose title is "document —
        project — Annotator"."""
        for window, title in self.windows().items():
            kind = self.display.run("xprop", "-id", window, "_NET_WM_WINDOW_TYPE", "WM_TRANSIENT_FOR", check=False)
            if "_NET_WM_WINDOW_TYPE_NORMAL" in kind and "window id" not in kind and title.endswith("Annotator") \
                    and " — " in title and not title.startswith(OPENING):
                return window
        return None

    def wait_until_ready(self) -> None:
        """Ready for keys: the main window shows a document and has the keyboard focus."""
        def shown() -> str | None:
            if self.process.poll() is not None:
                raise RuntimeError(f"the application exited ({self.process.returncode}):\n{self.log_text()}")
            return self.main_window()

        self.window = wait_for("the main window", shown, timeout=START_SECONDS, interval=0.2)
        self.activate()

    def activate(self, window: str | None = None) -> None:
        target = window or self.window
        self.display.run("xdotool", "windowactivate", "--sync", target)
        wait_for("the window to have the focus", lambda: self.active_window() == target)

    def title(self) -> str:
        return self.display.run("xdotool", "getwindowname", self.window).strip()

    def active_window(self) -> str:
        return self.display.run("xdotool", "getactivewindow", check=False).strip()

    def dialog(self) -> tuple[str, str] | None:
        """A window of this process other than the main window (id, title), if one is shown."""
        others = [(window, title) for window, title in self.windows().items() if window != self.window]
        return others[0] if others else None

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    # --- input --------------------------------------------------------------------------------

    def key(self, *keys: str) -> None:
        """Press keys (xdotool names: ``ctrl+shift+Right``, ``Return``, ``a``) in the focused window."""
        self.display.run("xdotool", "key", "--delay", str(KEY_DELAY_MS), *keys)

    def type(self, text: str) -> None:
        self.display.run("xdotool", "type", "--delay", str(KEY_DELAY_MS), text)

    def click(self, point: tuple[int, int]) -> None:
        x, y = point
        self.display.run("xdotool", "mousemove", "--sync", str(x), str(y), "click", "1")

    # --- the screen ---------------------------------------------------------------------------

    def window_box(self, window: str | None = None) -> Box:
        geometry = self.display.run("xdotool", "getwindowgeometry", "--shell", window or self.window)
        values = dict(line.split("=", 1) for line in geometry.split())
        x, y, width, height = (int(values[name]) for name in ("X", "Y", "WIDTH", "HEIGHT"))
        return x, y, x + width, y + height

    def changed_box(self, before: Image.Image, within: Box | None = None, taller_than: int = 0) -> Box:
        """Where the screen changed since ``before`` (the caret aside), once the change has
        settled (two grabs a moment apart agree) and is more than ``taller_than`` pixels high."""
        area = within or self.window_box()

        def settled() -> Box | None:
            first = _difference_box(before, self.display.grab(), area)
            time.sleep(0.15)
            second = _difference_box(before, self.display.grab(), area)
            if first is None or first != second or first[3] - first[1] <= taller_than:
                return None
            return first

        return wait_for("the screen to change", settled)

    def still(self) -> Image.Image:
        """The screen once it has stopped changing: two grabs a moment apart are the same (but
        for the caret)."""
        def same() -> Image.Image | None:
            first = self.display.grab()
            time.sleep(0.2)
            second = self.display.grab()
            return second if _difference_box(first, second, (0, 0, *second.size)) is None else None

        return wait_for("the screen to settle", same)

    def selection_box(self, *keys: str) -> Box:
        """Where the text that ``keys`` select is on the screen: the caller puts the caret at
        its start first; the caret's moves are too thin to count as a change, so only the
        selection's paint differs, whether or not the caret had got there when the screen was
        taken before."""
        before = self.still()
        self.key(*keys)
        return self.changed_box(before)

    def shot(self, path: Path) -> Path:
        """Save the screen, for looking at what a failing test saw."""
        self.display.grab().save(path)
        return path

    # --- ending -------------------------------------------------------------------------------

    def kill(self) -> None:
        """SIGKILL, as a crash or a power cut would end it."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def quit(self) -> None:
        """File ▸ Quit (Ctrl+Q) from the main window; killed if it does not end."""
        if self.process.poll() is not None:
            return
        try:
            if self.dialog() is not None:
                self.key("Escape")  # a modal dialog in the way closes; other windows close with the main one
            self.activate()
            self.key("ctrl+q")
            self.process.wait(30)
        except (subprocess.TimeoutExpired, NotReached, RuntimeError):
            self.kill()


def _difference_box(before: Image.Image, after: Image.Image, area: Box) -> Box | None:
    """Where ``after`` differs from ``before`` in ``area``, leaving out changes under four pixels
    wide: the blinking caret (two pixels) would otherwise be a change."""
    changed = np.asarray(ImageChops.difference(before.crop(area), after.crop(area)).convert("L")) > 0
    wide = changed[:, :-3] & changed[:, 1:-2] & changed[:, 2:-1] & changed[:, 3:]
    rows, columns = np.flatnonzero(wide.any(axis=1)), np.flatnonzero(wide.any(axis=0))
    if rows.size == 0:
        return None
    left, top = area[0], area[1]
    return left + int(columns[0]), top + int(rows[0]), left + int(columns[-1]) + 4, top + int(rows[-1]) + 1


def find_check_boxes(image: Image.Image, area: Box) -> list[Box]:
    """Unticked check boxes in ``area``, top to bottom: squares 11–15 pixels wide of one light
    colour inside a darker frame on all four sides (Fusion's indicator, as the panels show it)."""
    gray = np.asarray(image.crop(area).convert("L"), dtype=np.int16)
    runs: dict[tuple[int, int, int], list[int]] = {}  # (left, width, colour) → rows
    for y, row in enumerate(gray):
        edges = np.flatnonzero(np.diff(row)) + 1
        starts = np.concatenate(([0], edges))
        ends = np.concatenate((edges, [len(row)]))
        for start, end in zip(starts, ends, strict=True):
            if 11 <= end - start <= 15 and 0 < start and end < len(row) \
                    and row[start] - row[start - 1] > 25 and row[start] - row[end] > 25:
                runs.setdefault((int(start), int(end - start), int(row[start])), []).append(y)
    boxes = []
    for (left, width, colour), rows in runs.items():
        for block in np.split(np.array(rows), np.flatnonzero(np.diff(rows) != 1) + 1):
            top, bottom = int(block[0]), int(block[-1]) + 1
            framed = 1 < top and bottom + 1 < len(gray) and all(  # a highlight line may come first
                any((colour - gray[line, left:left + width] > 25).all() for line in lines)
                for lines in ((top - 1, top - 2), (bottom, bottom + 1)))
            if framed and abs(len(block) - width) <= 2:
                boxes.append((area[0] + left, area[1] + top, area[0] + left + width, area[1] + bottom))
    return sorted(boxes, key=lambda box: (box[1], box[0]))


def _environment(display: XDisplay, home: Path) -> dict[str, str]:
    """The application's environment: this display, settings and user folders under ``home``."""
    return {**display.env, "ANNOTATOR_CONFIG_DIR": str(home / "config"), "QT_QPA_PLATFORM": "xcb",
            "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "xdg-config"),
            "XDG_STATE_HOME": str(home / "state"), "PYTHONPATH": _tree_first()}


def _tree_first() -> str:
    """PYTHONPATH with the tree under test first, also when another one is installed."""
    return os.pathsep.join(filter(None, (str(REPO_ROOT), os.environ.get("PYTHONPATH"))))


def run_annotator(*args: str) -> str:
    """An ``annotator`` command in its own process, as the analyst runs it; its output."""
    done = subprocess.run([sys.executable, "-m", "annotator", *args], env={**os.environ, "PYTHONPATH": _tree_first()},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextmanager
def running(display: XDisplay, launch: Launch) -> Iterator[App]:
    """Start the application as the analyst does and stop it afterwards (Ctrl+Q, else killed)."""
    home = launch.home
    (home / "config").mkdir(parents=True, exist_ok=True)
    log = home / f"app-{time.monotonic_ns()}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "annotator", str(launch.project), "--annotator", launch.annotator],
            env=_environment(display, home), cwd=home, stdout=output, stderr=subprocess.STDOUT)
    app = App(display, process, log)
    try:
        app.wait_until_ready()
        yield app
    finally:
        app.quit()
