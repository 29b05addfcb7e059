"""The GUI's share of rotating backups: one every ``BACKUP_INTERVAL`` while the window is open,
copied on a worker thread so a large project never freezes typing, and one when a project is
closed (see ``annotator.store.backups``; projects on a database server are left to the server).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import QObject, QTimer

from annotator.errors import UserError
from annotator.gui.error_dialog import show_unexpected_error
from annotator.gui.workers import BackgroundTask
from annotator.store import Project
from annotator.store.backups import (
    BACKUP_INTERVAL,
    BackupFile,
    backup_if_due,
    project_file,
    take_backup,
)


class BackupScheduler(QObject):
    """Takes the open project's backup when due, on a timer; ``report`` shows one status line."""

    def __init__(self, parent: QObject, project: Project, report: Callable[[str], None],
                 interval: timedelta = BACKUP_INTERVAL) -> None:
        super().__init__(parent)
        self._project = project
        self._report = report
        self._interval = interval
        self.timer = QTimer(self)
        self.timer.setInterval(int(interval.total_seconds() * 1000))
        self.timer.timeout.connect(self.backup_if_due)
        self.timer.start()

    def set_project(self, project: Project) -> None:
        self._project = project

    def backup_if_due(self) -> BackgroundTask | None:
        """Start the copy on the thread pool if a backup is due; the task, or None for a server
        or a read-only project (which this window cannot change, so there is nothing new to keep)."""
        path = project_file(self._project.location)
        if path is None or self._project.read_only:
            return None
        location, interval = self._project.location, self._interval
        task = BackgroundTask(lambda _control: backup_if_due(path, interval=interval, location=location))
        task.succeeded.connect(self._done)
        task.failed.connect(self._failed)
        task.start()
        return task

    def backup_on_close(self, project: Project) -> BackupFile | None:
        """Copy a project being closed (the window waits: it is the last chance). A failure is
        logged, never in the way of closing."""
        path = project_file(project.location)
        if path is None or not path.exists() or project.read_only:
            return None
        try:
            return take_backup(path, location=project.location)
        except UserError as error:
            logging.getLogger(__name__).warning("%s", error)
            return None

    def _failed(self, error: Exception) -> None:
        """A backup that could not be taken is reported, never in the way: a UserError (full
        disk, damaged file) on the status line, a bug in the crash dialog as well."""
        if isinstance(error, UserError):
            self._report(f"Backup failed: {error}")
        else:
            self._report(f"Backup failed: {show_unexpected_error(error)}")

    def _done(self, backup: BackupFile | None) -> None:
        if backup is not None and not backup.unchanged:
            self._report(f"Backup saved: {backup.path.name}")
