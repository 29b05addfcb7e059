"""What the database and the operating system can refuse, told as catalogue messages.

A read-only file, a full disk, a lock held too long by another program, a failing drive, a
damaged file, a lost connection to the team's server: an analyst meets these, and each gets a
message saying what happened and what to do, never a driver traceback. The translation is one
``handle_error`` hook on the project's engine, so it covers every statement the store runs
(and connecting), whichever module ran it; anything not listed here (constraint violations the
store handles itself, programming errors) passes through untouched. The transaction the error
interrupted is rolled back by SQLAlchemy as usual, so "nothing was changed" stays true.
"""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, ExceptionContext

from annotator.errors import Errors, UserError

BUSY_TIMEOUT_SECONDS = 30  # SQLite waits this long for another process's lock (database.py)

# SQLite's primary result codes (extended codes carry them in the low byte)
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_NOTADB = 10, 11, 13, 26

# PostgreSQL SQLSTATEs (psycopg's ``sqlstate``)
_PG_READ_ONLY = {"25006", "42501"}  # read_only_sql_transaction, insufficient_privilege
_PG_DISK_FULL = {"53100", "53200"}  # disk_full, out_of_memory
_PG_LOCK_TIMEOUT = {"55P03", "57014"}  # lock_not_available, query_canceled (a statement timeout)


def install(engine: Engine, location: str, *, read_only: str | None = None) -> None:
    """Translate the engine's operating-system and server failures into ``UserError``s.

    ``location`` is the project as the analyst named it (a URL's password already hidden);
    ``read_only`` the reason a project was opened read-only, which a refused write repeats.
    """
    sa.event.listen(engine, "handle_error", partial(_translate, location=location, read_only=read_only))


def _translate(context: ExceptionContext, *, location: str, read_only: str | None) -> UserError | None:
    if context.is_pre_ping:  # the pool tests a connection and replaces it quietly on failure
        return None
    original = context.original_exception
    if isinstance(original, sqlite3.Error):
        return _sqlite_error(original, context, location, read_only)
    if isinstance(original, UnicodeDecodeError) and context.dialect.name == "sqlite":
        # SQLite's message quoted damaged bytes (a garbled schema entry) that Python cannot decode
        return _damaged(context, location, "SQLite found text in it that is not UTF-8")
    if context.is_disconnect:
        return UserError(Errors.E151.format(location=location, reason=_first_line(original)))
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate in _PG_READ_ONLY:
        return UserError(Errors.E158.format(location=location, reason=_first_line(original)))
    if sqlstate in _PG_DISK_FULL:
        return UserError(Errors.E159.format(location=location, reason=_first_line(original)))
    if sqlstate in _PG_LOCK_TIMEOUT:
        return UserError(Errors.E149.format(location=location, seconds=BUSY_TIMEOUT_SECONDS))
    return None


def _sqlite_error(error: sqlite3.Error, context: ExceptionContext, location: str,
                  read_only: str | None) -> UserError | None:
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    reason = _first_line(error)
    if code == _SQLITE_READONLY or (code == _SQLITE_PERM and read_only):
        return UserError(Errors.E147.format(location=location, reason=read_only or reason))
    if code == _SQLITE_FULL:
        return UserError(Errors.E148.format(location=location))
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return UserError(Errors.E149.format(location=location, seconds=BUSY_TIMEOUT_SECONDS))
    if code == _SQLITE_IOERR:
        return UserError(Errors.E150.format(location=location, reason=reason))
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or _undecodable(error):
        return _damaged(context, location, reason)
    return None


def _undecodable(error: sqlite3.Error) -> bool:
    """A text value that is not UTF-8 can only come from damage: annotator writes valid text."""
    return isinstance(error, sqlite3.OperationalError) and "Could not decode to UTF-8" in str(error)


def _damaged(context: ExceptionContext, location: str, reason: str) -> UserError:
    from annotator.store.backups import damaged_project_error
    from annotator.store.database import sqlite_path

    path = sqlite_path(context.engine.url) if context.engine is not None else None
    if path is None:
        return UserError(Errors.E104.format(location=location, reason=reason))
    return damaged_project_error(Path(path), location, reason)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
