"""Where an unexpected error's details go: a file for the bug report, not the analyst's screen.

Anything that is not a ``UserError`` is a bug. The command line and the window show the
catalogue message E155 naming this file instead of a Python traceback (which tells an analyst
nothing and may print their data), and the file keeps the traceback a developer needs.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path

import platformdirs

from annotator import __version__
from annotator.paths import APP_NAME


def crash_report_dir() -> Path:
    """The per-user folder for crash reports (the platform's log folder)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def write_crash_report(error: BaseException, context: str) -> Path | None:
    """Save ``error``'s traceback with what was running (``context``); the file, or None when
    not even that could be written (then there is nothing better to do than say so)."""
    folder = crash_report_dir()
    path = folder / f"crash-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.txt"
    text = (f"annotator {__version__}\n{context}\n\n"
            + "".join(traceback.format_exception(type(error), error, error.__traceback__)))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", errors="backslashreplace")
    except OSError:
        return None
    return path
