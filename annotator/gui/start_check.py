"""A check that a build of the application really starts: the window opens the project, shows
a document with spaCy's tokenizer loaded, says so on stdout and closes as the analyst closes it.

A desktop build (PyInstaller, ``make bundle``) can lose what no import shows: a Qt plugin, the
bundled schema and sample articles, spaCy's data. The build's entry script arms this check when
``ANNOTATOR_START_CHECK=1``, before running the ordinary ``annotator`` command, so what is
checked is the build's own start path (``make bundle-smoke`` runs it offscreen). A window not
ready within the time limit ends the process with status 1.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer

from annotator.gui.app import _application

VARIABLE = "ANNOTATOR_START_CHECK"
POLL_MS = 100


def close_once_ready(limit_seconds: float = 120.0) -> None:
    """Arm the check: create the application (``run_app`` then uses it) and poll its windows."""
    from annotator.gui.mainwindow import MainWindow

    app = _application()
    deadline = time.monotonic() + limit_seconds
    timer = QTimer(app)
    timer.setInterval(POLL_MS)

    def poll() -> None:
        for widget in app.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible() and widget.editor.spacy_ready:
                timer.stop()
                print(f"start check: window '{widget.windowTitle()}' shows "
                      f"{widget.project.documents.count()} documents; spaCy tokenizer loaded", flush=True)
                widget.close()
                return
        if time.monotonic() > deadline:
            timer.stop()
            print(f"start check: no window ready within {limit_seconds:.0f} s", flush=True)
            app.exit(1)

    timer.timeout.connect(poll)
    timer.start()
