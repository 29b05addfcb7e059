"""Turning a project location into a configured SQLAlchemy engine.

A project is one database, named by a path (SQLite, the default) or by a URL (``sqlite:///…``,
later ``postgresql://…``). SQLite is set up for safety over speed of bulk writes: WAL journal so
readers never block the writer, foreign keys enforced, and ``synchronous=FULL`` so a committed
edit survives a power cut, not just a crash.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from annotator.errors import Errors, UserError

SQLITE_MAGIC = b"SQLite format 3\x00"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def is_url(location: str | Path) -> bool:
    """True for ``scheme://…`` locations; everything else is a file path."""
    return "://" in str(location)


def location_to_url(location: str | Path) -> sa.URL:
    """A SQLAlchemy URL for a path or URL; relative paths are made absolute.

    A plain ``postgresql://`` URL (what ``psql`` and server admins hand out) is served by
    psycopg 3, the driver annotator installs, rather than SQLAlchemy's default psycopg2.
    """
    if is_url(location):
        try:
            url = sa.make_url(str(location))
        except (sa.exc.ArgumentError, ValueError) as exc:
            raise UserError(Errors.E114.format(location=location, reason=exc)) from exc
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        if url.get_backend_name() not in SUPPORTED_BACKENDS:
            raise UserError(Errors.E113.format(location=location, scheme=url.drivername))
        return url
    return sa.URL.create("sqlite", database=str(Path(location).expanduser().resolve()))


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


def _configure_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_project_engine(url: sa.URL) -> Engine:
    """An engine for ``url`` with the per-connection settings every project needs."""
    if url.get_backend_name() == "sqlite":
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        sa.event.listen(engine, "connect", _configure_sqlite)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


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


def insert_unless_present(connection: sa.Connection, table: sa.Table, values: dict[str, object],
                          key: list[str]) -> None:
    """Insert a row unless one with the same ``key`` (a unique constraint) already exists.

    Two analysts on one server may register the same new annotator or label at the same
    moment; ``ON CONFLICT DO NOTHING`` (SQLite and PostgreSQL alike) lets the second simply
    find the first one's row instead of failing on the unique constraint.
    """
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    connection.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=key))
