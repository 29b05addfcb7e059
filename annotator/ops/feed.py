"""The change feed of one open project: its own changes and the ones others make, as one value.

Own changes come from the project's change listeners (``Project.transaction`` calls them after
each commit, in the committing thread: a background suggestion run publishes from its worker
thread, and a subscriber that touches a GUI must hand the value over to its own thread, as the
window's Qt bridge does). Others' changes are found by ``poll``: it reads the change log rows
that appeared since the last poll and are not this project's own (``annotator.store.change_log``).
The window polls every second whatever has the focus; anything else (a test, a script) may
poll when it likes.

Rows on PostgreSQL may commit out of id order: an id skipped by one poll is kept as a hole and
asked for again for ``HOLE_SECONDS`` (a row is written just before its commit, so a late row
arrives within milliseconds; a hole that stays is a rolled-back transaction).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable

import sqlalchemy as sa

from annotator.store import Project
from annotator.store.change_log import LOG, Changes, last_id, oldest_id, read_after

HOLE_SECONDS = 30.0
_MAX_HOLES = 1000

Subscriber = Callable[[Changes], None]


class ChangeFeed:
    """Publishes every change of one open project to its subscribers, marked by origin."""

    _registry: weakref.WeakKeyDictionary[Project, ChangeFeed] = weakref.WeakKeyDictionary()

    def __init__(self, project: Project) -> None:
        self._project = weakref.ref(project)
        self.origin = project.origin
        self._subscribers: list[Subscriber] = []
        with project.reading() as connection:
            self._last = last_id(connection)
        self._holes: dict[int, float] = {}
        project.add_change_listener(self.publish)

    @classmethod
    def of(cls, project: Project) -> ChangeFeed:
        feed = cls._registry.get(project)
        if feed is None:
            feed = cls._registry[project] = cls(project)
        return feed

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)

    def publish(self, changes: Changes) -> None:
        for subscriber in list(self._subscribers):
            subscriber(changes)

    def poll(self) -> Changes | None:
        """Publish, as one value, what others changed since the last poll; return it (None if
        nothing)."""
        project = self._project()
        if project is None:
            return None
        now = time.monotonic()
        self._holes = {hole: seen for hole, seen in self._holes.items() if now - seen < HOLE_SECONDS}
        with project.reading() as connection:
            rows = read_after(connection, self._last)
            if self._holes:
                late = sa.select(LOG.c.id).where(LOG.c.id.in_(list(self._holes)))
                found = set(connection.execute(late).scalars())
                rows += [row for row in read_after(connection, min(found) - 1) if row[0] in found] if found else []
            behind = bool(rows) and self._last > 0 and rows[0][0] > self._last + 1 and \
                oldest_id(connection) > self._last + 1
        merged: Changes | None = Changes(everything=True) if behind else None
        for row_id, changes in sorted(rows, key=lambda row: row[0]):
            self._holes.pop(row_id, None)
            if row_id > self._last:
                for missing in range(self._last + 1, row_id):
                    if len(self._holes) < _MAX_HOLES:
                        self._holes.setdefault(missing, now)
                self._last = row_id
            if changes.origin != self.origin:
                merged = changes if merged is None else merged.merged(changes)
        if merged is not None:
            self.publish(merged)
        return merged
