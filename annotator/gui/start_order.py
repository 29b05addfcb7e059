"""What the window starts after it is on screen, and when.

spaCy's tokenizer (snapping) is loaded on a worker thread once the window shows. Importing spaCy
is one to three seconds of pure Python that holds the interpreter lock most of the time, so a
worker doing it shares one interpreter with the GUI thread: started in the window's first turn of
the event loop it slowed the first paint and the analyst's first key by 60-250 ms (measured with
``tests/benchmarks/bench_startup.py``: 70 ms between the text painted and the first key handled
on a quiet machine, 180 ms on a loaded one, against 20 ms without it). The load therefore waits
``AFTER_FIRST_SCREEN_MS`` for the first screen to be painted and the first keys to be handled;
snapping uses the simple tokenizer meanwhile, as it did while spaCy loaded.

Once spaCy is imported in the process (the second window, and every window a test opens after
the first) the tokenizer is made at once: it costs no import then.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

AFTER_FIRST_SCREEN_MS = 500


def after_first_screen(window: QWidget, start: Callable[[], None]) -> None:
    """Call ``start`` once the window's first screen had its time, if the window is still shown
    then (a window closed meanwhile starts no worker for a project it has closed)."""
    delay = 0 if "spacy" in sys.modules else AFTER_FIRST_SCREEN_MS

    def start_if_shown() -> None:
        if window.isVisible():
            start()

    QTimer.singleShot(delay, window, start_if_shown)
