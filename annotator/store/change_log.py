"""What a committed transaction changed, as one value, and the table that tells other processes.

Every write of the store runs in ``Project.transaction``; the store's methods note what they
touch (``Project.note_change``) in a ``ChangeSet`` that lives as long as the outermost
transaction. Just before the commit the set becomes one ``change_log`` row, in the same
transaction, so the row exists exactly when the change does (a rollback or a kill takes both).
After the commit the project's listeners get the frozen ``Changes``: that is how the window
hears of its own edits, suggestion runs and imports, whichever thread made them.

Other windows, the CLI and teammates on PostgreSQL learn of changes by reading the rows after
the last one they saw (``read_after``) and skipping their own ``origin``. On PostgreSQL a row
with a smaller id can commit after a larger one (ids are taken when the insert runs, not at
commit), so readers look back over a window of recent ids (``annotator.ops.feed``). Old rows
are pruned as new ones are written; a reader that fell further behind than the rows kept is
told to reload everything (``Changes.everything``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotator.store.database import inserted_id
from annotator.store.models import utcnow
from annotator.store.tables import CHANGE_LOG

LOG = CHANGE_LOG
KEEP_ROWS = 20_000  # about a working week of a busy team; a reader further behind reloads all

_INSERT = LOG.insert()  # built once: every action writes one row (see ``annotations.SPAN_BY_ID``)
_ID_SETS = ("documents", "spans", "relations", "actors", "statuses", "document_labels", "document_notes")
_FLAGS = ("document_list", "schema", "everything")


@dataclass(frozen=True, slots=True)
class Changes:
    """What one action (or several, merged) changed, by id, and who made it.

    ``statuses`` names documents whose status changed, ``document_labels`` and ``document_notes``
    those whose document labels or document notes changed (each also in ``documents``), so a
    panel showing them reads them again only then, not after every span; rows written before
    these two existed lack them, so a reader takes another window's change to a document as
    possibly touching all of it. ``document_list`` is set when documents
    were added; ``everything`` when the reader cannot know (it fell behind the log, or a whole
    project was restored) and must reload all it shows. ``origin`` is the open project that
    made the change (``Project.origin``): a window compares it with its own to tell its own
    edits from a teammate's.
    """

    documents: frozenset[int] = frozenset()
    spans: frozenset[int] = frozenset()
    relations: frozenset[int] = frozenset()
    actors: frozenset[int] = frozenset()
    statuses: frozenset[int] = frozenset()
    document_labels: frozenset[int] = frozenset()
    document_notes: frozenset[int] = frozenset()
    document_list: bool = False
    schema: bool = False
    everything: bool = False
    origin: str = ""
    label: str = ""

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in (*_ID_SETS, *_FLAGS))

    def made_by(self, origin: str) -> bool:
        return self.origin == origin

    def touches_document(self, doc_id: int) -> bool:
        return self.everything or doc_id in self.documents

    def merged(self, other: Changes) -> Changes:
        """Both changes as one (the origin and label of ``other`` when they differ)."""
        return _changes(lambda name: getattr(self, name) | getattr(other, name),
                        lambda name: getattr(self, name) or getattr(other, name),
                        origin=other.origin or self.origin, label=other.label or self.label)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: sorted(getattr(self, name)) for name in _ID_SETS if getattr(self, name)}
        data.update({name: True for name in _FLAGS if getattr(self, name)})
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], *, origin: str, label: str) -> Changes:
        return _changes(lambda name: frozenset(int(item) for item in data.get(name, ())),
                        lambda name: bool(data.get(name)), origin=origin, label=label)


def _changes(ids: Callable[[str], frozenset[int]], flag: Callable[[str], bool], *, origin: str,
             label: str) -> Changes:
    """A ``Changes`` with each id set and flag taken from a function of the field's name."""
    return Changes(documents=ids("documents"), spans=ids("spans"), relations=ids("relations"),
                   actors=ids("actors"), statuses=ids("statuses"), document_labels=ids("document_labels"),
                   document_notes=ids("document_notes"), document_list=flag("document_list"),
                   schema=flag("schema"), everything=flag("everything"), origin=origin, label=label)


@dataclass(slots=True)
class ChangeSet:
    """The changes of the transaction in flight, noted by the store as it writes."""

    documents: set[int] = field(default_factory=set)
    spans: set[int] = field(default_factory=set)
    relations: set[int] = field(default_factory=set)
    actors: set[int] = field(default_factory=set)
    statuses: set[int] = field(default_factory=set)
    document_labels: set[int] = field(default_factory=set)
    document_notes: set[int] = field(default_factory=set)
    document_list: bool = False
    schema: bool = False
    everything: bool = False

    def note(self, *, documents: Iterable[int] = (), spans: Iterable[int] = (), relations: Iterable[int] = (),
             actors: Iterable[int] = (), statuses: Iterable[int] = (), document_labels: Iterable[int] = (),
             document_notes: Iterable[int] = (), document_list: bool = False, schema: bool = False,
             everything: bool = False) -> None:
        self.documents.update(documents)
        self.spans.update(spans)
        self.relations.update(relations)
        self.actors.update(actors)
        self.statuses.update(statuses)
        self.document_labels.update(document_labels)
        self.document_notes.update(document_notes)
        self.documents.update(self.statuses, self.document_labels, self.document_notes)
        self.document_list |= document_list
        self.schema |= schema
        self.everything |= everything

    def __bool__(self) -> bool:
        return any(getattr(self, item.name) for item in fields(self))

    def freeze(self, *, origin: str, label: str) -> Changes:
        return _changes(lambda name: frozenset(getattr(self, name)), lambda name: getattr(self, name),
                        origin=origin, label=label)


def append(connection: Connection, changes: Changes) -> int:
    """Write the row for ``changes`` in the caller's transaction, prune old rows, return its id."""
    row_id = inserted_id(connection.execute(_INSERT, dict(
        origin=changes.origin, label=changes.label[:500], made_at=utcnow(), changes=changes.to_json(),
    )))
    if row_id % 100 == 0:  # pruning now and then keeps the common write at one insert
        connection.execute(LOG.delete().where(LOG.c.id <= row_id - KEEP_ROWS))
    return int(row_id)


def read_after(connection: Connection, after: int) -> list[tuple[int, Changes]]:
    """The rows with an id above ``after``, oldest first."""
    rows = connection.execute(
        sa.select(LOG.c.id, LOG.c.origin, LOG.c.label, LOG.c.changes).where(LOG.c.id > after).order_by(LOG.c.id)
    )
    return [(row.id, Changes.from_json(row.changes or {}, origin=row.origin, label=row.label)) for row in rows]


def last_id(connection: Connection) -> int:
    """The newest row's id (0 for an empty log): where a new reader starts."""
    return int(connection.execute(sa.select(sa.func.coalesce(sa.func.max(LOG.c.id), 0))).scalar_one())


def oldest_id(connection: Connection) -> int:
    """The oldest row kept (0 for an empty log): a reader behind it has missed rows."""
    return int(connection.execute(sa.select(sa.func.coalesce(sa.func.min(LOG.c.id), 0))).scalar_one())
