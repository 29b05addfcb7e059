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

SQLITE_MAGIC = b"SQLite format 3\x00"


def is_url(location: str | Path) -> bool:
    """True for ``scheme://…`` locations; everything else is a file path."""
    return "://" in str(location)


def location_to_url(location: str | Path) -> sa.URL:
    """A SQLAlchemy URL for a path or URL; relative paths are made absolute."""
    if is_url(location):
        return sa.make_url(str(location))
    return sa.URL.create("sqlite", database=str(Path(location).expanduser().resolve()))


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
