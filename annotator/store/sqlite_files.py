"""Touching SQLite project files without ever breaking an open connection's locks.

SQLite coordinates processes with POSIX advisory locks, and POSIX drops *every* lock a process
holds on a file as soon as *any* descriptor of that file is closed in the process ("How To
Corrupt An SQLite Database File", 2.2). A plain ``open()``/``close()`` of the project file (to
read its magic bytes, hash it, compare it, or read it as an import by mistake) silently leaves
the process's own connection unprotected: another process closing its connection then
checkpoints and deletes the WAL this process keeps writing into, and every later edit is lost
at the next crash. SQLite itself avoids the trap by keeping such descriptors open until the
process's last lock on the file is gone, so this module goes through SQLite for every look at a
database file, and keeps a register of the database files this process has connections to, so
code that must read user files byte by byte can refuse one of those instead of reading it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import Counter
from pathlib import Path

from annotator.errors import Errors, UserError

SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
_SQLITE_CORRUPT, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 14, 26  # SQLite's primary result codes

_FileKey = tuple[int, int]  # (st_dev, st_ino): the file itself, whatever name or link reaches it
_open_files: Counter[_FileKey] = Counter()
_open_names: dict[_FileKey, Path] = {}  # the name each open file was opened by, for messages
# The identities of open databases' -wal and -shm files once seen: they keep their inode while a
# connection is open (SQLite deletes them only when the last one closes), so a link to one under
# another name is recognised with no stat per file judged. Forgotten when a count changes.
_side_keys: dict[str, _FileKey] = {}  # by name: a Path made and hashed a file judged cost 0.1 ms
_open_lock = threading.Lock()


def connect(path: Path, *, query: str = "", timeout: float = 5.0) -> sqlite3.Connection:
    """``sqlite3.connect`` for a file a user named, refusing (``ValueError``) anything but a
    regular file: SQLite opening a named pipe waits for a writer forever, and retries when a
    signal interrupts it, so nothing could stop the command."""
    if not path.is_file():
        raise ValueError("it is not a regular file (a folder, device, pipe or socket)")
    return sqlite3.connect(f"{path.absolute().as_uri()}{query}", uri=True, timeout=timeout)


def header_problem(path: Path) -> str | None:
    """What SQLite says is wrong with ``path`` as a database (not one at all, or damaged), or
    None when it reads as one (an empty file counts as a new one) or the question must wait for
    the real open (locked, say). The look goes through SQLite, so it is safe even while this
    process has the file open: an ordinary connection that only reads, which sees the WAL as
    every connection does; where no WAL side file can be made (a read-only folder), the file is
    read ``immutable``, as it is, since then nobody can be writing it."""
    for query in ("", "?immutable=1"):
        try:
            reader = connect(path, query=query, timeout=1)
        except ValueError as exc:
            return str(exc)
        try:
            reader.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as exc:
            code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
            if code == _SQLITE_CANTOPEN:
                continue
            if code == _SQLITE_NOTADB:
                return "the file is not a SQLite database"
            return f"SQLite finds it damaged ({exc})" if code == _SQLITE_CORRUPT else None
        finally:
            reader.close()
        return None
    return None


def _key(path: Path) -> _FileKey | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def connection_opened(path: Path) -> _FileKey | None:
    """Count one more live SQLite connection to ``path`` in this process; the key to give back
    to ``connection_closed`` (the file's identity then, which a later rename does not change)."""
    key = _key(path)
    if key is not None:
        with _open_lock:
            _open_files[key] += 1
            _open_names[key] = path
            _side_keys.clear()
    return key


def connection_closed(key: _FileKey | None) -> None:
    """Count one live SQLite connection fewer to the file ``connection_opened`` returned."""
    if key is None:
        return
    with _open_lock:
        _open_files[key] -= 1
        _side_keys.clear()
        if _open_files[key] <= 0:
            del _open_files[key]
            _open_names.pop(key, None)


def database_open_here(path: Path | str, status: os.stat_result | None = None) -> Path | None:
    """The database file this process has connections to that ``path`` is, or is a side file
    (WAL, shared memory, journal) of; None when it is neither. Hard links and symbolic links are
    seen through: the file's identity is compared, not its name.

    ``status``: ``os.stat(path)`` when the caller took it already (an import stats each file
    once and judges it by that one look, 10,000 stats fewer for 10,000 articles); only a name
    ending in a side suffix costs another look, at the database file the name points to. A link
    to a -wal or -shm file under another name is recognised by the side files' identities, looked
    up once while the connections last."""
    with _open_lock:
        if not _open_files:
            return None
        key = (status.st_dev, status.st_ino) if status is not None else _key(Path(path))
        if key is not None and key in _open_files:
            return _open_names[key]
        name = os.fspath(path)
        for suffix in SIDE_SUFFIXES:
            if name.endswith(suffix):
                database_key = _key(Path(name[: -len(suffix)]))
                if database_key is not None and database_key in _open_files:
                    return _open_names[database_key]
        return _side_file_of(key) if key is not None else None


def _side_file_of(key: _FileKey) -> Path | None:
    """The open database whose -wal or -shm file ``key`` is (a link to it under another name).
    Called with ``_open_lock`` held. A side file not there yet is looked for again next time."""
    for database in _open_names.values():
        for suffix in ("-wal", "-shm"):  # a -journal comes and goes per transaction: its name is enough
            side = f"{database}{suffix}"
            side_key = _side_keys.get(side)
            if side_key is None:
                side_key = _key(Path(side))
                if side_key is None:
                    continue
                _side_keys[side] = side_key
            if side_key == key:
                return database
    return None


def refuse_open_database(path: Path | str, what: str, status: os.stat_result | None = None) -> None:
    """Raise a ``UserError`` when ``path`` is (a side file of) a database open in this process.

    Readers of user files call this before reading one byte by byte: reading the project itself
    as an input would drop the process's SQLite locks on it (see the module docstring).
    ``what`` says how the file was about to be used ("import", "schema file"…); ``status`` is
    ``os.stat(path)`` when the caller has it (see ``database_open_here``)."""
    database = database_open_here(path, status)
    if database is not None:
        raise UserError(Errors.E146.format(path=path, database=database, what=what))
