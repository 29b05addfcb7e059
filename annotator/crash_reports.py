"""Where an unexpected error's details go: a file for the bug report, not the analyst's screen.

Anything that is not a ``UserError`` is a bug. The command line and the window show a catalogue
message naming this file instead of a Python traceback (which tells an analyst nothing and may
print their data), and the file keeps what a developer needs: the traceback, and the versions of
annotator, Python, the libraries it runs on and the platform. The window offers the same text
for the clipboard ("Copy details"). Only the newest ``KEEP_REPORTS`` files are kept, so a bug
that repeats on every click cannot fill the disk.

The core never imports Qt: the Qt and PySide6 versions are read from ``sys.modules`` when the
window has loaded them.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType

import platformdirs

from annotator import __version__
from annotator.paths import APP_NAME

KEEP_REPORTS = 50
_PATTERN = "crash-*.txt"

#: Libraries whose version bears on most bugs: (import name, distribution name, shown as).
_LIBRARIES = (("PySide6", "PySide6-Essentials", "PySide6"), ("sqlalchemy", "SQLAlchemy", "SQLAlchemy"),
              ("psycopg", "psycopg", "psycopg"), ("spacy", "spacy", "spaCy"))

#: Where each report's details are also written as soon as they are saved (``--debug``); None: nowhere.
_echo: Callable[[str], None] | None = None


@dataclass(frozen=True)
class CrashReport:
    """One unexpected error as saved: ``details`` is the whole report (what "Copy details"
    copies), ``path`` the file holding it, or None with ``problem`` saying why it could not be
    written (the details are then only in memory, and the window still offers them)."""

    details: str
    path: Path | None
    problem: str | None = None


def crash_report_dir() -> Path:
    """The per-user folder for crash reports (the platform's log folder)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def echo_reports(to: Callable[[str], None] | None) -> None:
    """Also hand every report's details to ``to`` (``annotator --debug`` prints them on the
    terminal, in the window as on the command line); None stops it."""
    global _echo
    _echo = to


def crash_details(error: BaseException, context: str) -> str:
    """The report of ``error``: what was running (``context``), the versions, and the traceback
    of the exception as raised (``error.__traceback__``, on whichever thread it was raised),
    with the exceptions it was chained to."""
    lines = [
        f"annotator {__version__}",
        f"What was running: {context}",
        f"When: {datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}",
        f"Python: {platform.python_version()} ({platform.python_implementation()}, {sys.executable})",
        f"Platform: {platform.platform()}",
        *(f"{shown}: {_version(module, distribution)}" for module, distribution, shown in _LIBRARIES),
    ]
    qt_core = sys.modules.get("PySide6.QtCore")
    if qt_core is not None:
        lines.append(f"Qt: {qt_core.qVersion()}, platform plugin {_qt_platform(qt_core)}")
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return "\n".join(lines) + "\n\n" + trace


def write_crash_report(error: BaseException, context: str) -> CrashReport:
    """Save ``error``'s report (see ``crash_details``) to a new file in ``crash_report_dir``
    and drop the oldest beyond ``KEEP_REPORTS``. Never raises: a report that cannot be written
    comes back without a path, saying why."""
    details = crash_details(error, context)
    report = _save(details)
    if _echo is not None:
        try:
            _echo(details)
        except OSError:  # the terminal went away: the file has the details
            pass
    return report


def _save(details: str) -> CrashReport:
    folder = crash_report_dir()
    # Microseconds and the process id: two errors in one second, or in two processes, never share a file.
    path = folder / f"crash-{datetime.now():%Y%m%d-%H%M%S-%f}-{os.getpid()}.txt"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(details, encoding="utf-8", errors="backslashreplace")
    except OSError as problem:
        return CrashReport(details, None, problem.strerror or str(problem))
    _prune(folder, keep=KEEP_REPORTS)
    return CrashReport(details, path)


def _prune(folder: Path, keep: int) -> None:
    """Delete all but the newest ``keep`` reports (names sort by time). A report another
    process removed first, or one that cannot be removed, is left to the next pruning."""
    reports = sorted(folder.glob(_PATTERN), key=lambda report: report.name)
    for old in reports[:-keep]:
        try:
            old.unlink()
        except OSError:
            pass


def _version(module_name: str, distribution: str) -> str:
    """The version in use when the module is loaded, else the installed one, marked so."""
    module: ModuleType | None = sys.modules.get(module_name)
    loaded = getattr(module, "__version__", None) if module is not None else None
    if isinstance(loaded, str):
        return loaded
    try:
        return f"{importlib.metadata.version(distribution)} (installed, not loaded)"
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _qt_platform(qt_core: ModuleType) -> str:
    """The windowing plugin (xcb, wayland, offscreen…): many window bugs depend on it."""
    gui_module = sys.modules.get("PySide6.QtGui")
    if gui_module is None or qt_core.QCoreApplication.instance() is None:
        return "not started"
    return str(gui_module.QGuiApplication.platformName())
