"""Writing plain corpus files into a project in bulk, all-or-nothing per file.

A file of one document (a text, a web page, a PDF…) is read whole and queued; the queue is
written in batches of several files per transaction (bulk writes are what keep import near
raw-SQLite speed: the driver's ``executemany`` on SQLite, SQLAlchemy Core on PostgreSQL), and
a batch's transaction commits all its documents or none. A JSONL or CSV file of many documents
is written in a transaction of its own while it is read, a batch at a time, so that its size
does not decide the memory an import takes; a bad line anywhere in it rolls the transaction
back, so a bad file is refused whole and never half-imported either way. Duplicates (same text
as a document already in the project or earlier in the import) are skipped and reported. No
spaCy is loaded here: tokenising waits until a document is opened. Neither the full-text index
nor the language is made here: the documents are recorded as pending (by the insert trigger, or
in one statement beside the bulk insert), and the catch-up after the import (``store.pending``)
makes both in bulk, outside the import's transactions.

``CorpusWriter`` is the step ``annotator.importing`` runs for each plain file of an import (the
one way in for the CLI and the window); ``import_paths`` runs it over files and folders alone.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotator.corpus.corrections import Correction, corrected
from annotator.corpus.file_checks import display_name
from annotator.corpus.readers import DocumentDraft, collect_files, stream_file
from annotator.errors import UserError
from annotator.limits import ImportLimits, project_limits
from annotator.store.database import hold_import_lock
from annotator.store.driver_rows import bind_converter, positional_insert
from annotator.store.models import utcnow
from annotator.store.project import Project
from annotator.store.search_index import SQLITE_PENDING_ABOVE
from annotator.store.tables import DOC
from annotator.tasks import Cancelled, TaskControl

BATCH_CHARACTERS = 16_000_000
BATCH_DOCUMENTS = 2_000


def content_hash(text: str) -> str:
    """Documents are the same when their stored text is the same, whatever their names."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class ImportedDocument:
    id: int
    name: str
    title: str
    source: str


@dataclass(frozen=True, slots=True)
class SkippedDuplicate:
    source: str
    title: str
    existing_id: int | None  # None when the twin was earlier in the same import and not yet written


@dataclass
class ImportReport:
    imported: list[ImportedDocument] = field(default_factory=list)
    duplicates: list[SkippedDuplicate] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, user-facing message)
    cancelled: bool = False


class _Row(NamedTuple):
    """A document's row, its values in ``_COLUMNS``' order: a tuple goes to sqlite3's
    ``executemany`` as it is (``_insert_sqlite``)."""

    name: str
    title: str
    source: str
    url: str | None
    published: str | None
    content_hash: str
    n_chars: int
    meta: dict[str, object]
    text: str
    language: str | None  # the page's or the analyst's; else detected by the catch-up


_COLUMNS = _Row._fields


class _Batch:
    """Documents read but not yet written, flushed in one transaction."""

    def __init__(self) -> None:
        self.rows: list[_Row] = []
        self.characters = 0

    def add(self, draft: DocumentDraft, digest: str) -> None:
        text = draft.text
        self.rows.append(_Row(draft.name, draft.title, draft.source, draft.url, draft.published, digest, len(text),
                              draft.meta, text, draft.language))
        self.characters += len(text)

    @property
    def full(self) -> bool:
        return self.characters >= BATCH_CHARACTERS or len(self.rows) >= BATCH_DOCUMENTS


