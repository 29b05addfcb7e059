"""The process ends cleanly after using the clipboard.

Qt keeps clipboard data until its own exit-time clean-up, after the interpreter is gone; data
created in Python crashed the process there (seen as a segfault after the test suite passed).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_copying_then_quitting_exits_with_status_zero() -> None:
    script = textwrap.dedent("""
        from PySide6.QtWidgets import QApplication
        from annotator.gui.textview import DocumentView

        app = QApplication([])
        view = DocumentView()
        view.set_document("Minsk said no.\\r\\nMoscow 😀 insisted.\\n", [], [], {}, owner="alice")
        view.select_range(0, 20)
        view.copy()
        assert QApplication.clipboard().text() == "Minsk said no.\\r\\nMosc"
        view.show()
        app.processEvents()
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO_ROOT))
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
