"""Cold start: process start to a shown, usable main window, against a bare PySide6 window.

Run on demand:  python tests/benchmarks/bench_startup.py [--runs 5]

Each figure is a whole fresh process (interpreter start, imports, project open, first paint),
measured on the wall clock from launching the child, offscreen: the document's text painted,
a first key (Right) handled and painted, and the main window shown with every panel. A first
start with nothing remembered is shown apart; the restarts that follow give the medians. Where
the first screen can show the document (``annotator.gui.first_screen``) it takes the first key
and the main window takes over; otherwise the splash shows and the main window takes the key. ``--imports MS`` then starts the window once more under ``python -X
importtime`` and lists what its GUI thread imported on the way to the first key, every module
that took at least MS ms with what it imported (what remains to cut).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = r"""
import time, json
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit
app = QApplication([])
window = QMainWindow(); window.setCentralWidget(QPlainTextEdit("hello")); window.show()
def done():
    window.repaint()
    print(json.dumps({"shown": time.time()}))
    app.quit()
QTimer.singleShot(0, done)
app.exec()
"""

APP = r"""
import sys, time, json
from PySide6.QtCore import QTimer, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
import annotator.gui.app as gui_app
import annotator.gui.textview.view as text_view  # the app imports it first too (the first screen's view)
marks = {}
original_splash = gui_app._splash
def timed_splash():
    splash = original_splash()
    marks["splash"] = time.time()
    return splash
gui_app._splash = timed_splash
original_paint = text_view.DocumentView.paintEvent
def timed_paint(self, event):
    original_paint(self, event)
    if "text" not in marks and self.toPlainText():
        marks["text"] = time.time()
text_view.DocumentView.paintEvent = timed_paint
def shown(*kinds):
    return [w for w in QApplication.topLevelWidgets() if type(w).__name__ in kinds and w.isVisible()]
def window_up():
    windows = shown("MainWindow", "FirstScreen")
    if not windows or "text" not in marks:
        QTimer.singleShot(1, window_up)
        return
    view = windows[0].view
    before = view.textCursor().position()
    QTest.keyClick(view, Qt.Key.Key_Right)  # the analyst's first key: the caret moves
    view.repaint()
    assert view.textCursor().position() != before, "the first key did nothing"
    marks["key"] = time.time()
    marks["key_in"] = type(windows[0]).__name__
    main_window_up()
def main_window_up():
    windows = shown("MainWindow")
    if not windows or shown("FirstScreen"):
        QTimer.singleShot(1, main_window_up)
        return
    windows[0].repaint()
    marks["ready"] = time.time()
    print(json.dumps(marks))
    windows[0].close()
QTimer.singleShot(0, window_up)
gui_app.run_app(project=sys.argv[1], annotator="bench")
"""


def run(code: str, *args: str, env: dict[str, str]) -> dict[str, float]:
    """Seconds from launching the child process to each of its marks (wall clock)."""
    started = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return {mark: value - started if isinstance(value, float) else value for mark, value in result.items()}


def import_costs(project: str, env: dict[str, str], least_ms: float) -> list[str]:
    """``-X importtime`` of one start, as an indented tree of the imports over ``least_ms``.

    The tree is rebuilt from the log's post-order lines (a module's imports come before it, one
    level deeper); imports made after the first key (the closing window's) are not listed."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", APP, project], capture_output=True, text=True,
                         env=env, check=True)
    done: list[tuple[int, str, float, list]] = []  # (level, name, ms, children) not yet claimed by a parent
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split(":", 1)[1].split("|")
        level = (len(name) - len(name.lstrip())) // 2
        children = []
        while done and done[-1][0] > level:
            children.insert(0, done.pop())
        done.append((level, name.strip(), int(cumulative) / 1000, children))
    lines: list[str] = []

    def show(node: tuple[int, str, float, list], depth: int) -> None:
        _, name, ms, children = node
        if ms >= least_ms:
            lines.append(f"{'  ' * depth}{name} {ms:.0f} ms")
            for child in children:
                show(child, depth + 1)

    for node in done:
        show(node, 0)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--imports", type=float, metavar="MS", help="also list the imports that took at least MS ms")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=tmp, ANNOTATOR_CONFIG_DIR=tmp)
        project = str(Path(tmp) / "sample.db")
        root = Path(__file__).resolve().parents[2]
        subprocess.run([sys.executable, "-m", "annotator", "import", project, str(root / "sample_corpus")],
                       check=True, capture_output=True, env=env)
        bare = statistics.median(run(BARE, env=env)["shown"] for _ in range(args.runs))
        first_start = run(APP, project, env=env)  # no remembered window or document yet
        runs = [run(APP, project, env=env) for _ in range(args.runs)]
        text, key, ready = (statistics.median(r[mark] for r in runs) for mark in ("text", "key", "ready"))
        imports = import_costs(project, env, args.imports) if args.imports is not None else []
    print(f"bare PySide6 window, launch to first paint:           {bare * 1000:6.0f} ms")
    print(f"first start (nothing remembered): text {first_start['text'] * 1000:.0f} ms, key "
          f"{first_start['key'] * 1000:.0f} ms in the {first_start['key_in']}, every panel "
          f"{first_start['ready'] * 1000:.0f} ms" + (f", splash {first_start['splash'] * 1000:.0f} ms"
                                                     if "splash" in first_start else ""))
    print(f"restart: the document's text painted:                 {text * 1000:6.0f} ms")
    print(f"restart: first key (Right) handled and painted:       {key * 1000:6.0f} ms   (target of issue 20: <= 400 ms)"
          f"   in the {', '.join(sorted({r['key_in'] for r in runs}))}")
    print(f"restart: main window shown with every panel:          {ready * 1000:6.0f} ms   (keys pressed before are "
          "kept and applied then)")
    print("spaCy loads on a worker thread once the main window shows; the window does not wait for it.")
    if imports:
        print(f"\nimports of one start (-X importtime, cumulative, at least {args.imports:g} ms):")
        print("\n".join(imports))


if __name__ == "__main__":
    main()
