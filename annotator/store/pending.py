"""The catch-up step: the derived data of new documents made in bulk after their transaction.

An import (or any writer) only stores documents; their insert trigger records each in
``document_pending`` (``store.search_index``): on SQLite the full-text index has not got it yet,
and on both backends a document stored without a language has not been judged. ``catch_up``
does both for every pending document in one transaction of its own: the FTS5 index filled by a
single ``INSERT … SELECT`` (a third of the cost of a statement a row, which is what made an
import slow), the languages detected in batches (``corpus.language.detect_languages``) and
stored where the document still has none, and the pending rows cleared. A document whose
language cannot be told keeps None and is no longer pending, so it is never judged again.

Safe for several processes at once (a window, the CLI, a teammate on the same file): the
transaction first takes SQLite's write lock (on PostgreSQL an advisory lock of its own, not the
import's, so a teammate's long import does not hold a search up), and only then reads what is
pending, so a second catch-up finds the first one's work done. Languages are judged before
that lock is taken, so a window's edits do not wait on the detector; a judgement only lands on
a document still pending and still without a language. Killed at any point, the transaction is
rolled back and the pending rows stay for the next catch-up: nothing is lost.

Run by ``annotator import`` after the documents' transaction, by every search before it
queries (a document pending for the index is a candidate meanwhile anyway, see
``search_index.candidate_filter``), and by the window after an import and when it opens a
project with pending documents (on a worker thread, the status bar saying so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotator.store.search_index import FTS_TABLE, PENDING
from annotator.store.tables import DOC
from annotator.tasks import TaskControl

if TYPE_CHECKING:
    from annotator.store.project import Project

LANGUAGE_ROUND = 20_000  # documents judged per transaction: bounds the samples held in memory
_IN_CHUNK = 500
_CATCH_UP_LOCK = 0x616E6E69  # "anni": PostgreSQL advisory lock key of the catch-up


@dataclass(frozen=True)
class PendingCounts:
    """How many documents wait for the index (SQLite only) and for their language."""

    index: int = 0
    language: int = 0

    @property
    def documents(self) -> int:
        """Documents waiting for either (the larger count: most wait for both)."""
        return max(self.index, self.language)

    def __bool__(self) -> bool:
        return bool(self.index or self.language)


@dataclass(frozen=True)
class CatchUpReport:
    indexed: int = 0  # documents added to the full-text index
    judged: int = 0  # documents whose language was looked at
    detected: int = 0  # of those, the ones given a language


def pending_counts(project: Project) -> PendingCounts:
    """What is pending now: one small query, cheap enough for the GUI thread."""
    with project.reading() as connection:
        index, language = connection.execute(sa.select(
            sa.func.count().filter(PENDING.c.needs_index), sa.func.count().filter(PENDING.c.needs_language))).one()
    return PendingCounts(int(index or 0), int(language or 0))


def catch_up(project: Project, *, languages: bool = True, control: TaskControl | None = None) -> CatchUpReport:
    """Index every pending document and (with ``languages``) judge the pending languages.

    Does nothing on a read-only project (search still finds its pending documents, as
    candidates). Progress is reported as (documents done, documents pending, what is being
    done). Cancelling stops between transactions; what is not done stays pending.
    """
    control = control or TaskControl()
    if project.read_only is not None:
        return CatchUpReport()
    report = CatchUpReport()
    counts = pending_counts(project)
    if not counts.index and not (languages and counts.language):
        return report
    total = counts.documents if languages else counts.index
    control.report(0, total, "indexing")
    while True:
        control.raise_if_cancelled()
        judged = _judge_languages(project) if languages else {}
        with project.transaction() as connection:
            _take_lock(connection)
            indexed = _index_pending(connection)
            detected = _store_languages(project, connection, judged)
        report = CatchUpReport(report.indexed + indexed, report.judged + len(judged), report.detected + detected)
        control.report(min(total, max(report.indexed, report.judged)), total, "languages")
        if len(judged) < LANGUAGE_ROUND:
            return report


def _take_lock(connection: Connection) -> None:
    """Make this the only catch-up (on SQLite the only writer) until the transaction ends."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CATCH_UP_LOCK})
    else:  # a write that changes nothing takes SQLite's write lock at once
        connection.execute(PENDING.delete().where(sa.false()))


def _index_pending(connection: Connection) -> int:
    """Add the documents pending for the index to FTS5 in one statement (in rowid order, which
    FTS5 appends cheaply); they are no longer pending for it."""
    if connection.dialect.name != "sqlite":
        return 0
    count = connection.execute(sa.select(sa.func.count()).where(PENDING.c.needs_index)).scalar_one()
    if count:
        connection.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, text) SELECT d.id, d.text FROM {PENDING.name} p "
            f"JOIN document d ON d.id = p.document_id WHERE p.needs_index ORDER BY p.document_id")
        connection.execute(PENDING.update().where(PENDING.c.needs_index).values(needs_index=False))
        connection.execute(PENDING.delete().where(sa.not_(PENDING.c.needs_language)))
    return int(count)


def _judge_languages(project: Project) -> dict[int, str | None]:
    """The language of up to ``LANGUAGE_ROUND`` documents pending for it, judged from the start
    of their texts (read in a transaction of its own, before the catch-up's lock)."""
    from annotator.corpus.language import SAMPLE_CHARS, detect_languages

    with project.reading() as connection:
        rows = connection.execute(
            sa.select(DOC.c.id, sa.func.substr(DOC.c.text, 1, SAMPLE_CHARS))
            .join(PENDING, PENDING.c.document_id == DOC.c.id)
            .where(PENDING.c.needs_language).order_by(DOC.c.id).limit(LANGUAGE_ROUND)).all()
    found = detect_languages([sample for _id, sample in rows])
    return {doc_id: language for (doc_id, _sample), language in zip(rows, found, strict=True)}


def _store_languages(project: Project, connection: Connection, judged: dict[int, str | None]) -> int:
    """Store the judged languages on documents still pending for one and still without one (an
    analyst's choice meanwhile wins), and clear those documents' pending marks; returns how
    many got a language."""
    ids = list(judged)
    still: set[int] = set()
    for start in range(0, len(ids), _IN_CHUNK):
        still.update(connection.execute(sa.select(PENDING.c.document_id).where(
            PENDING.c.needs_language, PENDING.c.document_id.in_(ids[start:start + _IN_CHUNK]))).scalars())
    by_language: dict[str, list[int]] = {}
    for doc_id, language in judged.items():
        if language is not None and doc_id in still:
            by_language.setdefault(language, []).append(doc_id)
    stored: list[int] = []
    for language, doc_ids in by_language.items():  # a statement per language and chunk, not per document
        for start in range(0, len(doc_ids), _IN_CHUNK):
            chunk = doc_ids[start:start + _IN_CHUNK]
            stored += connection.execute(DOC.update().where(DOC.c.id.in_(chunk), DOC.c.language.is_(None))
                                         .values(language=language).returning(DOC.c.id)).scalars()
    if stored:
        project.note_change(document_list=True, documents=stored)
    done = sorted(still)
    for start in range(0, len(done), _IN_CHUNK):
        chunk = done[start:start + _IN_CHUNK]
        connection.execute(PENDING.update().where(PENDING.c.document_id.in_(chunk)).values(needs_language=False))
        connection.execute(PENDING.delete().where(PENDING.c.document_id.in_(chunk), sa.not_(PENDING.c.needs_index)))
    return len(stored)
