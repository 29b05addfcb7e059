"""A secondary window's subscription to its main window's change events.

Find in corpus and the dashboard show what they computed from the whole project; an edit of the
analyst's or a teammate's can make that stale. They follow the main window's ``OpsBridge`` (own
edits at once, others' through its poll) as the window's panels do, keep only the changes that
can alter what they show, and hear of them once no such change has come for a moment: an
analyst labelling a word a second must not start a corpus search per label. The subscription
ends when the window is closed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QMetaObject, QObject, QTimer, Signal
from PySide6.QtWidgets import QDialog

from annotator.gui.ops_bridge import OpsBridge
from annotator.store.change_log import Changes


class ChangeFollower(QObject):
    """Collects the relevant changes of ``bridge`` for ``window`` and hands them over, merged, once
    ``quiet_ms`` have passed without another (0: at the next turn of the event loop)."""

    settled = Signal(object)  # a Changes: the relevant changes merged since the last one

    def __init__(self, window: QDialog, bridge: OpsBridge | None, relevant: Callable[[Changes], bool], *,
                 quiet_ms: int) -> None:
        super().__init__(window)
        self.bridge = bridge
        self._relevant = relevant
        self._pending: Changes | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(quiet_ms)
        self._timer.timeout.connect(self._settle)
        self._connection: QMetaObject.Connection | None = None
        if bridge is not None:
            self._connection = bridge.changed.connect(self._arrived)
        window.finished.connect(self.stop)  # closing a dialog (button, Escape, close()) finishes it

    @property
    def following(self) -> bool:
        return self._connection is not None

    def is_own(self, changes: Changes) -> bool:
        """Made through the main window itself (not by a teammate, another window or the CLI)."""
        return self.bridge is not None and self.bridge.is_own(changes)

    def stop(self) -> None:
        """No more changes: the window was closed (a connection to a bridge already gone is void)."""
        if self._connection is not None:
            QObject.disconnect(self._connection)
            self._connection = None
        self._timer.stop()
        self._pending = None

    def _arrived(self, changes: Changes) -> None:
        if not self._relevant(changes):
            return
        self._pending = changes if self._pending is None else self._pending.merged(changes)
        self._timer.start()  # restarted by each relevant change: one hand-over per quiet moment

    def _settle(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self.settled.emit(pending)


def describe(changes: Changes) -> str:
    """ "3 spans, 1 relation, 2 document statuses" — what changed, for a stale-results notice."""
    if changes.everything:
        return "many changes"  # the reader fell behind the change log, or a project was restored
    parts = [f"{len(items)} {singular if len(items) == 1 else plural}"
             for singular, plural, items in (("span", "spans", changes.spans),
                                             ("relation", "relations", changes.relations),
                                             ("actor", "actors", changes.actors),
                                             ("document status", "document statuses", changes.statuses))
             if items]
    if changes.document_list:
        parts.append("documents added")
    if changes.schema:
        parts.append("the label schema")
    return ", ".join(parts) or "the annotations"
