"""Copying a whole project from one database to another: SQLite and PostgreSQL, any direction.

``annotator copy SOURCE TARGET`` is how a team moves a project from a file onto a server (or back
to a file to take it offline). The copy is exact: every row of every table, with its id, so
relations, notes, actor links, decided suggestions and gold provenance still point at the same
rows, and the project settings (label schema, spaCy pipeline) and timestamps come along.

Decisions:
- The target must be new or empty (no tables): nothing a user had there is ever overwritten or
  merged with. It is checked before anything is opened for writing, so a refused copy changes
  nothing, not even the source (which ``Project.open`` would upgrade if it were older).
- The target is built at the head schema (``create_head_schema``, as a new project is) and
  filled in the same transaction, so a failure or a cancel leaves no half-copied project: on
  PostgreSQL the database is empty again, a SQLite file the copy created is removed.
- Only the tables of the models' metadata are copied, parents before children
  (``sorted_tables``). Alembic's version table is written by the target's own creation, and
  whatever the database derives from those tables (indexes, a full-text index kept by triggers)
  is rebuilt by the target itself as the rows arrive; SQLite's internal tables are never read.
- The source is read in one snapshot (a read transaction on SQLite, REPEATABLE READ on
  PostgreSQL), streamed in batches, so an analyst editing meanwhile cannot produce a copy with
  a span whose document is missing, and memory stays flat whatever the size.
- JSON columns travel as their stored text, untouched: no parse and re-serialise that could
  reorder or reformat anything, and a SQL NULL stays NULL rather than becoming JSON ``null``.
- Timestamps are written as UTC: SQLite keeps them as UTC wall-clock text, PostgreSQL as
  ``timestamptz`` read back in the session's zone, and either side's value is the same instant.
- Rows go into PostgreSQL with ``COPY … FROM STDIN`` (its bulk-loading path) and into SQLite
  with sqlite3's ``executemany``, foreign keys checked once before the commit, not per row.
- After a copy into PostgreSQL each id sequence is moved past the largest id copied
  (``advance_id_sequences``), so the next span added does not collide with a copied one.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from annotator.errors import Errors, UserError
from annotator.store import sqlite_files
from annotator.store.database import (
    advance_id_sequences,
    create_project_engine,
    is_url,
    location_to_url,
    sqlite_path,
)
from annotator.store.driver_rows import bind_converter, positional_insert
from annotator.store.migrate import create_head_schema
from annotator.store.models import METADATA
from annotator.store.project import Project
from annotator.tasks import Cancelled, TaskControl

BATCH_ROWS = 1000  # rows per read and per write (one COPY or executemany): flat memory, few round trips


@dataclass
class CopyReport:
    """What a copy wrote: rows per table (in copy order) and how long it took."""

    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    source_backup: Path | None = None  # written when an older source was upgraded before copying
    cancelled: bool = False

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def copy_project(source_location: str | Path, target_location: str | Path,
                 control: TaskControl | None = None) -> CopyReport:
    """Copy the project at ``source_location`` into the new or empty ``target_location``.

    Progress is reported in rows; a cancel returns a report with ``cancelled`` set and leaves
    the target as it was (a file the copy created is removed).
    """
    control = control or TaskControl()
    source_url, target_url = location_to_url(source_location), location_to_url(target_location)
    report = CopyReport(source=shown(source_location), target=shown(target_location))
    if source_url == target_url:
        raise UserError(Errors.E142.format(location=report.target))
    _check_target_is_empty(target_url, report.target)
    _check_source_has_tables(source_url, report.source)
    started = time.perf_counter()
    with Project.open(source_location, create=False) as source:
        report.source_backup = source.backup_path
        target_path = sqlite_path(target_url)
        created_file = target_path is not None and not target_path.exists()
        target = create_project_engine(target_url)
        try:
            with source.engine.connect() as read:
                _copy_tables(_snapshot(read), target, report, control)
        except BaseException as exc:  # the transaction is rolled back; also remove a file made for it
            target.dispose()
            if created_file and target_path is not None:
                _remove_sqlite_file(target_path)
            if not isinstance(exc, Cancelled):
                raise
            report.rows.clear()
            report.cancelled = True
        finally:
            target.dispose()
    report.seconds = time.perf_counter() - started
    return report


def shown(location: str | Path) -> str:
    """A location as messages show it: a URL without its password, a path as given."""
    if is_url(location):
        return sa.make_url(str(location)).render_as_string(hide_password=True)
    return str(location)


# --- checks before anything is written ------------------------------------------------------------


def _table_names(url: sa.URL) -> list[str]:
    """The tables (and views) a database holds, read without changing it in any way.

    A SQLite file is opened read-only with plain sqlite3: the project engine would switch the
    file to WAL on connecting, which is already a change to someone else's database.
    """
    path = sqlite_path(url)
    if path is not None:
        if not path.exists():
            return []
        database = sqlite_files.connect(path, query="?mode=ro")
        try:
            return [name for (name,) in database.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name")]
        finally:
            database.close()
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            return sorted(inspector.get_table_names() + inspector.get_view_names())
    finally:
        engine.dispose()


def _check_target_is_empty(url: sa.URL, target: str) -> None:
    path = sqlite_path(url)
    if path is not None and not path.parent.is_dir():
        raise UserError(Errors.E143.format(target=target, reason=f"the folder {path.parent} does not exist"))
    try:
        names = _table_names(url)
    except (ValueError, sqlite3.Error, sa.exc.DBAPIError) as exc:
        raise UserError(Errors.E143.format(target=target, reason=_reason(exc))) from exc
    if names:
        listed = ", ".join(names[:6]) + (", …" if len(names) > 6 else "")
        raise UserError(Errors.E140.format(target=target, count=len(names), tables=listed))


def _check_source_has_tables(url: sa.URL, source: str) -> None:
    """Refuse a source with nothing in it before ``Project.open`` would make a new project there."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise UserError(Errors.E141.format(source=source, reason="the file does not exist"))
    try:
        names = _table_names(url)
    except (ValueError, sqlite3.Error, sa.exc.DBAPIError) as exc:
        raise UserError(Errors.E101.format(location=source, reason=_reason(exc))) from exc
    if not names:
        raise UserError(Errors.E141.format(source=source, reason="it holds no tables"))