class CorpusWriter:
    """Plain corpus files into one project: each file read whole, then queued; a batch of
    several files written in one transaction when it is full and at ``flush``.

    ``report`` fills as batches are written: a document is in ``imported`` (or, if another
    process stored the same text meanwhile, in ``duplicates``) once its batch committed.
    """

    def __init__(self, project: Project, *, text_column: str = "text", limits: ImportLimits,
                 corrections: Mapping[str, Correction] | None = None) -> None:
        self.project = project
        self.corrections = corrections or {}  # by file: what the analyst corrected in the import dialog
        self.text_column = text_column
        self.limits = limits
        self.report = ImportReport()
        self._existing = _existing_hashes(project)
        self._seen: set[str] = set()
        self._batch = _Batch()

    def add_file(self, path: Path) -> None:
        """Read one file and write or queue its documents; a ``UserError`` refuses the file, nothing
        of it written.

        A file of one document (a text, a web page, a PDF…) is queued and written with others in a
        batch. A JSONL or CSV file, whose reader hands out documents as it reads them, is written
        as it is read, in a transaction of its own: it is never held whole, and a bad line
        anywhere in it (the last one too) rolls back all of it.
        """
        drafts = stream_file(path, text_column=self.text_column, limits=self.limits)
        if not isinstance(drafts, list):
            self._write_streamed(drafts)
            return
        for draft in drafts:
            self._queue(draft, self._batch, self._seen, self.report)
        if self._batch.full:
            self.flush()

    def flush(self) -> None:
        """Write what is queued, in one transaction."""
        if self._batch.rows:
            written = ImportReport()
            with self.project.transaction() as connection:
                hold_import_lock(connection)
                _write(self.project, connection, self._batch, written)
            _merge(self.report, written)
        self._batch = _Batch()

    def _write_streamed(self, drafts: Iterable[DocumentDraft]) -> None:
        """One file's documents into one transaction, a batch at a time as they are read."""
        self.flush()  # the files before it keep their place in the project's order
        written = ImportReport()
        seen: set[str] = set()
        with self.project.transaction() as connection:
            hold_import_lock(connection)
            batch = _Batch()
            for draft in drafts:
                self._queue(draft, batch, seen, written)
                if batch.full:
                    _write(self.project, connection, batch, written)
                    batch = _Batch()
            _write(self.project, connection, batch, written)
        self._seen |= seen
        _merge(self.report, written)

    def _queue(self, draft: DocumentDraft, batch: _Batch, seen: set[str], report: ImportReport) -> None:
        """Add a draft to ``batch``, or report it as a duplicate of a text the project or this
        import (``seen``: the texts of what is not yet committed) already has."""
        draft = corrected(draft, self.corrections)
        digest = content_hash(draft.text)
        if digest in self._existing or digest in self._seen or digest in seen:
            report.duplicates.append(SkippedDuplicate(draft.source, draft.title, self._existing.get(digest)))
            return
        seen.add(digest)
        batch.add(draft, digest)


def import_paths(project: Project, paths: Sequence[str | Path], *, text_column: str = "text",
                 control: TaskControl | None = None, limits: ImportLimits | None = None) -> ImportReport:
    """Import files and folders of plain documents; problems with single files are reported, not raised.

    A path that does not exist (or an unsupported file named explicitly) is a ``UserError``
    raised before anything is written. Cancelling stops after the current file; what was read
    until then is still written. ``limits`` (the project's own when None) refuses a file or
    document that is too big, like any other bad file: reported, nothing of it written.
    """
    control = control or TaskControl()
    files = collect_files(paths)
    writer = CorpusWriter(project, text_column=text_column, limits=limits or project_limits(project))
    try:
        for index, path in enumerate(files):
            control.raise_if_cancelled()
            try:
                writer.add_file(path)
            except UserError as error:
                writer.report.failures.append((display_name(path), str(error)))
            control.report(index + 1, len(files), str(path))
    except Cancelled:
        writer.report.cancelled = True
    writer.flush()
    return writer.report


def _existing_hashes(project: Project) -> dict[str, int]:
    with project.engine.connect() as connection:
        return dict(connection.execute(sa.select(DOC.c.content_hash, DOC.c.id)).all())


def _merge(report: ImportReport, written: ImportReport) -> None:
    """Add what a committed transaction wrote to the import's report."""
    report.imported += written.imported
    report.duplicates += written.duplicates


