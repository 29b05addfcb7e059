"""The window's answer to a bug: one dialog with the message, the crash report's path and "Copy details".

A ``UserError`` is the analyst's to fix and is shown as a plain message where it happened. Any
other exception is a bug: its report (traceback, versions, platform) is saved by
``annotator.crash_reports`` and this dialog says so, with a button that puts the whole report on
the clipboard for a bug report. The same dialog serves an exception in a slot (the excepthook
of ``gui.app``) and one raised by a ``BackgroundTask`` on a worker thread, which reaches the GUI
thread as the exception object itself, its traceback intact.

One dialog at a time: a bug that repeats on every repaint or click would otherwise stack
dialogs without end; the open one counts the others (each still gets its report file).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QStyle,
    QWidget,
)

from annotator.crash_reports import CrashReport, crash_report_dir, write_crash_report
from annotator.errors import Errors


class CrashDialog(QDialog):
    """The message of an unexpected error, where its report is, Copy details and Close."""

    def __init__(self, parent: QWidget | None, message: str, report: CrashReport) -> None:
        super().__init__(parent)
        self.setWindowTitle("Annotator: internal error")
        self.report = report
        self.more = 0
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(48, 48))
        self.message_label = _text_label(message)
        self.log_label = _text_label(
            Errors.E183.format(log=report.path) if report.path is not None
            else Errors.E184.format(folder=crash_report_dir(), reason=report.problem))
        self.more_label = _text_label("")
        self.more_label.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy details")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout = QGridLayout(self)
        layout.addWidget(icon, 0, 0, 3, 1, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.message_label, 0, 1)
        layout.addWidget(self.log_label, 1, 1)
        layout.addWidget(self.more_label, 2, 1)
        layout.addWidget(buttons, 3, 0, 1, 2)
        layout.setColumnStretch(1, 1)  # the text takes the width, the icon only its own
        layout.setHorizontalSpacing(16)
        self.setMinimumWidth(560)

    def copy_details(self) -> None:
        """The whole report on the clipboard, as the file holds it (or would have)."""
        QGuiApplication.clipboard().setText(self.report.details)
        self.copy_button.setText("Copied")

    def count_another(self) -> None:
        """One more unexpected error while this dialog is open (its report is already saved)."""
        self.more += 1
        self.more_label.setText(Errors.E185.format(count=self.more, folder=crash_report_dir()))
        self.more_label.show()


def show_unexpected_error(error: BaseException, message: str | None = None,
                          parent: QWidget | None = None, **fields: object) -> str:
    """Save ``error``'s crash report and show it in the crash dialog; the one-line message shown.

    ``message`` is the caller's catalogue entry for what stopped (``Errors.E507``…), formatted
    here with ``reason`` (the exception's kind and text) and ``fields``; without it the general
    internal-error message E182. Off the GUI thread the dialog is shown from the GUI thread
    (widgets live there); the message is returned all the same.
    """
    reason = _reason(error)
    text = (message.format(reason=reason, **fields) if message is not None
            else Errors.E182.format(kind=type(error).__name__, reason=error))
    app = QApplication.instance()
    if app is not None and QThread.currentThread() is not app.thread():
        _bridge().reported.emit(error, text)  # queued into the GUI thread
    else:
        _show(error, text, parent)
    return text


def open_crash_dialog() -> CrashDialog | None:
    """The crash dialog on screen, if any (tests, and the one-at-a-time rule)."""
    return _open_dialog if _open_dialog is not None and _open_dialog.isVisible() else None


_open_dialog: CrashDialog | None = None


def _show(error: BaseException, text: str, parent: QWidget | None) -> None:
    global _open_dialog
    report = write_crash_report(error, f"annotation window: {text}")
    showing = open_crash_dialog()
    if showing is not None:
        showing.count_another()
        return
    dialog = CrashDialog(parent if parent is not None else QApplication.activeWindow(), text, report)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.destroyed.connect(_forget)
    _open_dialog = dialog
    dialog.open()


def _forget() -> None:
    global _open_dialog
    _open_dialog = None


class _Bridge(QObject):
    """Lives in the GUI thread; an error reported on another thread crosses over as a queued signal."""

    reported = Signal(object, str)

    def __init__(self) -> None:
        super().__init__()
        self.reported.connect(self._show)  # a slot of an object in the GUI thread: queued

    @Slot(object, str)
    def _show(self, error: BaseException, text: str) -> None:
        _show(error, text, None)


_the_bridge: _Bridge | None = None


def _bridge() -> _Bridge:
    """Made on first use, and moved to the GUI thread if that use was on another one."""
    global _the_bridge
    if _the_bridge is None:
        _the_bridge = _Bridge()
        app = QApplication.instance()
        if app is not None:
            _the_bridge.moveToThread(app.thread())
    return _the_bridge


def _reason(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _text_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # an exception's text may hold anything
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label