# --- the copy -------------------------------------------------------------------------------------


def _snapshot(read: Connection) -> Connection:
    """Make every read on ``read`` see the source as it was at its first read."""
    if read.dialect.name == "sqlite":
        # pysqlite begins transactions only before writes; an explicit BEGIN holds the WAL
        # snapshot from the first SELECT until the connection is closed (and rolled back).
        read.exec_driver_sql("BEGIN")
        return read
    return read.execution_options(isolation_level="REPEATABLE READ")


def _copy_tables(read: Connection, target: Engine, report: CopyReport, control: TaskControl) -> None:
    """Create the head schema on ``target`` and copy every table into it, in one transaction."""
    tables = list(METADATA.sorted_tables)
    total = sum(read.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() for table in tables)
    done = 0
    control.report(0, total, "")
    try:
        write = target.connect()
    except sa.exc.DBAPIError as exc:
        raise UserError(Errors.E143.format(target=report.target, reason=_reason(exc))) from exc
    sqlite = write.dialect.name == "sqlite"
    failures = (sa.exc.DBAPIError, write.dialect.loaded_dbapi.Error)
    with write:
        if sqlite:
            # Checking every row's parents as it arrives costs a third of the copy; one
            # foreign_key_check before the commit finds the same problems (as migrations do).
            # The pragma only takes effect outside a transaction; the engine is disposed after.
            write.exec_driver_sql("PRAGMA foreign_keys=OFF")
            write.commit()
        with write.begin():
            if sqlite:
                # pysqlite begins a transaction only before INSERTs, so the CREATE TABLEs would be
                # committed one by one and outlive a failed copy into an existing empty file.
                write.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                create_head_schema(write)
            except sa.exc.DBAPIError as exc:  # e.g. no CREATE right on the server's schema
                raise UserError(Errors.E143.format(target=report.target, reason=_reason(exc))) from exc
            for table in tables:
                report.rows[table.name] = 0
                write_batch = _batch_writer(write, table)
                key_column = next(iter(table.primary_key.columns))  # id; document_id for statuses
                key = list(table.columns).index(key_column)
                result = read.execution_options(yield_per=BATCH_ROWS).execute(_select(table))
                for batch in result.partitions():
                    control.raise_if_cancelled()
                    try:
                        write_batch(batch)
                    except failures as exc:
                        raise UserError(Errors.E144.format(
                            table=table.name, column=key_column.name, first=batch[0][key], last=batch[-1][key],
                            target=report.target, reason=_reason(exc))) from exc
                    report.rows[table.name] += len(batch)
                    done += len(batch)
                    control.report(done, total, table.name)
            control.raise_if_cancelled()
            if sqlite:
                _check_foreign_keys(write, report)
            advance_id_sequences(write, [table for table in tables if "id" in table.c])


