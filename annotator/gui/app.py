"""Starting the GUI: application object, project, annotator identity, window.

Order matters for a fast cold start: the window is shown before spaCy is imported (the window
loads it on a worker thread once it is on screen), and nothing here imports spaCy.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.corpus.sample import open_default_project
from annotator.errors import UserError
from annotator.gui.dialogs import ask_annotator_name
from annotator.gui.mainwindow import MainWindow
from annotator.gui.settings import APPLICATION, ORGANIZATION, GuiSettings
from annotator.gui.workers import wait_for_background_tasks
from annotator.store import Project


def run_app(project: str | None = None, annotator: str | None = None) -> int:
    """Open ``project`` (else the last one, else the default sample project) and run the window.

    ``annotator`` sets who is annotating without asking; otherwise the remembered name is used,
    and on first launch the analyst is asked. Returns the process exit code.
    """
    app = _application()
    settings = GuiSettings()
    try:
        opened = _open_project(project, settings)
    except UserError as error:
        QMessageBox.critical(None, "Annotator", str(error))
        return 1
    name = annotator or settings.annotator or ask_annotator_name(None, None, opened.annotator_names())
    if not name:
        opened.close()
        return 0
    settings.annotator = name
    settings.remember_project(opened.location)
    window = MainWindow(opened, name, settings)
    window.show()
    # Ask for activation: without a window manager (kiosk sessions, Xvfb) the window is never
    # made active otherwise, and Qt then ignores every keyboard shortcut in it.
    window.raise_()
    window.activateWindow()
    code = app.exec()
    wait_for_background_tasks()
    return code


def _application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setApplicationName(APPLICATION)
    QApplication.setApplicationDisplayName("Annotator")
    # Qt 6 scales for high DPI by default; pass fractional factors (125 %, 150 %) through unrounded.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    return QApplication(sys.argv)


def _open_project(location: str | None, settings: GuiSettings) -> Project:
    """The project asked for; with none, the last one opened (if it still opens), else the default."""
    if location:
        return Project.open(location)
    last = settings.last_project
    if last:
        try:
            return Project.open(last, create=False)
        except UserError:
            settings.forget_project(last)
    return open_default_project()
