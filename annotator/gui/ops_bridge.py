"""The one Qt bridge to the editing core: changes as a signal, the poll for others' changes.

The core (``annotator.ops``) publishes every change of the open project as one ``Changes``
value: its own operations, undo and redo, suggestion runs, imports and merges (from whichever
thread committed them) and, through ``ChangeFeed.poll``, what other windows, the CLI and
teammates wrote. This bridge turns that into the ``changed`` signal, always delivered in the
GUI thread, and polls once a second whether or not the window is active or a text field has
the keyboard: two windows side by side keep each other current, and an own edit never hides a
teammate's (the feed reads the change log rows, not a snapshot own edits move).

Panels connect to ``changed`` and update themselves from the value; ``Changes.made_by`` with
``project.origin`` tells own changes from others'.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.ops import ChangeFeed
from annotator.store import Project
from annotator.store.change_log import Changes

POLL_MS = 1000  # others' changes show within two seconds


class OpsBridge(QObject):
    """Relays one open project's change feed to Qt; replace the project with ``set_project``."""

    changed = Signal(object)  # a Changes, in the GUI thread
    _arrived = Signal(object)  # from any thread; queued into the GUI thread

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._feed: ChangeFeed | None = None
        self._arrived.connect(self.changed)  # queued into the GUI thread when emitted from a worker
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.set_project(project)
        self.timer.start()

    @property
    def origin(self) -> str:
        """The open project's origin: changes made by this window carry it."""
        return self._feed.origin if self._feed is not None else ""

    def set_project(self, project: Project) -> None:
        if self._feed is not None:
            self._feed.unsubscribe(self._relay)
        self._feed = ChangeFeed.of(project)
        self._feed.subscribe(self._relay)

    def is_own(self, changes: Changes) -> bool:
        return changes.made_by(self.origin)

    def poll(self) -> Changes | None:
        """Ask the change log for others' changes now (the timer does it every second)."""
        if self._feed is None:
            return None
        return self._feed.poll()  # publishes what it finds through ``_relay``

    def stop(self) -> None:
        self.timer.stop()
        if self._feed is not None:
            self._feed.unsubscribe(self._relay)
            self._feed = None

    def _relay(self, changes: Changes) -> None:
        self._arrived.emit(changes)
