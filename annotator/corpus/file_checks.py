"""Is this path an ordinary file, with a name a project can store? Asked before a file is opened.

Opening is where the harm is: opening a named pipe (FIFO) for reading waits until some other
program opens it for writing, possibly forever, and a device such as /dev/zero or /dev/urandom
never reaches its end. So the kind of file is checked with ``os.stat`` first (a link is judged
by what it points to), and reading opens with ``O_NONBLOCK`` and checks again on the open file,
so that a file swapped for a pipe in between cannot block either. A database this process has
open is never read as an input (see ``regular_file_stat``).

A file name whose bytes are not UTF-8 (copied from an old Windows or Latin-1 system) reaches
Python with "surrogate escapes" in it, which no database column and no UTF-8 output can hold:
such a file is refused by name, and its name is shown with the odd bytes as ``\\xNN``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from annotator.errors import Errors, UserError
from annotator.limits import ImportLimits
from annotator.storable import display_name
from annotator.store.sqlite_files import refuse_open_database

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def has_storable_name(path: Path | str) -> bool:
    """False when the path holds bytes that are not UTF-8 (Python's surrogate escapes)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_storable_name(path: Path) -> None:
    """Refuse a file whose path a project cannot store as the document's source (E340)."""
    if not has_storable_name(path):
        raise UserError(Errors.E340.format(path=display_name(path)))


def special_kind(mode: int) -> str | None:
    """What a file of this ``st_mode`` is when it is not a regular file ("a named pipe (FIFO)")."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not a file")


def not_regular_error(path: Path, mode: int) -> UserError:
    """E341 for ``path``, saying what it is, and where it leads when it is a link."""
    link = f" (it is a link to {display_name(os.path.realpath(path))})" if os.path.islink(path) else ""
    return UserError(Errors.E341.format(path=display_name(path), kind=special_kind(mode), link=link))


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_IMPORTED = "a file to import"
BLOCK_BYTES = 1 << 20  # the reads after the first, for a file that grew after its stat


def regular_file_stat(path: Path | str) -> os.stat_result:
    """``os.stat(path)``, refusing anything but a regular file; E303 when it cannot be looked at.

    The project database this process has open is refused too (E146), judged by this same look
    (its device and inode), before anything opens the file: reading it byte by byte would drop
    the process's SQLite locks on it (``annotator.store.sqlite_files``). One stat a file, since
    an import asks this of every article."""
    try:
        status = os.stat(path)
    except OSError as exc:
        refuse_open_database(path, _IMPORTED)  # a WAL or journal name of the project, gone just now
        raise UserError(Errors.E303.format(path=display_name(path), reason=exc.strerror or exc)) from exc
    refuse_open_database(path, _IMPORTED, status)
    if not stat.S_ISREG(status.st_mode):
        raise not_regular_error(Path(path), status.st_mode)
    return status


def read_regular_bytes(path: Path | str, limits: ImportLimits) -> bytes:
    """The bytes of a regular file no larger than ``limits`` allows; never blocks on a pipe.

    Every failure is a ``UserError`` naming the file: not a regular file (E341), too large
    (E330, judged by the size on disk before reading, and again by what was read when the file
    grew meanwhile), unreadable (E303). Read through the descriptor, in one read of the size the
    stat gave (plus the read that finds the end): an article costs a stat, an open, an fstat and
    two reads, with no buffered file object around them.
    """
    size = regular_file_stat(path).st_size
    if size > limits.max_file_bytes:
        limits.check_file_size(size, display_name(path))
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise UserError(Errors.E303.format(path=display_name(path), reason=exc.strerror or exc)) from exc
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):  # replaced by a pipe or device since the stat
            raise not_regular_error(Path(path), mode)
        data = os.read(descriptor, size + 1)
        if not data:
            return data
        more = os.read(descriptor, BLOCK_BYTES)
        if not more:
            return data
        return _read_rest(descriptor, path, limits, [data, more])
    except OSError as exc:
        raise UserError(Errors.E303.format(path=display_name(path), reason=exc.strerror or exc)) from exc
    finally:
        os.close(descriptor)


def _read_rest(descriptor: int, path: Path | str, limits: ImportLimits, blocks: list[bytes]) -> bytes:
    """The rest of a file that grew after its stat (or came in short reads), within the limit."""
    total = sum(map(len, blocks))
    while blocks[-1]:
        limits.check_file_size(total, display_name(path))
        blocks.append(os.read(descriptor, BLOCK_BYTES))
        total += len(blocks[-1])
    return b"".join(blocks)


def open_regular_file(path: Path, limits: ImportLimits) -> BinaryIO:
    """``path`` opened for reading in binary, with ``read_regular_bytes``'s checks and errors; for
    a reader that streams a file in blocks instead of holding it whole."""
    size = regular_file_stat(path).st_size
    if size > limits.max_file_bytes:
        limits.check_file_size(size, display_name(path))
    try:
        handle = open(os.open(path, _OPEN_FLAGS), "rb")
    except OSError as exc:
        raise UserError(Errors.E303.format(path=display_name(path), reason=exc.strerror or exc)) from exc
    mode = os.fstat(handle.fileno()).st_mode
    if not stat.S_ISREG(mode):  # replaced by a pipe or device since the stat above
        handle.close()
        raise not_regular_error(path, mode)
    return handle
