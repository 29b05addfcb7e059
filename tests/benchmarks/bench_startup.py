"""Cold start: process start to a shown, usable main window, against a bare PySide6 window.

Run on demand:  python tests/benchmarks/bench_startup.py [--runs 5]

Each figure is a whole fresh process (interpreter start, imports, project open, first paint),
measured on the wall clock from launching the child to its window's first paint, offscreen. Reports the median.
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
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import annotator.gui.app as gui_app
marks = {}
original_splash = gui_app._splash
def timed_splash():
    splash = original_splash()
    marks["splash"] = time.time()
    return splash
gui_app._splash = timed_splash
def window_up():
    windows = [w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow" and w.isVisible()]
    if not windows:
        QTimer.singleShot(1, window_up)
        return
    windows[0].repaint()
    print(json.dumps({"shown": time.time(), "splash": marks["splash"], "spacy": "spacy" in sys.modules}))
    windows[0].close()
QTimer.singleShot(0, window_up)
gui_app.run_app(project=sys.argv[1], annotator="bench")
"""


def run(code: str, *args: str, env: dict[str, str]) -> dict[str, float]:
    """Seconds from launching the child process to each of its marks (wall clock)."""
    started = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert not result.pop("spacy", False), "spaCy must not be imported before the window shows"
    return {mark: value - started for mark, value in result.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=tmp, ANNOTATOR_CONFIG_DIR=tmp)
        project = str(Path(tmp) / "sample.db")
        root = Path(__file__).resolve().parents[2]
        subprocess.run([sys.executable, "-m", "annotator", "import", project, str(root / "sample_corpus")],
                       check=True, capture_output=True, env=env)
        bare = statistics.median(run(BARE, env=env)["shown"] for _ in range(args.runs))
        runs = [run(APP, project, env=env) for _ in range(args.runs)]
        splash = statistics.median(r["splash"] for r in runs)
        app = statistics.median(r["shown"] for r in runs)
    print(f"bare PySide6 window, launch to first paint:           {bare * 1000:6.0f} ms")
    print(f"annotator splash ('Opening the project…') painted:    {splash * 1000:6.0f} ms")
    print(f"annotator main window on the sample project, usable:  {app * 1000:6.0f} ms")
    print("spaCy was not imported by then; it loads in the background after the window shows.")


if __name__ == "__main__":
    main()
