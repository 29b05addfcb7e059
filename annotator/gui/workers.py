"""Running core functions off the GUI thread, with progress and cancel, results back by signal.

A ``BackgroundTask`` wraps one call ``work(control)`` of a core function that takes a
``TaskControl`` (import, later pre-annotation and export). The work runs on Qt's global thread
pool; its progress reports, its result and its error are signals of this QObject, which lives in
the GUI thread, so connected slots run there (queued) and may touch widgets. The work itself must
never touch widgets. Tasks keep themselves alive until they finish, so a caller may drop its
reference; ``wait_for_background_tasks`` is for shutdown.

A failure crosses to the GUI thread as the exception object itself, its ``__traceback__`` the
worker's: a slot shows a ``UserError`` (or ``Cancelled``) as a message and hands anything else,
a bug, to ``error_dialog.show_unexpected_error``, whose report keeps the worker's traceback.
Never format an unexpected exception into a message of its own: its traceback would be lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.tasks import TaskControl

Work = Callable[[TaskControl], Any]


class BackgroundTask(QObject):
    """One call of ``work`` on the thread pool; connect the signals, then ``start()``."""

    progressed = Signal(object, object, str)  # done, total, message (Python ints: characters pass 2**31)
    succeeded = Signal(object)          # the work's return value
    failed = Signal(object)             # the exception it raised, with its traceback
    finished = Signal()                 # after succeeded or failed

    _running: ClassVar[set[BackgroundTask]] = set()

    def __init__(self, work: Work) -> None:
        super().__init__()
        self._work = work
        self.control = TaskControl(on_progress=self.progressed.emit)

    def start(self) -> None:
        # Connected last, so it runs (queued, in the GUI thread) after the caller's slots.
        self.finished.connect(self._forget)
        BackgroundTask._running.add(self)
        QThreadPool.globalInstance().start(self._run)

    def cancel(self) -> None:
        """Ask the work to stop at its next safe point; ``finished`` still follows."""
        self.control.cancel()

    def _run(self) -> None:  # on a pool thread
        try:
            result = self._work(self.control)
        except BaseException as error:  # noqa: BLE001 - every failure must reach the GUI thread,
            self.failed.emit(error)          # and "finished" must follow it (a progress dialog waits)
        else:
            self.succeeded.emit(result)
        self.finished.emit()

    def _forget(self) -> None:
        BackgroundTask._running.discard(self)


def cancel_background_tasks() -> None:
    """Ask every running task to stop (window closing)."""
    for task in list(BackgroundTask._running):
        task.cancel()


def wait_for_background_tasks(timeout_ms: int = 10_000) -> bool:
    """Block until the pool is idle, so no task outlives the objects it reports to."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


def progress_dialog(parent: QWidget, title: str, label: str, task: BackgroundTask,
                    describe: Callable[[int, int, str], str] | None = None) -> QProgressDialog:
    """The window-modal progress dialog of a long task: Cancel asks ``task`` to stop at its next
    safe point, and the dialog appears only if the work takes more than 300 ms. With
    ``describe``, the task's progress moves the bar and ``describe(done, total, message)``
    becomes the label. The caller hides and deletes it when the task finishes (closing it
    would count as Cancel)."""
    progress = QProgressDialog(label, "Cancel", 0, 0, parent)
    progress.setWindowTitle(title)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    progress.setAutoReset(False)
    progress.setAutoClose(False)
    progress.setValue(0)  # starts the 300 ms clock; otherwise it shows after Qt's default 4 s
    progress.canceled.connect(task.cancel)
    if describe is not None:

        def show(done: int, total: int, message: str) -> None:
            progress.setMaximum(max(total, 0))
            progress.setValue(min(done, total) if total > 0 else 0)
            progress.setLabelText(describe(done, total, message))

        task.progressed.connect(show)
    return progress
