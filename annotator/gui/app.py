"""Starting the GUI: application object, project, annotator identity, window.

Order matters for a fast cold start. Only Qt and the first screen's modules are imported at
module level. On an ordinary restart (a known project and annotator) the first screen shows the
document list and the analyst's document from one sqlite3 read while the core (SQLAlchemy is most
of its import time; the schema's pydantic comes when the project reads its schema) is imported
on a thread, then the main window takes over (``first_screen``). Every other start paints a small
"opening" splash first (about as soon as a bare PySide6 window), then loads the core and the
project and asks what it must. spaCy is loaded on a worker thread once the main window is on
screen.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from annotator.gui import first_screen
from annotator.gui.qt_import_hook import skip_source_scan
from annotator.gui.settings import APPLICATION, ORGANIZATION, GuiSettings

if TYPE_CHECKING:
    from annotator.store import Project


def run_app(project: str | None = None, annotator: str | None = None) -> int:
    """Open ``project`` (else the last one, else the default sample project) and run the window.

    ``annotator`` sets who is annotating without asking; otherwise the remembered name is used,
    and on first launch the analyst is asked. Returns the process exit code.
    """
    skip_source_scan()  # before the core's imports: PySide6 would read each one's source file
    app = _application()
    sys.excepthook = _report_unexpected_error
    threading.excepthook = _report_unexpected_thread_error
    settings = GuiSettings()
    name = annotator or settings.annotator
    first = first_screen.read(project or settings.last_project, name, settings)
    if first is None or name is None:
        return _start_behind_splash(app, project, annotator, settings)
    return _start_behind_first_screen(app, first, project, name, settings)


def _start_behind_first_screen(app: QApplication, first: first_screen.FirstRead, project: str | None, name: str,
                               settings: GuiSettings) -> int:
    """The ordinary restart: the document on screen at once, the main window over it once the
    core is imported (``first_screen``)."""
    screen = first_screen.FirstScreen(first, project or settings.last_project or "", settings)
    screen.show()
    screen.raise_()
    screen.activateWindow()
    core = first_screen.CoreImport(screen)

    def core_imported(failure: Exception | None) -> None:
        code = _open_behind(screen, failure, project, name, settings)
        if code is not None:
            app.exit(code)

    core.done.connect(core_imported)
    screen.painted.connect(core.start)
    code = app.exec()
    from annotator.gui.workers import wait_for_background_tasks

    wait_for_background_tasks()
    return code


def _open_behind(screen: first_screen.FirstScreen, failure: Exception | None, project: str | None, name: str,
                 settings: GuiSettings) -> int | None:
    """Open the project and let the main window take over from the first screen; the exit code
    where the start ends instead."""
    if failure is not None:
        screen.close()
        return _failed_to_start(failure)
    from annotator.gui.mainwindow import MainWindow

    opened = _open_or_exit_code(project, settings, screen)
    if isinstance(opened, int):
        return opened
    settings.annotator = name
    settings.remember_project(opened.location)
    try:
        screen.hand_over(lambda: MainWindow(opened, name, settings))
    except Exception as error:  # noqa: BLE001 - as above
        screen.close()
        opened.close()
        return _failed_to_start(error)
    return None


def _start_behind_splash(app: QApplication, project: str | None, annotator: str | None, settings: GuiSettings) -> int:
    """Every other start (a first launch, a project to create or migrate, a database URL): the
    opening card while the core loads, then the questions and messages the store owns."""
    splash = _splash()
    from annotator.gui.dialogs import ask_annotator_name, present  # the core: imported while the splash is up
    from annotator.gui.mainwindow import MainWindow
    from annotator.gui.workers import wait_for_background_tasks

    opened = _open_or_exit_code(project, settings, splash)
    if isinstance(opened, int):
        return opened
    if not (annotator or settings.annotator):
        splash.close()
    name = annotator or settings.annotator or ask_annotator_name(None, None, opened.annotator_names())
    if not name:
        opened.close()
        return 0
    settings.annotator = name
    settings.remember_project(opened.location)
    try:
        window = MainWindow(opened, name, settings)
    except Exception as error:  # noqa: BLE001 - as above
        splash.close()
        return _failed_to_start(error)
    window.show()  # painted before the opening card goes, so nothing flashes
    splash.close()
    present(window)
    code = app.exec()
    wait_for_background_tasks()
    return code


def _open_or_exit_code(project: str | None, settings: GuiSettings, shown: QWidget) -> Project | int:
    """The project opened, or the exit code after its message (``shown``, the splash or the first
    screen, closed first): 1 for what the analyst can fix, 70 for a bug."""
    from annotator.errors import UserError

    try:
        return _open_project(project, settings)
    except UserError as error:
        shown.close()
        QMessageBox.critical(None, "Annotator", str(error))
        return 1
    except Exception as error:  # noqa: BLE001 - a bug, shown as one before the main window exists
        shown.close()
        return _failed_to_start(error)


def _report_unexpected_error(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    """A bug in a slot: its report goes to a crash report file and the crash dialog (Qt would
    otherwise print the traceback to a terminal nobody reads and carry on)."""
    from annotator.gui.error_dialog import show_unexpected_error

    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    show_unexpected_error(error.with_traceback(trace))


def _failed_to_start(error: Exception) -> int:
    """A bug while opening: the crash dialog, waited for (there is no window to go back to)."""
    from annotator.gui.error_dialog import open_crash_dialog, show_unexpected_error

    show_unexpected_error(error)
    dialog = open_crash_dialog()
    if dialog is not None:
        dialog.exec()
    return 70  # EX_SOFTWARE, as the command line ends on a bug


def _report_unexpected_thread_error(failure: threading.ExceptHookArgs) -> None:
    """The same for a Python thread's uncaught exception (the dialog opens in the GUI thread)."""
    from annotator.gui.error_dialog import show_unexpected_error

    if failure.exc_value is None or issubclass(failure.exc_type, SystemExit):
        return  # a thread ending itself, as Python's own hook ignores it
    show_unexpected_error(failure.exc_value.with_traceback(failure.exc_traceback))


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


def _splash() -> QLabel:
    """A plain card saying the project is opening, painted before the core is imported.

    A frameless label rather than ``QSplashScreen``, whose ``show`` blocks for up to a second
    waiting for the window system to report the window exposed.
    """
    pixmap = QPixmap(420, 120)
    pixmap.fill(QColor("#1f2a36"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#ffffff"))
    title = QFont(painter.font())
    title.setPointSize(18)
    title.setBold(True)
    painter.setFont(title)
    painter.drawText(24, 52, "Annotator")
    painter.setFont(QFont(painter.font().family(), 10))
    painter.setPen(QColor("#c9d4df"))
    painter.drawText(24, 84, "Opening the project…")
    painter.end()
    splash = QLabel()
    splash.setPixmap(pixmap)
    splash.setWindowFlags(Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
    splash.resize(pixmap.size())
    splash.move(splash.screen().availableGeometry().center() - splash.rect().center())
    splash.show()
    QApplication.processEvents()
    return splash


def _open_project(location: str | None, settings: GuiSettings) -> Project:
    """The project asked for; with none, the last one opened (if it still opens), else the default."""
    from annotator.corpus.sample import open_default_project
    from annotator.errors import UserError
    from annotator.store import Project
    from annotator.store.backups import DamagedProjectError

    if location:
        return Project.open(location)
    last = settings.last_project
    if last:
        try:
            return Project.open(last, create=False)
        except DamagedProjectError:
            raise  # the analyst must learn that their project is damaged and which backup to restore
        except UserError:
            settings.forget_project(last)
    return open_default_project()