def _is_json(column: sa.Column[Any]) -> bool:
    return isinstance(column.type, sa.JSON)


def _select(table: sa.Table) -> sa.Select[Any]:
    """All of a table's rows in key order; JSON columns as their stored text."""
    columns = [sa.cast(column, sa.Text).label(column.name) if _is_json(column) else column
               for column in table.columns]
    return sa.select(*columns).order_by(*table.primary_key.columns)


def _batch_writer(write: Connection, table: sa.Table) -> Callable[[Sequence[Sequence[Any]]], None]:
    """How a batch of source rows goes into ``table``, at the driver level on both backends.

    PostgreSQL gets ``COPY … FROM STDIN``, its bulk-loading path (a quarter faster than
    psycopg's pipelined inserts here; most of the rest is the server's own foreign-key and
    full-text index work). One ``COPY`` per batch, so a failure names the batch's ids. SQLite
    gets sqlite3's ``executemany`` with positional rows: building SQLAlchemy's parameter dicts
    cost as much as SQLite's own work (bench_copy.py). Timestamps are made UTC and passed
    through the column type's own converter for the target (SQLAlchemy's storage format on
    SQLite); JSON goes in as the source's text, unchanged.
    """
    dialect = write.dialect
    quote = dialect.identifier_preparer
    names = ", ".join(quote.quote(column.name) for column in table.columns)
    stamps = [(index, bind_converter(dialect, column))
              for index, column in enumerate(table.columns) if isinstance(column.type, sa.DateTime)]

    def converted(row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for index, to_target in stamps:
            value = _utc(values[index])
            values[index] = value if to_target is None else to_target(value)
        return values

    if dialect.name == "postgresql":
        statement = f"COPY {quote.format_table(table)} ({names}) FROM STDIN"
        cursor: Any = write.connection.cursor()  # psycopg 3's (the driver annotator installs), with copy()

        def copy_batch(rows: Sequence[Sequence[Any]]) -> None:
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(converted(row))

        return copy_batch

    statement = positional_insert(dialect, table, [column.name for column in table.columns])

    def insert_batch(rows: Sequence[Sequence[Any]]) -> None:
        write.exec_driver_sql(statement, [tuple(converted(row)) for row in rows])

    return insert_batch


def _check_foreign_keys(write: Connection, report: CopyReport) -> None:
    """Refuse to commit a SQLite copy with rows whose parents are missing (only a source that
    was edited with its foreign keys off can have them)."""
    broken = write.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        table, rowid, parent, _key = broken[0]
        raise UserError(Errors.E145.format(source=report.source, count=len(broken), table=table, rowid=rowid,
                                           parent=parent, target=report.target))


def _utc(value: datetime | None) -> datetime | None:
    """The same instant in UTC; SQLite's naive values are UTC already (``models.utcnow``)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _remove_sqlite_file(path: Path) -> None:
    """Delete a SQLite target the copy created, with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _reason(exc: BaseException) -> str:
    """The driver's own explanation and PostgreSQL's DETAIL line (which key was missing), without
    SQLAlchemy's statement dump or PostgreSQL's quoted SQL with its caret."""
    original = getattr(exc, "orig", None)
    lines = str(original if original is not None else exc).strip().splitlines() or [""]
    kept = " ".join([lines[0]] + [line for line in lines[1:] if line.startswith("DETAIL:")])
    return " ".join(kept.split()).rstrip(".")  # the message that quotes it ends the sentence
