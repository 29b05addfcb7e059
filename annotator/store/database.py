"""Turning a project location into a configured SQLAlchemy engine.

A project is one database, named by a path (SQLite, the default) or by a URL (``sqlite:///…``,
later ``postgresql://…``). SQLite is set up for safety over speed of bulk writes: WAL journal so
readers never block the writer, foreign keys enforced, and ``synchronous=FULL`` so a committed
edit survives a power cut, not just a crash.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from annotator.errors import Errors, UserError
from annotator.store import sqlite_files
from annotator.store.failures import BUSY_TIMEOUT_SECONDS

SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def is_url(location: str | Path) -> bool:
    """True for ``scheme://…`` locations; everything else is a file path."""
    return "://" in str(location)


def location_to_url(location: str | Path) -> sa.URL:
    """A SQLAlchemy URL for a path or URL; relative paths are made absolute.

    A plain ``postgresql://`` URL (what ``psql`` and server admins hand out) is served by
    psycopg 3, the driver annotator installs, rather than SQLAlchemy's default psycopg2; a URL
    naming another driver (``postgresql+asyncpg://``) is refused, as is an option the database
    would not understand, so neither surfaces later as a missing module or a "damaged" project.
    """
    if not is_url(location):
        return sa.URL.create("sqlite", database=str(Path(location).expanduser().resolve()))
    try:
        url = sa.make_url(str(location))
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise UserError(Errors.E114.format(location=shown_location(location), reason=exc)) from exc
    if url.get_backend_name() not in SUPPORTED_BACKENDS:
        raise UserError(Errors.E113.format(location=shown_location(location), scheme=url.drivername))
    driver = _DRIVERS.get(url.drivername)
    if driver is None:
        raise UserError(Errors.E181.format(location=shown_location(location), scheme=url.drivername,
                                           backend=url.get_backend_name()))
    url = url.set(drivername=driver)
    if driver == "sqlite":
        if url.query:
            raise UserError(Errors.E114.format(location=shown_location(location), reason=(
                f"a SQLite URL takes no options (it has ?{'&'.join(url.query)}); give the file's path")))
        if url.database not in (None, "", ":memory:"):
            url = url.set(database=str(Path(url.database).expanduser().resolve()))
        return url
    unknown = sorted(set(url.query) - _postgres_options())
    if unknown:
        raise UserError(Errors.E114.format(location=shown_location(location), reason=(
            f"PostgreSQL has no connection option {', '.join(unknown)}")))
    return url


_DRIVERS = {"sqlite": "sqlite", "sqlite+pysqlite": "sqlite", "postgresql": "postgresql+psycopg",
            "postgres": "postgresql+psycopg", "postgresql+psycopg": "postgresql+psycopg"}


def _postgres_options() -> set[str]:
    """The connection options libpq knows (``sslmode``, ``connect_timeout``…), from libpq itself."""
    from psycopg import pq

    return {option.keyword.decode() for option in pq.Conninfo.get_defaults()}


def shown_location(location: str | Path) -> str:
    """A location fit for messages and window titles: a URL's password becomes ``***``."""
    if not is_url(location):
        return str(location)
    try:
        return sa.make_url(str(location)).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        return str(location).split("@")[-1]


def sqlite_path(url: sa.URL) -> Path | None:
    """The database file behind a SQLite URL, or None for other backends and in-memory ones."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _configure_sqlite(dbapi_connection, *, read_only: bool) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    if not read_only:  # choosing the journal mode writes the file header
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.close()


def create_project_engine(url: sa.URL, *, read_only: str | None = None, immutable: bool = False) -> Engine:
    """An engine for ``url`` with the per-connection settings every project needs.

    ``read_only`` (the reason, e.g. "the file is read-only") opens a SQLite file with SQLite's
    read-only mode; ``immutable`` reads it as it is, without the WAL's shared-memory file, for a
    folder where SQLite can create no side file and so nobody can be writing. Every connection
    to a file is counted in ``sqlite_files`` while it lives, so nothing in this process reads
    that file outside SQLite meanwhile.
    """
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    path = sqlite_path(url)
    if read_only and path is not None:
        uri = f"{path.as_uri()}?{'immutable=1' if immutable else 'mode=ro'}"
        engine = sa.create_engine(url, creator=lambda: sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False))
    else:
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False})

    def configure(dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        _configure_sqlite(dbapi_connection, read_only=bool(read_only))
        if path is not None:
            record.info["file_key"] = sqlite_files.connection_opened(path)

    def forget(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        sqlite_files.connection_closed(record.info.pop("file_key", None))

    sa.event.listen(engine, "connect", configure)
    sa.event.listen(engine, "close", forget)
    return engine


def advance_id_sequences(connection: sa.Connection, tables: list[sa.Table]) -> None:
    """After rows were inserted with explicit ids, move PostgreSQL's id sequences past them.

    SQLite picks the next rowid from the table itself; PostgreSQL draws it from a sequence that
    explicit ids do not advance, so the next ordinary insert would collide. Never moves back.
    """
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        sequence = connection.execute(sa.text("SELECT pg_get_serial_sequence(:table, 'id')"),
                                      {"table": table.name}).scalar_one()
        if sequence is None:
            continue
        largest = connection.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one()
        last_value, is_called = connection.execute(sa.text(f"SELECT last_value, is_called FROM {sequence}")).one()
        target = max(largest, last_value if is_called else 0)
        if target > 0:
            connection.execute(sa.text("SELECT setval(:sequence, :value, true)"),
                               {"sequence": sequence, "value": target})


_IMPORT_LOCK = 0x616E6E6F  # "anno": PostgreSQL advisory lock key taken by transactions adding documents


def hold_import_lock(connection: sa.Connection) -> None:
    """Make the caller's transaction the only one adding documents until it ends.

    An import reads which texts the project has, then inserts the others; two processes
    importing the same file at once would both find a text missing and the second would fail
    on the unique text hash. Taken first, this lock makes the read and the insert one step:
    on PostgreSQL an advisory lock held to the end of the transaction; on SQLite the
    database's single write lock, which a transaction otherwise takes only at its first write
    (a write that changes nothing takes it at once, waiting for another writer as any write
    does). Edits by analysts meanwhile are not held up on PostgreSQL, and on SQLite wait only as
    they would for the import's own writes.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _IMPORT_LOCK})
    else:
        connection.execute(sa.text("UPDATE project_setting SET value = value WHERE 0"))


def insert_unless_present(connection: sa.Connection, table: sa.Table, values: dict[str, object],
                          key: list[str]) -> None:
    """Insert a row unless one with the same ``key`` (a unique constraint) already exists.

    Two analysts on one server may register the same new annotator or label at the same
    moment; ``ON CONFLICT DO NOTHING`` (SQLite and PostgreSQL alike) lets the second simply
    find the first one's row instead of failing on the unique constraint.
    """
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    connection.execute(dialect.insert(table).values(**values).on_conflict_do_nothing(index_elements=key))


def inserted_id(result: sa.CursorResult[Any]) -> int:
    """The primary key of the row an ``INSERT`` statement just made."""
    key = result.inserted_primary_key
    assert key is not None, "a single-row insert reports its key"
    return int(key[0])