def _write(project: Project, connection: Connection, batch: _Batch, report: ImportReport) -> None:
    """Insert a batch's documents in the caller's transaction, which holds the import lock.

    Texts another process imported since this import looked are duplicates now, reported as
    such. One timestamp for the whole batch. On SQLite the rows go to the driver's
    ``executemany`` (``_insert_sqlite``); on PostgreSQL as SQLAlchemy's multi-row INSERT …
    RETURNING statements ("insertmanyvalues", up to a thousand rows each), the ids coming back
    with the rows.
    """
    if not batch.rows:
        return
    now = utcnow()
    arrived = _ids_by_hash(connection, [row.content_hash for row in batch.rows])
    rows = [row for row in batch.rows if row.content_hash not in arrived]
    if not rows:
        ids: dict[str, int] = {}
    elif connection.dialect.name == "sqlite":
        ids = _insert_sqlite(connection, rows, now)
    else:
        statement = DOC.insert().values(created_at=now, updated_at=now).returning(DOC.c.content_hash, DOC.c.id)
        ids = dict(connection.execute(statement, [row._asdict() for row in rows]).all())
    project.note_change(document_list=True, documents=ids.values())
    for row in batch.rows:
        digest = row.content_hash
        if digest in arrived:
            report.duplicates.append(SkippedDuplicate(row.source, row.title, arrived[digest]))
        else:
            report.imported.append(ImportedDocument(ids[digest], row.name, row.title, row.source))




def _insert_sqlite(connection: Connection, rows: list[_Row], now: datetime) -> dict[str, int]:
    """Insert ``rows`` with sqlite3's ``executemany`` on the transaction's own DBAPI connection;
    return the new ids by text hash.

    Why not SQLAlchemy: its per-row work (a dict a row, bound-value processing, the RETURNING
    rows) cost about as much as SQLite's own for 10,000 articles (0.45 s of 1 s). The values are
    what SQLAlchemy would bind: ``meta`` and the timestamps pass through their column types' own
    converters (``store.driver_rows``), the batch's timestamp and an empty ``meta`` once.

    The transaction holds the database's write lock (``hold_import_lock``) and ``document`` has
    no AUTOINCREMENT, so the new rows get the ids just above the highest one, in order; they are
    read back as such. The insert trigger, which records each new document as pending for the
    catch-up, is turned off on this connection for the insert (SQLite re-prepares statements
    when it changes; it is turned on again whatever happens) and the same rows are recorded in
    one statement instead (``SQLITE_PENDING_ABOVE``): the trigger run a row at a time cost a
    third of the insert. A test holds the trigger to what that statement repeats. Past the
    largest id SQLite picks ids at random: then the trigger runs and the ids are looked up by hash.
    """
    dbapi = connection.connection.driver_connection
    assert isinstance(dbapi, sqlite3.Connection)
    dialect = connection.dialect
    to_json, to_stamp = bind_converter(dialect, DOC.c.meta), bind_converter(dialect, DOC.c.created_at)
    assert to_json is not None and to_stamp is not None  # SQLite stores JSON and times as text
    stamp = to_stamp(now)
    empty = to_json({})
    values = [(*row[:7], to_json(row.meta) if row.meta else empty, row.text, row.language, stamp, stamp)
              for row in rows]
    statement = positional_insert(dialect, DOC, (*_COLUMNS, "created_at", "updated_at"))
    cursor = dbapi.cursor()
    try:
        (highest,) = cursor.execute("SELECT coalesce(max(id), 0) FROM document").fetchone()
        if highest + len(rows) >= _LARGEST_ROWID:
            cursor.executemany(statement, values)
            return _ids_by_hash(connection, [row.content_hash for row in rows])
        dbapi.setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_TRIGGER, False)
        try:
            cursor.executemany(statement, values)
        finally:
            dbapi.setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_TRIGGER, True)
        cursor.execute(SQLITE_PENDING_ABOVE, (highest,))
        return dict(cursor.execute("SELECT content_hash, id FROM document WHERE id > ?", (highest,)).fetchall())
    finally:
        cursor.close()


_LARGEST_ROWID = 2**63 - 1


def _ids_by_hash(connection: Connection, hashes: list[str]) -> dict[str, int]:
    """The ids of the documents holding these texts, for those the project has."""
    ids: dict[str, int] = {}
    for start in range(0, len(hashes), 500):
        ids.update(connection.execute(
            sa.select(DOC.c.content_hash, DOC.c.id).where(DOC.c.content_hash.in_(hashes[start:start + 500]))).all())
    return ids
